import type { Executor } from "../../db/database.js";
import { iso } from "../clock.js";
import { addDays, atLocal, type LocalDate } from "../cycle/local-time.js";
import { addObligationProvider, within, workingDaysBefore, type Obligation, type ObligationProvider, type ObligationQuery } from "../nudges/obligations.js";
import { ensureQuarter, periodPhase, taskInPeriod } from "../reports/periods.js";
import { reportingMembers, responsibleAmong } from "../reports/updates.js";
import { latestUpdates } from "./follow-up.js";

/** The first moment after a local day: a conclusion due on that day is still on time until then. */
const endOf = (day: LocalDate, timeZone: string): Date => atLocal(addDays(day, 1), 0, timeZone);
/** The deadline as shown on a nudge line: the due day's last minute (a report's deadline has its hour too). */
const lastMinuteOf = (day: LocalDate, timeZone: string): string => iso(atLocal(day, 23 * 60 + 59, timeZone));

/**
 * The committee's conclusions not yet done, each with the people who answer for it (members of its organization) and
 * the period they report it in now (the current quarter's, opened if nobody needed it yet).
 */
async function openConclusions(q: ObligationQuery) {
  const rows = await q.db
    .selectFrom("conclusions as c")
    .innerJoin("tasks as t", "t.id", "c.task_id")
    .selectAll("t")
    .where("c.committee_id", "=", q.committee.id)
    .where("t.active", "=", 1)
    .where("t.due_date", "is not", null)
    .execute();
  if (rows.length === 0) return [];
  const latest = await latestUpdates(q.db, rows.map((t) => t.id));
  const open = rows.filter((t) => latest.get(t.id)?.status !== "done");
  if (open.length === 0) return [];
  await ensureQuarter(q.db, q.now, q.committee.id, q.committee.time_zone);
  const periods = (await q.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", q.committee.id).orderBy("opens_at", "desc").orderBy("id", "desc").execute()).filter((p) => {
    const phase = periodPhase(p, q.now);
    return phase === "open" || phase === "overdue";
  });
  const members = await reportingMembers(q.db, q.committee.id);
  return open.flatMap((task) => {
    const period = periods.find((p) => taskInPeriod(task, p));
    if (!period) return [];
    return responsibleAmong(members, task).map((p) => ({ personId: p.personId, task, periodId: period.id, due: task.due_date! }));
  });
}

/** Whether a conclusion's task is still to be done: active, and its latest update (in any period) not "done". */
async function notDone(db: Executor, taskId: number): Promise<boolean> {
  const task = await db.selectFrom("tasks").select("active").where("id", "=", taskId).executeTakeFirst();
  if (!task?.active) return false;
  return (await latestUpdates(db, [taskId])).get(taskId)?.status !== "done";
}

async function describeTask(db: Executor, o: Obligation) {
  const t = await db.selectFrom("tasks").select(["code", "title"]).where("id", "=", o.itemId).executeTakeFirst();
  return t ? { code: t.code, title: t.title } : undefined;
}

/**
 * A conclusion due: its responsible people are nudged on the working days the committee's `reportReminders` name before
 * its deadline (−7, −3, −1 and the day itself by default), as for a report. `ref` is the period to report it in.
 */
export const conclusionsDue: ObligationProvider = {
  kind: "conclusion",
  async due(q) {
    const out: Obligation[] = [];
    for (const c of await openConclusions(q)) {
      const end = iso(endOf(c.due, q.calendar.timeZone));
      if (end <= iso(q.now)) continue;
      const days = q.calendar.settings.reportReminders.map((n) => workingDaysBefore(q.calendar, c.due, n));
      if (days.some((d) => within(d, q.from, q.to))) out.push({ kind: "conclusion", personId: c.personId, itemId: c.task.id, ref: c.periodId, due: lastMinuteOf(c.due, q.calendar.timeZone), until: end });
    }
    return out;
  },
  stillOwed: async (db, o, now) => o.until > iso(now) && (await notDone(db, o.itemId)),
  describe: describeTask,
};

/**
 * A conclusion overdue: every `overdueEvery` working days after its deadline (2 by default), at most `overdueMax` times (3),
 * as for an overdue report. A nudge missed during downtime still goes out until the day of the last one ends.
 */
export const conclusionsOverdue: ObligationProvider = {
  kind: "conclusion_overdue",
  async due(q) {
    const out: Obligation[] = [];
    const { overdueEvery, overdueMax } = q.calendar.settings;
    for (const c of await openConclusions(q)) {
      const end = iso(endOf(c.due, q.calendar.timeZone));
      if (end > iso(q.now)) continue;
      const days: LocalDate[] = [];
      for (let i = 1; i <= overdueMax; i++) days.push(q.calendar.workingDaysAfter(c.due, overdueEvery * i));
      if (days.some((d) => within(d, q.from, q.to))) out.push({ kind: "conclusion_overdue", personId: c.personId, itemId: c.task.id, ref: c.periodId, due: lastMinuteOf(c.due, q.calendar.timeZone), until: iso(endOf(days[days.length - 1]!, q.calendar.timeZone)) });
    }
    return out;
  },
  stillOwed: async (db, o, now) => o.until > iso(now) && (await notDone(db, o.itemId)),
  describe: describeTask,
};

addObligationProvider(conclusionsDue);
addObligationProvider(conclusionsOverdue);
