import ExcelJS from "exceljs";
import type { PeriodStatus } from "../core/reports/status.js";
import { formatDecimal } from "../core/reports/numbers.js";
import { toPlainText } from "../core/markup.js";
import { formatDateTime, formatPercent } from "../i18n/format.js";
import type { Locale } from "../db/schema.js";
import type { TFunction } from "../i18n/index.js";
import { progressFigure } from "./report-terms.js";
import { noteRow, printableSheet, tableHeader, tableRow, titleBlock, type XlsxColumn } from "./xlsx-print.js";

const ROMAN = ["", "I", "II", "III", "IV"];

/** "QUÝ IV NĂM 2026" (in English "Q4 2026") for a quarter, the period's own name in capitals otherwise. */
function periodTitle(t: TFunction, p: PeriodStatus["period"], locale: Locale): string {
  const m = p.kind === "quarter" ? p.code.match(/^(\d{4})-Q([1-4])$/) : null;
  return m ? t("reports:xlsx.title_quarter", { q: locale === "vi" ? ROMAN[Number(m[2])]! : m[2]!, year: m[1]! }) : p.name.toUpperCase();
}

/** "09 giờ 00 ngày 16/12/2026", as a report's figures are dated. */
function officialTime(t: TFunction, at: Date | string, timeZone: string): string {
  const s = formatDateTime(at, timeZone);
  return t("reports:xlsx.time", { hour: s.slice(11, 13), minute: s.slice(14, 16), date: s.slice(0, 10) });
}

/** The task's target as people write it: "1.250 hồ sơ", "90 %", or nothing for a milestone without one. */
function targetText(task: PeriodStatus["rows"][number]["task"], locale: Locale): string {
  if (task.target_value === null) return "";
  return task.indicator_kind === "percent" ? formatPercent(task.target_value, locale) : `${formatDecimal(task.target_value, locale)} ${task.unit ?? ""}`.trim();
}

/** yyyy-MM-dd as dd/MM/yyyy. */
const dayText = (d: string | null) => (d ? d.split("-").reverse().join("/") : "");

/**
 * A period's reports shaped like the usual reporting form, ready to print: the committee, a title ("… QUÝ IV NĂM
 * 2026") and the date of the figures and of the deadline; one row per task with its code, target, due date,
 * responsible unit, status ("Quá hạn, chưa báo cáo" when overdue and unreported), progress, results, obstacles,
 * proposals, who reported, when, and whether late; the body that gathers obstacles and proposals under it.
 */
export async function progressXlsx(html: TFunction, locale: Locale, s: PeriodStatus, exportedAt: Date): Promise<Buffer> {
  // Translations are markup; a spreadsheet wants the plain text.
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const columns: XlsxColumn[] = [
    { key: "no", header: t("reports:xlsx.no"), width: 6 },
    { key: "code", header: t("reports:xlsx.code"), width: 9 },
    { key: "task", header: t("reports:xlsx.task"), width: 32 },
    { key: "target", header: t("reports:xlsx.target"), width: 12 },
    { key: "due", header: t("reports:xlsx.due_date"), width: 11 },
    { key: "unit", header: t("reports:xlsx.unit"), width: 18 },
    { key: "status", header: t("reports:xlsx.status"), width: 14 },
    { key: "progress", header: t("reports:xlsx.progress"), width: 14 },
    { key: "results", header: t("reports:xlsx.results"), width: 30 },
    { key: "obstacles", header: t("reports:xlsx.obstacles"), width: 24 },
    { key: "proposals", header: t("reports:xlsx.proposals"), width: 24 },
    { key: "by", header: t("reports:xlsx.submitted_by"), width: 18 },
    { key: "at", header: t("reports:xlsx.submitted_at"), width: 16 },
    { key: "late", header: t("reports:xlsx.late"), width: 8 },
  ];
  const lines = [
    { text: s.committeeName.toUpperCase(), bold: true },
    { text: t("reports:xlsx.title", { period: periodTitle(t, s.period, locale) }), bold: true, size: 14 },
    { text: t("reports:xlsx.subtitle", { at: officialTime(t, exportedAt, s.timeZone), due: officialTime(t, s.period.due_at, s.timeZone) }), italic: true },
  ];
  const HEADER_ROW = lines.length + 2;
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = printableSheet(book, t("reports:xlsx.sheet"), HEADER_ROW);
  tableHeader(sheet, HEADER_ROW, columns);
  titleBlock(sheet, lines, columns.length);
  s.rows.forEach((r, i) => {
    const u = r.latest;
    const by = u ? `${u.submittedByName ?? ""}${u.onBehalfOfName ? t("reports:history.on_behalf", { for: u.onBehalfOfName }) : ""}` : "";
    tableRow(sheet, columns, {
      no: i + 1,
      code: r.task.code,
      task: r.task.title,
      target: targetText(r.task, locale),
      due: dayText(r.task.due_date),
      unit: r.unit,
      status: u ? t(`reports:status.${u.status}`) : t(r.state === "missing" ? "reports:xlsx.overdue" : "reports:xlsx.not_reported"),
      progress: u ? progressFigure(r.task, u, locale) : "",
      results: u?.results ?? "",
      obstacles: u?.obstacles ?? "",
      proposals: u?.proposals ?? "",
      by,
      at: u ? formatDateTime(u.submitted_at, s.timeZone) : "",
      // Only a report can be late; an overdue task without one says so in its status.
      late: u ? t(u.firstLate ? "reports:xlsx.yes" : "reports:xlsx.no_") : "",
    });
  });
  if (s.focalBody) {
    sheet.addRow([]);
    noteRow(sheet, t("reports:xlsx.focal_body", { body: s.focalBody }), columns.length, { italic: true });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
