import { stripControls } from "../core/text.js";

/**
 * The CLI's output with escape sequences and control characters removed from everything written, help and
 * errors included (core/text.ts): a name in the roster cannot recolour, retitle or clear the terminal.
 */
export function terminalIo<T extends { stdout: (s: string) => void; stderr: (s: string) => void }>(io: T): T {
  return { ...io, stdout: (s: string) => io.stdout(stripControls(s)), stderr: (s: string) => io.stderr(stripControls(s)) };
}

const WIDE = /\p{Extended_Pictographic}|[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
const MARK = /\p{M}/u;

/** Columns a string takes in a terminal: combining marks take none, emoji and CJK take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.normalize("NFC")) width += MARK.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return width;
}

/** A plain table: a heading row, a rule, then one line per row; columns two spaces apart. */
export function renderTable(headings: readonly string[], rows: readonly (readonly string[])[]): string {
  // Cleaned here too, not only on the way out, so the widths are those of what is printed.
  const clean = (cell: string | undefined) => stripControls((cell ?? "").replace(/\s+/g, " ")).trim();
  const all = [headings.map(clean), ...rows.map((r) => headings.map((_, i) => clean(r[i])))];
  const widths = headings.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + " ".repeat(widths[i]! - displayWidth(c)))
      .join("  ")
      .trimEnd();
  const [head, ...body] = all;
  return [line(head!), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n") + "\n";
}
