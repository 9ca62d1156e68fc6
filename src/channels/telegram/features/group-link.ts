import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { telegramEntryTurn } from "../turn.js";

/**
 * Group chats are for the committee's broadcasts, not for conversations with the bot: only /linkgroup is heard
 * there (src/conversation/notices/group-link-flow.ts). Everything else in groups is ignored.
 */
export function groupLinkFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType(["group", "supergroup"]).command("linkgroup", (ctx) => deps.flows.groupLink.link(telegramEntryTurn(ctx, deps), ctx.match));
  return composer;
}
