import type { Transaction } from "kysely";
import type { Database, MeetingRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage, meetingTimeParam } from "../outbox.js";
import { assertCan } from "../permissions.js";
import { answerDeadlineOf, checkAgenda, checkEnd, checkOnlineLink, checkPlace, checkStart, checkTitle, checkVenue } from "./meetings.js";
import { scheduleQuorumCheck } from "./quorum.js";
import { scheduleMeetingSoon } from "./soon.js";

export interface MeetingChange {
  startsAt: Date;
  endsAt: Date;
  place?: string | null;
  onlineLink?: string | null;
  answerDeadline?: Date;
}

type Trx = Transaction<Database>;

async function requireOpenMeeting(trx: Trx, ctx: CoreContext, actor: Actor, meetingId: number): Promise<MeetingRow> {
  const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  assertCan(actor, "meeting.manage", meeting.committee_id);
  if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
  if (meeting.ends_at <= iso(ctx.clock())) throw new DomainError("meetings:errors.past");
  return meeting;
}

/**
 * Closes the cards already delivered for a meeting: each is edited in place to its current state (no
 * buttons), and a card still waiting in the outbox is not sent at all.
 */
async function closeOldCards(trx: Trx, now: Date, meeting: MeetingRow): Promise<void> {
  const cards = await trx
    .selectFrom("outbox as o")
    .innerJoin("invitations as i", (j) => j.onRef("i.person_id", "=", "o.person_id").on("i.meeting_id", "=", meeting.id))
    .where("o.template", "in", ["meetings:invitation", "meetings:calendar"])
    .where("o.dedupe_key", "like", `meeting:${meeting.id}:v%`)
    .select(["o.id", "o.template", "o.status", "o.person_id", "i.id as invitationId"])
    .execute();
  for (const card of cards) {
    // A row still waiting is simply not sent; one already claimed by the worker is closed after it is sent.
    const cancelled = await trx
      .updateTable("outbox")
      .set({ status: "cancelled", last_error: "meeting changed before sending" })
      .where("id", "=", card.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) > 0 || card.template !== "meetings:invitation") continue;
    if (card.status === "failed" || card.status === "unreachable" || card.status === "cancelled") continue;
    await enqueueMessage(trx, now, {
      template: "meetings:card_closed",
      params: { invitationId: card.invitationId, cardOutboxId: card.id },
      to: { personId: card.person_id! },
      committeeId: meeting.committee_id,
      dedupeKey: `card_closed:${card.id}`,
    });
  }
}

/**
 * Updates in place every card of the meeting's current version already delivered (or being delivered), so
 * it shows the meeting as it is now; returns those cards. A card still waiting shows the current state anyway.
 */
export async function refreshSentCards(trx: Trx, now: Date, meeting: Pick<MeetingRow, "id" | "version" | "committee_id">): Promise<{ id: number; person_id: number | null; invitationId: number }[]> {
  const cards = await trx
    .selectFrom("outbox as o")
    .innerJoin("invitations as i", (j) => j.onRef("i.person_id", "=", "o.person_id").on("i.meeting_id", "=", meeting.id))
    .where("o.template", "=", "meetings:invitation")
    .where("o.dedupe_key", "like", `meeting:${meeting.id}:v${meeting.version}:%`)
    .where("o.status", "in", ["sent", "sending"])
    .select(["o.id", "o.person_id", "i.id as invitationId"])
    .execute();
  for (const card of cards) {
    await enqueueMessage(trx, now, {
      template: "meetings:card_refresh",
      params: { invitationId: card.invitationId, cardOutboxId: card.id },
      to: { personId: card.person_id! },
      committeeId: meeting.committee_id,
      dedupeKey: `card_refresh:${card.id}:${iso(now)}`,
    });
  }
  return cards;
}

/** What a correction of a meeting may change without touching anyone's answer. */
export interface MeetingEdit {
  title?: string;
  agenda?: string;
  place?: string | null;
  onlineLink?: string | null;
}

/** What a reschedule did: moved the meeting (answers reset), or only corrected its place or link (answers kept). */
export type Rescheduled = MeetingRow & { answersReset: boolean };

/**
 * The secretariat moves a meeting: everyone is told what changed, their answers go back to "no answer"
 * (the old ones stay in the audit history), pending and approved requests lapse, and a new card is sent.
 * Moving it to the time it already has is no move: with a new place or link it is a correction (answers
 * stand, cards are updated in place, see editMeeting); with nothing new it is refused as such, and
 * nothing is sent.
 */
export async function rescheduleMeeting(ctx: CoreContext, actor: Actor, meetingId: number, change: MeetingChange): Promise<Rescheduled> {
  const same = await ctx.db.transaction().execute(async (trx) => {
    const meeting = await requireOpenMeeting(trx, ctx, actor, meetingId);
    const sameTime = change.startsAt.getTime() === Date.parse(meeting.starts_at) && change.endsAt.getTime() === Date.parse(meeting.ends_at);
    const sameDeadline = change.answerDeadline === undefined || change.answerDeadline.getTime() === Date.parse(meeting.answer_deadline);
    return sameTime && sameDeadline ? meeting : undefined;
  });
  if (same) {
    const place = change.place === undefined ? same.place : checkPlace(change.place);
    const onlineLink = change.onlineLink === undefined ? same.online_link : checkOnlineLink(change.onlineLink);
    if (place === same.place && onlineLink === same.online_link) throw new DomainError("meetings:errors.same_schedule", { id: same.id });
    return { ...(await editMeeting(ctx, actor, meetingId, { place, onlineLink })), answersReset: false };
  }
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await requireOpenMeeting(trx, ctx, actor, meetingId);
    const now = ctx.clock();
    checkStart(now, change.startsAt);
    checkEnd(change.startsAt, change.endsAt);
    const place = change.place === undefined ? meeting.place : checkPlace(change.place);
    const onlineLink = change.onlineLink === undefined ? meeting.online_link : checkOnlineLink(change.onlineLink);
    checkVenue(place, onlineLink);
    const deadline = answerDeadlineOf(now, change.startsAt, change.answerDeadline);

    await closeOldCards(trx, now, meeting);
    const version = meeting.version + 1;
    const after = { starts_at: iso(change.startsAt), ends_at: iso(change.endsAt), place, online_link: onlineLink, answer_deadline: iso(deadline), version };
    await trx.updateTable("meetings").set({ ...after, updated_at: iso(now) }).where("id", "=", meeting.id).execute();
    await recordAudit(trx, actor, now, {
      action: "meeting.reschedule",
      objectType: "meeting",
      objectId: meeting.id,
      committeeId: meeting.committee_id,
      before: { starts_at: meeting.starts_at, ends_at: meeting.ends_at, place: meeting.place, online_link: meeting.online_link, answer_deadline: meeting.answer_deadline, version: meeting.version },
      after,
    });
    await scheduleQuorumCheck(trx, ctx, { id: meeting.id, version, starts_at: after.starts_at, answer_deadline: after.answer_deadline });
    await scheduleMeetingSoon(trx, now, { id: meeting.id, version, starts_at: after.starts_at, committee_id: meeting.committee_id });
    const invitations = await trx.selectFrom("invitations").selectAll().where("meeting_id", "=", meeting.id).execute();
    for (const inv of invitations) {
      for (const table of ["absence_requests", "proxies"] as const) {
        await trx.updateTable(table).set({ status: "withdrawn" }).where("invitation_id", "=", inv.id).where("status", "in", ["pending", "approved"]).execute();
      }
      // The meeting's chair still chairs it: recorded as attending, as when it was called.
      if (inv.person_id === meeting.chair_person_id) {
        if (inv.answer !== "attend") await trx.updateTable("invitations").set({ answer: "attend", answered_at: iso(now), answered_by_person_id: null }).where("id", "=", inv.id).execute();
      } else if (inv.answer !== "none") {
        await trx.updateTable("invitations").set({ answer: "none", answered_at: null, answered_by_person_id: null }).where("id", "=", inv.id).execute();
        await recordAudit(trx, actor, now, {
          action: "invitation.reset",
          objectType: "invitation",
          objectId: inv.id,
          committeeId: meeting.committee_id,
          before: { answer: inv.answer },
          after: { answer: "none", reason: "meeting rescheduled" },
        });
      }
      await enqueueMessage(trx, now, {
        template: "meetings:rescheduled",
        params: { title: meeting.title, oldStart: meetingTimeParam(meeting.starts_at), newStart: meetingTimeParam(change.startsAt), place: place ?? onlineLink ?? "" },
        to: { personId: inv.person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:v${version}:rescheduled:${inv.person_id}`,
      });
      await enqueueMessage(trx, now, {
        template: "meetings:invitation",
        params: { invitationId: inv.id, version },
        to: { personId: inv.person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:v${version}:invitation:${inv.person_id}`,
      });
      await enqueueMessage(trx, now, {
        template: "meetings:calendar",
        params: { invitationId: inv.id },
        to: { personId: inv.person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:v${version}:calendar:${inv.person_id}`,
      });
    }
    return { ...meeting, ...after, updated_at: iso(now), answersReset: true };
  });
}

/** The secretariat cancels a meeting: everyone is told, and the buttons of the old cards stop working. */
export async function cancelMeeting(ctx: CoreContext, actor: Actor, meetingId: number, reason: string): Promise<MeetingRow> {
  const why = reason.trim();
  if (!why) throw new DomainError("meetings:errors.cancel_reason_required");
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await requireOpenMeeting(trx, ctx, actor, meetingId);
    const now = ctx.clock();
    await trx.updateTable("meetings").set({ status: "cancelled", cancelled_at: iso(now), updated_at: iso(now) }).where("id", "=", meeting.id).execute();
    await recordAudit(trx, actor, now, {
      action: "meeting.cancel",
      objectType: "meeting",
      objectId: meeting.id,
      committeeId: meeting.committee_id,
      before: { status: "scheduled" },
      after: { status: "cancelled", reason: why },
    });
    for (const table of ["absence_requests", "proxies"] as const) {
      const ids = trx.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id);
      await trx.updateTable(table).set({ status: "withdrawn" }).where("invitation_id", "in", ids).where("status", "=", "pending").execute();
    }
    await closeOldCards(trx, now, meeting);
    const invitations = await trx.selectFrom("invitations").select(["id", "person_id"]).where("meeting_id", "=", meeting.id).execute();
    for (const inv of invitations) {
      await enqueueMessage(trx, now, {
        template: "meetings:cancelled_notice",
        params: { title: meeting.title, start: meetingTimeParam(meeting.starts_at), reason: why },
        to: { personId: inv.person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:cancelled:${inv.person_id}`,
      });
      await enqueueMessage(trx, now, {
        template: "meetings:calendar",
        params: { invitationId: inv.id },
        to: { personId: inv.person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:cancelled:calendar:${inv.person_id}`,
      });
    }
    return { ...meeting, status: "cancelled", cancelled_at: iso(now) };
  });
}

/**
 * The secretariat corrects a meeting's title, agenda, place or online link. Answers stand; every invitee's
 * card is updated in place and they are told what changed. A field not given stays as it is.
 */
export async function editMeeting(ctx: CoreContext, actor: Actor, meetingId: number, change: MeetingEdit): Promise<MeetingRow> {
  const title = change.title === undefined ? undefined : checkTitle(change.title);
  const agenda = change.agenda === undefined ? undefined : checkAgenda(change.agenda);
  const place = change.place === undefined ? undefined : checkPlace(change.place);
  const onlineLink = change.onlineLink === undefined ? undefined : checkOnlineLink(change.onlineLink);
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await requireOpenMeeting(trx, ctx, actor, meetingId);
    const now = ctx.clock();
    checkVenue(place === undefined ? meeting.place : place, onlineLink === undefined ? meeting.online_link : onlineLink);
    const changed = {
      ...(title !== undefined && title !== meeting.title ? { title } : {}),
      ...(agenda !== undefined && agenda !== meeting.agenda ? { agenda } : {}),
      ...(place !== undefined && place !== meeting.place ? { place } : {}),
      ...(onlineLink !== undefined && onlineLink !== meeting.online_link ? { online_link: onlineLink } : {}),
    };
    if (Object.keys(changed).length === 0) return meeting;
    const after: Partial<MeetingRow> = changed;
    await trx.updateTable("meetings").set({ ...changed, updated_at: iso(now) }).where("id", "=", meeting.id).execute();
    await recordAudit(trx, actor, now, {
      action: "meeting.edit",
      objectType: "meeting",
      objectId: meeting.id,
      committeeId: meeting.committee_id,
      before: Object.fromEntries(Object.keys(changed).map((k) => [k, meeting[k as keyof typeof changed]])),
      after,
    });
    for (const card of await refreshSentCards(trx, now, meeting)) {
      await enqueueMessage(trx, now, {
        template: "meetings:edited_notice",
        params: { title: title ?? meeting.title, start: meetingTimeParam(meeting.starts_at) },
        to: { personId: card.person_id! },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting_edited:${meeting.id}:${card.person_id}:${iso(now)}`,
      });
    }
    return { ...meeting, ...after, updated_at: iso(now) };
  });
}
