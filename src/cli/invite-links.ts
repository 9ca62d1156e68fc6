import { inviteLink } from "../channels/telegram/settings.js";
import type { Config } from "../config.js";
import type { Core } from "../core/index.js";
import { fetchBotUsername, TELEGRAM_USERNAME_SETTING } from "../channels/telegram/settings.js";
import { redact } from "../logger.js";

/**
 * The bot's username, for t.me deep links: the one the bot saved at its last start, or, when the bot
 * has never run but a token is configured, asked from Telegram (and saved). Undefined when neither
 * works; `warn` hears why getMe failed, with the token scrubbed out.
 */
export async function resolveBotUsername(core: Core, config: Config, warn: (reason: string) => void): Promise<string | undefined> {
  const stored = await core.settings.get(TELEGRAM_USERNAME_SETTING);
  if (stored) return stored;
  const telegram = config.apps.telegram;
  if (!telegram) return undefined;
  const { token, apiRoot } = telegram;
  try {
    const username = await fetchBotUsername(token, apiRoot);
    await core.settings.put(TELEGRAM_USERNAME_SETTING, username);
    return username;
  } catch (e) {
    warn(redact(e instanceof Error ? e.message : String(e), [token]));
    return undefined;
  }
}

/** The link to hand out, or the bare code when the bot's username is unknown. */
export const linkOrCode = (username: string | undefined, code: string): string => (username ? inviteLink(username, code) : code);
