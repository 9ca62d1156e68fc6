import { toPlainText } from "../core/markup.js";
import type { Message } from "./message.js";

/**
 * The printer for apps that show plain text only (Zalo's Bot API, a terminal, the test driver): the markup's
 * plain text, then the buttons as numbered choices, a row per line ("1. Tham dự   2. Vắng mặt"), then a
 * hint on how to choose, all cut into messages of at most `limit` characters (choices in the last one).
 * Numbering is not done here: the caller numbers {@link actionsOf} (core.choices keeps what each number
 * stands for in the chat) and passes the numbers in.
 */
export interface PlainTextOptions {
  /** The app's limit on one message, in characters (Zalo: 2,000). */
  limit: number;
  /** How to choose, in the reader's language (e.g. "Đồng chí trả lời bằng số để chọn."). */
  hint: string;
  /** How a file is mentioned, e.g. "📎 bien-ban.docx" or a link to it. */
  fileLine?: (name: string) => string;
}

/** The actions of a message's buttons, in the order they are numbered. */
export function actionsOf(message: Message): string[] {
  return (message.buttons ?? []).flat().map((b) => b.action);
}

/** The message as plain-text parts, its buttons labelled with `numbers` (one per action, in order: "1", "2"… or "a", "b"…). */
export function printPlainText(message: Message, numbers: readonly (number | string)[], opts: PlainTextOptions): string[] {
  const lines = [toPlainText(message.text).trimEnd()];
  if (message.file) lines.push((opts.fileLine ?? ((n) => `📎 ${n}`))(message.file.name));
  const rows = message.buttons ?? [];
  if (rows.length > 0) {
    let i = 0;
    const choices = rows.map((row) => row.map((b) => `${numbers[i++]}. ${b.label}`).join("   "));
    lines.push("", ...choices, opts.hint);
  }
  return splitText(lines.join("\n").trim(), opts.limit);
}

/**
 * Cuts plain text into parts of at most `limit` characters: at a line break where it can, else at a space,
 * never inside a surrogate pair. The parts keep the text's order and lose only the break they were cut at.
 */
export function splitText(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const floor = Math.floor(limit / 2);
    let cut = rest.lastIndexOf("\n", limit);
    if (cut < floor) cut = rest.lastIndexOf(" ", limit);
    if (cut < floor) {
      cut = limit;
      if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? "")) cut--;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    } else {
      out.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut + 1);
    }
  }
  if (rest.trim() !== "") out.push(rest);
  return out;
}
