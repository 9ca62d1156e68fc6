import type { Transaction } from "kysely";
import type { Executor } from "../../db/database.js";
import type { Database } from "../../db/schema.js";
import { systemActor, type Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { scheduleJob } from "../jobs/schedule.js";
import { enqueueMessage } from "../outbox.js";
import { DomainError } from "../errors.js";
import { can, LEADER_ROLES } from "../permissions.js";
import { loadCalendar, type WorkingCalendar } from "./calendar.js";
import { addDays, atLocal, localDateOf, weekdayOf, type LocalDate } from "./local-time.js";

/** The due job of a committee's weekly digest to its leaders; each run schedules the next week's. */
export const WEEKLY_DIGEST = "cycle.digest";
/** The outbox template of the digest: the leaders' summary with its chart. */
export const DIGEST_TEMPLATE = "cycle:digest.summary";

/** The Monday (local date) of the week a local date falls in: a week runs Monday to Sunday. */
export const weekOf = (day: LocalDate): LocalDate => addDays(day, -((weekdayOf(day) + 6) % 7));

const jobKey = (committeeId: number, week: LocalDate) => `${WEEKLY_DIGEST}:${committeeId}:${week}`;

/**
 * The moment of a week's digest: the settings' `digest.day` at `digest.time` in the committee's zone, moved to
 * working time by the calendar (a holiday Monday sends it the next working morning).
 */
export function digestMoment(calendar: WorkingCalendar, week: LocalDate): Date {
  const s = calendar.settings;
  const day = addDays(week, (s.digestDay + 6) % 7);
  return calendar.nextWorkingMoment(atLocal(day, s.digestTime, calendar.timeZone));
}

/** The next digest of a committee from `now` on: this week's if its moment is still ahead, else next week's. */
export async function nextDigest(db: Executor, now: Date, committeeId: number): Promise<{ week: LocalDate; at: Date }> {
  const calendar = await loadCalendar(db, committeeId);
  const week = weekOf(localDateOf(now, calendar.timeZone));
  const at = digestMoment(calendar, week);
  if (at > now) return { week, at };
  const next = addDays(week, 7);
  return { week: next, at: digestMoment(calendar, next) };
}

/** When the committee's next digest is due, for the secretariat and leaders reading the cycle (cycle:show, /cycle). */
export async function nextDigestFor(ctx: CoreContext, actor: Actor, committeeId: number): Promise<Date> {
  if (!can(actor, "cycle.manage", committeeId) && !can(actor, "report.view", committeeId)) throw new DomainError("errors:forbidden");
  return (await nextDigest(ctx.db, ctx.clock(), committeeId)).at;
}

/** Schedules the committee's next weekly digest. Idempotent: the job's key is the committee and the week. */
export async function ensureDigest(db: Executor, now: Date, committeeId: number): Promise<void> {
  const { week, at } = await nextDigest(db, now, committeeId);
  await scheduleJob(db, now, { kind: WEEKLY_DIGEST, key: jobKey(committeeId, week), runAt: at, payload: { committeeId, week } });
}

/**
 * A week's digest (DESIGN.md §4: Monday 08:00 during a reporting period). It schedules the next week's first;
 * then, unless the cycle is paused, and only while a reporting period of the committee is open, queues the
 * leaders' summary to each leader (chair, standing deputy, deputies), once per committee, week and leader. Run
 * late after downtime it is sent once if still within its week; otherwise the skip is recorded.
 */
export async function runDigest(trx: Transaction<Database>, ctx: CoreContext, payload: Record<string, unknown>): Promise<void> {
  const committeeId = Number(payload.committeeId);
  const committee = await trx.selectFrom("committees").select(["id"]).where("id", "=", committeeId).executeTakeFirst();
  if (!committee) return;
  const now = ctx.clock();
  const calendar = await loadCalendar(trx, committeeId);
  const week = String(payload.week);
  const next = addDays(week, 7);
  await scheduleJob(trx, now, { kind: WEEKLY_DIGEST, key: jobKey(committeeId, next), runAt: digestMoment(calendar, next), payload: { committeeId, week: next } });
  const skip = (reason: string) => recordAudit(trx, systemActor, now, { action: "digest.skipped", objectType: "committee", objectId: committeeId, committeeId, after: { week, reason } });
  if (calendar.settings.paused) return skip("paused");
  // Sent in working time: late after downtime, only if that still falls within its week.
  const sendAt = calendar.nextWorkingMoment(now);
  if (weekOf(localDateOf(sendAt, calendar.timeZone)) !== week) return skip("week_over");
  const open = await trx
    .selectFrom("reporting_periods")
    .select("id")
    .where("committee_id", "=", committeeId)
    .where("opens_at", "<=", iso(now))
    .where("closes_at", ">", iso(now))
    .executeTakeFirst();
  if (!open) return skip("no_open_period");
  const leaders = await trx
    .selectFrom("memberships")
    .select("person_id")
    .distinct()
    .where("committee_id", "=", committeeId)
    .where("active", "=", 1)
    .where("role", "in", [...LEADER_ROLES])
    .orderBy("person_id")
    .execute();
  for (const { person_id } of leaders) {
    await enqueueMessage(trx, now, { template: DIGEST_TEMPLATE, params: { committeeId, week }, to: { personId: person_id }, committeeId, dedupeKey: `${WEEKLY_DIGEST}:${committeeId}:${week}:${person_id}`, notBefore: sendAt });
  }
}
