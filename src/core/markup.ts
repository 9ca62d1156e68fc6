/**
 * The neutral markup every text of the bot is written in: translations, stored notice bodies and
 * opinion drafts, and the views the conversation layer builds. It is a small, closed subset of HTML, so
 * that it is easy to write in a translation and to read in a database:
 *
 * - text, with `&`, `<`, `>` and `"` written as `&amp;`, `&lt;`, `&gt;`, `&quot;` (use {@link escapeText});
 * - `<b>`, `<i>`, `<u>`, `<s>` for bold, italic, underline and strikethrough; `<code>` and `<pre>` for code;
 * - `<a href="…">text</a>` for a link; `<blockquote>` for a quotation;
 * - line breaks as `\n`; a list is lines that start with "• " or "1. ".
 *
 * Nothing else is markup: an app's own tags never get in (the Telegram receiver converts its entities to
 * this), and each app has a printer: Telegram prints HTML (this subset is valid Telegram HTML), a plain-text
 * app prints {@link toPlainText}. Tag stripping by hand is never needed.
 */
export type Markup = string;

/** The tags of the neutral markup. */
export const MARKUP_TAGS = ["b", "i", "u", "s", "code", "pre", "a", "blockquote"] as const;
export type MarkupTag = (typeof MARKUP_TAGS)[number];

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#39": "'" };

/** Text as markup: the four reserved characters escaped. Every value put into markup passes through it. */
export function escapeText(text: string): Markup {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The reverse of {@link escapeText} for a run of text without tags. */
export function unescapeText(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, name: string) => ENTITIES[name]!);
}

/** One piece of markup: a run of (unescaped) text, or a tag opening or closing. */
export type MarkupToken =
  | { kind: "text"; text: string }
  | { kind: "open"; tag: MarkupTag; href?: string }
  | { kind: "close"; tag: MarkupTag };

const TAG = /<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>/gi;

/**
 * Splits markup into tokens. Tags outside the subset are dropped (their text stays), a closing tag without
 * its opening one is dropped, and tags left open are closed at the end, so every printer gets a balanced
 * tree whatever a stored body holds.
 */
export function tokenize(markup: Markup): MarkupToken[] {
  const out: MarkupToken[] = [];
  const open: MarkupTag[] = [];
  let last = 0;
  const text = (s: string) => {
    if (s) out.push({ kind: "text", text: unescapeText(s) });
  };
  for (const m of markup.matchAll(TAG)) {
    text(markup.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[2]!.toLowerCase();
    const tag = (MARKUP_TAGS as readonly string[]).includes(name) ? (name as MarkupTag) : undefined;
    if (!tag) continue;
    if (m[1]) {
      const at = open.lastIndexOf(tag);
      if (at < 0) continue;
      for (const inner of open.splice(at).reverse()) out.push({ kind: "close", tag: inner });
    } else {
      const href = tag === "a" ? /href="([^"]*)"/i.exec(m[3] ?? "")?.[1] : undefined;
      open.push(tag);
      out.push(href !== undefined ? { kind: "open", tag, href: unescapeText(href) } : { kind: "open", tag });
    }
  }
  text(markup.slice(last));
  for (const tag of open.reverse()) out.push({ kind: "close", tag });
  return out;
}

/**
 * Markup as plain text, for an app without formatting and for documents: tags dropped, characters
 * unescaped, a link whose text is not its address followed by the address in brackets.
 */
export function toPlainText(markup: Markup): string {
  let out = "";
  const links: { href: string; start: number }[] = [];
  for (const t of tokenize(markup)) {
    if (t.kind === "text") out += t.text;
    else if (t.kind === "open" && t.tag === "a") links.push({ href: t.href ?? "", start: out.length });
    else if (t.kind === "close" && t.tag === "a") {
      const link = links.pop();
      if (link && link.href && out.slice(link.start).trim() !== link.href && /^(https?|mailto|tel):/i.test(link.href)) out += ` (${link.href})`;
    }
  }
  return out;
}

/**
 * A short excerpt of markup's plain text, for lists and headers: whitespace runs made single spaces, and
 * when longer than `max` characters, cut after the last whole word that fits (never inside a word, unless
 * a single word is longer than half of `max`) with "…". With `firstLine`, only the first line that has text
 * is taken (a title line), and "…" says that more follows.
 *
 * @example
 * excerpt("<b>Kết luận</b>\nNội dung chi tiết", 80, { firstLine: true }); // "Kết luận …"
 */
export function excerpt(markup: Markup, max: number, opts: { firstLine?: boolean } = {}): string {
  const text = toPlainText(markup);
  const lines = opts.firstLine ? text.split("\n").filter((l) => l.trim() !== "") : [text];
  const plain = (lines[0] ?? "").replace(/\s+/g, " ").trim();
  const more = lines.length > 1;
  if (plain.length <= max) return more ? `${plain} …` : plain;
  let end = plain.lastIndexOf(" ", max);
  if (end < max / 2) end = /[\uD800-\uDBFF]/.test(plain[max - 1] ?? "") ? max - 1 : max;
  return `${plain.slice(0, end).replace(/[\s,;:.–—-]+$/, "")}…`;
}

/** Markup normalised to the subset: foreign tags dropped, tags balanced, text escaped. */
export function normalizeMarkup(markup: Markup): Markup {
  let out = "";
  for (const t of tokenize(markup)) {
    if (t.kind === "text") out += escapeText(t.text);
    else if (t.kind === "open") out += t.tag === "a" ? `<a href="${escapeText(t.href ?? "")}">` : `<${t.tag}>`;
    else out += `</${t.tag}>`;
  }
  return out;
}
