import { setTimeout as sleep } from "node:timers/promises";
import type { ChannelName } from "../db/schema.js";
import { DAY, iso } from "./clock.js";
import type { CoreContext } from "./context.js";

/**
 * Remembers that an incoming update was taken in hand. Returns false when it had been already, so a
 * platform that delivers the same update twice (a retry, a restart before the offset was confirmed)
 * gets it handled once.
 */
export async function claimUpdate(ctx: CoreContext, channel: ChannelName, updateId: string, turn?: { chatId: string; seq: number }): Promise<boolean> {
  const result = await ctx.db
    .insertInto("processed_updates")
    .values({ channel, update_id: updateId, processed_at: iso(ctx.clock()), ...(turn && ctx.chatTurns ? { chat_key: turn.chatId, seq: turn.seq } : {}) })
    .onConflict((oc) => oc.columns(["channel", "update_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Handles one update of a chat in its turn: with several instances on PostgreSQL, under the chat's advisory
 * lock, so one person's updates are handled one after another (in the order they reached the lock) even when
 * they land on different instances, and a multi-step flow's state is never read and written by two at once.
 * Different chats go in parallel. One process alone (SQLite) orders them itself.
 */
export async function inChatTurn<T>(ctx: CoreContext, channel: ChannelName, chatId: string, work: () => Promise<T>, seq?: number): Promise<T> {
  const turns = ctx.chatTurns;
  if (!turns) return work();
  const key = `${channel}:${chatId}`;
  if (seq === undefined) return turns(key, work);
  // The platform numbers its updates (Telegram): an earlier update of this chat that another instance has
  // received but not handled yet goes first. It was recorded on arrival (claimUpdate); it is waited for a
  // few seconds at most, and one whose instance died on the way is passed over after ORDER_RECENT_MS.
  const giveUpAt = Date.now() + ORDER_WAIT_MS;
  for (;;) {
    const outcome = await turns(key, async () => {
      if (Date.now() < giveUpAt && (await earlierWaiting(ctx, channel, chatId, seq))) return undefined;
      try {
        return { value: await work() };
      } finally {
        await ctx.db.updateTable("processed_updates").set({ handled_at: iso(ctx.clock()) }).where("channel", "=", channel).where("update_id", "=", String(seq)).execute();
      }
    });
    if (outcome) return outcome.value;
    await sleep(ORDER_POLL_MS);
  }
}

/** How long an update waits for an earlier one of its chat, and how often it looks (real time). */
const ORDER_WAIT_MS = 5_000;
const ORDER_POLL_MS = 25;
/** An earlier update recorded longer ago than this and still not handled belonged to an instance that died. */
const ORDER_RECENT_MS = 30_000;

async function earlierWaiting(ctx: CoreContext, channel: ChannelName, chatId: string, seq: number): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("processed_updates")
    .select("update_id")
    .where("channel", "=", channel)
    .where("chat_key", "=", chatId)
    .where("handled_at", "is", null)
    .where("seq", "<", seq)
    .where("processed_at", ">", iso(new Date(ctx.clock().getTime() - ORDER_RECENT_MS)))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets updates older than a week; platforms never re-deliver that late. */
export async function pruneProcessedUpdates(ctx: CoreContext, keepDays = 7): Promise<number> {
  const result = await ctx.db
    .deleteFrom("processed_updates")
    .where("processed_at", "<", iso(new Date(ctx.clock().getTime() - keepDays * DAY)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
