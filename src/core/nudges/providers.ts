import type { Executor } from "../../db/database.js";
import type { PeriodExceptionRow } from "../../db/schema.js";
import { DAY, iso } from "../clock.js";
import { localDateOf, type LocalDate } from "../cycle/local-time.js";
import { taskInPeriod, windowWith } from "../reports/periods.js";
import { committeeRegistry, latestInPeriod, reportedIn, responsibleAmong, type CommitteeRegistry } from "../reports/updates.js";
import { addObligationProvider, within, workingDaysBefore, type Obligation, type ObligationProvider, type ObligationQuery } from "./obligations.js";

/**
 * Each (person, task, period) a person owes in the committee's periods still taking reports, with the person's own
 * window. `registry`: the committee's tasks and members when the caller has read them already. `overdue`: only what
 * is past its deadline (a period whose own deadline is ahead is skipped whole: a personal extension only moves it later).
 */
export async function owedTasks(q: Pick<ObligationQuery, "db" | "committee" | "now">, registry?: CommitteeRegistry, overdue = false) {
  const now = iso(q.now);
  const opened = await q.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", q.committee.id).where("opens_at", "<=", now).execute();
  if (opened.length === 0) return [];
  // Everyone's personal window in one query rather than one per person and task.
  const exceptions = new Map<number, Map<number, PeriodExceptionRow>>();
  for (const e of await q.db.selectFrom("period_exceptions").selectAll().where("period_id", "in", opened.map((p) => p.id)).execute()) {
    const of = exceptions.get(e.period_id) ?? new Map<number, PeriodExceptionRow>();
    of.set(e.person_id, e);
    exceptions.set(e.period_id, of);
  }
  // A period closed for everyone (its own closing and every personal window past) owes nothing: past quarters are not read.
  const periods = opened.filter(
    (p) => (!overdue || p.due_at <= now) && (p.closes_at > now || p.due_at > now || [...(exceptions.get(p.id)?.values() ?? [])].some((e) => windowWith(p, e).closesAt > now)),
  );
  if (periods.length === 0) return [];
  const { tasks, members } = registry?.committeeId === q.committee.id ? registry : await committeeRegistry(q.db, q.committee.id);
  const out: { personId: number; taskId: number; periodId: number; dueAt: string; closesAt: string }[] = [];
  for (const period of periods) {
    const reported = await reportedIn(q.db, period.id);
    const mine = exceptions.get(period.id);
    for (const task of tasks) {
      if (reported.has(task.id) || !taskInPeriod(task, period)) continue;
      for (const p of responsibleAmong(members, task)) {
        const w = windowWith(period, mine?.get(p.personId));
        if (w.closesAt <= now || (overdue && w.dueAt > now)) continue;
        out.push({ personId: p.personId, taskId: task.id, periodId: period.id, dueAt: w.dueAt, closesAt: w.closesAt });
      }
    }
  }
  return out;
}

/** Whether a task is still unreported in a period. */
async function unreported(db: Executor, o: Obligation): Promise<boolean> {
  const latest = await latestInPeriod(db, o.ref, [o.itemId]);
  return !latest.has(o.itemId);
}

/** A task's code and title, for its report's bundle line. */
async function describeTask(db: Executor, o: Obligation) {
  const t = await db.selectFrom("tasks").select(["code", "title"]).where("id", "=", o.itemId).executeTakeFirst();
  return t && { code: t.code, title: t.title };
}

/**
 * Whether a deadline's nudge days (from its local day) fall within the days asked, worked out once per deadline:
 * thousands of people share a period's few deadlines.
 */
function byDeadline(daysOf: (dueDay: LocalDate) => LocalDate[], q: Pick<ObligationQuery, "calendar" | "from" | "to">): (dueAt: string) => boolean {
  const known = new Map<string, boolean>();
  return (dueAt) => {
    let hit = known.get(dueAt);
    if (hit === undefined) known.set(dueAt, (hit = daysOf(localDateOf(new Date(dueAt), q.calendar.timeZone)).some((d) => within(d, q.from, q.to))));
    return hit;
  };
}

/** Reports due: on the working days the settings name before the deadline (−7, −3, −1 and the day itself by default). */
export const reportsDue: ObligationProvider = {
  kind: "report",
  async due(q) {
    const out: Obligation[] = [];
    const nudgedOn = byDeadline((dueDay) => q.calendar.settings.reportReminders.map((n) => workingDaysBefore(q.calendar, dueDay, n)), q);
    for (const t of await owedTasks(q)) {
      if (nudgedOn(t.dueAt)) out.push({ kind: "report", personId: t.personId, itemId: t.taskId, ref: t.periodId, due: t.dueAt, until: t.dueAt });
    }
    return out;
  },
  stillOwed: async (db, o, now) => o.until > iso(now) && (await unreported(db, o)),
  describe: describeTask,
};

/**
 * Overdue reports: every `reminders.overdue_every` working days after the deadline (2 by default), at most
 * `reminders.overdue_max` times (3), while the period still takes late reports.
 */
export const reportsOverdue: ObligationProvider = {
  kind: "report_overdue",
  async due(q) {
    const out: Obligation[] = [];
    const { overdueEvery, overdueMax } = q.calendar.settings;
    const nudgedOn = byDeadline((dueDay) => Array.from({ length: overdueMax }, (_, i) => q.calendar.workingDaysAfter(dueDay, overdueEvery * (i + 1))), q);
    for (const t of await owedTasks(q, undefined, true)) {
      if (nudgedOn(t.dueAt)) out.push({ kind: "report_overdue", personId: t.personId, itemId: t.taskId, ref: t.periodId, due: t.dueAt, until: t.closesAt });
    }
    return out;
  },
  stillOwed: async (db, o, now) => o.until > iso(now) && (await unreported(db, o)),
  describe: describeTask,
};

/**
 * Unanswered invitations: `reminders.meeting` days before the meeting (5 and 2 by default; the working day before,
 * when that day is off), while the answer deadline has not passed.
 */
export const invitationsUnanswered: ObligationProvider = {
  kind: "invitation",
  async due(q) {
    const rows = await q.db
      .selectFrom("invitations as i")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .select(["i.id", "i.person_id", "m.answer_deadline", "m.starts_at"])
      .where("m.committee_id", "=", q.committee.id)
      .where("m.status", "=", "scheduled")
      .where("i.answer", "=", "none")
      .where("m.starts_at", ">", iso(q.now))
      .execute();
    const out: Obligation[] = [];
    for (const r of rows) {
      const start = new Date(r.starts_at);
      const days = q.calendar.settings.meetingReminders.map((n) => workingDaysBefore(q.calendar, localDateOf(new Date(start.getTime() - n * DAY), q.calendar.timeZone), 0));
      if (days.some((d) => within(d, q.from, q.to))) out.push({ kind: "invitation", personId: r.person_id, itemId: r.id, ref: 0, due: r.answer_deadline, until: r.answer_deadline });
    }
    return out;
  },
  async stillOwed(db, o, now) {
    const r = await db.selectFrom("invitations as i").innerJoin("meetings as m", "m.id", "i.meeting_id").select(["i.answer", "m.status", "m.answer_deadline"]).where("i.id", "=", o.itemId).executeTakeFirst();
    return Boolean(r && r.answer === "none" && r.status === "scheduled" && r.answer_deadline > iso(now));
  },
  async describe(db, o) {
    const m = await db.selectFrom("invitations as i").innerJoin("meetings as m", "m.id", "i.meeting_id").select(["m.title", "m.starts_at", "m.version"]).where("i.id", "=", o.itemId).executeTakeFirst();
    return m && { code: "", title: m.title, startsAt: m.starts_at, version: m.version };
  },
};

/** The request tables of the chair's approvals, by the `ref` of an approval obligation. */
const REQUEST_TABLES = { 1: "absence_requests", 2: "proxies" } as const;

/**
 * Approvals waiting: every working day while an absence or a proxy request of a coming meeting is pending, to
 * each who may decide it (core/meetings/answers.ts `mayDecide`): the meeting's chair and the committee's standing
 * deputy, who acts for the chair — each once, and never the one who asked.
 */
export const approvalsWaiting: ObligationProvider = {
  kind: "approval",
  async due(q) {
    const out: Obligation[] = [];
    const deputies = await q.db
      .selectFrom("memberships")
      .select("person_id")
      .where("committee_id", "=", q.committee.id)
      .where("role", "=", "standing_deputy")
      .where("active", "=", 1)
      .execute();
    for (const [ref, table] of Object.entries(REQUEST_TABLES)) {
      const rows = await q.db
        .selectFrom(`${table} as r` as "absence_requests as r")
        .innerJoin("invitations as i", "i.id", "r.invitation_id")
        .innerJoin("meetings as m", "m.id", "i.meeting_id")
        .select(["r.id", "i.person_id as requesterId", "m.chair_person_id", "m.starts_at"])
        .where("m.committee_id", "=", q.committee.id)
        .where("m.status", "=", "scheduled")
        .where("r.status", "=", "pending")
        .where("m.starts_at", ">", iso(q.now))
        .execute();
      for (const r of rows) {
        const deciders = new Set([r.chair_person_id, ...deputies.map((d) => d.person_id)]);
        deciders.delete(r.requesterId);
        for (const personId of deciders) out.push({ kind: "approval", personId, itemId: r.id, ref: Number(ref), due: r.starts_at, until: r.starts_at });
      }
    }
    return out;
  },
  async stillOwed(db, o, now) {
    const table = REQUEST_TABLES[o.ref as 1 | 2];
    if (!table) return false;
    const r = await db
      .selectFrom(`${table} as r` as "absence_requests as r")
      .innerJoin("invitations as i", "i.id", "r.invitation_id")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .select(["r.status", "m.status as meetingStatus", "m.starts_at"])
      .where("r.id", "=", o.itemId)
      .executeTakeFirst();
    return Boolean(r && r.status === "pending" && r.meetingStatus === "scheduled" && r.starts_at > iso(now));
  },
  async describe(db, o) {
    const table = REQUEST_TABLES[o.ref as 1 | 2];
    if (!table) return undefined;
    const r = await db
      .selectFrom(`${table} as r` as "absence_requests as r")
      .innerJoin("invitations as i", "i.id", "r.invitation_id")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .innerJoin("people as p", "p.id", "i.person_id")
      .select(["m.title", "m.starts_at", "p.full_name"])
      .where("r.id", "=", o.itemId)
      .executeTakeFirst();
    return r && { code: r.full_name, title: r.title, startsAt: r.starts_at };
  },
};

addObligationProvider(reportsDue);
addObligationProvider(reportsOverdue);
addObligationProvider(invitationsUnanswered);
addObligationProvider(approvalsWaiting);
