import type { Transaction } from "kysely";
import type { Executor } from "../../db/database.js";
import type { CommitteeRow, Database, MeetingDraftRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso, MINUTE } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { scheduleJob } from "../jobs/schedule.js";
import { createMeeting } from "../meetings/meetings.js";
import { dateParam, enqueueMessage, termParam } from "../outbox.js";
import { assertCan, can } from "../permissions.js";
import { nextQuarter, openQuarterPeriod, quarterDates, quarterOf, type QuarterDates } from "../reports/periods.js";
import { loadCalendar, type WorkingCalendar } from "./calendar.js";
import { addDays, atLocal, dateOf } from "./local-time.js";
import { ensureNudge } from "../nudges/daily.js";
import { ensureDigest } from "./digest.js";
import { cycleSettings } from "./settings.js";

/** The due job that plans a committee's quarter, then schedules itself for the next quarter's start. */
export const QUARTER_PLANNER = "cycle.quarter_planner";

/** What a planner step sees: the committee, its calendar and settings, the quarter and the moment. */
export interface QuarterContext {
  trx: Transaction<Database>;
  ctx: CoreContext;
  committee: CommitteeRow;
  calendar: WorkingCalendar;
  quarter: QuarterDates;
  now: Date;
}

/**
 * One duty of the quarter the planner takes care of at the quarter's start. Each must be idempotent (keyed by the
 * committee and the quarter), so that running the planner twice for one quarter changes nothing. Later duties —
 * reminders, the leaders' digest, overdue chasing — join this list.
 */
export interface QuarterObligation {
  name: string;
  plan(q: QuarterContext): Promise<void>;
}

/** The quarter's reporting period opens for the quarter's tasks (with its reminders). */
const openPeriod: QuarterObligation = {
  name: "period",
  plan: async ({ trx, committee, quarter, now }) => {
    await openQuarterPeriod(trx, now, committee.id, committee.time_zone, quarter);
  },
};

/**
 * A draft of the quarter's regular meeting, on the day the settings name (or the next working day), and a request
 * to the secretariat to confirm its date and place — sent in working time. Nothing when that day has passed.
 */
const proposeMeeting: QuarterObligation = {
  name: "meeting_draft",
  plan: async ({ trx, committee, calendar, quarter, now }) => {
    const s = calendar.settings;
    let day = dateOf(quarter.year, quarter.quarter * 3 - 3 + s.meetingMonth, s.meetingDay);
    for (let i = 0; i < 60 && calendar.isDayOff(day); i++) day = addDays(day, 1);
    const startsAt = atLocal(day, s.meetingTime, committee.time_zone);
    if (startsAt <= now) return;
    const draft = await trx
      .insertInto("meeting_drafts")
      .values({ committee_id: committee.id, quarter: quarter.code, starts_at: iso(startsAt), ends_at: iso(new Date(startsAt.getTime() + s.meetingDuration * MINUTE)), place: null, status: "proposed", meeting_id: null, created_at: iso(now), updated_at: iso(now) })
      .onConflict((oc) => oc.columns(["committee_id", "quarter"]).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!draft) return;
    const secretariat = await trx.selectFrom("memberships").select("person_id").where("committee_id", "=", committee.id).where("role", "=", "secretariat").where("active", "=", 1).orderBy("id").execute();
    const notBefore = calendar.nextWorkingMoment(now);
    for (const { person_id } of secretariat) {
      await enqueueMessage(trx, now, {
        template: "cycle:planner.confirm_draft",
        params: { quarter: termParam(`cycle:quarters.${quarter.quarter}`), year: quarter.year, startsAt: dateParam(startsAt), draftId: draft.id, committee: committee.code },
        to: { personId: person_id },
        committeeId: committee.id,
        dedupeKey: `cycle.draft:${draft.id}:${person_id}`,
        notBefore,
      });
    }
  },
};

/** The planner's duties, in order. */
export const QUARTER_OBLIGATIONS: readonly QuarterObligation[] = [openPeriod, proposeMeeting];

const jobKey = (committeeId: number, code: string) => `${QUARTER_PLANNER}:${committeeId}:${code}`;

/**
 * Makes sure the committee's planner is scheduled: for the current quarter, now (the quarter's duties that are
 * still ahead get done), and from then on at each quarter's start. Idempotent: the job's key is the quarter.
 */
export async function ensurePlanner(db: Executor, now: Date, committeeId: number): Promise<void> {
  const c = await db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  const q = quarterOf(now, c.time_zone, await cycleSettings(db, committeeId));
  await scheduleJob(db, now, { kind: QUARTER_PLANNER, key: jobKey(committeeId, q.code), runAt: now, payload: { committeeId, year: q.year, quarter: q.quarter } });
  // The daily nudge runs beside the planner: what each person owes, once a working day; and the leaders' weekly digest.
  await ensureNudge(db, now, committeeId);
  await ensureDigest(db, now, committeeId);
}

/** Every committee's planner (and daily nudge), at start. */
export async function ensurePlanners(ctx: CoreContext): Promise<void> {
  const committees = await ctx.db.selectFrom("committees").select("id").execute();
  for (const c of committees) await ensurePlanner(ctx.db, ctx.clock(), c.id);
}

/**
 * The planner's run for one quarter: schedules the next quarter's run first, then (unless the cycle is paused)
 * each duty of the quarter. Running it again for the same quarter changes nothing.
 */
export async function runQuarterPlanner(trx: Transaction<Database>, ctx: CoreContext, payload: Record<string, unknown>): Promise<void> {
  const committee = await trx.selectFrom("committees").selectAll().where("id", "=", Number(payload.committeeId)).executeTakeFirst();
  if (!committee) return;
  const now = ctx.clock();
  const calendar = await loadCalendar(trx, committee.id);
  const quarter = quarterDates(Number(payload.year), Number(payload.quarter), committee.time_zone, calendar.settings);
  const next = nextQuarter(quarter);
  const nextDates = quarterDates(next.year, next.quarter, committee.time_zone, calendar.settings);
  await scheduleJob(trx, now, { kind: QUARTER_PLANNER, key: jobKey(committee.id, nextDates.code), runAt: nextDates.opensAt, payload: { committeeId: committee.id, ...next } });
  if (calendar.settings.paused) return;
  for (const duty of QUARTER_OBLIGATIONS) await duty.plan({ trx, ctx, committee, calendar, quarter, now });
}

/** The committee's drafts still waiting for the secretariat, and the latest confirmed ones, newest first. */
export async function listDrafts(ctx: CoreContext, actor: Actor, committeeId: number): Promise<MeetingDraftRow[]> {
  if (!can(actor, "cycle.manage", committeeId) && !can(actor, "meeting.manage", committeeId)) throw new DomainError("errors:forbidden");
  return ctx.db.selectFrom("meeting_drafts").selectAll().where("committee_id", "=", committeeId).orderBy("starts_at", "desc").limit(8).execute();
}

/** What the secretariat confirms: the draft's date and place as they are, or corrected; the title in the committee's language. */
export interface DraftConfirmation {
  title: string;
  agenda: string;
  startsAt?: Date;
  place?: string | null;
  onlineLink?: string | null;
}

/**
 * The secretariat confirms a draft: the regular meeting is created (with the meeting rules of core/meetings) and
 * the invitations go out. A draft is confirmed once; a second confirmation is refused and changes nothing.
 */
export async function confirmDraft(ctx: CoreContext, actor: Actor, draftId: number, input: DraftConfirmation): Promise<{ meetingId: number; invited: number; startsAt: string }> {
  const draft = await ctx.db.selectFrom("meeting_drafts").selectAll().where("id", "=", draftId).executeTakeFirst();
  if (!draft) throw new DomainError("cycle:drafts.not_found", { id: draftId });
  assertCan(actor, "cycle.manage", draft.committee_id);
  if (draft.status !== "proposed") throw new DomainError("cycle:drafts.already_confirmed", { id: draftId });
  const startsAt = input.startsAt ?? new Date(draft.starts_at);
  const duration = new Date(draft.ends_at).getTime() - new Date(draft.starts_at).getTime();
  const now = ctx.clock();
  // Claimed first, so two confirmations at once create one meeting; given back if the meeting is refused.
  const claimed = await ctx.db.updateTable("meeting_drafts").set({ status: "confirmed", updated_at: iso(now) }).where("id", "=", draftId).where("status", "=", "proposed").executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) throw new DomainError("cycle:drafts.already_confirmed", { id: draftId });
  try {
    const place = input.place ?? draft.place;
    const { meeting, invited } = await createMeeting(ctx, actor, {
      committeeId: draft.committee_id,
      kind: "regular",
      title: input.title,
      agenda: input.agenda,
      startsAt,
      endsAt: new Date(startsAt.getTime() + duration),
      place,
      onlineLink: input.onlineLink ?? null,
    });
    await ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable("meeting_drafts").set({ meeting_id: meeting.id, starts_at: iso(startsAt), ends_at: meeting.ends_at, place: meeting.place, updated_at: iso(ctx.clock()) }).where("id", "=", draftId).execute();
      await recordAudit(trx, actor, ctx.clock(), { action: "cycle.confirm_draft", objectType: "meeting_draft", objectId: draftId, committeeId: draft.committee_id, before: draft, after: { meetingId: meeting.id } });
    });
    return { meetingId: meeting.id, invited, startsAt: meeting.starts_at };
  } catch (e) {
    await ctx.db.updateTable("meeting_drafts").set({ status: "proposed", updated_at: iso(ctx.clock()) }).where("id", "=", draftId).execute();
    throw e;
  }
}

/**
 * Runs the planner for the current quarter once more, now: after a resume, what a paused run skipped gets done
 * (the duties are idempotent, so nothing already done is repeated).
 */
export async function replanNow(db: Executor, now: Date, committeeId: number): Promise<void> {
  const c = await db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  const q = quarterOf(now, c.time_zone, await cycleSettings(db, committeeId));
  await scheduleJob(db, now, { kind: QUARTER_PLANNER, key: `${jobKey(committeeId, q.code)}:replan:${iso(now)}`, runAt: now, payload: { committeeId, year: q.year, quarter: q.quarter } });
}
