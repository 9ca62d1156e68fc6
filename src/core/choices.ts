import type { Executor } from "../db/database.js";
import type { ChannelName } from "../db/schema.js";
import { addMs, DAY, iso } from "./clock.js";

/** Numbers run 1…99 per chat and then start again, so each stays short to type and lives for a while. */
export const MAX_CHOICE_NUMBER = 99;
/** A number older than this is stale: the person is told so rather than acting on an old message. */
export const CHOICE_LIFETIME_MS = 30 * DAY;

/**
 * Numbers the actions of a message for a chat on an app without buttons, continuing after the chat's last
 * number, and remembers what each stands for. Earlier numbers stay valid until they come round again.
 */
export async function numberChoices(db: Executor, now: Date, channel: ChannelName, chatId: string, actions: readonly string[]): Promise<number[]> {
  if (actions.length === 0) return [];
  const last = await db
    .selectFrom("choice_numbers")
    .select("number")
    .where("channel", "=", channel)
    .where("chat_id", "=", chatId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  let next = last ? last.number : 0;
  const numbers: number[] = [];
  for (const action of actions) {
    next = (next % MAX_CHOICE_NUMBER) + 1;
    numbers.push(next);
    await db
      .insertInto("choice_numbers")
      .values({ channel, chat_id: chatId, number: next, action, created_at: iso(now) })
      .onConflict((oc) => oc.columns(["channel", "chat_id", "number"]).doUpdateSet({ action, created_at: iso(now) }))
      .execute();
  }
  return numbers;
}

/** What a number a person typed stands for in their chat: the action, "stale", or undefined if never given. */
export async function choiceFor(db: Executor, now: Date, channel: ChannelName, chatId: string, n: number): Promise<{ action: string } | "stale" | undefined> {
  const row = await db
    .selectFrom("choice_numbers")
    .select(["action", "created_at"])
    .where("channel", "=", channel)
    .where("chat_id", "=", chatId)
    .where("number", "=", n)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.created_at < iso(addMs(now, -CHOICE_LIFETIME_MS))) return "stale";
  return { action: row.action };
}
