import ExcelJS from "exceljs";
import type { ConclusionsReport } from "../core/conclusions/follow-up.js";
import { showDate } from "../core/cycle/local-time.js";
import { toPlainText } from "../core/markup.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { noteRow, printableSheet, tableHeader, tableRow, titleBlock, type XlsxColumn } from "./xlsx-print.js";

/**
 * The follow-up of the chair's conclusions in a quarter as a spreadsheet ready to print (for the quarter's export
 * bundle): the committee and the quarter above; one row per conclusion with its meeting's date, text, organization in
 * charge, deadline, the latest progress reported and when, and where it stands (done, on time, overdue); the totals
 * under the table. In the TFunction's language; dates dd/MM/yyyy in the committee's zone.
 */
export async function conclusionsXlsx(html: TFunction, view: ConclusionsReport): Promise<Buffer> {
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const date = (iso: string) => formatDateTime(iso, view.timeZone).slice(0, 10);
  const columns: XlsxColumn[] = [
    { key: "no", header: t("conclusions:xlsx.no"), width: 6 },
    { key: "meeting", header: t("conclusions:xlsx.meeting"), width: 13 },
    { key: "text", header: t("conclusions:xlsx.text"), width: 44 },
    { key: "organization", header: t("conclusions:xlsx.organization"), width: 26 },
    { key: "due", header: t("conclusions:xlsx.due"), width: 12 },
    { key: "latest", header: t("conclusions:xlsx.latest"), width: 18 },
    { key: "latestAt", header: t("conclusions:xlsx.latest_at"), width: 13 },
    { key: "state", header: t("conclusions:xlsx.state"), width: 18 },
  ];
  const [year, q] = [view.quarter.slice(0, 4), view.quarter.slice(-1)];
  const lines = [
    ...(view.governingBody ? [{ text: view.governingBody.toUpperCase(), bold: true }] : []),
    { text: view.committeeName.toUpperCase(), bold: true },
    { text: t("conclusions:xlsx.title", { quarter: t("conclusions:xlsx.quarter", { q: t(`conclusions:xlsx.quarter_number.${q}`), year }) }), bold: true, size: 14 },
    { text: t("conclusions:xlsx.as_of", { at: formatDateTime(view.at, view.timeZone) }), italic: true },
  ];
  const headerRow = lines.length + 2;
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = printableSheet(book, t("conclusions:xlsx.sheet"), headerRow);
  tableHeader(sheet, headerRow, columns);
  titleBlock(sheet, lines, columns.length);
  view.rows.forEach((r, i) => {
    tableRow(sheet, columns, {
      no: i + 1,
      meeting: date(r.meetingStartsAt),
      text: `${r.code}. ${r.text}`,
      organization: r.organization,
      due: showDate(r.due),
      latest: r.latestStatus ? t(`reports:status.${r.latestStatus}`) : t("conclusions:xlsx.not_reported"),
      latestAt: r.latestAt ? date(r.latestAt) : "",
      state: t(`conclusions:states.${r.doneLate ? "done_late" : r.state}`),
    });
  });
  sheet.addRow([]);
  noteRow(sheet, t("conclusions:xlsx.summary", { total: view.counts.total, done: view.counts.done, onTime: view.counts.on_time, overdue: view.counts.overdue }), columns.length, { italic: true });
  return Buffer.from(await book.xlsx.writeBuffer());
}
