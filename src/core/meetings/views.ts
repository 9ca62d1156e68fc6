import type { Answer, RequestStatus, Role } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { iso } from "../clock.js";
import { can } from "../permissions.js";
import { standingDeputyOf } from "./chair.js";
import type { RequestKind } from "./answers.js";
import { meetingView, type MeetingView } from "./meetings.js";

/** The meeting card one invitee sees: the meeting, their current answer, and where their request stands. */
export interface InvitationCard {
  meeting: MeetingView;
  invitationId: number;
  personId: number;
  answer: Answer;
  /** member, guest or delegate; only members answer. */
  kind: "member" | "guest" | "delegate";
  representsName: string | null;
  request: { kind: RequestKind; status: RequestStatus; reason: string | null; delegateName: string | null; comment: string | null } | null;
  /** The invitee chairs the meeting: counted as present, never asked to answer. */
  chairing: boolean;
  /** Whom the chairing invitee may hand the chair to (the committee's standing deputy), while the meeting is ahead. */
  handOverTo: { personId: number; fullName: string } | null;
}

type AbsenceRow = { status: RequestStatus; reason: string; comment: string | null; created_at: string; id: number };
type ProxyRow = { status: RequestStatus; delegate_name: string; comment: string | null; created_at: string; id: number };

async function latestRequest(ctx: CoreContext, invitationId: number): Promise<InvitationCard["request"]> {
  const absence = await ctx.db
    .selectFrom("absence_requests")
    .select(["status", "reason", "comment", "created_at", "id"])
    .where("invitation_id", "=", invitationId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  const proxy = await ctx.db
    .selectFrom("proxies")
    .select(["status", "delegate_name", "comment", "created_at", "id"])
    .where("invitation_id", "=", invitationId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return newestRequest(absence, proxy);
}

/** The latest request of every invitation to a meeting, in two queries (the roster of 10,000 invitees needs them all). */
async function latestRequestsOf(ctx: CoreContext, meetingId: number): Promise<Map<number, InvitationCard["request"]>> {
  const absences = new Map<number, AbsenceRow>();
  for (const r of await ctx.db
    .selectFrom("absence_requests as r")
    .innerJoin("invitations as i", "i.id", "r.invitation_id")
    .select(["r.invitation_id", "r.status", "r.reason", "r.comment", "r.created_at", "r.id"])
    .where("i.meeting_id", "=", meetingId)
    .execute()) {
    if ((absences.get(r.invitation_id)?.id ?? -1) < r.id) absences.set(r.invitation_id, r);
  }
  const proxies = new Map<number, ProxyRow>();
  for (const r of await ctx.db
    .selectFrom("proxies as r")
    .innerJoin("invitations as i", "i.id", "r.invitation_id")
    .select(["r.invitation_id", "r.status", "r.delegate_name", "r.comment", "r.created_at", "r.id"])
    .where("i.meeting_id", "=", meetingId)
    .execute()) {
    if ((proxies.get(r.invitation_id)?.id ?? -1) < r.id) proxies.set(r.invitation_id, r);
  }
  const out = new Map<number, InvitationCard["request"]>();
  for (const id of new Set([...absences.keys(), ...proxies.keys()])) out.set(id, newestRequest(absences.get(id), proxies.get(id)));
  return out;
}

/** Of an invitation's latest absence request and latest proxy, the one made last; none when it was withdrawn. */
function newestRequest(absence: AbsenceRow | undefined, proxy: ProxyRow | undefined): InvitationCard["request"] {
  const newest = [absence && { ...absence, kind: "absence" as const }, proxy && { ...proxy, kind: "proxy" as const }]
    .filter((x) => x !== undefined)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))[0];
  if (!newest || newest.status === "withdrawn") return null;
  return {
    kind: newest.kind,
    status: newest.status,
    reason: "reason" in newest ? newest.reason : null,
    delegateName: "delegate_name" in newest ? newest.delegate_name : null,
    comment: newest.comment,
  };
}

export async function invitationCard(ctx: CoreContext, invitationId: number): Promise<InvitationCard | undefined> {
  const inv = await ctx.db.selectFrom("invitations").selectAll().where("id", "=", invitationId).executeTakeFirst();
  if (!inv) return undefined;
  const meeting = await meetingView(ctx.db, inv.meeting_id);
  if (!meeting) return undefined;
  const represents = inv.represents_person_id
    ? await ctx.db.selectFrom("people").select("full_name").where("id", "=", inv.represents_person_id).executeTakeFirst()
    : undefined;
  const chairing = inv.kind === "member" && meeting.chairPersonId === inv.person_id;
  const ahead = meeting.status === "scheduled" && meeting.startsAt > iso(ctx.clock());
  const deputy = chairing && ahead ? await standingDeputyOf(ctx.db, meeting.committeeId) : undefined;
  return {
    meeting,
    invitationId: inv.id,
    personId: inv.person_id,
    answer: inv.answer,
    kind: inv.kind,
    representsName: represents?.full_name ?? null,
    request: await latestRequest(ctx, inv.id),
    chairing,
    handOverTo: deputy && deputy.personId !== inv.person_id ? deputy : null,
  };
}

/** An absence or proxy request as the chair reads it before deciding. */
export interface RequestView {
  kind: RequestKind;
  id: number;
  status: RequestStatus;
  meeting: MeetingView;
  memberPersonId: number;
  memberName: string;
  organization: string | null;
  title: string | null;
  reason: string | null;
  delegate: { name: string; title: string; organization: string; contact: string | null } | null;
  opinion: string | null;
  comment: string | null;
  decidedByName: string | null;
}

export async function requestView(ctx: CoreContext, kind: RequestKind, id: number): Promise<RequestView | undefined> {
  const base =
    kind === "absence"
      ? await ctx.db.selectFrom("absence_requests").selectAll().where("id", "=", id).executeTakeFirst()
      : await ctx.db.selectFrom("proxies").selectAll().where("id", "=", id).executeTakeFirst();
  if (!base) return undefined;
  const inv = await ctx.db.selectFrom("invitations").selectAll().where("id", "=", base.invitation_id).executeTakeFirstOrThrow();
  const meeting = (await meetingView(ctx.db, inv.meeting_id))!;
  const member = await ctx.db
    .selectFrom("people as p")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "p.id").on("m.committee_id", "=", meeting.committeeId))
    .where("p.id", "=", inv.person_id)
    .select(["p.full_name", "m.organization", "m.title"])
    .executeTakeFirstOrThrow();
  const decider = base.decided_by_person_id
    ? await ctx.db.selectFrom("people").select("full_name").where("id", "=", base.decided_by_person_id).executeTakeFirst()
    : undefined;
  return {
    kind,
    id,
    status: base.status,
    meeting,
    memberPersonId: inv.person_id,
    memberName: member.full_name,
    organization: member.organization,
    title: member.title,
    reason: "reason" in base ? base.reason : null,
    delegate:
      "delegate_name" in base
        ? { name: base.delegate_name, title: base.delegate_title, organization: base.delegate_organization, contact: base.delegate_contact }
        : null,
    opinion: "opinion" in base ? base.opinion : null,
    comment: base.comment,
    decidedByName: decider?.full_name ?? null,
  };
}

/** The requests waiting for this person's decision: meetings they chair, or any of their committee's as standing deputy. */
export async function pendingApprovals(ctx: CoreContext, actor: Actor): Promise<RequestView[]> {
  if (actor.kind !== "person") return [];
  const deputyOf = actor.seats.filter((s) => s.role === "standing_deputy").map((s) => s.committeeId);
  const out: RequestView[] = [];
  const invitationIds = (
    await ctx.db
      .selectFrom("invitations as i")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .where("m.status", "=", "scheduled")
      .where("i.person_id", "!=", actor.personId)
      .where("i.answer", "in", ["absent", "proxy"])
      .where((eb) => (deputyOf.length ? eb.or([eb("m.chair_person_id", "=", actor.personId), eb("m.committee_id", "in", deputyOf)]) : eb("m.chair_person_id", "=", actor.personId)))
      .select("i.id")
      .execute()
  ).map((r) => r.id);
  if (invitationIds.length === 0) return out;
  const absences = await ctx.db.selectFrom("absence_requests").select("id").where("status", "=", "pending").where("invitation_id", "in", invitationIds).orderBy("id").execute();
  const proxies = await ctx.db.selectFrom("proxies").select("id").where("status", "=", "pending").where("invitation_id", "in", invitationIds).orderBy("id").execute();
  for (const [kind, rows] of [["absence", absences], ["proxy", proxies]] as const) {
    for (const { id } of rows) {
      const v = await requestView(ctx, kind, id);
      if (v) out.push(v);
    }
  }
  return out;
}

/** One line of a meeting's roster. */
export interface RosterLine {
  personId: number;
  /** The member number the secretariat uses in commands (membership id), if the person has a seat. */
  membershipId: number | null;
  fullName: string;
  role: Role | null;
  organization: string | null;
  answer: Answer;
  requestStatus: RequestStatus | null;
  delegateName: string | null;
  reason: string | null;
}

export interface MeetingRoster {
  meeting: MeetingView;
  lines: RosterLine[];
  counts: { invited: number; attending: number; absentApproved: number; absentPending: number; absentDeclined: number; proxyApproved: number; proxyPending: number; noAnswer: number };
  /** Share of invitees who will be there in person or through an approved proxy, 0..1. */
  forecast: number;
}

type RosterCounts = MeetingRoster["counts"];

/** Adds one invitation's answer (and its request's state) to the counts. */
function countAnswer(counts: RosterCounts, answer: Answer, req: InvitationCard["request"] | null): void {
  counts.invited++;
  if (answer === "attend") counts.attending++;
  else if (answer === "none") counts.noAnswer++;
  else if (answer === "absent") {
    if (req?.status === "approved") counts.absentApproved++;
    else if (req?.status === "declined") counts.absentDeclined++;
    else counts.absentPending++;
  } else if (answer === "proxy") {
    if (req?.status === "approved") counts.proxyApproved++;
    else counts.proxyPending++;
  }
}

const noCounts = (): RosterCounts => ({ invited: 0, attending: 0, absentApproved: 0, absentPending: 0, absentDeclined: 0, proxyApproved: 0, proxyPending: 0, noAnswer: 0 });
/** Share of invitees there in person or through an approved proxy. */
const forecastOf = (c: RosterCounts) => (c.invited ? (c.attending + c.proxyApproved) / c.invited : 0);

/** A meeting for leaders and the secretariat: refused to others. */
async function rosterMeeting(ctx: CoreContext, actor: Actor, meetingId: number): Promise<MeetingView> {
  const meeting = await meetingView(ctx.db, meetingId);
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  if (!can(actor, "meeting.roster", meeting.committeeId)) throw new DomainError("errors:forbidden");
  return meeting;
}

/** Who is coming, live, with counts and the quorum forecast. For leaders and the secretariat. */
export async function meetingRoster(ctx: CoreContext, actor: Actor, meetingId: number): Promise<MeetingRoster> {
  const meeting = await rosterMeeting(ctx, actor, meetingId);
  const invitations = await ctx.db
    .selectFrom("invitations as i")
    .innerJoin("people as p", "p.id", "i.person_id")
    .leftJoin("memberships as ms", (j) => j.onRef("ms.person_id", "=", "i.person_id").on("ms.committee_id", "=", meeting.committeeId))
    .where("i.meeting_id", "=", meetingId)
    .where("i.kind", "=", "member")
    .select(["i.id", "i.person_id", "i.answer", "p.full_name", "ms.id as membershipId", "ms.role", "ms.organization"])
    .orderBy("i.id")
    .execute();
  const lines: RosterLine[] = [];
  const counts = noCounts();
  const requests = await latestRequestsOf(ctx, meetingId);
  for (const inv of invitations) {
    const req = requests.get(inv.id) ?? null;
    lines.push({
      personId: inv.person_id,
      membershipId: inv.membershipId,
      fullName: inv.full_name,
      role: inv.role,
      organization: inv.organization,
      answer: inv.answer,
      requestStatus: inv.answer === "absent" || inv.answer === "proxy" ? (req?.status ?? null) : null,
      delegateName: inv.answer === "proxy" ? (req?.delegateName ?? null) : null,
      reason: inv.answer === "absent" ? (req?.reason ?? null) : null,
    });
    countAnswer(counts, inv.answer, req);
  }
  return { meeting, lines, counts, forecast: forecastOf(counts) };
}

/** The roster's counts and forecast without its lines (the leaders' summary): no names are read. */
export async function meetingCounts(ctx: CoreContext, actor: Actor, meetingId: number): Promise<Omit<MeetingRoster, "lines">> {
  const meeting = await rosterMeeting(ctx, actor, meetingId);
  const invited = ctx.db.selectFrom("invitations").where("meeting_id", "=", meetingId).where("kind", "=", "member");
  const counts = noCounts();
  // Attending and not answered are counted by the database; an absence or a proxy also needs its request's state.
  for (const g of await invited.select((eb) => ["answer", eb.fn.countAll<number | string>().as("n")]).where("answer", "in", ["attend", "none"]).groupBy("answer").execute()) {
    const n = Number(g.n);
    counts.invited += n;
    if (g.answer === "attend") counts.attending += n;
    else counts.noAnswer += n;
  }
  const asked = await invited.select(["id", "answer"]).where("answer", "not in", ["attend", "none"]).execute();
  const requests = asked.length ? await latestRequestsOf(ctx, meetingId) : new Map<number, InvitationCard["request"]>();
  for (const inv of asked) countAnswer(counts, inv.answer, requests.get(inv.id) ?? null);
  return { meeting, counts, forecast: forecastOf(counts) };
}

/** The invitation of one person to one meeting, if any. */
export async function invitationOf(ctx: CoreContext, meetingId: number, personId: number): Promise<number | undefined> {
  const row = await ctx.db.selectFrom("invitations").select("id").where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();
  return row?.id;
}
