import type { Executor } from "../../db/database.js";
import type { ProgressStatus } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { atLocal, dateOf, localDateOf, type LocalDate } from "../cycle/local-time.js";
import { DomainError } from "../errors.js";
import { can } from "../permissions.js";
import { nextQuarter, quarterDates } from "../reports/periods.js";
import { quarterCode } from "../reports/task-csv.js";

/** Where a conclusion stands: done, not done with its deadline ahead ("on time"), or not done past it. */
export type ConclusionState = "done" | "on_time" | "overdue";

/** One conclusion with its follow-up: the latest progress reported on its task decides its state. */
export interface ConclusionView {
  id: number;
  taskId: number;
  code: string;
  text: string;
  organization: string;
  /** The deadline, a local date (yyyy-MM-dd). */
  due: LocalDate;
  meetingId: number;
  meetingTitle: string;
  meetingStartsAt: string;
  state: ConclusionState;
  /** For a done conclusion: whether it was reported done after its deadline (the update's local date). */
  doneLate: boolean | null;
  latestStatus: ProgressStatus | null;
  latestAt: string | null;
  /** The period of its latest update (to report again from), when any. */
  latestPeriodId: number | null;
}

/** The state of a conclusion given its latest update and today's local date. */
export function conclusionState(due: LocalDate, latest: { status: string; submitted_at: string } | undefined, today: LocalDate, timeZone: string): Pick<ConclusionView, "state" | "doneLate"> {
  if (latest?.status === "done") return { state: "done", doneLate: localDateOf(new Date(latest.submitted_at), timeZone) > due };
  return { state: today > due ? "overdue" : "on_time", doneLate: null };
}

/** The latest update of each task, over every period (the order they were submitted in). */
export async function latestUpdates(db: Executor, taskIds: number[]): Promise<Map<number, { status: ProgressStatus; submitted_at: string; period_id: number }>> {
  const out = new Map<number, { status: ProgressStatus; submitted_at: string; period_id: number }>();
  for (let i = 0; i < taskIds.length; i += 500) {
    const rows = await db
      .selectFrom("progress_updates")
      .select(["task_id", "status", "submitted_at", "period_id"])
      .where("task_id", "in", taskIds.slice(i, i + 500))
      .orderBy("submitted_at")
      .orderBy("id")
      .execute();
    for (const r of rows) out.set(r.task_id, r);
  }
  return out;
}

/** The conclusions of a committee (of one meeting when given), each with its state now, by meeting then code. */
export async function conclusionsOf(db: Executor, committeeId: number, now: Date, filter: { meetingId?: number } = {}): Promise<ConclusionView[]> {
  const committee = await db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  let q = db
    .selectFrom("conclusions as c")
    .innerJoin("tasks as t", "t.id", "c.task_id")
    .innerJoin("meetings as m", "m.id", "c.meeting_id")
    .select(["c.id", "c.task_id", "t.code", "t.title", "t.responsible_organization", "t.due_date", "t.active", "m.id as meetingId", "m.title as meetingTitle", "m.starts_at"])
    .where("c.committee_id", "=", committeeId);
  if (filter.meetingId !== undefined) q = q.where("c.meeting_id", "=", filter.meetingId);
  const rows = (await q.orderBy("m.starts_at").orderBy("c.id").execute()).filter((r) => r.active === 1);
  const latest = await latestUpdates(db, rows.map((r) => r.task_id));
  const today = localDateOf(now, committee.time_zone);
  return rows.map((r) => {
    const l = latest.get(r.task_id);
    const due = r.due_date ?? today;
    return {
      id: r.id,
      taskId: r.task_id,
      code: r.code,
      text: r.title,
      organization: r.responsible_organization ?? "—",
      due,
      meetingId: r.meetingId,
      meetingTitle: r.meetingTitle,
      meetingStartsAt: r.starts_at,
      ...conclusionState(due, l, today, committee.time_zone),
      latestStatus: l?.status ?? null,
      latestAt: l?.submitted_at ?? null,
      latestPeriodId: l?.period_id ?? null,
    };
  });
}

/** How many conclusions are done, on time and overdue. */
export interface ConclusionCounts {
  total: number;
  done: number;
  doneLate: number;
  on_time: number;
  overdue: number;
}

export function countConclusions(list: readonly ConclusionView[]): ConclusionCounts {
  const c: ConclusionCounts = { total: list.length, done: 0, doneLate: 0, on_time: 0, overdue: 0 };
  for (const v of list) {
    c[v.state]++;
    if (v.doneLate) c.doneLate++;
  }
  return c;
}

const mayFollow = (actor: Actor, committeeId: number) => can(actor, "conclusions.manage", committeeId) || can(actor, "report.view", committeeId) || can(actor, "summary.view", committeeId);

/** The secretariat's (and the leaders') follow-up list: the committee's conclusions with their state, of one meeting when given. */
export async function listConclusions(ctx: CoreContext, actor: Actor, committeeId: number, filter: { meetingId?: number } = {}): Promise<{ timeZone: string; conclusions: ConclusionView[]; counts: ConclusionCounts }> {
  if (!mayFollow(actor, committeeId)) throw new DomainError("errors:forbidden");
  const list = await conclusionsOf(ctx.db, committeeId, ctx.clock(), filter);
  const c = await ctx.db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  return { timeZone: c.time_zone, conclusions: list, counts: countConclusions(list) };
}

/** The rows of the conclusions' follow-up table for a quarter: what the XLSX of the export bundle prints. */
export interface ConclusionsReport {
  committeeName: string;
  governingBody: string | null;
  timeZone: string;
  quarter: string;
  /** When the states were read. */
  at: string;
  rows: ConclusionView[];
  counts: ConclusionCounts;
}

/** The follow-up table of a quarter ("2026-Q4", "Q4/2026") for the export bundle: see {@link conclusionsInQuarter}. */
export async function conclusionsReport(ctx: CoreContext, actor: Actor, committeeId: number, quarter: string): Promise<ConclusionsReport> {
  if (!mayFollow(actor, committeeId)) throw new DomainError("errors:forbidden");
  const code = quarterCode(quarter);
  if (!code) throw new DomainError("conclusions:errors.bad_quarter", { value: quarter });
  const committee = await ctx.db.selectFrom("committees").select(["name", "time_zone", "governing_body"]).where("id", "=", committeeId).executeTakeFirstOrThrow();
  const now = ctx.clock();
  const rows = await conclusionsInQuarter(ctx.db, committeeId, code, now);
  return { committeeName: committee.name, governingBody: committee.governing_body, timeZone: committee.time_zone, quarter: code, at: iso(now), rows, counts: countConclusions(rows) };
}

/**
 * The conclusions followed up in a quarter ("2026-Q4"), with their state now: those of meetings held before the quarter
 * ended that were still open when it began (not done before its first day).
 */
export async function conclusionsInQuarter(db: Executor, committeeId: number, quarter: string, now: Date): Promise<ConclusionView[]> {
  const { time_zone: timeZone } = await db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  const q = quarterDates(Number(quarter.slice(0, 4)), Number(quarter.slice(-1)), timeZone);
  const start = localDateOf(q.opensAt, timeZone);
  const next = nextQuarter(q);
  const endIso = iso(atLocal(dateOf(next.year, next.quarter * 3 - 2, 1), 0, timeZone));
  return (await conclusionsOf(db, committeeId, now)).filter((r) => r.meetingStartsAt < endIso && !(r.state === "done" && r.latestAt && localDateOf(new Date(r.latestAt), timeZone) < start));
}
