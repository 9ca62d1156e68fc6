import type { Flows } from "../../conversation/flows.js";
import type { Core } from "../../core/index.js";
import type { TelegramMessageSender } from "./send-message.js";
import type { Locale } from "../../db/schema.js";
import type { Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";

/** What the Telegram features are built from; passed to every feature factory, never imported. */
export interface TelegramDeps {
  core: Core;
  translator: Translator;
  logger: Logger;
  token: string;
  /** Bot API server root; Telegram's own when undefined. */
  apiRoot: string | undefined;
  defaultLocale: Locale;
  timeZone: string;
  /** Wakes the delivery worker after a command queued messages. */
  nudgeDelivery?: () => void;
  /** The conversations, written once for every app (src/conversation/flows.ts). */
  flows: Flows;
  /** Sends a neutral message to a chat (text, keyboard, files); set up by createBot. */
  send: TelegramMessageSender;
}

export const apiRootOf = (deps: Pick<TelegramDeps, "apiRoot">) => deps.apiRoot ?? "https://api.telegram.org";
