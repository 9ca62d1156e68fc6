import { sql } from "kysely";
import type { Executor } from "../db/database.js";
import type { ChannelName } from "../db/schema.js";
import { iso } from "./clock.js";

/**
 * A placeholder value in an outbox message. Core stores what to say, not how: the channel renders the
 * template in the recipient's language when it sends, so a time becomes dd/MM/yyyy HH:mm in the
 * committee's zone and a role name is translated for the reader.
 */
export type MessageParam = string | number | { $datetime: string } | { $meetingTime: string } | { $percent: number } | { $t: string };
export type MessageParams = Record<string, MessageParam>;

export const dateParam = (d: Date | string): MessageParam => ({ $datetime: typeof d === "string" ? d : iso(d) });
/** A meeting's start, shown as invitations give it: "14:00, thứ Ba, ngày 08/12/2026" in the reader's language. */
export const meetingTimeParam = (d: Date | string): MessageParam => ({ $meetingTime: typeof d === "string" ? d : iso(d) });
/** A percentage (0–100), written as every text writes one ("75%"). */
export const percentParam = (value: number): MessageParam => ({ $percent: value });
export const termParam = (key: string): MessageParam => ({ $t: key });

export interface OutgoingMessage {
  /** i18n key of the text, e.g. "invites:expiry_reminder". */
  template: string;
  params?: MessageParams;
  /**
   * A person, or for a group post an explicit chat. A person's message is not bound to an app: when it is
   * sent, the delivery worker picks the app that reaches them (and falls back to their other linked app).
   */
  to: { personId: number } | { chatId: string };
  committeeId?: number | null;
  /** The app a group post's chat is on; required for a group post, ignored for a person. */
  channel?: ChannelName;
  /** Writing the same key twice keeps the first row: the same reminder is never queued twice. */
  dedupeKey?: string;
  notBefore?: Date;
}

/** The app of a group post: a chat id alone names no app. */
function groupChannel(msg: OutgoingMessage): ChannelName {
  if (!msg.channel) throw new Error(`a group post (${msg.template}) names no app`);
  return msg.channel;
}

/** Whether a person has linked any app (reachable or not). */
export async function hasLinkedAccount(db: Executor, personId: number): Promise<boolean> {
  const row = await db.selectFrom("channel_identities").select("id").where("person_id", "=", personId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Queues a message for the delivery worker. Call it inside the transaction of the change that causes the
 * message, so the change and its notification commit or vanish together. A message to a person who has
 * linked no app yet is held until they link (see core/held.ts). Returns the outbox row's id, or undefined
 * when the dedupe key was already queued.
 */
export async function enqueueMessage(db: Executor, now: Date, msg: OutgoingMessage): Promise<number | undefined> {
  // Held when the person has linked no app: decided in the insert itself, so a broadcast costs no extra round trip.
  const held =
    "personId" in msg.to ? sql<string | null>`case when exists (select 1 from channel_identities where person_id = ${msg.to.personId}) then null else ${iso(now)} end` : null;
  const row = await db
    .insertInto("outbox")
    .values({
      committee_id: msg.committeeId ?? null,
      person_id: "personId" in msg.to ? msg.to.personId : null,
      chat_id: "chatId" in msg.to ? msg.to.chatId : null,
      // For a person this is only a placeholder (the column is required): the worker records the app it used when it sends.
      channel: "chatId" in msg.to ? groupChannel(msg) : "telegram",
      template: msg.template,
      params: JSON.stringify(msg.params ?? {}),
      dedupe_key: msg.dedupeKey ?? null,
      status: "pending",
      not_before: iso(msg.notBefore ?? now),
      created_at: iso(now),
      held_since: held,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/**
 * Where an earlier outbox message stands, so a later one can edit it once it has been delivered — on the
 * app it went out on (`channel`): a message sent on one app cannot be edited on another.
 */
export async function outboxMessageState(
  db: Executor,
  id: number,
): Promise<{ status: string; externalMessageId: string | null; channel: ChannelName } | undefined> {
  const row = await db.selectFrom("outbox").select(["status", "external_message_id", "channel"]).where("id", "=", id).executeTakeFirst();
  return row ? { status: row.status, externalMessageId: row.external_message_id, channel: row.channel } : undefined;
}
