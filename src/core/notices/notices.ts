import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { checkAttachment, saveAttachments, type IncomingFile } from "../attachments.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage } from "../outbox.js";
import { parseLocalDateTime } from "../../i18n/format.js";
import { assertCan } from "../permissions.js";
import { resolveAudience, type Audience } from "./audience.js";

/** The old per-notice reminder job; those still queued in a database complete without sending (see views.ts). */
export const NOTICE_ACK_REMINDER = "notice.ack_reminder";
export const NOTICE_MAX_LENGTH = 20_000;
/** The acknowledgement deadline offered by default: this many days after sending. */
export const DEFAULT_ACK_DAYS = 3;

/**
 * A notice's body (markup) and file as the secretariat gives them: something to say (a text or a file),
 * within {@link NOTICE_MAX_LENGTH}. Returns the body trimmed; throws a DomainError to answer with.
 */
export function checkNoticeBody(body: string, attachment?: IncomingFile | null): string {
  const trimmed = body.trim();
  if (!trimmed && !attachment) throw new DomainError("notices:errors.empty");
  if (trimmed.length > NOTICE_MAX_LENGTH) throw new DomainError("notices:errors.too_long", { max: NOTICE_MAX_LENGTH, length: trimmed.length });
  return trimmed;
}

/** The acknowledgement deadline by default, {@link DEFAULT_ACK_DAYS} days from `now`. */
export const defaultAckDeadline = (now: Date): Date => new Date(now.getTime() + DEFAULT_ACK_DAYS * 24 * 3600_000);

/**
 * An acknowledgement deadline typed as dd/MM/yyyy HH:mm in the committee's time zone: a date after `now`.
 * Throws a DomainError (the format, or a deadline already past) to ask again with.
 */
export function readAckDeadline(text: string, timeZone: string, now: Date): Date {
  const at = parseLocalDateTime(text, timeZone);
  if (!at) throw new DomainError("meetings:create.bad_datetime");
  if (at <= now) throw new DomainError("notices:errors.deadline_in_past");
  return at;
}

export interface NewNotice {
  committeeId: number;
  /** The text with the secretariat's formatting, as Telegram HTML. */
  body: string;
  attachment?: IncomingFile | null;
  audience: Audience;
  ackRequired: boolean;
  ackDeadline?: Date | null;
  /** Also post it in the committee's linked group chat, on that group's app. */
  postToGroup?: boolean;
}

/** How many people a notice would reach, and how many of them cannot be reached right now. */
export async function previewNotice(ctx: CoreContext, actor: Actor, committeeId: number, audience: Audience): Promise<{ recipients: number; unreachable: number }> {
  assertCan(actor, "notice.send", committeeId);
  const ids = await resolveAudience(ctx.db, committeeId, audience);
  const reachable = await ctx.db
    .selectFrom("channel_identities")
    .select("person_id")
    .where("person_id", "in", ids)
    .where("unreachable_at", "is", null)
    .execute();
  return { recipients: ids.length, unreachable: ids.length - new Set(reachable.map((r) => r.person_id)).size };
}

/**
 * Sends a notice: one outbox row per recipient, written in the same transaction as the notice, so a
 * restart in the middle of a broadcast sends each the notice once. With an acknowledgement deadline, those who
 * have not acknowledged are nudged before it in their daily bundled nudge (core/notices/obligations.ts).
 *
 * The author, when the audience includes them, keeps their copy (as an official letter keeps one "for the
 * record", and so that a notice to oneself alone works as a test), but they are not asked to acknowledge
 * what they wrote: their copy counts as acknowledged when sent, is never reminded, and does not show among
 * those the secretariat must chase.
 */
export async function sendNotice(ctx: CoreContext, actor: Actor, input: NewNotice): Promise<{ noticeId: number; recipients: number }> {
  assertCan(actor, "notice.send", input.committeeId);
  const now = ctx.clock();
  return ctx.db.transaction().execute((trx) => writeNotice(trx, now, actor, input));
}

/**
 * The body of {@link sendNotice} inside the caller's transaction, without its permission check: for a feature that
 * publishes a notice as part of its own command (the chair's conclusions), checked by that command's permission.
 */
export async function writeNotice(trx: Transaction<Database>, now: Date, actor: Actor, input: NewNotice): Promise<{ noticeId: number; recipients: number }> {
  const body = checkNoticeBody(input.body, input.attachment);
  if (input.attachment) checkAttachment(input.attachment);
  if (input.ackRequired && input.ackDeadline && input.ackDeadline <= now) throw new DomainError("notices:errors.deadline_in_past");
  const people = await resolveAudience(trx, input.committeeId, input.audience);
  const personId = actor.kind === "person" ? actor.personId : null;
  const group = input.postToGroup
    ? await trx.selectFrom("committees").select(["group_chat_id as chatId", "group_channel as channel"]).where("id", "=", input.committeeId).executeTakeFirstOrThrow()
    : null;
  if (input.postToGroup && !group?.chatId) throw new DomainError("notices:errors.no_group");
  const notice = await trx
    .insertInto("notices")
    .values({
      committee_id: input.committeeId,
      created_by_person_id: personId,
      body: body,
      attachment_id: null,
      audience: JSON.stringify(input.audience),
      ack_required: input.ackRequired ? 1 : 0,
      ack_deadline: input.ackRequired && input.ackDeadline ? iso(input.ackDeadline) : null,
      status: "sending",
      created_at: iso(now),
      posted_to_group: group?.chatId && group.channel ? 1 : 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (group?.chatId && group.channel) {
    // The group post goes on the group's own app.
    await enqueueMessage(trx, now, { template: "notices:group", params: { noticeId: notice.id }, to: { chatId: group.chatId }, channel: group.channel, committeeId: input.committeeId, dedupeKey: `notice:${notice.id}:group` });
  }
  if (input.attachment) {
    const [attachmentId] = await saveAttachments(trx, now, { type: "notice", id: notice.id }, [input.attachment], personId);
    await trx.updateTable("notices").set({ attachment_id: attachmentId! }).where("id", "=", notice.id).execute();
  }
  for (const pid of people) {
    const acknowledgedAt = input.ackRequired && pid === personId ? iso(now) : null;
    const recipient = await trx.insertInto("notice_recipients").values({ notice_id: notice.id, person_id: pid, acknowledged_at: acknowledgedAt }).returning("id").executeTakeFirstOrThrow();
    const outboxId = await enqueueMessage(trx, now, {
      template: "notices:notice",
      params: { recipientId: recipient.id },
      to: { personId: pid },
      committeeId: input.committeeId,
      dedupeKey: `notice:${notice.id}:to:${pid}`,
    });
    await trx.updateTable("notice_recipients").set({ outbox_id: outboxId ?? null }).where("id", "=", recipient.id).execute();
    if (input.attachment) {
      await enqueueMessage(trx, now, {
        template: "notices:attachment",
        params: { recipientId: recipient.id },
        to: { personId: pid },
        committeeId: input.committeeId,
        dedupeKey: `notice:${notice.id}:attachment:${pid}`,
      });
    }
  }
  await recordAudit(trx, actor, now, {
    action: "notice.send",
    objectType: "notice",
    objectId: notice.id,
    committeeId: input.committeeId,
    after: { audience: input.audience, recipients: people.length, ackRequired: input.ackRequired, ackDeadline: input.ackDeadline ?? null },
  });
  return { noticeId: notice.id, recipients: people.length };
}

/** "Đã nhận": a recipient acknowledges a notice addressed to them; a second tap changes nothing. */
export async function acknowledgeNotice(ctx: CoreContext, actor: Actor, recipientId: number): Promise<{ changed: boolean; at: string }> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom("notice_recipients as r")
      .innerJoin("notices as n", "n.id", "r.notice_id")
      .where("r.id", "=", recipientId)
      .select(["r.id", "r.person_id", "r.acknowledged_at", "n.status", "n.committee_id", "n.id as noticeId"])
      .executeTakeFirst();
    if (!r || r.person_id !== actor.personId) throw new DomainError("notices:errors.not_yours");
    if (r.acknowledged_at) return { changed: false, at: r.acknowledged_at };
    if (r.status === "cancelled") throw new DomainError("notices:errors.withdrawn");
    const now = ctx.clock();
    await trx.updateTable("notice_recipients").set({ acknowledged_at: iso(now) }).where("id", "=", r.id).execute();
    await recordAudit(trx, actor, now, { action: "notice.acknowledge", objectType: "notice_recipient", objectId: r.id, committeeId: r.committee_id, after: { noticeId: r.noticeId } });
    return { changed: true, at: iso(now) };
  });
}

/** Stops a broadcast: what is not yet sent stays unsent; what was delivered stays, marked withdrawn. */
export async function cancelNotice(ctx: CoreContext, actor: Actor, noticeId: number): Promise<{ stopped: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const notice = await trx.selectFrom("notices").selectAll().where("id", "=", noticeId).executeTakeFirst();
    if (!notice) throw new DomainError("notices:errors.not_found", { id: noticeId });
    assertCan(actor, "notice.send", notice.committee_id);
    if (notice.status === "cancelled") throw new DomainError("notices:errors.withdrawn");
    const now = ctx.clock();
    const r = await trx
      .updateTable("outbox")
      .set({ status: "cancelled", last_error: "notice withdrawn" })
      .where("dedupe_key", "like", `notice:${noticeId}:to:%`)
      .where("status", "=", "pending")
      .executeTakeFirst();
    await trx
      .updateTable("outbox")
      .set({ status: "cancelled", last_error: "notice withdrawn" })
      .where((eb) => eb.or([eb("dedupe_key", "like", `notice:${noticeId}:attachment:%`), eb("dedupe_key", "=", `notice:${noticeId}:group`)]))
      .where("status", "=", "pending")
      .execute();
    await trx.updateTable("notices").set({ status: "cancelled", cancelled_at: iso(now) }).where("id", "=", noticeId).execute();
    await trx.updateTable("due_jobs").set({ status: "cancelled" }).where("idempotency_key", "=", `${NOTICE_ACK_REMINDER}:${noticeId}`).where("status", "=", "pending").execute();
    await recordAudit(trx, actor, now, {
      action: "notice.cancel",
      objectType: "notice",
      objectId: noticeId,
      committeeId: notice.committee_id,
      before: { status: notice.status },
      after: { status: "cancelled", stopped: Number(r.numUpdatedRows) },
    });
    return { stopped: Number(r.numUpdatedRows) };
  });
}
