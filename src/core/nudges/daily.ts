import type { Transaction } from "kysely";
import type { Executor } from "../../db/database.js";
import type { CommitteeRow, Database } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { systemActor } from "../actor.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { loadCalendar, type WorkingCalendar } from "../cycle/calendar.js";
import { addDays, localDateOf, type LocalDate } from "../cycle/local-time.js";
import { DomainError } from "../errors.js";
import { scheduleJob } from "../jobs/schedule.js";
import { enqueueMessage } from "../outbox.js";
import { assertCan } from "../permissions.js";
import { nudgeMomentOf, OBLIGATION_PROVIDERS, type Obligation } from "./obligations.js";
import "./providers.js";
import "../notices/obligations.js";
import "../opinions/obligations.js";

/** The daily job of a committee: what each person owes that day, as one message per person. */
export const NUDGE_DAILY = "nudge.daily";
/** The outbox template of the bundled nudge. */
export const NUDGE_TEMPLATE = "cycle:nudge.bundle";

const jobKey = (committeeId: number, day: LocalDate) => `${NUDGE_DAILY}:${committeeId}:${day}`;

/** The first working day from `day` on. */
function workingFrom(calendar: WorkingCalendar, day: LocalDate): LocalDate {
  let d = day;
  for (let i = 0; i < 400 && calendar.isDayOff(d); i++) d = addDays(d, 1);
  return d;
}

const nudgeMoment = nudgeMomentOf;

/** Schedules the committee's daily nudge for its next working day whose nudge time is still ahead (or today's). Idempotent. */
export async function ensureNudge(db: Executor, now: Date, committeeId: number): Promise<void> {
  const calendar = await loadCalendar(db, committeeId);
  const day = workingFrom(calendar, localDateOf(now, calendar.timeZone));
  await scheduleJob(db, now, { kind: NUDGE_DAILY, key: jobKey(committeeId, day), runAt: nudgeMoment(calendar, day), payload: { committeeId, day } });
}

/** Every committee's daily nudge, at start. */
export async function ensureNudges(ctx: CoreContext): Promise<void> {
  for (const c of await ctx.db.selectFrom("committees").select("id").execute()) await ensureNudge(ctx.db, ctx.clock(), c.id);
}

/** Everything owed in a committee on the days from..to, still owed now, by person. */
export async function collectObligations(db: Executor, committee: CommitteeRow, calendar: WorkingCalendar, from: LocalDate, to: LocalDate, now: Date): Promise<Obligation[]> {
  const all: Obligation[] = [];
  const seen = new Set<string>();
  for (const p of OBLIGATION_PROVIDERS) {
    for (const o of await p.due({ db, committee, calendar, from, to, now })) {
      const key = `${o.kind}:${o.itemId}:${o.ref}:${o.personId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(o);
    }
  }
  return all;
}

/** Writes one outbox message per person for what they owe; the dedupe key (committee, person, day) makes it exactly once. */
async function writeBundles(db: Executor, now: Date, committeeId: number, today: LocalDate, items: Obligation[], notBefore: Date): Promise<number> {
  const byPerson = new Map<number, Obligation[]>();
  for (const o of items) byPerson.set(o.personId, [...(byPerson.get(o.personId) ?? []), o]);
  let queued = 0;
  for (const [personId, list] of byPerson) {
    const id = await enqueueMessage(db, now, {
      template: NUDGE_TEMPLATE,
      params: { items: JSON.stringify(list.map((o) => [o.kind, o.itemId, o.ref, o.due, o.until])), day: today },
      to: { personId },
      committeeId,
      dedupeKey: `nudge:${committeeId}:${personId}:${today}`,
      notBefore,
    });
    if (id !== undefined) queued++;
  }
  return queued;
}

/**
 * The daily job for one committee and day. It schedules the next working day's run first; then (unless the cycle
 * is paused) bundles what each person owes. Run late (the bot was stopped), it covers every day it missed up to
 * today, once: what still makes sense is sent now, what no longer does (its deadline passed) is recorded as skipped.
 */
export async function runNudgeDay(trx: Transaction<Database>, ctx: CoreContext, payload: Record<string, unknown>): Promise<void> {
  const committee = await trx.selectFrom("committees").selectAll().where("id", "=", Number(payload.committeeId)).executeTakeFirst();
  if (!committee) return;
  const now = ctx.clock();
  const calendar = await loadCalendar(trx, committee.id);
  const day = String(payload.day);
  const today = localDateOf(now, calendar.timeZone);
  const last = today > day ? today : day;
  const next = workingFrom(calendar, addDays(last, 1));
  await scheduleJob(trx, now, { kind: NUDGE_DAILY, key: jobKey(committee.id, next), runAt: nudgeMoment(calendar, next), payload: { committeeId: committee.id, day: next } });
  if (calendar.settings.paused) return;
  const found = await collectObligations(trx, committee, calendar, day, last, now);
  const live = found.filter((o) => o.until > iso(now));
  const stale = found.filter((o) => o.until <= iso(now));
  if (stale.length > 0) {
    await recordAudit(trx, systemActor, now, { action: "nudge.skipped", objectType: "committee", objectId: committee.id, committeeId: committee.id, after: { days: [day, last], items: stale.map((o) => [o.kind, o.itemId, o.personId]) } });
  }
  await writeBundles(trx, now, committee.id, last, live, calendar.nextWorkingMoment(now));
}

/** One line of `reminders:list`: who is nudged on which day about what. */
export interface UpcomingNudge {
  day: LocalDate;
  personId: number;
  fullName: string;
  kind: string;
  itemId: number;
  due: string;
}

/** The nudges of the coming `days` working days, as things stand now (what is answered meanwhile drops out). */
export async function upcomingNudges(ctx: CoreContext, actor: Actor, committeeId: number, days = 7): Promise<{ paused: boolean; lines: UpcomingNudge[] }> {
  assertCan(actor, "cycle.manage", committeeId);
  const committee = await ctx.db.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirst();
  if (!committee) throw new DomainError("errors:forbidden");
  const now = ctx.clock();
  const calendar = await loadCalendar(ctx.db, committeeId);
  const names = new Map((await ctx.db.selectFrom("people").select(["id", "full_name"]).execute()).map((p) => [p.id, p.full_name]));
  const lines: UpcomingNudge[] = [];
  let d = workingFrom(calendar, localDateOf(now, calendar.timeZone));
  for (let i = 0; i < days; i++, d = workingFrom(calendar, addDays(d, 1))) {
    const at = nudgeMoment(calendar, d);
    for (const o of await collectObligations(ctx.db, committee, calendar, d, d, now)) {
      if (o.until <= iso(at)) continue;
      lines.push({ day: d, personId: o.personId, fullName: names.get(o.personId) ?? "—", kind: o.kind, itemId: o.itemId, due: o.due });
    }
  }
  return { paused: calendar.settings.paused, lines };
}

/** Sends today's nudge of the committee now (the secretariat's "send now"): what each person owes today, once a day. */
export async function sendNudgesNow(ctx: CoreContext, actor: Actor, committeeId: number): Promise<number> {
  assertCan(actor, "cycle.manage", committeeId);
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const committee = await trx.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirstOrThrow();
    const calendar = await loadCalendar(trx, committeeId);
    const today = localDateOf(now, calendar.timeZone);
    const live = (await collectObligations(trx, committee, calendar, today, today, now)).filter((o) => o.until > iso(now));
    const n = await writeBundles(trx, now, committeeId, today, live, now);
    await recordAudit(trx, actor, now, { action: "nudge.send_now", objectType: "committee", objectId: committeeId, committeeId, after: { queued: n } });
    return n;
  });
}

/** The items of a queued bundle that are still owed now; empty when the person has answered everything since. */
export async function bundleStillOwed(db: Executor, personId: number, itemsJson: string, now: Date): Promise<Obligation[]> {
  const raw = JSON.parse(itemsJson) as [string, number, number, string, string][];
  const out: Obligation[] = [];
  for (const [kind, itemId, ref, due, until] of raw) {
    const o: Obligation = { kind, personId, itemId, ref, due, until };
    const p = OBLIGATION_PROVIDERS.find((x) => x.kind === kind);
    if (p && (await p.stillOwed(db, o, now))) out.push(o);
  }
  return out;
}

/** A bundle line as the reader sees it: the obligation and what names it (a task, a meeting, a notice). */
export interface BundleLine extends Obligation {
  /** The task's code; for an approval, the requester's name; for a notice or an opinion request, its number. */
  code: string;
  /** The task's title, the meeting's title, the notice's first words, the request's title. */
  title: string;
  /** The meeting's start and version (invitations), to answer from the line's buttons. */
  startsAt?: string;
  version?: number;
}

/** The order of a bundle's lines: what is late first, then what is due, then the rest. */
const LINE_ORDER = ["conclusion_overdue", "report_overdue", "conclusion", "report", "invitation", "approval", "notice_ack", "opinion"];
const orderOf = (kind: string) => (LINE_ORDER.includes(kind) ? LINE_ORDER.indexOf(kind) : LINE_ORDER.length);

/** The still-owed items of a bundle, each named by its provider's `describe`; a thing gone meanwhile drops out. */
export async function bundleLines(db: Executor, personId: number, itemsJson: string, now: Date): Promise<BundleLine[]> {
  const lines: BundleLine[] = [];
  for (const o of await bundleStillOwed(db, personId, itemsJson, now)) {
    const described = await OBLIGATION_PROVIDERS.find((p) => p.kind === o.kind)?.describe?.(db, o);
    if (described) lines.push({ ...o, ...described });
  }
  // A conclusion is also a task reported each quarter: when both lines lead to the same task and period, the conclusion's says it.
  const concluded = new Set(lines.filter((o) => o.kind.startsWith("conclusion")).map((o) => `${o.itemId}:${o.ref}`));
  return lines.filter((o) => !(o.kind.startsWith("report") && concluded.has(`${o.itemId}:${o.ref}`))).sort((a, b) => orderOf(a.kind) - orderOf(b.kind));
}
