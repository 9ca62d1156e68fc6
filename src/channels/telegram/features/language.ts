import { Composer, InlineKeyboard } from "grammy";
import { LOCALES } from "../../../core/people.js";
import type { Locale } from "../../../db/schema.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { installPersonalMenu } from "../commands.js";
import { withDomainErrors } from "../reply-error.js";
import { settingsActions } from "../../../conversation/settings/actions.js";
import { onAction } from "./on-action.js";

/** /lang — switch between Vietnamese and English; remembered per person, for every later message. */
export function languageFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  const apply = async (ctx: BotContext, value: string): Promise<Locale | undefined> => {
    let chosen: Locale | undefined;
    await withDomainErrors(ctx, async () => {
      const previous = ctx.actor!.locale;
      chosen = await deps.core.people.setLanguage(ctx.actor!, value);
      ctx.locale = chosen;
      ctx.t = deps.translator.bind(chosen);
      if (previous !== chosen) void installPersonalMenu(ctx.api, deps.translator, ctx.chat!.id, { ...ctx.actor!, locale: chosen }, chosen, deps.logger);
    });
    return chosen;
  };

  privateChats.command("lang", async (ctx) => {
    const value = ctx.match.trim().toLowerCase();
    if (value) {
      if (await apply(ctx, value)) await ctx.reply(ctx.t("lang:changed"), { parse_mode: "HTML" });
      return;
    }
    const keyboard = new InlineKeyboard();
    for (const lng of LOCALES) keyboard.text(deps.translator.t(lng, "lang:name"), settingsActions.language.data({ locale: lng }));
    await ctx.reply(ctx.t("lang:choose"), { reply_markup: keyboard });
  });

  onAction(privateChats, settingsActions.language, async (ctx, { locale }) => {
    const chosen = await apply(ctx, locale);
    if (!chosen) return;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("lang:changed"), { parse_mode: "HTML" }).catch(() => undefined);
  });
  return composer;
}
