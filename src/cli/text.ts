import { toPlainText } from "../core/markup.js";
/** Translations are written in the neutral markup: a terminal shows its plain text. */
export const htmlToText = (markup: string): string => toPlainText(markup);

/**
 * Terminal escape sequences, removed whole so no "[31m" remnant is printed: CSI ("ESC [" or C1 CSI, then
 * parameters and a final byte); the strings up to BEL or ST that OSC (a hyperlink, a window title), DCS,
 * SOS, PM and APC open; and the other ESC forms (intermediates, then one final byte, such as "ESC c" reset).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[ -/]*[0-~]/g;
/** C0 controls but the line break, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it may reach a terminal: without escape sequences, control characters (line breaks excepted) or
 * bidi overrides, so a name in the roster can neither recolour, retitle or clear the operator's terminal
 * nor reverse the text printed after it. Every line the CLI writes goes through it (see `terminalIo`).
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}

/** The CLI's output with `terminalSafe` applied to everything written, help and errors included. */
export function terminalIo<T extends { stdout: (s: string) => void; stderr: (s: string) => void }>(io: T): T {
  return { ...io, stdout: (s: string) => io.stdout(terminalSafe(s)), stderr: (s: string) => io.stderr(terminalSafe(s)) };
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
  const clean = (cell: string | undefined) => terminalSafe((cell ?? "").replace(/\s+/g, " ")).trim();
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
