import type { Composer } from "grammy";
import type { Message } from "../../conversation/message.js";
import type { Route } from "../../conversation/router.js";
import type { BaseTurn, EntryTurn, Turn } from "../../conversation/turn.js";
import { DomainError } from "../../core/errors.js";
import type { Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";
import { answerCallback, tell } from "./answer.js";
import { installPersonalMenu } from "./commands.js";
import type { BotContext } from "./context.js";
import { keyboardOf, printForTelegram } from "./printer.js";
import { refusalText, replyDomainError } from "./reply-error.js";
import type { TelegramMessageSender } from "./send-message.js";

/** What a Telegram turn is made with: the log, the translator (for menus) and how a message is sent. */
export interface TurnDeps {
  logger: Logger;
  translator: Translator;
  send: TelegramMessageSender;
}

/** What any turn on Telegram does, linked person or not. */
function baseTurn(ctx: BotContext, deps: TurnDeps): BaseTurn {
  const { logger } = deps;
  const chatId = ctx.chat!.id;
  return {
    channel: "telegram",
    locale: ctx.locale,
    timeZone: ctx.timeZone,
    t: ctx.t,
    async say(message: Message) {
      await deps.send(chatId, message);
    },
    async acknowledge(text, opts = {}) {
      if (!ctx.callbackQuery) return;
      if (text === undefined) await ctx.answerCallbackQuery();
      else await answerCallback(ctx, text, opts);
    },
    tell: (text) => tell(ctx, text, { alert: true }),
    async refuse(error) {
      // A refusal of a typed answer is a message; of a press, the press's alert (or a message once answered).
      if (error instanceof DomainError && !ctx.callbackQuery) return void (await ctx.reply(refusalText(ctx, error), { parse_mode: "HTML" }));
      await replyDomainError(ctx, error);
    },
    refreshMenu(actor, locale) {
      void installPersonalMenu(ctx.api, deps.translator, chatId, actor, locale, logger);
    },
    warn(details, message) {
      logger.warn({ userId: ctx.from?.id, data: ctx.callbackQuery?.data, ...details }, message);
    },
  };
}

/**
 * A conversation turn from a grammY context: what a flow says is printed as Telegram HTML with an inline
 * keyboard, a press is acknowledged with answerCallbackQuery, and "replace" edits the message in place.
 */
export function telegramTurn(ctx: BotContext, deps: TurnDeps): Turn {
  const { logger } = deps;
  const chatId = ctx.chat!.id;
  return {
    ...baseTurn(ctx, deps),
    actor: ctx.actor!,
    originId: ctx.callbackQuery?.message ? String(ctx.callbackQuery.message.message_id) : undefined,
    async replace(messageId, message) {
      const keyboard = keyboardOf(message.buttons);
      await ctx.api
        .editMessageText(chatId, Number(messageId), printForTelegram(message).parts[0] ?? "", { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) })
        .catch((e: unknown) => logger.debug({ err: e }, "message not replaced"));
    },
    async ask(message) {
      return String(await deps.send(chatId, message));
    },
    async retire(messageId) {
      if (messageId === undefined) return;
      await ctx.api.editMessageReplyMarkup(chatId, Number(messageId)).catch((e: unknown) => logger.debug({ err: e }, "buttons not removed"));
    },
  };
}

/** A turn of whoever writes, linked or not (/start with an invite, a stranger told how to get one). */
export function telegramEntryTurn(ctx: BotContext, deps: TurnDeps): EntryTurn {
  return {
    ...baseTurn(ctx, deps),
    actor: ctx.actor,
    account: { externalId: String(ctx.from!.id), chatId: String(ctx.chat!.id), username: ctx.from?.username ?? null },
  };
}

/** Installs a flow's routes: a press of one of their buttons runs the flow with a Telegram turn. */
export function installRoutes<C extends BotContext>(chats: Composer<C>, routes: readonly Route[], deps: TurnDeps): void {
  for (const r of routes) chats.callbackQuery(r.action.pattern, (ctx) => r.run(telegramTurn(ctx, deps), ctx.callbackQuery.data));
}
