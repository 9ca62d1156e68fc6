import type { Executor } from "../../db/database.js";
import type { ReportingPeriodRow, TaskRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import type { JobHandler } from "../jobs/handlers.js";
import { can } from "../permissions.js";
import { requirePeriod, taskInPeriod, windowFor, windowWith } from "./periods.js";
import { committeeRegistry, latestInPeriod, reportedIn, reportingMembers, responsibleAmong, stateOf, type CommitteeRegistry, type LatestUpdate, type TaskState } from "./updates.js";

/** One task's line in the period's picture. */
export interface StatusRow {
  task: TaskRow;
  /** The organization, or the person's name when no organization is given. */
  unit: string;
  people: string[];
  state: TaskState;
  dueAt: string;
  latest: LatestUpdate | null;
}

/** The secretariat's and the leaders' picture of a period: each task, and who has reported, late or not at all, by organization. */
export interface PeriodStatus {
  period: ReportingPeriodRow;
  committeeName: string;
  /** The committee's governing body ("UBND TỈNH LẠNG SƠN") and the body that gathers obstacles and proposals (Art. 7.6). */
  governingBody: string | null;
  focalBody: string | null;
  timeZone: string;
  rows: StatusRow[];
  counts: Record<TaskState, number> & { total: number };
  byOrganization: { unit: string; total: number; counts: Record<TaskState, number>; missingPeople: string[] }[];
  openItems: number;
}

/** `registry`: the committee's tasks and members when the caller has read them already. */
export async function periodStatus(ctx: CoreContext, actor: Actor, periodId: number, registry?: CommitteeRegistry): Promise<PeriodStatus> {
  const period = await requirePeriod(ctx.db, periodId);
  if (!can(actor, "report.view", period.committee_id) && !can(actor, "report.manage", period.committee_id)) throw new DomainError("errors:forbidden");
  const committee = await ctx.db.selectFrom("committees").select(["name", "time_zone", "governing_body", "focal_body"]).where("id", "=", period.committee_id).executeTakeFirstOrThrow();
  const known = registry?.committeeId === period.committee_id ? registry : await committeeRegistry(ctx.db, period.committee_id);
  const tasks = known.tasks.filter((t) => taskInPeriod(t, period));
  const latest = await latestInPeriod(ctx.db, period.id, tasks.map((t) => t.id));
  const now = ctx.clock();
  const zero = (): Record<TaskState, number> => ({ on_time: 0, late: 0, missing: 0, pending: 0 });
  const counts = { ...zero(), total: tasks.length };
  const groups = new Map<string, PeriodStatus["byOrganization"][number]>();
  const missingSeen = new Map<string, Set<string>>();
  const rows: StatusRow[] = [];
  const members = known.members;
  const exceptions = new Map((await ctx.db.selectFrom("period_exceptions").selectAll().where("period_id", "=", period.id).execute()).map((e) => [e.person_id, e]));
  for (const task of tasks) {
    const people = responsibleAmong(members, task);
    // A personal extension counts for the task when the one who answers for it holds it.
    const dueAt = windowWith(period, people[0] ? exceptions.get(people[0].personId) : undefined).dueAt;
    const l = latest.get(task.id) ?? null;
    const state = stateOf(l ?? undefined, dueAt, now);
    const personName = task.responsible_person_id === null ? null : (people.find((p) => p.personId === task.responsible_person_id)?.fullName ?? null);
    const unit = task.responsible_organization ?? personName ?? "—";
    rows.push({ task, unit, people: people.map((p) => p.fullName), state, dueAt, latest: l });
    counts[state]++;
    const g = groups.get(unit.toLowerCase()) ?? { unit, total: 0, counts: zero(), missingPeople: [] };
    g.total++;
    g.counts[state]++;
    if (state === "missing" || state === "pending") {
      // A set beside the list: an organization of a hundred people owing hundreds of tasks stays linear.
      const seen = missingSeen.get(unit.toLowerCase()) ?? new Set<string>();
      missingSeen.set(unit.toLowerCase(), seen);
      for (const p of people) if (!seen.has(p.fullName)) {
        seen.add(p.fullName);
        g.missingPeople.push(p.fullName);
      }
    }
    groups.set(unit.toLowerCase(), g);
  }
  const openItems = await ctx.db.selectFrom("report_items").select((eb) => eb.fn.countAll<number>().as("n")).where("committee_id", "=", period.committee_id).where("status", "=", "open").executeTakeFirstOrThrow();
  return {
    period,
    committeeName: committee.name,
    governingBody: committee.governing_body,
    focalBody: committee.focal_body,
    timeZone: committee.time_zone,
    rows,
    counts,
    byOrganization: [...groups.values()].sort((a, b) => a.unit.localeCompare(b.unit, "vi")),
    openItems: Number(openItems.n),
  };
}

/**
 * How many of a period's tasks are reported (on time or late), of how many: the roll-up of a committee below,
 * the same figure as its {@link periodStatus} without reading the reports or the people.
 */
export async function periodProgress(db: Executor, period: ReportingPeriodRow): Promise<{ reported: number; total: number }> {
  const tasks = (await db.selectFrom("tasks").select(["id", "committee_id", "active", "period"]).where("committee_id", "=", period.committee_id).execute()).filter((t) => taskInPeriod(t, period));
  const reported = await reportedIn(db, period.id);
  return { reported: tasks.filter((t) => reported.has(t.id)).length, total: tasks.length };
}

/** The tasks a person still owes in a period (nothing reported yet), for their reminder. */
export async function owedBy(ctx: Pick<CoreContext, "db">, periodId: number, personId: number): Promise<{ period: ReportingPeriodRow; dueAt: string; tasks: TaskRow[] }> {
  const period = await requirePeriod(ctx.db, periodId);
  const tasks = (await ctx.db.selectFrom("tasks").selectAll().where("committee_id", "=", period.committee_id).orderBy("code").execute()).filter((t) => taskInPeriod(t, period));
  const latest = await latestInPeriod(ctx.db, period.id, tasks.map((t) => t.id));
  const members = await reportingMembers(ctx.db, period.committee_id);
  const owed = tasks.filter((t) => !latest.has(t.id) && responsibleAmong(members, t).some((p) => p.personId === personId));
  return { period, dueAt: (await windowFor(ctx.db, period, personId)).dueAt, tasks: owed };
}

/**
 * The reminder a person is owed for a period as it stands now, or undefined when they have reported every
 * task meanwhile: a reminder queued earlier is then not sent at all.
 */
export async function reminderDue(ctx: Pick<CoreContext, "db">, periodId: number, personId: number): Promise<Awaited<ReturnType<typeof owedBy>> | undefined> {
  const owed = await owedBy(ctx, periodId, personId);
  return owed.tasks.length > 0 ? owed : undefined;
}

/**
 * The old per-period reminder job. Reports due are now part of the daily bundled nudge (core/nudges), so a job
 * queued before the change completes without sending anything: nobody gets two messages.
 */
export const reportReminder: JobHandler = async () => {};
