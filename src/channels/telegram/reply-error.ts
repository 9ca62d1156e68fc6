import { DomainError } from "../../core/errors.js";
import type { BotContext } from "./context.js";

/** Answers a core refusal in the person's language; rethrows anything else for the error boundary. */
export async function replyDomainError(ctx: BotContext, e: unknown): Promise<void> {
  if (!(e instanceof DomainError)) throw e;
  const text = ctx.t(e.code, e.params);
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: text.replace(/<[^>]+>/g, ""), show_alert: true });
  else await ctx.reply(text, { parse_mode: "HTML" });
}

/** Runs a handler body, turning a DomainError into a polite answer. */
export async function withDomainErrors(ctx: BotContext, body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await replyDomainError(ctx, e);
  }
}
