import type { RequestStatus } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan } from "../permissions.js";
import { meetingView, type MeetingView } from "./meetings.js";

interface PersonLine {
  name: string;
  title: string | null;
  organization: string | null;
}

/** Everything the minutes draft states, from recorded attendance where there is one, else from the answers. */
export interface MinutesView {
  meeting: MeetingView;
  committee: { name: string; level: "province" | "district"; parentName: string | null };
  chair: PersonLine;
  /** True when the lists come from attendance recorded at the meeting, false when from answers beforehand. */
  fromAttendance: boolean;
  present: PersonLine[];
  delegates: (PersonLine & { member: PersonLine })[];
  absent: (PersonLine & { reason: string | null; consent: RequestStatus | "none" })[];
  opinions: { member: PersonLine; delegateName: string | null; opinion: string }[];
  /** Guests of an extended meeting. */
  guests: PersonLine[];
}

export async function minutesView(ctx: CoreContext, actor: Actor, meetingId: number): Promise<MinutesView> {
  const meeting = await meetingView(ctx.db, meetingId);
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  assertCan(actor, "meeting.manage", meeting.committeeId);
  const committee = await ctx.db
    .selectFrom("committees as c")
    .leftJoin("committees as parent", "parent.id", "c.parent_id")
    .where("c.id", "=", meeting.committeeId)
    .select(["c.name", "c.level", "parent.name as parentName"])
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
  const chairRow = await ctx.db
    .selectFrom("people as p")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "p.id").on("m.committee_id", "=", meeting.committeeId))
    .where("p.id", "=", meeting.chairPersonId)
    .select(["p.full_name", "m.title", "m.organization"])
    .executeTakeFirstOrThrow();

  const view: MinutesView = {
    meeting,
    committee: { name: committee.name, level: committee.level, parentName: committee.parentName },
    chair: { name: chairRow.full_name, title: chairRow.title, organization: chairRow.organization },
    fromAttendance,
    present: [],
    delegates: [],
    absent: [],
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
    const presence = fromAttendance
      ? i.presence
      : i.answer === "attend"
        ? "present"
        : i.answer === "proxy" && proxy?.status === "approved"
          ? "represented"
          : "absent";
    if (presence === "present") view.present.push(person);
    else if (presence === "represented") {
      view.delegates.push({
        name: i.delegate_name ?? proxy?.delegate_name ?? "",
        title: proxy?.delegate_title ?? null,
        organization: proxy?.delegate_organization ?? null,
        member: person,
      });
    } else {
      view.absent.push({
        ...person,
        reason: absence?.reason ?? null,
        consent: i.answer === "absent" && absence ? absence.status : "none",
      });
    }
  }
  return view;
}
