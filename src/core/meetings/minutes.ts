import type { CommitteeLevel, RequestStatus, Role } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan } from "../permissions.js";
import { meetingView, type MeetingView } from "./meetings.js";

/** A person as the minutes name them: "đồng chí <name>, <title> <organization>". */
export interface PersonLine {
  name: string;
  title: string | null;
  organization: string | null;
}

/** A member who was not there, and what is known of why. */
export interface AbsentLine extends PersonLine {
  /** The reason the member gave, if any. */
  reason: string | null;
  /** The chair's decision on the member's request (an absence or a proxy), "none" when there was no request. */
  consent: RequestStatus | "none";
  /** What the member reported beforehand: an absence, a proxy the chair has not approved, or nothing at all. */
  reported: "absence" | "proxy" | "none";
}

/** Everything the minutes draft states, from recorded attendance where there is one, else from the answers. */
export interface MinutesView {
  meeting: MeetingView;
  committee: {
    name: string;
    level: CommitteeLevel;
    parentName: string | null;
    /** "UBND TỈNH LẠNG SƠN", when the committee's settings say. */
    governingBody: string | null;
    /** "Lạng Sơn", for the date line. */
    placeName: string | null;
    /** "BCĐ", for "Số: …/BB-BCĐ". */
    codePrefix: string | null;
  };
  /** The presiding chair, with the seat that makes them chair ("chair" or "standing_deputy"). Never in the lists below. */
  chair: PersonLine & { role: Role | null };
  /** Who records the minutes, when the secretariat has said. */
  secretary: PersonLine | null;
  /** True when the lists come from attendance recorded at the meeting, false when from answers beforehand. */
  fromAttendance: boolean;
  present: PersonLine[];
  delegates: (PersonLine & { member: PersonLine })[];
  absent: AbsentLine[];
  /**
   * Members whose presence is not known: without recorded attendance, those who have not answered the
   * invitation; with it, those the secretariat has not marked. Never printed as absent.
   */
  unconfirmed: PersonLine[];
  opinions: { member: PersonLine; delegateName: string | null; opinion: string }[];
  /** Guests of an extended meeting. */
  guests: PersonLine[];
}

/**
 * The minutes draft's content. The presiding chair is named once, as chair, whether or not they pressed
 * "Tham dự". With attendance recorded at the meeting, the lists follow it: a member marked absent who had reported
 * nothing is "vắng mặt không báo cáo". Without it, the lists follow the answers, and a member who has not answered
 * is "chưa xác nhận", never absent.
 */
export async function minutesView(ctx: CoreContext, actor: Actor, meetingId: number): Promise<MinutesView> {
  const meeting = await meetingView(ctx.db, meetingId);
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  assertCan(actor, "meeting.manage", meeting.committeeId);
  const committee = await ctx.db
    .selectFrom("committees as c")
    .leftJoin("committees as parent", "parent.id", "c.parent_id")
    .where("c.id", "=", meeting.committeeId)
    .select(["c.name", "c.level", "parent.name as parentName", "c.governing_body", "c.place_name", "c.code_prefix"])
    .executeTakeFirstOrThrow();
  const invitees = await ctx.db
    .selectFrom("invitations as i")
    .innerJoin("people as p", "p.id", "i.person_id")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "i.person_id").on("m.committee_id", "=", meeting.committeeId))
    .leftJoin("attendance as a", (j) => j.onRef("a.person_id", "=", "i.person_id").on("a.meeting_id", "=", meetingId))
    .where("i.meeting_id", "=", meetingId)
    .where("i.kind", "=", "member")
    .select(["i.id", "i.person_id", "i.answer", "p.full_name", "m.title", "m.organization", "a.presence", "a.delegate_name"])
    .orderBy("m.id")
    .execute();
  const ids = invitees.map((i) => i.id);
  const absences = ids.length
    ? await ctx.db.selectFrom("absence_requests").selectAll().where("invitation_id", "in", ids).where("status", "!=", "withdrawn").orderBy("id").execute()
    : [];
  const proxies = ids.length ? await ctx.db.selectFrom("proxies").selectAll().where("invitation_id", "in", ids).where("status", "!=", "withdrawn").orderBy("id").execute() : [];
  const lastOf = <T extends { invitation_id: number }>(rows: T[], id: number) => rows.filter((r) => r.invitation_id === id).at(-1);
  const fromAttendance = invitees.some((i) => i.presence !== null);
  const personOf = async (personId: number | null) =>
    personId === null
      ? undefined
      : ctx.db
          .selectFrom("people as p")
          .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "p.id").on("m.committee_id", "=", meeting.committeeId))
          .where("p.id", "=", personId)
          .select(["p.full_name", "m.title", "m.organization", "m.role"])
          .executeTakeFirst();
  const chairRow = (await personOf(meeting.chairPersonId))!;
  const secretaryId = (await ctx.db.selectFrom("meetings").select("secretary_person_id").where("id", "=", meetingId).executeTakeFirstOrThrow()).secretary_person_id;
  const secretaryRow = await personOf(secretaryId);

  const view: MinutesView = {
    meeting,
    committee: {
      name: committee.name,
      level: committee.level,
      parentName: committee.parentName,
      governingBody: committee.governing_body,
      placeName: committee.place_name,
      codePrefix: committee.code_prefix,
    },
    chair: { name: chairRow.full_name, title: chairRow.title, organization: chairRow.organization, role: chairRow.role },
    secretary: secretaryRow ? { name: secretaryRow.full_name, title: secretaryRow.title, organization: secretaryRow.organization } : null,
    fromAttendance,
    present: [],
    delegates: [],
    absent: [],
    unconfirmed: [],
    opinions: [],
    guests: (
      await ctx.db
        .selectFrom("invitations as i")
        .innerJoin("people as p", "p.id", "i.person_id")
        .where("i.meeting_id", "=", meetingId)
        .where("i.kind", "=", "guest")
        .select(["p.full_name", "i.title", "i.organization"])
        .orderBy("i.id")
        .execute()
    ).map((g) => ({ name: g.full_name, title: g.title, organization: g.organization })),
  };
  for (const i of invitees) {
    const person = { name: i.full_name, title: i.title, organization: i.organization };
    const proxy = lastOf(proxies, i.id);
    const absence = lastOf(absences, i.id);
    if (proxy) view.opinions.push({ member: person, delegateName: proxy.delegate_name, opinion: proxy.opinion });
    // The presiding chair is the "Chủ trì" line, whatever they answered.
    if (i.person_id === meeting.chairPersonId) continue;
    const presence = fromAttendance
      ? i.presence
      : i.answer === "attend"
        ? "present"
        : i.answer === "proxy" && proxy?.status === "approved"
          ? "represented"
          : i.answer === "none"
            ? null
            : "absent";
    if (presence === "present") view.present.push(person);
    else if (presence === "represented") {
      view.delegates.push({
        name: i.delegate_name ?? proxy?.delegate_name ?? "",
        title: proxy?.delegate_title ?? null,
        organization: proxy?.delegate_organization ?? null,
        member: person,
      });
    } else if (presence === null) view.unconfirmed.push(person);
    else if (i.answer === "absent" && absence) view.absent.push({ ...person, reason: absence.reason, consent: absence.status, reported: "absence" });
    else if (i.answer === "proxy" && proxy) view.absent.push({ ...person, reason: null, consent: proxy.status, reported: "proxy" });
    else view.absent.push({ ...person, reason: null, consent: "none", reported: "none" });
  }
  return view;
}
