import { foldKey, readCsvFile } from "../csv.js";
import { DomainError } from "../errors.js";
import type { LocalDate } from "../cycle/local-time.js";
import type { RowError } from "../roster/roster-csv.js";
import { checkConclusion, MAX_CONCLUSIONS, type CheckedConclusion } from "./conclusions.js";

/** Column names of the conclusions CSV, in English or Vietnamese (with or without diacritics). */
export const CONCLUSION_COLUMNS = {
  text: ["text", "conclusion", "nội dung", "kết luận", "nội dung kết luận", "noi_dung", "ket_luan"],
  organization: ["organization", "đơn vị chủ trì", "đơn vị", "cơ quan chủ trì", "don_vi_chu_tri", "don_vi"],
  due: ["due", "due_date", "deadline", "thời hạn", "hạn", "hạn hoàn thành", "thoi_han", "han"],
} as const;
type Column = keyof typeof CONCLUSION_COLUMNS;

/**
 * Reads a meeting's conclusions from CSV: UTF-8 (a BOM is fine), comma or semicolon separated, a header naming the
 * columns text, organization and due (dd/MM/yyyy). Every row is checked as the chat and `conclusions:add` check one;
 * a file with any bad row gives its errors, by line, and no rows: the meeting's conclusions are recorded all or none.
 */
export function parseConclusionsCsv(text: string, today: LocalDate): { rows: CheckedConclusion[]; errors: RowError[] } {
  const file = readCsvFile(text);
  if ("errors" in file) return { rows: [], errors: file.errors };
  const { header, body } = file;
  const index: Partial<Record<Column, number>> = {};
  header.record.forEach((name, i) => {
    for (const [col, names] of Object.entries(CONCLUSION_COLUMNS) as [Column, readonly string[]][]) if (index[col] === undefined && names.includes(foldKey(name))) index[col] = i;
  });
  const missing = (Object.keys(CONCLUSION_COLUMNS) as Column[]).filter((c) => index[c] === undefined);
  if (missing.length) return { rows: [], errors: [{ line: 1, code: "roster:csv.missing_columns", params: { columns: missing.join(", ") } }] };
  if (body.length > MAX_CONCLUSIONS) return { rows: [], errors: [{ line: MAX_CONCLUSIONS + 2, code: "roster:csv.too_many_rows", params: { max: MAX_CONCLUSIONS } }] };
  const rows: CheckedConclusion[] = [];
  const errors: RowError[] = [];
  for (const { record, info } of body) {
    if (record.every((v) => v.trim() === "")) continue;
    const cell = (c: Column) => record[index[c]!] ?? "";
    try {
      rows.push(checkConclusion({ text: cell("text"), organization: cell("organization"), due: cell("due") }, today));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      errors.push({ line: info.lines, code: e.code, params: e.params });
    }
  }
  if (errors.length === 0 && rows.length === 0) errors.push({ line: 2, code: "conclusions:errors.none", params: {} });
  return errors.length ? { rows: [], errors } : { rows, errors };
}
