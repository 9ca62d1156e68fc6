import { parse } from "csv-parse/sync";
import type { RowError } from "./roster/roster-csv.js";
/**
 * The one separator a CSV file uses, read from its header line outside quotes. Excel writes semicolons where
 * the decimal mark is a comma, as in Vietnam, and leaves the commas in the cells ("cán bộ, công chức",
 * "12,5"): taking both as separators would split those cells and shift every later column.
 */
export function separatorOf(text: string): "," | ";" {
  const header = (text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "").replace(/"[^"]*"/g, "");
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
}

/** How names are compared across files and edits: Unicode NFC, trimmed, lower case, single spaces. */
export const foldKey = (s: string | null | undefined): string => (s ?? "").normalize("NFC").trim().toLowerCase().replace(/\s+/g, " ");

/** One record of a CSV file, with the line it ends on (for errors by line). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Reads an imported CSV file (UTF-8, a BOM is fine, comma or semicolon separated, trimmed, empty lines skipped) into
 * its header and body records; a file that cannot be read or is empty gives the one error that says so.
 */
export function readCsvFile(text: string): { header: CsvRecord; body: CsvRecord[] } | { errors: RowError[] } {
  let records: CsvRecord[];
  try {
    records = parse(text, { bom: true, delimiter: separatorOf(text), relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as CsvRecord[];
  } catch (e) {
    return { errors: [{ line: (e as { lines?: number }).lines ?? 1, code: "roster:csv.unreadable", params: {} }] };
  }
  const [header, ...body] = records;
  if (!header) return { errors: [{ line: 1, code: "roster:csv.empty", params: {} }] };
  return { header, body };
}
