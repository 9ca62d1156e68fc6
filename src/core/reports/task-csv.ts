import type { IndicatorKind } from "../../db/schema.js";
import { foldKey, readCsvFile, separatorOf } from "../csv.js";
import type { RowError } from "../roster/roster-csv.js";
import { parseDecimal } from "./numbers.js";

/** One valid row of the task registry CSV, normalized; the person is resolved against the roster later. */
export interface TaskCsvRow {
  line: number;
  code: string;
  title: string;
  sourceDocument: string | null;
  organization: string | null;
  person: string | null;
  kind: IndicatorKind;
  target: number | null;
  unit: string | null;
  dueDate: string | null;
  period: string;
}

export type TaskField = Exclude<keyof TaskCsvRow, "line">;

const norm = foldKey;

/** Column names the secretariat may use, in English or Vietnamese (with or without diacritics). */
export const TASK_COLUMNS: Record<TaskField, string[]> = {
  code: ["code", "mã", "ma", "mã nhiệm vụ", "mã chỉ tiêu", "ma_nhiem_vu"],
  title: ["title", "task", "tên", "tên nhiệm vụ", "nhiệm vụ", "nhiệm vụ, chỉ tiêu", "nội dung", "ten_nhiem_vu", "nhiem_vu"],
  sourceDocument: ["source_document", "source", "văn bản", "căn cứ", "nguồn", "văn bản giao", "van_ban"],
  organization: ["organization", "responsible_organization", "đơn vị chủ trì", "cơ quan chủ trì", "đơn vị", "don_vi_chu_tri", "don_vi"],
  person: ["person", "responsible_person", "người phụ trách", "người chịu trách nhiệm", "nguoi_phu_trach"],
  kind: ["kind", "indicator_kind", "type", "loại", "loại chỉ tiêu", "loai"],
  target: ["target", "target_value", "mục tiêu", "giá trị mục tiêu", "muc_tieu"],
  unit: ["unit", "đơn vị tính", "đvt", "dvt", "don_vi_tinh"],
  dueDate: ["due_date", "due", "hạn", "thời hạn", "hạn hoàn thành", "han", "thoi_han"],
  period: ["period", "kỳ báo cáo", "kỳ", "ky_bao_cao", "ky"],
};

const KINDS: Record<string, IndicatorKind> = {
  milestone: "milestone",
  "mốc": "milestone",
  "nhiệm vụ": "milestone",
  "mốc hoàn thành": "milestone",
  numeric: "numeric",
  number: "numeric",
  "số": "numeric",
  "số lượng": "numeric",
  "định lượng": "numeric",
  percent: "percent",
  percentage: "percent",
  "%": "percent",
  "phần trăm": "percent",
  "tỷ lệ": "percent",
  "tỉ lệ": "percent",
};

export const MAX_TASK_ROWS = 2000;
const LIMITS: Partial<Record<TaskField, number>> = { code: 30, title: 500, sourceDocument: 200, organization: 200, person: 200, unit: 30 };
const ROMAN: Record<string, string> = { i: "1", ii: "2", iii: "3", iv: "4" };

/** "2026-Q4", "Q4/2026", "Quý IV/2026" and "quý 4 2026" all name the fourth quarter of 2026. */
export function quarterCode(text: string): string | undefined {
  const s = norm(text);
  let m = s.match(/^(\d{4})-q([1-4])$/);
  if (m) return `${m[1]}-Q${m[2]}`;
  m = s.match(/^(?:q|quý|quy|quarter)\s?([1-4]|i|ii|iii|iv)[/ -](\d{4})$/);
  if (m) return `${m[2]}-Q${ROMAN[m[1]!] ?? m[1]}`;
  return undefined;
}

/** The period column: empty or "quarterly" means every quarter; otherwise the code of one period. */
export function periodCode(text: string | null): string | undefined {
  if (!text || ["quarterly", "hằng quý", "hàng quý", "quý", "hang quy", "quy"].includes(norm(text))) return "quarterly";
  const q = quarterCode(text);
  if (q) return q;
  const code = text.normalize("NFC").trim();
  return /^[\p{L}\d._/-]{1,30}$/u.test(code) ? code : undefined;
}

/** A calendar date as the secretariat writes it: dd/MM/yyyy (or d/M/yyyy, with - or .) or yyyy-MM-dd. */
export function parseDate(text: string): string | undefined {
  const s = text.trim();
  let y: number, mo: number, d: number;
  let m = s.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    if (!m) return undefined;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/**
 * Checks and normalizes one field of a task, as written in the CSV or typed in /edittask. Returns the
 * value, or a RowError code and params when it is not acceptable.
 */
export function normalizeField(field: TaskField, raw: string | null): { value: string | number | null } | { code: string; params: Record<string, string | number> } {
  const v = raw === null ? null : raw.normalize("NFC").trim().replace(/\s+/g, " ") || null;
  const max = LIMITS[field];
  if (v && max && v.length > max) return { code: "reports:row.too_long", params: { column: TASK_COLUMNS[field][0]!, max } };
  switch (field) {
    case "code":
      if (!v) return { code: "reports:row.code_required", params: {} };
      if (!/^[\p{L}\d._/-]+$/u.test(v)) return { code: "reports:row.bad_code", params: { value: v } };
      return { value: v };
    case "title":
      return v ? { value: v } : { code: "reports:row.title_required", params: {} };
    case "kind": {
      if (!v) return { value: null };
      const kind = KINDS[norm(v)];
      return kind ? { value: kind } : { code: "reports:row.bad_kind", params: { value: v } };
    }
    case "target": {
      if (!v) return { value: null };
      const n = parseDecimal(v);
      return n === undefined || n < 0 ? { code: "reports:row.bad_target", params: { value: v } } : { value: n };
    }
    case "dueDate": {
      if (!v) return { value: null };
      const d = parseDate(v);
      return d ? { value: d } : { code: "reports:row.bad_date", params: { value: v } };
    }
    case "period": {
      const p = periodCode(v);
      return p ? { value: p } : { code: "reports:row.bad_period", params: { value: v ?? "" } };
    }
    default:
      return { value: v };
  }
}

/** The rules that tie fields together: the kind follows from the target when not given, a number needs its unit. */
export function completeRow(row: Omit<TaskCsvRow, "kind"> & { kind: IndicatorKind | null }): TaskCsvRow | { code: string; params: Record<string, string | number> } {
  const kind: IndicatorKind = row.kind ?? (row.target === null ? "milestone" : row.unit === "%" ? "percent" : "numeric");
  if (!row.organization && !row.person) return { code: "reports:row.responsible_required", params: {} };
  if (kind === "numeric" && row.target === null) return { code: "reports:row.target_required", params: {} };
  if (kind === "numeric" && !row.unit) return { code: "reports:row.unit_required", params: {} };
  if (kind === "percent" && row.target !== null && row.target > 100) return { code: "reports:row.percent_target", params: { value: row.target } };
  if (kind === "milestone" && row.target !== null) return { code: "reports:row.milestone_target", params: {} };
  return { ...row, kind, target: kind === "percent" ? (row.target ?? 100) : row.target, unit: kind === "percent" ? "%" : row.unit };
}

/**
 * Parses the task registry CSV: UTF-8 (a BOM is fine), comma or semicolon separated, a header naming the
 * columns in English or Vietnamese. Bad rows come back with their line number; good rows are kept.
 */
export function parseTaskCsv(text: string): { rows: TaskCsvRow[]; errors: RowError[] } {
  const file = readCsvFile(text);
  if ("errors" in file) return { rows: [], errors: file.errors };
  const { header, body } = file;
  const index = columnIndex(header.record);
  const missing = (["code", "title"] as const).filter((f) => index[f] === undefined);
  if (missing.length) return { rows: [], errors: [{ line: 1, code: "roster:csv.missing_columns", params: { columns: missing.map((f) => TASK_COLUMNS[f][0]!).join(", ") } }] };
  if (body.length > MAX_TASK_ROWS) return { rows: [], errors: [{ line: MAX_TASK_ROWS + 2, code: "roster:csv.too_many_rows", params: { max: MAX_TASK_ROWS } }] };

  const rows: TaskCsvRow[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  rows: for (const { record, info } of body) {
    const line = info.lines;
    if (record.every((v) => v.trim() === "")) continue;
    const out: Record<string, unknown> = { line };
    for (const field of Object.keys(TASK_COLUMNS) as TaskField[]) {
      const i = index[field];
      const r = normalizeField(field, i === undefined ? null : (record[i] ?? null));
      if ("code" in r) {
        errors.push({ line, ...r });
        continue rows;
      }
      out[field] = r.value;
    }
    const row = completeRow(out as unknown as Parameters<typeof completeRow>[0]);
    if ("params" in row) {
      errors.push({ line, ...row });
      continue;
    }
    const key = row.code.toLowerCase();
    if (seen.has(key)) {
      errors.push({ line, code: "reports:row.duplicate", params: { code: row.code, other: seen.get(key)! } });
      continue;
    }
    seen.set(key, line);
    rows.push(row);
  }
  return { rows, errors };
}

function columnIndex(names: string[]): Partial<Record<TaskField, number>> {
  const index: Partial<Record<TaskField, number>> = {};
  names.forEach((name, i) => {
    const n = norm(name);
    for (const [field, aliases] of Object.entries(TASK_COLUMNS)) if (aliases.includes(n) && index[field as TaskField] === undefined) index[field as TaskField] = i;
  });
  return index;
}

/** Whether a CSV's header names a task registry (a code and a title) rather than a roster. */
export function looksLikeTaskCsv(text: string): boolean {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const index = columnIndex(firstLine.split(separatorOf(firstLine)).map((s) => s.replace(/^"|"$/g, "")));
  return index.code !== undefined && index.title !== undefined;
}
