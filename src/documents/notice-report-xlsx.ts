import ExcelJS from "exceljs";
import type { NoticeReport } from "../core/notices/views.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";

/** The delivery report of a notice as a spreadsheet: one row per recipient, readable widths, frozen header. */
export async function noticeReportXlsx(t: TFunction, r: NoticeReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = book.addWorksheet(t("notices:xlsx.sheet"), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: t("notices:xlsx.no"), key: "no", width: 6 },
    { header: t("notices:xlsx.name"), key: "name", width: 30 },
    { header: t("notices:xlsx.organization"), key: "organization", width: 36 },
    { header: t("notices:xlsx.delivery"), key: "delivery", width: 22 },
    { header: t("notices:xlsx.sent_at"), key: "sentAt", width: 18 },
    { header: t("notices:xlsx.acknowledged_at"), key: "ackAt", width: 18 },
    { header: t("notices:xlsx.note"), key: "note", width: 40 },
  ];
  sheet.getRow(1).font = { bold: true };
  r.lines.forEach((l, i) =>
    sheet.addRow({
      no: i + 1,
      name: l.fullName,
      organization: l.organization ?? "",
      delivery: t(`notices:delivery.${l.delivery}`),
      sentAt: l.sentAt ? formatDateTime(l.sentAt, r.timeZone) : "",
      ackAt: l.acknowledgedAt ? formatDateTime(l.acknowledgedAt, r.timeZone) : "",
      note: l.delivery === "failed" || l.delivery === "unreachable" ? (l.error ?? "") : "",
    }),
  );
  return Buffer.from(await book.xlsx.writeBuffer());
}
