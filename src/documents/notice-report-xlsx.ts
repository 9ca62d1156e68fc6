import ExcelJS from "exceljs";
import { toPlainText } from "../core/markup.js";
import type { NoticeReport } from "../core/notices/views.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { deliveryProblem } from "./delivery-notes.js";
import { noteRow, printableSheet, tableHeader, tableRow, titleBlock, type XlsxColumn } from "./xlsx-print.js";

/**
 * The delivery report of a notice as a spreadsheet ready to print: the committee, the notice's number, the date
 * it was sent, an excerpt and the acknowledgement deadline above; one row per recipient with the state and a note
 * in Vietnamese (never an app's own error text); the totals under the table.
 */
export async function noticeReportXlsx(html: TFunction, r: NoticeReport): Promise<Buffer> {
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const at = (iso: string) => formatDateTime(iso, r.timeZone);
  const columns: XlsxColumn[] = [
    { key: "no", header: t("notices:xlsx.no"), width: 6 },
    { key: "name", header: t("notices:xlsx.name"), width: 26 },
    { key: "organization", header: t("notices:xlsx.organization"), width: 32 },
    { key: "delivery", header: t("notices:xlsx.delivery"), width: 20 },
    { key: "sentAt", header: t("notices:xlsx.sent_at"), width: 17 },
    { key: "ackAt", header: t("notices:xlsx.acknowledged_at"), width: 17 },
    { key: "note", header: t("notices:xlsx.note"), width: 38 },
  ];
  const lines = [
    { text: r.committeeName.toUpperCase(), bold: true },
    { text: t("notices:xlsx.title", { id: r.noticeId }), bold: true, size: 14 },
    { text: t("notices:xlsx.sent", { date: at(r.createdAt) }), italic: true },
    { text: t("notices:xlsx.subject", { excerpt: r.excerpt }) },
    { text: r.withdrawn ? t("notices:xlsx.withdrawn") : r.ackRequired && r.ackDeadline ? t("notices:xlsx.ack_deadline", { deadline: at(r.ackDeadline) }) : t("notices:xlsx.no_ack") },
  ];
  const headerRow = lines.length + 2;
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = printableSheet(book, t("notices:xlsx.sheet"), headerRow);
  tableHeader(sheet, headerRow, columns);
  titleBlock(sheet, lines, columns.length);
  r.lines.forEach((l, i) => {
    const problem = deliveryProblem(l.delivery, l.error);
    tableRow(sheet, columns, {
      no: i + 1,
      name: l.fullName,
      organization: l.organization ?? "",
      delivery: t(`notices:xlsx.state.${l.delivery}`),
      sentAt: l.sentAt ? at(l.sentAt) : "",
      ackAt: l.acknowledgedAt ? at(l.acknowledgedAt) : "",
      note: problem ? t(`notices:xlsx.problem.${problem}`) : "",
    });
  });
  sheet.addRow([]);
  noteRow(sheet, t("notices:xlsx.summary", { ...r.counts }), columns.length, { italic: true });
  return Buffer.from(await book.xlsx.writeBuffer());
}
