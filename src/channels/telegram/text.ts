import { toPlainText } from "../../core/markup.js";

/** Telegram's limit on one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Room kept in each chunk for the tags closed at its end and reopened at the next one's start. */
const TAG_RESERVE = 200;

/**
 * Splits Telegram HTML into messages within the limit. It cuts at a line break where it can, else at a
 * space, never inside a tag or an entity; tags open at a cut are closed at the end of the chunk and
 * reopened at the start of the next, so every chunk is valid HTML on its own.
 */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (text.length <= limit) return text.trim() === "" ? [] : [text];
  const out: string[] = [];
  let start = 0;
  let reopen = "";
  while (text.length - start + reopen.length > limit) {
    const cut = findCut(text, start, start + limit - reopen.length - TAG_RESERVE);
    const open = openTagsAt(text, cut);
    out.push(reopen + text.slice(start, cut) + closing(open));
    reopen = open.map((t) => t.tag).join("");
    start = /[\n ]/.test(text[cut] ?? "") ? cut + 1 : cut;
  }
  const rest = reopen + text.slice(start);
  if (toPlainText(rest).trim() !== "") out.push(rest);
  return out;
}

function insideTagOrEntity(text: string, pos: number): boolean {
  const lt = text.lastIndexOf("<", pos - 1);
  if (lt > text.lastIndexOf(">", pos - 1)) return true;
  const amp = text.lastIndexOf("&", pos - 1);
  return amp >= 0 && amp > text.lastIndexOf(";", pos - 1) && !/\s/.test(text.slice(amp, pos));
}

function findCut(text: string, start: number, max: number): number {
  const floor = start + Math.floor((max - start) / 2);
  for (const sep of ["\n", " "]) {
    for (let i = text.lastIndexOf(sep, max); i > floor; i = text.lastIndexOf(sep, i - 1)) {
      if (!insideTagOrEntity(text, i)) return i;
    }
  }
  let i = max;
  while (i > start + 1 && insideTagOrEntity(text, i)) i--;
  // Never split a surrogate pair.
  if (/[\uDC00-\uDFFF]/.test(text[i] ?? "")) i--;
  return i;
}

interface OpenTag {
  name: string;
  tag: string;
}

function openTagsAt(text: string, pos: number): OpenTag[] {
  const stack: OpenTag[] = [];
  for (const m of text.slice(0, pos).matchAll(/<(\/?)([a-zA-Z-]+)[^>]*>/g)) {
    if (m[1]) {
      const i = stack.map((t) => t.name).lastIndexOf(m[2]!.toLowerCase());
      if (i >= 0) stack.splice(i, 1);
    } else stack.push({ name: m[2]!.toLowerCase(), tag: m[0] });
  }
  return stack;
}

const closing = (open: OpenTag[]) =>
  open
    .slice()
    .reverse()
    .map((t) => `</${t.name}>`)
    .join("");
