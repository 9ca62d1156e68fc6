import { toPlainText } from "../../core/markup.js";
import type { TParams } from "../../i18n/index.js";
import type { BotContext } from "./context.js";
import { splitMessage } from "./text.js";

/** Telegram's limit on the text of a callback answer (a notification or an alert), in characters. */
export const CALLBACK_TEXT_LIMIT = 200;

/** How much of what a person typed a reply repeats back to them. */
export const ECHO_LIMIT = 200;

/** The start of a text a person typed, for a reply that repeats it: at most `max` characters, then "…". */
export function clipEcho(text: string, max = ECHO_LIMIT): string {
  if (text.length <= max) return text;
  let end = max;
  // Never cut a surrogate pair in two.
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
  return `${text.slice(0, end)}…`;
}

/** Translation params with every text clipped by {@link clipEcho}: what a refusal repeats of the input stays short. */
export function clipParams(params: TParams | undefined, max = ECHO_LIMIT): TParams {
  const out: TParams = {};
  for (const [k, v] of Object.entries(params ?? {})) out[k] = typeof v === "string" ? clipEcho(v, max) : v;
  return out;
}

const answered = new WeakSet<BotContext>();

/**
 * Notes when this update's callback query gets answered (by any handler), so that a later refusal is sent
 * as a message instead of a second answer Telegram would reject. Installed once per update, in bot.ts.
 */
export function trackCallbackAnswer(ctx: BotContext): void {
  ctx.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (method === "answerCallbackQuery" && res.ok) answered.add(ctx);
    return res;
  });
}

/** True once the update's callback query has been answered. */
export const callbackAnswered = (ctx: BotContext): boolean => answered.has(ctx);

/** Where a message for the person behind this update goes: their private chat with the bot. */
const personChatId = (ctx: BotContext): number | undefined => (ctx.callbackQuery ? ctx.from?.id : undefined) ?? ctx.chat?.id;

/** Sends Telegram HTML to the person, in as many messages as it takes. */
async function sendToPerson(ctx: BotContext, html: string): Promise<void> {
  const chatId = personChatId(ctx);
  if (chatId === undefined) throw new Error("no chat to write to");
  for (const chunk of splitMessage(html)) await ctx.api.sendMessage(chatId, chunk, { parse_mode: "HTML" });
}

/**
 * Answers a button press with a text (Telegram HTML, as `ctx.t` gives it). The answer shows it as plain
 * text — tags dropped, entities unescaped. A text over Telegram's 200 characters is sent whole as a
 * message to the person, and the answer only points to it; should that message fail, the answer carries
 * the start of the text.
 */
export async function answerCallback(ctx: BotContext, html: string, opts: { alert?: boolean } = {}): Promise<void> {
  const alert = opts.alert ? { show_alert: true } : {};
  const text = toPlainText(html);
  if (text.length <= CALLBACK_TEXT_LIMIT) return void (await ctx.answerCallbackQuery({ text, ...alert }));
  let sent = true;
  await sendToPerson(ctx, html).catch(() => (sent = false));
  if (sent) await ctx.answerCallbackQuery({ text: clipEcho(toPlainText(ctx.t("common:see_message")), CALLBACK_TEXT_LIMIT - 1) });
  else await ctx.answerCallbackQuery({ text: clipEcho(text, CALLBACK_TEXT_LIMIT - 1), ...alert });
}

/**
 * Tells the person something wherever they are: as the answer to their button press while it is still
 * open ({@link answerCallback}), otherwise as a message.
 */
export async function tell(ctx: BotContext, html: string, opts: { alert?: boolean } = {}): Promise<void> {
  if (ctx.callbackQuery && !callbackAnswered(ctx)) return answerCallback(ctx, html, opts);
  await sendToPerson(ctx, html);
}
