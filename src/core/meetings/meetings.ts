import type { Executor } from "../../db/database.js";
import type { MeetingKind, MeetingRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { DAY, iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage } from "../outbox.js";
import { assertCan, seatsWith } from "../permissions.js";
import { scheduleQuorumCheck } from "./quorum.js";
import { scheduleMeetingSoon } from "./soon.js";
import { checkSecretary } from "./secretary.js";
import { checkAttachment, MAX_ATTACHMENTS, saveAttachments, type IncomingFile } from "../attachments.js";

/** What the secretariat fills in to call a meeting (all times absolute; channels parse local input). */
export interface NewMeeting {
  committeeId: number;
  kind: MeetingKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  place?: string | null;
  onlineLink?: string | null;
  agenda: string;
  /** The meeting's chair: the committee chair by default, the standing deputy when the chair delegates. */
  chairPersonId?: number;
  /** Until when members answer; by default one day before the start (required when that has passed). */
  answerDeadline?: Date;
  /** Who records the minutes: a person with a seat on the committee, usually of its secretariat. */
  secretaryPersonId?: number | null;
  /** Documents of the agenda, sent to every invitee after the card. */
  documents?: IncomingFile[];
}

/** Roles invited by default: the committee's members and leaders (the secretariat organizes, it is not counted). */
export const INVITED_ROLES = ["chair", "standing_deputy", "deputy", "member"] as const;

/** The longest title, agenda, place and online link a meeting takes, in characters; longer is refused, never cut. */
export const MEETING_LIMITS = { title: 200, agenda: 4000, place: 300, link: 500 } as const;
/** An online meeting link: an http(s) address without spaces. */
const LINK = /^https?:\/\/\S+$/i;

/** A meeting's title, trimmed; refused when empty or too long. */
export function checkTitle(text: string): string {
  const title = text.trim();
  if (!title) throw new DomainError("meetings:errors.title_required");
  if (title.length > MEETING_LIMITS.title) throw new DomainError("meetings:errors.too_long", { field: "title", max: MEETING_LIMITS.title });
  return title;
}

/** A meeting's agenda, trimmed; refused when empty or too long. */
export function checkAgenda(text: string): string {
  const agenda = text.trim();
  if (!agenda) throw new DomainError("meetings:errors.agenda_required");
  if (agenda.length > MEETING_LIMITS.agenda) throw new DomainError("meetings:errors.too_long", { field: "agenda", max: MEETING_LIMITS.agenda });
  return agenda;
}

/** A place, trimmed; empty is none (null); too long is refused. */
export function checkPlace(text: string | null | undefined): string | null {
  const place = text?.trim() || null;
  if (place && place.length > MEETING_LIMITS.place) throw new DomainError("meetings:errors.too_long", { field: "place", max: MEETING_LIMITS.place });
  return place;
}

/** An online meeting link, trimmed; empty is none (null); not an http(s) address, or too long, is refused. */
export function checkOnlineLink(text: string | null | undefined): string | null {
  const link = text?.trim() || null;
  if (!link) return null;
  if (!LINK.test(link)) throw new DomainError("meetings:errors.bad_link");
  if (link.length > MEETING_LIMITS.link) throw new DomainError("meetings:errors.too_long", { field: "link", max: MEETING_LIMITS.link });
  return link;
}

/** A meeting takes place somewhere: a place, an online link, or both. */
export function checkVenue(place: string | null, onlineLink: string | null): void {
  if (!place && !onlineLink) throw new DomainError("meetings:errors.place_required");
}

/** A start in the future. */
export function checkStart(now: Date, startsAt: Date): Date {
  if (Number.isNaN(startsAt.getTime()) || startsAt <= now) throw new DomainError("meetings:errors.start_in_past");
  return startsAt;
}

/** An end after the start. */
export function checkEnd(startsAt: Date, endsAt: Date): Date {
  if (Number.isNaN(endsAt.getTime()) || endsAt <= startsAt) throw new DomainError("meetings:errors.end_before_start");
  return endsAt;
}

/**
 * The answer deadline used when none is given: one day before the start, or undefined when that moment has
 * already passed (a meeting called less than a day ahead): then a deadline must be given.
 */
export function defaultAnswerDeadline(now: Date, startsAt: Date): Date | undefined {
  const deadline = new Date(startsAt.getTime() - DAY);
  return deadline > now ? deadline : undefined;
}

/** A given answer deadline lies between now and the start. */
export function checkAnswerDeadline(now: Date, startsAt: Date, deadline: Date): Date {
  if (Number.isNaN(deadline.getTime()) || deadline <= now) throw new DomainError("meetings:errors.deadline_in_past");
  if (deadline > startsAt) throw new DomainError("meetings:errors.deadline_after_start");
  return deadline;
}

/**
 * The answer deadline of a meeting: the one given (checked), else the default; a meeting less than a day
 * ahead has no default (it would already have passed, and nobody could answer), so one must be given.
 */
export function answerDeadlineOf(now: Date, startsAt: Date, given: Date | undefined): Date {
  if (given) return checkAnswerDeadline(now, startsAt, given);
  const deadline = defaultAnswerDeadline(now, startsAt);
  if (!deadline) throw new DomainError("meetings:errors.deadline_needed");
  return deadline;
}

function validate(ctx: CoreContext, m: NewMeeting): { title: string; agenda: string; place: string | null; onlineLink: string | null; deadline: Date } {
  const now = ctx.clock();
  const title = checkTitle(m.title);
  const agenda = checkAgenda(m.agenda);
  checkStart(now, m.startsAt);
  checkEnd(m.startsAt, m.endsAt);
  const place = checkPlace(m.place);
  const onlineLink = checkOnlineLink(m.onlineLink);
  checkVenue(place, onlineLink);
  return { title, agenda, place, onlineLink, deadline: answerDeadlineOf(now, m.startsAt, m.answerDeadline) };
}

/** The person who chairs a committee's meetings by default: its active chair. */
async function committeeChair(db: Executor, committeeId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("memberships")
    .select("person_id")
    .where("committee_id", "=", committeeId)
    .where("role", "=", "chair")
    .where("active", "=", 1)
    .orderBy("id")
    .executeTakeFirst();
  return row?.person_id;
}

/**
 * The secretariat calls a meeting: every active member and leader is invited, and each gets the meeting
 * card (through the outbox, in the same transaction) with Attend · Absent · Send a proxy.
 */
export async function createMeeting(ctx: CoreContext, actor: Actor, input: NewMeeting): Promise<{ meeting: MeetingRow; invited: number }> {
  assertCan(actor, "meeting.manage", input.committeeId);
  const { title, agenda, place, onlineLink, deadline } = validate(ctx, input);
  const documents = input.documents ?? [];
  if (documents.length > MAX_ATTACHMENTS) throw new DomainError("meetings:errors.too_many_files", { max: MAX_ATTACHMENTS });
  documents.forEach(checkAttachment);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const chairPersonId = input.chairPersonId ?? (await committeeChair(trx, input.committeeId));
    if (chairPersonId === undefined) throw new DomainError("meetings:errors.no_chair");
    const chairSeat = await trx
      .selectFrom("memberships")
      .select("role")
      .where("committee_id", "=", input.committeeId)
      .where("person_id", "=", chairPersonId)
      .where("active", "=", 1)
      .executeTakeFirst();
    if (!chairSeat || (chairSeat.role !== "chair" && chairSeat.role !== "standing_deputy")) throw new DomainError("meetings:errors.bad_chair");
    if (input.secretaryPersonId) await checkSecretary(trx, input.committeeId, input.secretaryPersonId);

    const meeting = await trx
      .insertInto("meetings")
      .values({
        committee_id: input.committeeId,
        kind: input.kind,
        title,
        starts_at: iso(input.startsAt),
        ends_at: iso(input.endsAt),
        place,
        online_link: onlineLink,
        agenda,
        chair_person_id: chairPersonId,
        secretary_person_id: input.secretaryPersonId ?? null,
        answer_deadline: iso(deadline),
        status: "scheduled",
        created_by_person_id: actor.kind === "person" ? actor.personId : null,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    const attachmentIds = await saveAttachments(trx, now, { type: "meeting", id: meeting.id }, documents, actor.kind === "person" ? actor.personId : null);
    const invitees = await trx
      .selectFrom("memberships")
      .select("person_id")
      .where("committee_id", "=", input.committeeId)
      .where("active", "=", 1)
      .where("role", "in", [...INVITED_ROLES])
      .orderBy("id")
      .execute();
    for (const { person_id } of invitees) {
      // The meeting's chair is not asked whether he will come: he chairs it, and is counted as present.
      const chairs = person_id === chairPersonId;
      const inv = await trx
        .insertInto("invitations")
        .values({ meeting_id: meeting.id, person_id, answer: chairs ? "attend" : "none", answered_at: chairs ? iso(now) : null, created_at: iso(now) })
        .returning("id")
        .executeTakeFirstOrThrow();
      await enqueueMessage(trx, now, {
        template: "meetings:invitation",
        params: { invitationId: inv.id, version: meeting.version },
        to: { personId: person_id },
        committeeId: input.committeeId,
        dedupeKey: `meeting:${meeting.id}:v${meeting.version}:invitation:${person_id}`,
      });
      await enqueueMessage(trx, now, {
        template: "meetings:calendar",
        params: { invitationId: inv.id },
        to: { personId: person_id },
        committeeId: input.committeeId,
        dedupeKey: `meeting:${meeting.id}:v${meeting.version}:calendar:${person_id}`,
      });
      for (const attachmentId of attachmentIds) {
        await enqueueMessage(trx, now, {
          template: "meetings:document",
          params: { attachmentId },
          to: { personId: person_id },
          committeeId: input.committeeId,
          dedupeKey: `attachment:${attachmentId}:to:${person_id}`,
        });
      }
    }
    await scheduleQuorumCheck(trx, ctx, meeting);
    await scheduleMeetingSoon(trx, now, meeting);
    await recordAudit(trx, actor, now, {
      action: "meeting.create",
      objectType: "meeting",
      objectId: meeting.id,
      committeeId: input.committeeId,
      after: { ...meeting, invited: invitees.length },
    });
    return { meeting, invited: invitees.length };
  });
}

/** A meeting with the names rendering needs. */
export interface MeetingView {
  id: number;
  committeeId: number;
  committeeName: string;
  timeZone: string;
  kind: MeetingKind;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  onlineLink: string | null;
  agenda: string;
  chairPersonId: number;
  chairName: string;
  answerDeadline: string;
  status: "scheduled" | "cancelled";
  version: number;
}

export async function meetingView(db: Executor, meetingId: number): Promise<MeetingView | undefined> {
  return db
    .selectFrom("meetings as m")
    .innerJoin("committees as c", "c.id", "m.committee_id")
    .innerJoin("people as p", "p.id", "m.chair_person_id")
    .where("m.id", "=", meetingId)
    .select([
      "m.id",
      "m.committee_id as committeeId",
      "c.name as committeeName",
      "c.time_zone as timeZone",
      "m.kind",
      "m.title",
      "m.starts_at as startsAt",
      "m.ends_at as endsAt",
      "m.place",
      "m.online_link as onlineLink",
      "m.agenda",
      "m.chair_person_id as chairPersonId",
      "p.full_name as chairName",
      "m.answer_deadline as answerDeadline",
      "m.status",
      "m.version",
    ])
    .executeTakeFirst();
}

/** Upcoming meetings of the committees where the actor may see the roster, soonest first. */
export async function upcomingMeetings(ctx: CoreContext, actor: Actor): Promise<MeetingView[]> {
  const committeeIds = seatsWith(actor, "meeting.roster").map((s) => s.committeeId);
  if (actor.kind === "person" && committeeIds.length === 0) throw new DomainError("errors:forbidden");
  let q = ctx.db.selectFrom("meetings").select("id").where("ends_at", ">", iso(ctx.clock())).where("status", "=", "scheduled").orderBy("starts_at");
  if (actor.kind === "person") q = q.where("committee_id", "in", committeeIds);
  const ids = await q.limit(20).execute();
  const views = await Promise.all(ids.map((r) => meetingView(ctx.db, r.id)));
  return views.filter((v): v is MeetingView => v !== undefined);
}

/** Who may chair a committee's meeting: its active chair and standing deputy, the chair first. */
export async function chairCandidates(ctx: CoreContext, actor: Actor, committeeId: number): Promise<{ personId: number; fullName: string; role: "chair" | "standing_deputy" }[]> {
  assertCan(actor, "meeting.manage", committeeId);
  const rows = await ctx.db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .where("m.committee_id", "=", committeeId)
    .where("m.active", "=", 1)
    .where("m.role", "in", ["chair", "standing_deputy"])
    .select(["p.id as personId", "p.full_name as fullName", "m.role"])
    .orderBy("m.id")
    .execute();
  return rows
    .map((r) => ({ ...r, role: r.role as "chair" | "standing_deputy" }))
    .sort((a, b) => (a.role === b.role ? 0 : a.role === "chair" ? -1 : 1));
}
