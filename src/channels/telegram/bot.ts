import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, type BotConfig } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { answerCallback, tell, trackCallbackAnswer } from "./answer.js";
import type { BotContext } from "./context.js";
import { apiRootOf, type TelegramDeps } from "./deps.js";
import { agentFor } from "../../net/proxy.js";
import { groupLinkFeature } from "./features/group-link.js";
import { conversationFeature } from "./features/conversation.js";
import { telegramEntryTurn } from "./turn.js";
import { malformedField } from "./update-shape.js";
import { telegramMessageSender } from "./send-message.js";

/**
 * Builds the Telegram bot: malformed updates dropped, update dedupe, the person behind the account, then
 * the features in order — /start is open to everyone, the rest only to active members — with the
 * catch-all last. Every feature runs inside an error boundary that apologizes in the person's language
 * and logs the update's context.
 */
export function createBot(base: Omit<TelegramDeps, "send">, opts: { botInfo?: UserFromGetMe } = {}): Bot<BotContext> {
  const agent = agentFor(apiRootOf(base));
  const config: BotConfig<BotContext> = { client: { apiRoot: base.apiRoot, ...(agent ? { baseFetchConfig: { agent, compress: true } } : {}) } };
  if (opts.botInfo) config.botInfo = opts.botInfo;
  const bot = new Bot<BotContext>(base.token, config);
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  const deps: TelegramDeps = { ...base, send: telegramMessageSender(bot.api, base.core.files) };

  // An update whose fields are not what the Bot API promises (a text that is a number, callback data that
  // is an object, a sender without an id) is dropped before any handler reads it.
  bot.use(async (ctx, next) => {
    const field = malformedField(ctx.update);
    if (field) {
      deps.logger.debug({ updateId: ctx.update.update_id, field }, "malformed update dropped");
      // Stop the spinner on a malformed button press when the query itself can be named.
      const id = (ctx.update as { callback_query?: { id?: unknown } }).callback_query?.id;
      if (typeof id === "string") await ctx.api.answerCallbackQuery(id).catch(() => undefined);
      return;
    }
    if (ctx.callbackQuery) trackCallbackAnswer(ctx);
    await next();
  });

  // Telegram may deliver an update twice (a retry, a restart before the offset was confirmed): handle it once.
  bot.use(async (ctx, next) => {
    const chat = ctx.chat?.id ?? ctx.from?.id;
    const seq = ctx.update.update_id;
    if (!(await deps.core.updates.claim("telegram", String(seq), chat === undefined ? undefined : { chatId: String(chat), seq }))) {
      deps.logger.debug({ updateId: ctx.update.update_id }, "duplicate update ignored");
      return;
    }
    // One chat's updates one at a time and in Telegram's order, even across instances behind a load balancer.
    if (chat === undefined) return next();
    await deps.core.updates.inTurn("telegram", String(chat), next, seq);
  });

  bot.use(async (ctx, next) => {
    ctx.actor = ctx.from ? await deps.core.people.actorByChannel("telegram", String(ctx.from.id)) : undefined;
    ctx.locale = ctx.actor ? deps.core.people.localeOf(ctx.actor) : languageOf(ctx.from?.language_code, deps.defaultLocale);
    ctx.timeZone = ctx.actor?.seats[0]?.timeZone ?? deps.timeZone;
    ctx.t = deps.translator.bind(ctx.locale);
    // Delivery prefers the app a person used last; writing again also means they unblocked the bot.
    if (ctx.actor) await deps.core.people.seen(ctx.actor.personId, "telegram");
    await next();
  });

  const onError = async (err: { error: unknown; ctx: BotContext }) => {
    const { ctx } = err;
    deps.logger.error(
      { err: err.error, updateId: ctx.update.update_id, chatId: ctx.chat?.id, userId: ctx.from?.id, kind: Object.keys(ctx.update).find((k) => k !== "update_id") },
      "update handling failed",
    );
    const apology = (ctx.t ?? deps.translator.bind(deps.defaultLocale))("common:apology");
    try {
      if (ctx.callbackQuery || ctx.chat?.type === "private") await tell(ctx, apology, { alert: true });
    } catch (e) {
      deps.logger.warn({ err: e }, "could not send the apology");
    }
  };

  const features = bot.errorBoundary(onError);
  // Group chats are for the committee's broadcasts, not for conversations with the bot: only /linkgroup is heard there.
  features.use(groupLinkFeature(deps));
  const privateChats = features.chatType("private");
  // /start is open to everyone (an invite link opens it); everything else is for active members only, and
  // everyone else is told politely, once per action.
  privateChats.command("start", (ctx) => deps.flows.entry.start(telegramEntryTurn(ctx, deps), ctx.match.trim()));
  privateChats.use(async (ctx, next) => {
    if (await deps.flows.entry.gate(telegramEntryTurn(ctx, deps))) await next();
  });
  privateChats.use(conversationFeature(deps));
  privateChats.on("callback_query:data", (ctx) => answerCallback(ctx, ctx.t("common:stale_button")));
  privateChats.on("message", (ctx) => ctx.reply(ctx.t("common:unknown_command"), { parse_mode: "HTML" }));

  bot.catch((err) => onError({ error: err.error, ctx: err.ctx }));
  return bot;
}

/** A stranger's language guess from their Telegram app, before they have chosen one. */
function languageOf(code: string | undefined, fallback: "vi" | "en"): "vi" | "en" {
  if (code?.startsWith("vi")) return "vi";
  if (code?.startsWith("en")) return "en";
  return fallback;
}
