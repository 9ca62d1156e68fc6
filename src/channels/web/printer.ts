import { escapeText, tokenize, type Markup } from "../../core/markup.js";

/** Only these addresses become links on the page; anything else (javascript:, data:) stays plain text. */
const SAFE_HREF = /^(https?:|mailto:|tel:)/i;

/**
 * The web printer: the neutral markup as HTML the page may show as it is. Every run of text is escaped and
 * only the markup's own tags are written (links only to http(s), mail and phone addresses, opened in a new
 * tab), so nothing a person typed can become markup on the page. Line breaks stay `\n` (the page shows
 * them with `white-space: pre-wrap`).
 *
 * @example
 * markupToHtml("<b>Kính gửi</b> &lt;script&gt;"); // "<b>Kính gửi</b> &lt;script&gt;"
 */
export function markupToHtml(markup: Markup): string {
  let out = "";
  // A link whose address is refused keeps its text: its opening and closing tags are both left out.
  const links: boolean[] = [];
  for (const t of tokenize(markup)) {
    if (t.kind === "text") out += escapeText(t.text);
    else if (t.kind === "open" && t.tag === "a") {
      const ok = SAFE_HREF.test(t.href ?? "");
      links.push(ok);
      if (ok) out += `<a href="${escapeText(t.href!)}" target="_blank" rel="noopener noreferrer">`;
    } else if (t.kind === "close" && t.tag === "a") {
      if (links.pop()) out += "</a>";
    } else out += t.kind === "open" ? `<${t.tag}>` : `</${t.tag}>`;
  }
  return out;
}
