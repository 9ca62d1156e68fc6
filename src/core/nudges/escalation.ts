import type { Executor } from "../../db/database.js";
import type { Actor } from "../actor.js";
import { DAY } from "../clock.js";
import type { CoreContext } from "../context.js";
import { loadCalendar } from "../cycle/calendar.js";
import { localDateOf } from "../cycle/local-time.js";
import { DomainError } from "../errors.js";
import { can } from "../permissions.js";
import { nudgeMomentOf } from "./obligations.js";
import { owedTasks } from "./providers.js";
import type { CommitteeRegistry } from "../reports/updates.js";

/** A person listed for the leaders: their report is still missing after the last overdue nudge. */
export interface OverdueLine {
  personId: number;
  fullName: string;
  organization: string | null;
  taskId: number;
  taskCode: string;
  taskTitle: string;
  dueAt: string;
  /** Whole days since the deadline. */
  daysOverdue: number;
}

/**
 * Who the leaders should hear about (DESIGN.md §4): each person whose report is still missing after the
 * `reminders.overdue_max`-th overdue nudge (every `reminders.overdue_every` working days after the deadline: by
 * default the third, six working days after it), while the period still takes late reports. Most overdue first.
 * With `overdue_max` 0 nobody is chased, so the leaders hear of everyone overdue at once.
 */
export async function overdueForLeaders(db: Executor, committeeId: number, now: Date, registry?: CommitteeRegistry): Promise<OverdueLine[]> {
  const committee = await db.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirst();
  if (!committee) return [];
  const calendar = await loadCalendar(db, committeeId);
  const { overdueEvery, overdueMax } = calendar.settings;
  // Whether the last overdue nudge for a deadline has passed; most people of a period share one deadline.
  const lastNudgePassed = new Map<string, boolean>();
  const chasedEnough = (dueAt: string) => {
    let passed = lastNudgePassed.get(dueAt);
    if (passed === undefined) {
      const last = calendar.workingDaysAfter(localDateOf(new Date(dueAt), calendar.timeZone), overdueEvery * overdueMax);
      lastNudgePassed.set(dueAt, (passed = nudgeMomentOf(calendar, last) <= now));
    }
    return passed;
  };
  const late = (await owedTasks({ db, committee, now }, registry, true)).filter((t) => overdueMax === 0 || chasedEnough(t.dueAt));
  if (late.length === 0) return [];
  const people = await db
    .selectFrom("people as p")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "p.id").on("m.committee_id", "=", committeeId).on("m.active", "=", 1))
    .select(["p.id", "p.full_name", "m.organization"])
    .where("p.id", "in", [...new Set(late.map((t) => t.personId))])
    .execute();
  const tasks = await db.selectFrom("tasks").select(["id", "code", "title"]).where("id", "in", [...new Set(late.map((t) => t.taskId))]).execute();
  const person = new Map(people.map((p) => [p.id, p]));
  const task = new Map(tasks.map((t) => [t.id, t]));
  const seen = new Set<string>();
  const lines: OverdueLine[] = [];
  for (const t of late) {
    const key = `${t.personId}:${t.taskId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = person.get(t.personId);
    const k = task.get(t.taskId);
    if (!p || !k) continue;
    lines.push({
      personId: p.id,
      fullName: p.full_name,
      organization: p.organization,
      taskId: k.id,
      taskCode: k.code,
      taskTitle: k.title,
      dueAt: t.dueAt,
      daysOverdue: Math.floor((now.getTime() - Date.parse(t.dueAt)) / DAY),
    });
  }
  return lines.sort((a, b) => b.daysOverdue - a.daysOverdue || a.fullName.localeCompare(b.fullName, "vi") || a.taskCode.localeCompare(b.taskCode));
}

/** The same list, for a leader or the secretariat of the committee (or of the committee above it). */
export async function overdueForLeadersOf(ctx: CoreContext, actor: Actor, committeeId: number): Promise<OverdueLine[]> {
  const c = await ctx.db.selectFrom("committees").select(["id", "parent_id"]).where("id", "=", committeeId).executeTakeFirst();
  if (!c || !(can(actor, "summary.view", c.id) || (c.parent_id !== null && can(actor, "summary.view", c.parent_id)))) throw new DomainError("errors:forbidden");
  return overdueForLeaders(ctx.db, committeeId, ctx.clock());
}
