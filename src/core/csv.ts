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
