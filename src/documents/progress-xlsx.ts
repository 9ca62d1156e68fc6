import ExcelJS from "exceljs";
import type { PeriodStatus } from "../core/reports/status.js";
import { toPlainText } from "../core/markup.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { periodLabel, progressFigure } from "./report-terms.js";

/**
 * A period's reports shaped like the usual reporting form: a title, then one row per task with its code,
 * responsible unit, status, progress, results, obstacles, proposals, who reported, when, and whether late.
 * Vietnamese headers, readable widths, wrapped text, the header row frozen.
 */
export async function progressXlsx(html: TFunction, s: PeriodStatus, exportedAt: Date): Promise<Buffer> {
  // Translations are markup; a spreadsheet wants the plain text.
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const HEADER_ROW = 4;
  const sheet = book.addWorksheet(t("reports:xlsx.sheet"), { views: [{ state: "frozen", ySplit: HEADER_ROW }], pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const columns = [
    { key: "no", header: t("reports:xlsx.no"), width: 6 },
    { key: "code", header: t("reports:xlsx.code"), width: 12 },
    { key: "task", header: t("reports:xlsx.task"), width: 45 },
    { key: "unit", header: t("reports:xlsx.unit"), width: 28 },
    { key: "status", header: t("reports:xlsx.status"), width: 18 },
    { key: "progress", header: t("reports:xlsx.progress"), width: 22 },
    { key: "results", header: t("reports:xlsx.results"), width: 50 },
    { key: "obstacles", header: t("reports:xlsx.obstacles"), width: 40 },
    { key: "proposals", header: t("reports:xlsx.proposals"), width: 40 },
    { key: "by", header: t("reports:xlsx.submitted_by"), width: 28 },
    { key: "at", header: t("reports:xlsx.submitted_at"), width: 18 },
    { key: "late", header: t("reports:xlsx.late"), width: 10 },
  ];
  sheet.columns = columns.map(({ key, width }) => ({ key, width }));
  sheet.mergeCells(1, 1, 1, columns.length);
  sheet.getCell(1, 1).value = t("reports:xlsx.title", { period: periodLabel(t, s.period) });
  sheet.getCell(1, 1).font = { bold: true, size: 13 };
  sheet.getCell(1, 1).alignment = { horizontal: "center" };
  sheet.mergeCells(2, 1, 2, columns.length);
  sheet.getCell(2, 1).value = t("reports:xlsx.subtitle", { committee: s.committeeName, due: formatDateTime(s.period.due_at, s.timeZone), at: formatDateTime(exportedAt, s.timeZone) });
  sheet.getCell(2, 1).alignment = { horizontal: "center" };
  const header = sheet.getRow(HEADER_ROW);
  columns.forEach((c, i) => (header.getCell(i + 1).value = c.header));
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
    cell.border = { top: { style: "thin" }, bottom: { style: "thin" }, left: { style: "thin" }, right: { style: "thin" } };
  });
  s.rows.forEach((r, i) => {
    const u = r.latest;
    const by = u ? `${u.submittedByName ?? ""}${u.onBehalfOfName ? t("reports:history.on_behalf", { for: u.onBehalfOfName }) : ""}` : "";
    const row = sheet.addRow({
      no: i + 1,
      code: r.task.code,
      task: r.task.title,
      unit: r.unit,
      status: u ? t(`reports:status.${u.status}`) : t("reports:xlsx.not_reported"),
      progress: u ? progressFigure(r.task, u, "vi") : "",
      results: u?.results ?? "",
      obstacles: u?.obstacles ?? "",
      proposals: u?.proposals ?? "",
      by,
      at: u ? formatDateTime(u.submitted_at, s.timeZone) : "",
      late: u ? t(u.firstLate ? "reports:xlsx.yes" : "reports:xlsx.no_") : r.state === "missing" ? t("reports:xlsx.yes") : "",
    });
    row.alignment = { vertical: "top", wrapText: true };
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
