import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, type BotConfig } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { formatDateTime } from "../../i18n/format.js";
import { answerCallback, tell, trackCallbackAnswer } from "./answer.js";
import type { BotContext } from "./context.js";
import { apiRootOf, type TelegramDeps } from "./deps.js";
import { agentFor } from "../../net/proxy.js";
import { helpFeature } from "./features/help.js";
import { languageFeature } from "./features/language.js";
import { meetingAdminFeature } from "./features/meeting-admin.js";
import { meetingCreateFeature } from "./features/meeting-create.js";
import { groupLinkFeature, noticesFeature } from "./features/notices.js";
import { opinionsFeature } from "./features/opinions.js";
import { conversationFeature } from "./features/conversation.js";
import { reportsAdminFeature } from "./features/reports-admin.js";
import { membersFeature } from "./features/members.js";
import { rosterImportFeature } from "./features/roster-import.js";
import { startFeature } from "./features/start.js";
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
    if (!(await deps.core.updates.claim("telegram", String(ctx.update.update_id)))) {
      deps.logger.debug({ updateId: ctx.update.update_id }, "duplicate update ignored");
      return;
    }
    await next();
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
  privateChats.use(startFeature(deps));
  // Everything below /start is for active members only; everyone else is told politely, once per action.
  privateChats.use(async (ctx, next) => {
    if (ctx.actor && ctx.actor.seats.length > 0) return next();
    let text = ctx.t(ctx.actor ? "common:not_active" : "start:stranger");
    // A guest or a delegate holds no seat: they are told what they are invited to, and nothing more.
    const meetings = ctx.actor ? await deps.core.meetings.outsiderInvitations(ctx.actor.personId) : [];
    if (meetings.length) {
      text = ctx.t("meetings:guest.info", { meetings: meetings.map((m) => `«${m.title}» (${formatDateTime(m.startsAt, m.timeZone)})`).join(", ") });
    }
    await tell(ctx, text, { alert: true });
  });
  privateChats.use(conversationFeature(deps));
  privateChats.use(helpFeature(deps));
  privateChats.use(languageFeature(deps));
  privateChats.use(membersFeature(deps));
  privateChats.use(meetingCreateFeature(deps));
  privateChats.use(meetingAdminFeature(deps));
  privateChats.use(noticesFeature(deps));
  privateChats.use(opinionsFeature(deps));
  privateChats.use(reportsAdminFeature(deps));
  // Last of the features: a CSV sent outside any dialog is a roster or task registry import.
  privateChats.use(rosterImportFeature(deps));
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
