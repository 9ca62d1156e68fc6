/** Telegram's limit on one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/**
 * Splits text made of self-contained lines (each line closes the tags it opens) into messages within the
 * limit, cutting only between lines, so no HTML tag or entity is ever cut in two. A single line longer
 * than the limit is cut at a space outside any tag.
 */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const out: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const pieces = line.length > limit ? cutLongLine(line, limit) : [line];
    for (const piece of pieces) {
      const candidate = current === "" ? piece : `${current}\n${piece}`;
      if (candidate.length > limit) {
        if (current !== "") out.push(current);
        current = piece;
      } else current = candidate;
    }
  }
  if (current.trim() !== "") out.push(current);
  return out;
}

function cutLongLine(line: string, limit: number): string[] {
  const plain = line.replace(/<[^>]*>/g, "");
  const parts: string[] = [];
  let rest = plain;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf(" ", limit);
    const amp = rest.lastIndexOf("&", cut > 0 ? cut : limit);
    if (amp > -1 && rest.indexOf(";", amp) >= (cut > 0 ? cut : limit)) cut = amp;
    if (cut <= 0) cut = limit;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  parts.push(rest);
  return parts;
}
