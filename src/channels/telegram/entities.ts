import type { MessageEntity } from "grammy/types";
import { escapeText } from "../../core/markup.js";

const TAGS: Partial<Record<MessageEntity["type"], [string, string]>> = {
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  underline: ["<u>", "</u>"],
  strikethrough: ["<s>", "</s>"],
  code: ["<code>", "</code>"],
  blockquote: ["<blockquote>", "</blockquote>"],
  expandable_blockquote: ["<blockquote>", "</blockquote>"],
};

/**
 * Turns what a person typed with Telegram's formatting (text + entities, offsets in UTF-16 units) into the
 * neutral markup (core/markup.ts), so the secretariat's bold, italics and links reach every recipient, on
 * any app, as written. A spoiler becomes plain text, an expandable quotation a quotation; unknown entity
 * types (mentions, hashtags…) are kept as plain text; all text is escaped.
 */
export function entitiesToMarkup(text: string, entities: readonly MessageEntity[] = []): string {
  const opens = new Map<number, string[]>();
  const closes = new Map<number, string[]>();
  // Outer entities first at the same offset, so tags nest properly.
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  for (const e of sorted) {
    let pair = TAGS[e.type];
    if (e.type === "text_link") pair = [`<a href="${escapeText(e.url)}">`, "</a>"];
    if (e.type === "pre") pair = ["<pre>", "</pre>"];
    if (!pair || e.length <= 0) continue;
    (opens.get(e.offset) ?? opens.set(e.offset, []).get(e.offset)!).push(pair[0]);
    (closes.get(e.offset + e.length) ?? closes.set(e.offset + e.length, []).get(e.offset + e.length)!).unshift(pair[1]);
  }
  let out = "";
  for (let i = 0; i <= text.length; i++) {
    const close = closes.get(i);
    if (close) out += close.join("");
    const open = opens.get(i);
    if (open) out += open.join("");
    if (i < text.length) out += escapeText(text[i]!);
  }
  return out;
}
