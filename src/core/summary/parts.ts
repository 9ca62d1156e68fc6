import type { ProgressStatus, ReportingPeriodRow } from "../../db/schema.js";
import { systemActor } from "../actor.js";
import { iso } from "../clock.js";
import { conclusionsInQuarter, conclusionsOf, countConclusions } from "../conclusions/follow-up.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { meetingCounts, meetingRoster } from "../meetings/views.js";
import { findPeriod } from "../reports/periods.js";
import { periodProgress, type PeriodStatus } from "../reports/status.js";
import type { CommitteeSummary, MeetingSummary, OrganizationProgress, SubordinateLine } from "./summary.js";

/**
 * The parts of the leaders' summary (core/summary/summary.ts puts them together), each read on its own. The
 * summary shows counts; who is behind is read only for the part whose drill-down lists them (`withNames`).
 */

const zeroStatus = (): Record<ProgressStatus, number> => ({ done: 0, on_track: 0, at_risk: 0, behind: 0, not_started: 0 });

/** The reporting period: reports, tasks by status, indicators met, tasks behind, and each organization's line. */
export function progressOf(status: PeriodStatus, withNames: boolean): Pick<CommitteeSummary, "reporting" | "byStatus" | "indicators" | "behind" | "organizations"> {
  const byStatus = zeroStatus();
  const indicators = { met: 0, total: status.rows.length };
  const behind: CommitteeSummary["behind"] = [];
  const orgs = new Map<string, OrganizationProgress>();
  const missing = new Set<string>();
  /** Who is already listed per organization (a set beside each list, which may run to hundreds of names). */
  const missingIn = new Map<string, Set<string>>();
  for (const row of status.rows) {
    const s: ProgressStatus = row.latest?.status ?? "not_started";
    byStatus[s]++;
    const target = row.task.target_value;
    const reached = row.task.indicator_kind === "numeric" ? row.latest?.value : row.latest?.percent;
    if (s === "done" || (target !== null && reached !== null && reached !== undefined && reached >= target)) indicators.met++;
    if (s === "behind" || s === "at_risk") behind.push({ code: row.task.code, title: row.task.title, status: s, unit: row.unit });
    const key = row.unit.toLowerCase();
    const o: OrganizationProgress = orgs.get(key) ?? { unit: row.unit, total: 0, reported: 0, late: 0, byStatus: zeroStatus(), ...(withNames ? { missingPeople: [] } : {}) };
    o.total++;
    o.byStatus[s]++;
    if (row.state === "on_time" || row.state === "late") o.reported++;
    if (row.state === "late") o.late++;
    if (withNames && (row.state === "missing" || row.state === "pending")) {
      const seen = missingIn.get(key) ?? new Set<string>();
      missingIn.set(key, seen);
      for (const p of row.people) {
        missing.add(p);
        if (!seen.has(p)) o.missingPeople?.push(p);
        seen.add(p);
      }
    }
    orgs.set(key, o);
  }

  return {
    reporting: {
      total: status.counts.total,
      reported: status.counts.on_time + status.counts.late,
      late: status.counts.late,
      notStarted: status.counts.missing + status.counts.pending,
      ...(withNames ? { missingPeople: [...missing] } : {}),
    },
    byStatus,
    indicators,
    behind,
    organizations: [...orgs.values()].sort((a, b) => a.unit.localeCompare(b.unit, "vi")),
  };
}

/** The next meeting's answers so far, approvals waiting and the quorum forecast; who has not answered when asked. */
export async function nextMeeting(ctx: CoreContext, committeeId: number, now: Date, withNames: boolean): Promise<MeetingSummary | null> {
  const next = await ctx.db
    .selectFrom("meetings")
    .select("id")
    .where("committee_id", "=", committeeId)
    .where("status", "=", "scheduled")
    .where("starts_at", ">", iso(now))
    .orderBy("starts_at")
    .executeTakeFirst();
  if (!next) return null;
  const roster = withNames ? await meetingRoster(ctx, systemActor, next.id) : undefined;
  const r = roster ?? (await meetingCounts(ctx, systemActor, next.id));
  const c = r.counts;
  return {
    meetingId: next.id,
    title: r.meeting.title,
    startsAt: r.meeting.startsAt,
    attending: c.attending,
    absent: c.absentApproved + c.absentPending + c.absentDeclined,
    proxy: c.proxyApproved + c.proxyPending,
    noAnswer: c.noAnswer,
    invited: c.invited,
    approvalsWaiting: c.absentPending + c.proxyPending,
    forecast: r.forecast,
    ...(roster ? { noAnswerPeople: roster.lines.filter((l) => l.answer === "none").map((l) => l.fullName) } : {}),
  };
}

/** Obstacles and proposals not yet answered. */
export async function openItemsOf(ctx: CoreContext, committeeId: number): Promise<CommitteeSummary["openItems"]> {
  return ctx.db
    .selectFrom("report_items as i")
    .innerJoin("tasks as t", "t.id", "i.task_id")
    .select(["i.id", "i.kind", "t.code as taskCode", "i.text"])
    .where("i.committee_id", "=", committeeId)
    .where("i.status", "=", "open")
    .orderBy("i.id")
    .execute();
}

/** The committee's notices still waiting for acknowledgements, with how many (and, when asked, who). */
export async function unacknowledged(ctx: CoreContext, committeeId: number, withNames: boolean): Promise<CommitteeSummary["notices"]> {
  const pending = ctx.db
    .selectFrom("notice_recipients as r")
    .innerJoin("notices as n", "n.id", "r.notice_id")
    .where("n.committee_id", "=", committeeId)
    .where("n.status", "=", "sending")
    .where("n.ack_required", "=", 1)
    .where("r.acknowledged_at", "is", null);
  if (!withNames) {
    const rows = await pending.select((eb) => ["n.id as noticeId", eb.fn.countAll<number | string>().as("pending")]).groupBy("n.id").orderBy("n.id").execute();
    return rows.map((r) => ({ noticeId: r.noticeId, pending: Number(r.pending) }));
  }
  const rows = await pending.innerJoin("people as p", "p.id", "r.person_id").select(["n.id as noticeId", "p.full_name as fullName"]).orderBy("n.id").orderBy("r.id").execute();
  const out = new Map<number, { noticeId: number; pending: number; people: string[] }>();
  for (const u of rows) {
    const n = out.get(u.noticeId) ?? { noticeId: u.noticeId, pending: 0, people: [] };
    n.pending++;
    n.people.push(u.fullName);
    out.set(u.noticeId, n);
  }
  return [...out.values()];
}

/** The committee's requests for opinions still open, with how many have not answered (and, when asked, who). */
export async function opinionsWaiting(ctx: CoreContext, committeeId: number, now: Date, withNames: boolean): Promise<CommitteeSummary["opinions"]> {
  const waiting = ctx.db
    .selectFrom("opinion_recipients as r")
    .innerJoin("opinion_requests as q", "q.id", "r.request_id")
    .where("q.committee_id", "=", committeeId)
    .where("q.status", "=", "open")
    .where("q.deadline", ">", iso(now))
    .where((eb) => eb.not(eb.exists(eb.selectFrom("opinion_answers as a").select("a.id").whereRef("a.recipient_id", "=", "r.id"))));
  if (!withNames) {
    const rows = await waiting
      .select((eb) => ["q.id as requestId", "q.title", "q.deadline", eb.fn.countAll<number | string>().as("pending")])
      .groupBy(["q.id", "q.title", "q.deadline"])
      .orderBy("q.id")
      .execute();
    return rows.map((r) => ({ requestId: r.requestId, title: r.title, deadline: r.deadline, pending: Number(r.pending) }));
  }
  const rows = await waiting.innerJoin("people as p", "p.id", "r.person_id").select(["q.id as requestId", "q.title", "q.deadline", "p.full_name as fullName"]).orderBy("q.id").orderBy("r.id").execute();
  const out = new Map<number, { requestId: number; title: string; deadline: string; pending: number; people: string[] }>();
  for (const w of rows) {
    const o = out.get(w.requestId) ?? { requestId: w.requestId, title: w.title, deadline: w.deadline, pending: 0, people: [] };
    o.pending++;
    o.people.push(w.fullName);
    out.set(w.requestId, o);
  }
  return [...out.values()];
}


/** The chair's conclusions followed up in the period: done, on time, overdue, and the overdue ones. */
export async function conclusionsPart(ctx: CoreContext, committeeId: number, period: ReportingPeriodRow, now: Date): Promise<CommitteeSummary["conclusions"]> {
  const followed = period.kind === "quarter" ? await conclusionsInQuarter(ctx.db, committeeId, period.code, now) : await conclusionsOf(ctx.db, committeeId, now);
  const cc = countConclusions(followed);
  return {
    total: cc.total,
    done: cc.done,
    onTime: cc.on_time,
    overdue: cc.overdue,
    overdueList: followed.filter((c) => c.state === "overdue").map((c) => ({ code: c.code, title: c.text, organization: c.organization, due: c.due })),
  };

}

/** The committees directly below, each with how many of its quarter's tasks are reported. */
export async function subordinatesOf(ctx: CoreContext, committeeId: number, period: ReportingPeriodRow): Promise<SubordinateLine[]> {
  const below = await ctx.db.selectFrom("committees").select(["id", "code", "name", "level"]).where("parent_id", "=", committeeId).orderBy("name").execute();
  const subordinates: SubordinateLine[] = [];
  for (const b of below) {
    let reported = 0;
    let total = 0;
    try {
      const p = await findPeriod(ctx, systemActor, b.id, period.kind === "quarter" ? period.code : undefined);
      ({ reported, total } = await periodProgress(ctx.db, p));
    } catch (e) {
      // A committee below with no such quarter has nothing reported for it.
      if (!(e instanceof DomainError)) throw e;
    }
    subordinates.push({ committeeId: b.id, code: b.code, name: b.name, level: b.level, reported, total, complete: reported === total });
  }
  return subordinates;
}
