import { toPlainText } from "../../core/markup.js";
import { clipEcho } from "../../conversation/echo.js";
import type { BotContext } from "./context.js";
import { splitMessage } from "./text.js";

/** Telegram's limit on the text of a callback answer (a notification or an alert), in characters. */
export const CALLBACK_TEXT_LIMIT = 200;

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
