import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Actor } from "../../core/actor.js";
import { commandsFor } from "../../conversation/account/catalog.js";
import type { Locale } from "../../db/schema.js";
import { SUPPORTED_LOCALES, type Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";

const menu = (translator: Translator, locale: Locale, commands: readonly string[]): BotCommand[] =>
  commands.map((command) => ({ command, description: translator.t(locale, `commands:${command}.menu`) }));

/**
 * The menu strangers and new members see, in each language (Telegram picks it by the app's language).
 * A failure here must not stop the bot: it is logged and retried a few times later.
 */
export function installDefaultMenus(api: Api, translator: Translator, defaultLocale: Locale, logger: Logger): void {
  const attempt = async (n: number): Promise<void> => {
    try {
      const base = ["start", "help", "lang"];
      await api.setMyCommands(menu(translator, defaultLocale, base));
      for (const lng of SUPPORTED_LOCALES) await api.setMyCommands(menu(translator, lng, base), { language_code: lng });
    } catch (e) {
      logger.warn({ err: e, attempt: n }, "could not set the command menu; will retry");
      if (n < 5) setTimeout(() => void attempt(n + 1), 30_000 * n).unref();
    }
  };
  void attempt(1);
}

/** The menu of one person, for their role and in their language. Best effort: a failure is only logged. */
export async function installPersonalMenu(api: Api, translator: Translator, chatId: number, actor: Actor, locale: Locale, logger: Logger): Promise<void> {
  try {
    await api.setMyCommands(menu(translator, locale, commandsFor(actor)), { scope: { type: "chat", chat_id: chatId } });
  } catch (e) {
    logger.warn({ err: e, chatId }, "could not set a personal command menu");
  }
}
