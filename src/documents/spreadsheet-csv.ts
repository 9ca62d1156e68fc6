import { stringify } from "csv-stringify/sync";

/**
 * Cells a spreadsheet would take for a formula (or, for tab and carriage return, splits before one), after
 * OWASP's CSV injection guidance: "=", "+", "-", "@", tab and carriage return at the start of a cell.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as text a spreadsheet shows and never runs: a cell that begins like a formula gets a single quote
 * in front ("=HYPERLINK(…)" → "'=HYPERLINK(…)", "+84912345678" → "'+84912345678", still the phone number, as
 * text), everything else is left alone. The XLSX exports need no such rule: ExcelJS writes their strings as
 * typed text cells, which Excel never evaluates; a CSV cell has no type, so the quote is the only way to say
 * "text" there, and the text after it is kept exactly.
 */
export function spreadsheetText(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * A CSV for people to open in Excel: UTF-8 with a BOM (so Vietnamese reads right) and every cell through
 * `spreadsheetText`, headings included. `delimiter` is a comma unless given (";" for Excel set to Vietnamese,
 * whose list separator is the semicolon).
 */
export function spreadsheetCsv(rows: readonly (readonly string[])[], opts: { delimiter?: "," | ";" } = {}): string {
  return stringify(
    rows.map((r) => r.map(spreadsheetText)),
    { bom: true, delimiter: opts.delimiter ?? "," },
  );
}
