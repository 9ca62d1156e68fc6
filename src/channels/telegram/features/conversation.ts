import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { incomingOf } from "../incoming.js";
import { installRoutes, telegramTurn } from "../turn.js";

/**
 * The conversations written once for every app (src/conversation), received on Telegram: their buttons'
 * presses, their commands, and whatever a person sends (a typed line, a document, a photo) while a dialog
 * waits for it. Telegram only turns updates into turns and inputs; anything no flow takes passes on.
 */
export function conversationFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const { flows } = deps;
  installRoutes(chats, flows.routes, deps);
  for (const [name, run] of Object.entries(flows.commands)) chats.command(name, (ctx) => run(telegramTurn(ctx, deps), ctx.match.trim()));
  chats.on("message", async (ctx, next) => {
    // A command is never a dialog's answer: commands not handled above go on to their own handlers.
    if (ctx.message.text?.startsWith("/")) return next();
    const input = incomingOf(deps, ctx);
    if (!input || !(await flows.input(telegramTurn(ctx, deps), input))) return next();
  });
  return composer;
}
