import { appSetting } from "../../core/settings.js";

/** The bot's Telegram username, saved at each start, for t.me invite links (the key is stored: keep it). */
export const TELEGRAM_USERNAME_SETTING = appSetting("telegram", "bot_username");
