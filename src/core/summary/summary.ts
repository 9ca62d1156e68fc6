import type { CommitteeLevel, ProgressStatus } from "../../db/schema.js";
import { systemActor, type Actor } from "../actor.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { cycleSettings } from "../cycle/settings.js";
import { meetingCounts, meetingRoster } from "../meetings/views.js";
import { overdueForLeaders, type OverdueLine } from "../nudges/escalation.js";
import { can, seatsWith } from "../permissions.js";
import { findPeriod } from "../reports/periods.js";
import { periodProgress, periodStatus } from "../reports/status.js";
import { committeeRegistry, STATUSES } from "../reports/updates.js";
import { conclusionsInQuarter, conclusionsOf, countConclusions } from "../conclusions/follow-up.js";

/** The next meeting as leaders see it: answers so far, approvals waiting and the quorum forecast. */
export interface MeetingSummary {
  meetingId: number;
  title: string;
  startsAt: string;
  attending: number;
  absent: number;
  proxy: number;
  noAnswer: number;
  invited: number;
  approvalsWaiting: number;
  /** Share of invitees there in person or through an approved proxy, 0..1. */
  forecast: number;
  /** Who has not answered, in invitation order: read only for the meeting's drill-down (`names: "meeting"`). */
  noAnswerPeople?: string[];
}

/** One organization's line of the period: its tasks by progress status and who has not reported. */
export interface OrganizationProgress {
  unit: string;
  total: number;
  reported: number;
  late: number;
  byStatus: Record<ProgressStatus, number>;
  /** Who owes its reports: only for the reporting drill-down (`names: "reporting"`). */
  missingPeople?: string[];
}

/** A committee below, in the roll-up: has every task of its quarter been reported. */
export interface SubordinateLine {
  committeeId: number;
  code: string;
  name: string;
  level: CommitteeLevel;
  reported: number;
  total: number;
  /** True when every task of its period is reported (a committee with no tasks counts as reported). */
  complete: boolean;
}

/** The leaders' and the secretariat's status summary of one committee for one quarter. */
export interface CommitteeSummary {
  committeeId: number;
  committeeCode: string;
  committeeName: string;
  timeZone: string;
  periodCode: string;
  periodName: string;
  periodKind: "quarter" | "extra";
  meeting: MeetingSummary | null;
  /** `missingPeople`: only for the reporting drill-down (`names: "reporting"`). */
  reporting: { total: number; reported: number; late: number; notStarted: number; missingPeople?: string[] };
  byStatus: Record<ProgressStatus, number>;
  indicators: { met: number; total: number };
  /** Tasks behind or at risk, by code. */
  behind: { code: string; title: string; status: ProgressStatus; unit: string }[];
  organizations: OrganizationProgress[];
  openItems: { id: number; kind: "obstacle" | "proposal"; taskCode: string; text: string }[];
  /** Notices not yet acknowledged by everyone; `people` only for their drill-down (`names: "notices"`). */
  notices: { noticeId: number; pending: number; people?: string[] }[];
  /** Requests for opinions still open; `people` only for their drill-down (`names: "opinions"`). */
  opinions: { requestId: number; title: string; deadline: string; pending: number; people?: string[] }[];
  /** The chair's conclusions followed up in the period (Art. 7.4): how many are done, on time, overdue, and the overdue ones. */
  conclusions: { total: number; done: number; onTime: number; overdue: number; overdueList: { code: string; title: string; organization: string; due: string }[] };
  /** The committees directly below this one (xã/phường, or huyện in old data). */
  subordinates: SubordinateLine[];
  /** Reports still missing after the last overdue nudge (core/nudges/escalation.ts), as things stand now. */
  overdue: OverdueLine[];
  /** After how many overdue nudges a person is listed (`reminders.overdue_max`). */
  overdueAfter: number;
}

/**
 * The parts whose drill-down lists people. The summary itself shows counts, so it reads no names (the lists run to
 * thousands at provincial scale); a drill-down asks for its own part's names.
 */
export type NamedPart = "reporting" | "meeting" | "notices" | "opinions";

const zeroStatus = (): Record<ProgressStatus, number> => ({ done: 0, on_track: 0, at_risk: 0, behind: 0, not_started: 0 });

/**
 * The committee whose summary the actor may read: `code` names it (theirs, or one below a committee where they
 * lead or keep the secretariat); without a code, their most senior seat's. A member is refused.
 */
export async function summaryCommittee(ctx: CoreContext, actor: Actor, code?: string): Promise<{ id: number; code: string }> {
  const seats = seatsWith(actor, "summary.view");
  if (actor.kind === "person" && seats.length === 0) throw new DomainError("errors:forbidden");
  if (!code) {
    if (seats[0]) return { id: seats[0].committeeId, code: seats[0].committeeCode };
    throw new DomainError("errors:forbidden");
  }
  const c = await ctx.db.selectFrom("committees").select(["id", "code", "parent_id"]).where((eb) => eb(eb.fn("lower", ["code"]), "=", code.trim().toLowerCase())).executeTakeFirst();
  if (!c) throw new DomainError("summary:errors.committee_not_found", { code: code.trim() });
  if (can(actor, "summary.view", c.id) || (c.parent_id !== null && can(actor, "summary.view", c.parent_id))) return { id: c.id, code: c.code };
  throw new DomainError("errors:forbidden");
}

/** Whether a string names a quarter's period ("2026-Q3"). */
export const isPeriodCode = (text: string): boolean => /^\d{4}-Q[1-4]$/i.test(text.trim());

/**
 * The status summary of a committee for its current quarter (or `periodCode`): the next meeting, the reporting
 * period, tasks by status, indicators met, open obstacles and proposals, notices not acknowledged, opinion
 * requests still open, and the committees below. Leaders and the secretariat only; checked here.
 */
export async function committeeSummary(ctx: CoreContext, actor: Actor, committeeId: number, periodCode?: string, names?: NamedPart): Promise<CommitteeSummary> {
  const committee = await ctx.db.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirst();
  if (!committee) throw new DomainError("errors:forbidden");
  const allowed = can(actor, "summary.view", committeeId) || (committee.parent_id !== null && can(actor, "summary.view", committee.parent_id));
  if (!allowed) throw new DomainError("errors:forbidden");
  const now = iso(ctx.clock());
  const period = await findPeriod(ctx, systemActor, committeeId, periodCode);
  // The tasks and members are read once for the period's status and the overdue list.
  const registry = await committeeRegistry(ctx.db, committeeId);
  const status = await periodStatus(ctx, systemActor, period.id, registry);

  const byStatus = zeroStatus();
  const indicators = { met: 0, total: status.rows.length };
  const behind: CommitteeSummary["behind"] = [];
  const orgs = new Map<string, OrganizationProgress>();
  const missing = new Set<string>();
  /** Who is already listed per organization (a set beside each list, which may run to hundreds of names). */
  const missingIn = new Map<string, Set<string>>();
  const withNames = names === "reporting";
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

  const next = await ctx.db
    .selectFrom("meetings")
    .select("id")
    .where("committee_id", "=", committeeId)
    .where("status", "=", "scheduled")
    .where("starts_at", ">", now)
    .orderBy("starts_at")
    .executeTakeFirst();
  let meeting: MeetingSummary | null = null;
  if (next) {
    const roster = names === "meeting" ? await meetingRoster(ctx, systemActor, next.id) : undefined;
    const r = roster ?? (await meetingCounts(ctx, systemActor, next.id));
    const c = r.counts;
    meeting = {
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

  const openItems = await ctx.db
    .selectFrom("report_items as i")
    .innerJoin("tasks as t", "t.id", "i.task_id")
    .select(["i.id", "i.kind", "t.code as taskCode", "i.text"])
    .where("i.committee_id", "=", committeeId)
    .where("i.status", "=", "open")
    .orderBy("i.id")
    .execute();

  const notices = await unacknowledged(ctx, committeeId, names === "notices");
  const opinions = await opinionsWaiting(ctx, committeeId, now, names === "opinions");

  const followed = period.kind === "quarter" ? await conclusionsInQuarter(ctx.db, committeeId, period.code, ctx.clock()) : await conclusionsOf(ctx.db, committeeId, ctx.clock());
  const cc = countConclusions(followed);
  const conclusions: CommitteeSummary["conclusions"] = {
    total: cc.total,
    done: cc.done,
    onTime: cc.on_time,
    overdue: cc.overdue,
    overdueList: followed.filter((c) => c.state === "overdue").map((c) => ({ code: c.code, title: c.text, organization: c.organization, due: c.due })),
  };

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

  return {
    committeeId,
    committeeCode: committee.code,
    committeeName: committee.name,
    timeZone: committee.time_zone,
    periodCode: period.code,
    periodName: period.name,
    periodKind: period.kind,
    meeting,
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
    openItems,
    notices,
    opinions,
    conclusions,
    subordinates,
    overdue: await overdueForLeaders(ctx.db, committeeId, ctx.clock(), registry),
    overdueAfter: (await cycleSettings(ctx.db, committeeId)).overdueMax,
  };
}

/** The committee's notices still waiting for acknowledgements, with how many (and, when asked, who). */
async function unacknowledged(ctx: CoreContext, committeeId: number, withNames: boolean): Promise<CommitteeSummary["notices"]> {
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
async function opinionsWaiting(ctx: CoreContext, committeeId: number, now: string, withNames: boolean): Promise<CommitteeSummary["opinions"]> {
  const waiting = ctx.db
    .selectFrom("opinion_recipients as r")
    .innerJoin("opinion_requests as q", "q.id", "r.request_id")
    .where("q.committee_id", "=", committeeId)
    .where("q.status", "=", "open")
    .where("q.deadline", ">", now)
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

/** Statuses in the order the summary and the chart show them. */
export const SUMMARY_STATUSES = STATUSES;
