import { Api } from "grammy";
import { agentFor } from "../../net/proxy.js";
import { appSetting } from "../../core/settings.js";

/** The bot's Telegram username, saved at each start, for t.me invite links (the key is stored: keep it). */
export const TELEGRAM_USERNAME_SETTING = appSetting("telegram", "bot_username");

/** Asks Telegram for the bot's username (for a CLI run before the bot ever started), through the proxy if any. */
export async function fetchBotUsername(token: string, apiRoot: string | undefined): Promise<string> {
  const agent = agentFor(apiRoot ?? "https://api.telegram.org");
  const api = new Api(token, { timeoutSeconds: 15, ...(apiRoot ? { apiRoot } : {}), ...(agent ? { baseFetchConfig: { agent, compress: true } } : {}) });
  return (await api.getMe()).username;
}

/** The t.me deep link that opens the bot and signs a person in with an invite code. */
export const inviteLink = (botUsername: string, code: string) => `https://t.me/${botUsername}?start=${code}`;

/**
 * The t.me link for an invite code from the username the bot saved at its last start; undefined before the bot
 * has ever started. Every app's invite texts use it (a person may paste it into Zalo as readily as open it).
 */
export const storedInviteLink =
  (settings: { get(key: string): Promise<string | undefined> }) =>
  async (code: string): Promise<string | undefined> => {
    const username = await settings.get(TELEGRAM_USERNAME_SETTING);
    return username ? inviteLink(username, code) : undefined;
  };
