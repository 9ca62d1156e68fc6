import type { Executor } from "../db/database.js";
import type { ChannelName } from "../db/schema.js";
import { addMs, DAY, iso } from "./clock.js";

/** Numbers run 1…99 per chat and then start again, so each stays short to type and lives for a while. */
export const MAX_CHOICE_NUMBER = 99;
/** A number older than this is stale: the person is told so rather than acting on an old message. */
export const CHOICE_LIFETIME_MS = 30 * DAY;

/**
 * Besides numbers 1…99, a chat's rows keep two other things (in the same table, apart from the numbers):
 * - letters a…z, stored as 101…126, for the choices of a question whose answer is itself a number typed
 *   (a percentage): there "65" is the answer, and "a" chooses "keep the previous value";
 * - row 0, present while the latest question in the chat asks for a number: a bare number typed then goes
 *   to the open dialog first, as its answer.
 */
const LETTER_BASE = 100;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const AWAITS_NUMBER = 0;

const rows = (db: Executor, channel: ChannelName, chatId: string) =>
  db.selectFrom("choice_numbers").where("channel", "=", channel).where("chat_id", "=", chatId);

const keep = (db: Executor, now: Date, channel: ChannelName, chatId: string, number: number, action: string) =>
  db
    .insertInto("choice_numbers")
    .values({ channel, chat_id: chatId, number, action, created_at: iso(now) })
    .onConflict((oc) => oc.columns(["channel", "chat_id", "number"]).doUpdateSet({ action, created_at: iso(now) }))
    .execute();

/**
 * Labels the actions of a message for a chat on an app without buttons, and remembers what each stands for.
 * Normally they are numbered, continuing after the chat's last number (earlier numbers stay valid until they
 * come round again). For a question answered by typing a number (`awaitsNumber`), they are lettered a, b, c…
 * instead, and the chat remembers that a number typed next is the answer, until a later message offers
 * numbered choices (a refusal or a confirmation without choices leaves the question waiting).
 */
export async function numberChoices(
  db: Executor,
  now: Date,
  channel: ChannelName,
  chatId: string,
  actions: readonly string[],
  opts: { awaitsNumber?: boolean } = {},
): Promise<string[]> {
  if (opts.awaitsNumber) {
    await keep(db, now, channel, chatId, AWAITS_NUMBER, "number");
    const labels: string[] = [];
    for (const [i, action] of actions.slice(0, LETTERS.length).entries()) {
      await keep(db, now, channel, chatId, LETTER_BASE + i + 1, action);
      labels.push(LETTERS[i]!);
    }
    return labels;
  }
  // A message without choices (a refusal, "recorded") leaves the question waiting; new choices end it.
  if (actions.length === 0) return [];
  await db.deleteFrom("choice_numbers").where("channel", "=", channel).where("chat_id", "=", chatId).where("number", "=", AWAITS_NUMBER).execute();
  const last = await rows(db, channel, chatId)
    .select("number")
    .where("number", ">=", 1)
    .where("number", "<=", MAX_CHOICE_NUMBER)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  let next = last ? last.number : 0;
  const labels: string[] = [];
  for (const action of actions) {
    next = (next % MAX_CHOICE_NUMBER) + 1;
    labels.push(String(next));
    await keep(db, now, channel, chatId, next, action);
  }
  return labels;
}

/** True while the latest question in the chat asks for a number typed as the answer. */
export async function awaitsNumber(db: Executor, channel: ChannelName, chatId: string): Promise<boolean> {
  return (await rows(db, channel, chatId).select("id").where("number", "=", AWAITS_NUMBER).executeTakeFirst()) !== undefined;
}

/**
 * What a choice a person typed ("2", or "a" on a question answered by a number) stands for in their chat:
 * the action, "stale", or undefined if never given (or not a choice's shape).
 */
export async function choiceFor(db: Executor, now: Date, channel: ChannelName, chatId: string, label: string): Promise<{ action: string } | "stale" | undefined> {
  const letter = LETTERS.indexOf(label.toLowerCase());
  const n = /^\d{1,2}$/.test(label) ? Number(label) : label.length === 1 && letter >= 0 ? LETTER_BASE + letter + 1 : undefined;
  if (n === undefined || n === AWAITS_NUMBER) return undefined;
  const row = await rows(db, channel, chatId).select(["action", "created_at"]).where("number", "=", n).executeTakeFirst();
  if (!row) return undefined;
  if (row.created_at < iso(addMs(now, -CHOICE_LIFETIME_MS))) return "stale";
  return { action: row.action };
}
