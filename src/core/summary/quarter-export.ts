import { conclusionsReport, type ConclusionsReport } from "../conclusions/follow-up.js";
import type { Answer, Presence, RequestStatus } from "../../db/schema.js";
import { systemActor, type Actor } from "../actor.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { minutesView, type MinutesView } from "../meetings/minutes.js";
import { meetingRoster, type MeetingRoster } from "../meetings/views.js";
import { noticeReport, type NoticeReport } from "../notices/views.js";
import { compileOpinions, type CompiledOpinions } from "../opinions/opinions.js";
import { ensureCurrentQuarter, quarterDates, quarterOf } from "../reports/periods.js";
import { periodStatus, type PeriodStatus } from "../reports/status.js";
import { committeeSummary, summaryCommittee, type CommitteeSummary } from "./summary.js";

/** A quarter as the export names it: "2026-Q4", its year and number, and its bounds in UTC (local midnights). */
export interface ExportQuarter {
  code: string;
  year: number;
  quarter: number;
  /** The quarter's first local midnight, inclusive. */
  from: string;
  /** The next quarter's first local midnight, exclusive. */
  to: string;
}

/** What the quarter holds for a committee: the objects each file of the bundle is made from, in a fixed order. */
export interface QuarterExportScope {
  committee: { id: number; code: string; name: string; timeZone: string; governingBody: string | null; placeName: string | null; codePrefix: string | null };
  quarter: ExportQuarter;
  /** The quarter's reporting period, when the committee has one. */
  periodId: number | null;
  /** Meetings held (or to be held) in the quarter, not cancelled, by start. */
  meetings: { id: number; title: string; startsAt: string }[];
  /** Notices sent in the quarter, by date. */
  notices: { id: number; createdAt: string }[];
  /** Requests for written opinions sent in the quarter, by date. */
  opinionRequests: { id: number; title: string; createdAt: string }[];
}

/** One invitee's line of a meeting's attendance and answers sheet. */
export interface MeetingSheetLine {
  fullName: string;
  title: string | null;
  organization: string | null;
  answer: Answer;
  /** The chair's decision on an absence or a proxy. */
  requestStatus: RequestStatus | null;
  reason: string | null;
  delegateName: string | null;
  answeredAt: string | null;
  /** What the secretariat recorded at the meeting, if anything. */
  presence: Presence | null;
}

/** A meeting's invitations, answers and recorded attendance, with the roster's counts. */
export interface MeetingSheet {
  meeting: MeetingRoster["meeting"];
  counts: MeetingRoster["counts"];
  forecast: number;
  /** Recorded presence, counted; all zero when nothing was recorded. */
  attendance: Record<Presence, number> & { recorded: number };
  lines: MeetingSheetLine[];
}

/**
 * The quarter's files, read for one leader or secretariat member: `scope` lists what the quarter holds, and each
 * loader reads one object of it (nothing outside the scope). The right was checked once when this was made; the
 * loaders read as the system, since a leader who may read the summary may not, say, compose notices.
 */
export interface QuarterExport {
  scope: QuarterExportScope;
  summary(): Promise<CommitteeSummary>;
  meetingSheet(meetingId: number): Promise<MeetingSheet>;
  minutes(meetingId: number): Promise<MinutesView>;
  progress(): Promise<PeriodStatus | null>;
  notice(noticeId: number): Promise<NoticeReport>;
  opinions(requestId: number): Promise<CompiledOpinions>;
  /** The chair's conclusions followed up in the quarter; none when the committee recorded none. */
  conclusions(): Promise<ConclusionsReport | null>;
}

/**
 * "2026-Q4" (any case, spaces around) as a quarter; anything else, a fifth quarter included, is refused with
 * the text as typed. The bounds are the committee's local midnights.
 */
export function parseExportQuarter(text: string, timeZone: string): ExportQuarter {
  const m = /^(\d{4})-Q([1-4])$/i.exec(text.trim());
  if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2100) throw new DomainError("export:errors.bad_quarter", { value: text.trim().slice(0, 40) });
  const year = Number(m[1]);
  const quarter = Number(m[2]);
  const next = quarter === 4 ? { year: year + 1, quarter: 1 } : { year, quarter: quarter + 1 };
  return {
    code: `${year}-Q${quarter}`,
    year,
    quarter,
    from: iso(quarterDates(year, quarter, timeZone).opensAt),
    to: iso(quarterDates(next.year, next.quarter, timeZone).opensAt),
  };
}

/**
 * The quarter's export for a leader or the secretariat (the same right as the summary: their committee, or one
 * directly below a committee they lead or keep): the committee by its code (the actor's own without one; a button
 * gives `{ id }`), the quarter by "2026-Q4" (the current one without it). A member, an unknown committee, a
 * malformed quarter, one not yet begun, or one the committee has no reporting period for is refused, and nothing
 * is read.
 */
export async function quarterExport(ctx: CoreContext, actor: Actor, committee?: string | { id: number }, quarterText?: string): Promise<QuarterExport> {
  // A button names the committee by its id: the same rule applies to its code.
  const code = typeof committee === "object" ? (await ctx.db.selectFrom("committees").select("code").where("id", "=", committee.id).executeTakeFirst())?.code : committee;
  if (typeof committee === "object" && code === undefined) throw new DomainError("errors:forbidden");
  // The summary's own rule: a member is refused, a leader of the committee above passes.
  const { id } = await summaryCommittee(ctx, actor, code);
  const c = await ctx.db.selectFrom("committees").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const now = ctx.clock();
  const quarter = quarterText?.trim() ? parseExportQuarter(quarterText, c.time_zone) : parseExportQuarter(quarterOf(now, c.time_zone).code, c.time_zone);
  if (quarter.from > iso(now)) throw new DomainError("export:errors.future_quarter", { quarter: quarter.code });
  await ensureCurrentQuarter(ctx, id);
  const period = await ctx.db.selectFrom("reporting_periods").select("id").where("committee_id", "=", id).where("code", "=", quarter.code).executeTakeFirst();
  if (!period) throw new DomainError("export:errors.no_period", { quarter: quarter.code, committee: c.name });

  const meetings = await ctx.db
    .selectFrom("meetings")
    .select(["id", "title", "starts_at"])
    .where("committee_id", "=", id)
    .where("status", "=", "scheduled")
    .where("starts_at", ">=", quarter.from)
    .where("starts_at", "<", quarter.to)
    .orderBy("starts_at")
    .orderBy("id")
    .execute();
  const notices = await ctx.db
    .selectFrom("notices")
    .select(["id", "created_at"])
    .where("committee_id", "=", id)
    .where("created_at", ">=", quarter.from)
    .where("created_at", "<", quarter.to)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const requests = await ctx.db
    .selectFrom("opinion_requests")
    .select(["id", "title", "created_at"])
    .where("committee_id", "=", id)
    .where("created_at", ">=", quarter.from)
    .where("created_at", "<", quarter.to)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const scope: QuarterExportScope = {
    committee: { id, code: c.code, name: c.name, timeZone: c.time_zone, governingBody: c.governing_body, placeName: c.place_name, codePrefix: c.code_prefix },
    quarter,
    periodId: period.id,
    meetings: meetings.map((m) => ({ id: m.id, title: m.title, startsAt: m.starts_at })),
    notices: notices.map((n) => ({ id: n.id, createdAt: n.created_at })),
    opinionRequests: requests.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at })),
  };

  /** Only what the scope lists may be read through it. */
  const inScope = (list: { id: number }[], objectId: number) => {
    if (!list.some((x) => x.id === objectId)) throw new DomainError("errors:forbidden");
  };
  return {
    scope,
    summary: () => committeeSummary(ctx, actor, id, quarter.code),
    meetingSheet: async (meetingId) => {
      inScope(scope.meetings, meetingId);
      return meetingSheet(ctx, meetingId);
    },
    minutes: async (meetingId) => {
      inScope(scope.meetings, meetingId);
      return minutesView(ctx, systemActor, meetingId);
    },
    progress: async () => (scope.periodId === null ? null : periodStatus(ctx, systemActor, scope.periodId)),
    notice: async (noticeId) => {
      inScope(scope.notices, noticeId);
      return noticeReport(ctx, systemActor, noticeId);
    },
    opinions: async (requestId) => {
      inScope(scope.opinionRequests, requestId);
      return compileOpinions(ctx, systemActor, requestId);
    },
    conclusions: async () => {
      const report = await conclusionsReport(ctx, systemActor, scope.committee.id, scope.quarter.code);
      return report.rows.length ? report : null;
    },
  };
}

/** The invitees of a meeting with their answers, the chair's decisions and what was recorded at the meeting. */
async function meetingSheet(ctx: CoreContext, meetingId: number): Promise<MeetingSheet> {
  const roster = await meetingRoster(ctx, systemActor, meetingId);
  const extra = await ctx.db
    .selectFrom("invitations as i")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "i.person_id").on("m.committee_id", "=", roster.meeting.committeeId))
    .leftJoin("attendance as a", (j) => j.onRef("a.person_id", "=", "i.person_id").on("a.meeting_id", "=", meetingId))
    .where("i.meeting_id", "=", meetingId)
    .where("i.kind", "=", "member")
    .select(["i.person_id", "i.answered_at", "m.title", "a.presence", "a.delegate_name"])
    .execute();
  const byPerson = new Map(extra.map((e) => [e.person_id, e]));
  const attendance = { present: 0, absent: 0, represented: 0, recorded: 0 };
  const lines = roster.lines.map((l): MeetingSheetLine => {
    const e = byPerson.get(l.personId);
    if (e?.presence) {
      attendance[e.presence]++;
      attendance.recorded++;
    }
    return {
      fullName: l.fullName,
      title: e?.title ?? null,
      organization: l.organization,
      answer: l.answer,
      requestStatus: l.requestStatus,
      reason: l.reason,
      delegateName: e?.delegate_name ?? l.delegateName,
      answeredAt: e?.answered_at ?? null,
      presence: e?.presence ?? null,
    };
  });
  return { meeting: roster.meeting, counts: roster.counts, forecast: roster.forecast, attendance, lines };
}
