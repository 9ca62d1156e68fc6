import { stripControls } from "../text.js";
import { parse } from "csv-parse/sync";
import type { Locale, Role } from "../../db/schema.js";
import { foldKey, separatorOf } from "../csv.js";

/** One valid row of the roster CSV, normalized. */
export interface RosterRow {
  line: number;
  fullName: string;
  role: Role;
  organization: string | null;
  title: string | null;
  phone: string | null;
  email: string | null;
  locale: Locale | null;
}

/** A row that could not be imported: its line number in the file and the reason, as an i18n key. */
export interface RowError {
  line: number;
  code: string;
  params: Record<string, string | number>;
}

const norm = foldKey;

/** Column names the secretariat may use, in English or Vietnamese. */
const COLUMNS: Record<keyof Omit<RosterRow, "line">, string[]> = {
  fullName: ["full_name", "name", "họ và tên", "họ tên", "ho_ten", "ho ten"],
  role: ["role", "vai trò", "vai_tro", "vai tro"],
  organization: ["organization", "cơ quan", "đơn vị", "co_quan", "co quan", "don vi"],
  title: ["title", "chức vụ", "chuc_vu", "chuc vu"],
  phone: ["phone", "điện thoại", "số điện thoại", "dien_thoai", "dien thoai"],
  email: ["email", "e-mail", "thư điện tử"],
  locale: ["locale", "language", "ngôn ngữ", "ngon_ngu", "ngon ngu"],
};

/** Role names as the regulation writes them, and the codes. */
const ROLES: Record<string, Role> = {
  chair: "chair",
  "trưởng ban": "chair",
  standing_deputy: "standing_deputy",
  "phó trưởng ban thường trực": "standing_deputy",
  deputy: "deputy",
  "phó trưởng ban": "deputy",
  member: "member",
  "thành viên": "member",
  "ủy viên": "member",
  "uỷ viên": "member",
  secretariat: "secretariat",
  "tổ giúp việc": "secretariat",
  "thư ký": "secretariat",
};

export const MAX_ROSTER_ROWS = 5000;
const MAX_FIELD = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Vietnamese phone numbers as people type them: spaces, dots and dashes dropped; +84 or 0 prefix. */
export function normalizePhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s.()-]/g, "");
  if (!/^\+?\d{9,13}$/.test(compact)) return undefined;
  return compact.startsWith("+84") ? "0" + compact.slice(3) : compact;
}

/** Line breaks and tabs inside a cell: a cell holds one line, so they become a space. */
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * One cell as it may be stored: NFC, without terminal escape codes, control characters or bidi overrides (a
 * name must not recolour a terminal or reverse the text around it), line breaks turned to spaces, trimmed.
 */
export function cleanCell(raw: string): string {
  return stripControls(raw.replace(WHITESPACE_CONTROL, " ")).normalize("NFC").trim();
}

/**
 * Whether two full names are the same name: NFC, trimmed, single spaces, case-insensitive; diacritics count,
 * so "Lương Văn Đức" is not "Lương Văn Dục".
 */
export const sameName = (a: string, b: string): boolean => foldKey(a) === foldKey(b);

export interface ParsedRoster {
  rows: RosterRow[];
  errors: RowError[];
}

/**
 * Parses the roster CSV: UTF-8 (a BOM is fine), comma or semicolon separated (read from the header line), a header row naming the
 * columns in English or Vietnamese. Bad rows are reported with their line number; good rows are kept.
 * Throws only when the file as a whole is unusable (no header, missing required columns).
 */
export function parseRosterCsv(text: string): ParsedRoster {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: separatorOf(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return { rows: [], errors: [{ line: line ?? 1, code: "roster:csv.unreadable", params: {} }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], errors: [{ line: 1, code: "roster:csv.empty", params: {} }] };
  const index: Partial<Record<keyof typeof COLUMNS, number>> = {};
  header.record.forEach((name, i) => {
    const n = norm(cleanCell(name));
    for (const [field, aliases] of Object.entries(COLUMNS)) {
      if (aliases.includes(n)) index[field as keyof typeof COLUMNS] = i;
    }
  });
  const missing = (["fullName", "role"] as const).filter((f) => index[f] === undefined);
  if (missing.length) {
    return { rows: [], errors: [{ line: 1, code: "roster:csv.missing_columns", params: { columns: missing.map((f) => COLUMNS[f][0]!).join(", ") } }] };
  }
  if (body.length > MAX_ROSTER_ROWS) {
    return { rows: [], errors: [{ line: MAX_ROSTER_ROWS + 2, code: "roster:csv.too_many_rows", params: { max: MAX_ROSTER_ROWS } }] };
  }

  const rows: RosterRow[] = [];
  const errors: RowError[] = [];
  for (const { record: raw, info } of body) {
    const line = info.lines;
    const record = raw.map(cleanCell);
    const get = (f: keyof typeof COLUMNS) => {
      const i = index[f];
      const v = i === undefined ? "" : (record[i] ?? "");
      return v === "" ? null : v;
    };
    const fail = (code: string, params: Record<string, string | number> = {}) => errors.push({ line, code, params });
    if (record.every((v) => v === "")) continue;
    const fullName = get("fullName");
    if (!fullName) {
      fail("roster:row.name_required");
      continue;
    }
    const tooLong = (["fullName", "organization", "title", "email"] as const).find((f) => (get(f)?.length ?? 0) > MAX_FIELD);
    if (tooLong) {
      fail("roster:row.too_long", { column: COLUMNS[tooLong][0]!, max: MAX_FIELD });
      continue;
    }
    const roleText = get("role");
    const role = roleText ? ROLES[norm(roleText)] : undefined;
    if (!role) {
      fail("roster:row.bad_role", { value: roleText ?? "" });
      continue;
    }
    const phoneText = get("phone");
    const phone = phoneText ? normalizePhone(phoneText) : null;
    if (phone === undefined) {
      fail("roster:row.bad_phone", { value: phoneText ?? "" });
      continue;
    }
    const emailText = get("email");
    if (emailText && !EMAIL.test(emailText)) {
      fail("roster:row.bad_email", { value: emailText });
      continue;
    }
    const localeText = get("locale");
    const locale = localeText ? norm(localeText) : null;
    if (locale !== null && locale !== "vi" && locale !== "en") {
      fail("roster:row.bad_locale", { value: localeText ?? "" });
      continue;
    }
    rows.push({
      line,
      fullName: fullName.replace(/\s+/g, " "),
      role,
      organization: get("organization"),
      title: get("title"),
      phone,
      email: emailText ? emailText.toLowerCase() : null,
      locale,
    });
  }
  return { rows, errors };
}

/** The key that recognizes the same person across imports when neither email nor phone is given. */
export const nameKey = (fullName: string, organization: string | null) => `${norm(fullName)}|${norm(organization ?? "")}`;
