import { InlineKeyboard } from "grammy";
import type { Button, Message } from "../../conversation/message.js";
import { splitMessage } from "./text.js";

/**
 * Telegram's printer for neutral messages. The neutral markup is a subset of Telegram's HTML, so the text
 * goes out as it is (parse_mode HTML), cut into messages of at most 4,096 characters; buttons become an
 * inline keyboard under the last part; "replaces an earlier message" becomes an edit in place.
 */

/** The inline keyboard for a message's buttons, or undefined when it has none. */
export function keyboardOf(buttons: Button[][] | undefined): InlineKeyboard | undefined {
  if (!buttons?.some((row) => row.length > 0)) return undefined;
  return InlineKeyboard.from(buttons.filter((row) => row.length > 0).map((row) => row.map((b) => InlineKeyboard.text(b.label, b.action))));
}

/** What to send for a message: its HTML parts, and its keyboard (for the last part). */
export function printForTelegram(message: Message): { parts: string[]; keyboard: InlineKeyboard | undefined } {
  return { parts: splitMessage(message.text), keyboard: keyboardOf(message.buttons) };
}
