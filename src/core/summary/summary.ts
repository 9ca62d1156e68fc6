import type { CommitteeLevel, ProgressStatus } from "../../db/schema.js";
import { systemActor, type Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { cycleSettings } from "../cycle/settings.js";
import { overdueForLeaders, type OverdueLine } from "../nudges/escalation.js";
import { can, seatsWith } from "../permissions.js";
import { findPeriod } from "../reports/periods.js";
import { periodStatus } from "../reports/status.js";
import { committeeRegistry, STATUSES } from "../reports/updates.js";
import { conclusionsPart, nextMeeting, openItemsOf, opinionsWaiting, progressOf, subordinatesOf, unacknowledged } from "./parts.js";

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
  const now = ctx.clock();
  const period = await findPeriod(ctx, systemActor, committeeId, periodCode);
  // The tasks and members are read once for the period's status and the overdue list.
  const registry = await committeeRegistry(ctx.db, committeeId);
  // The parts are read in turn: at once over the pool was no faster on PostgreSQL (the time goes to turning rows
  // into objects, not to waiting), and would hold several connections per summary.
  const progress = progressOf(await periodStatus(ctx, systemActor, period.id, registry), names === "reporting");
  const meeting = await nextMeeting(ctx, committeeId, now, names === "meeting");
  const openItems = await openItemsOf(ctx, committeeId);
  const notices = await unacknowledged(ctx, committeeId, names === "notices");
  const opinions = await opinionsWaiting(ctx, committeeId, now, names === "opinions");
  const conclusions = await conclusionsPart(ctx, committeeId, period, now);
  const subordinates = await subordinatesOf(ctx, committeeId, period);
  const overdue = await overdueForLeaders(ctx.db, committeeId, now, registry);
  const settings = await cycleSettings(ctx.db, committeeId);
  return {
    committeeId,
    committeeCode: committee.code,
    committeeName: committee.name,
    timeZone: committee.time_zone,
    periodCode: period.code,
    periodName: period.name,
    periodKind: period.kind,
    meeting,
    ...progress,
    openItems,
    notices,
    opinions,
    conclusions,
    subordinates,
    overdue,
    overdueAfter: settings.overdueMax,
  };
}

/** Statuses in the order the summary and the chart show them. */
export const SUMMARY_STATUSES = STATUSES;
