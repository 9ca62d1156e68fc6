import ExcelJS from "exceljs";
import { toPlainText } from "../core/markup.js";
import type { MeetingSheet } from "../core/summary/quarter-export.js";
import { formatDateTime, formatMeetingTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { noteRow, printableSheet, tableHeader, tableRow, titleBlock, type XlsxColumn } from "./xlsx-print.js";

/**
 * A meeting's invitations, answers and attendance as a spreadsheet ready to print: the committee, the title, the
 * meeting's name, time and place above; one row per member invited with their answer, the chair's decision on an
 * absence or a proxy, the reason or the delegate, when they answered and what was recorded at the meeting; the
 * counts under the table. In the reader's language (`html` is bound to it).
 */
export async function attendanceXlsx(html: TFunction, s: MeetingSheet): Promise<Buffer> {
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const m = s.meeting;
  const col = (key: string, width: number): XlsxColumn => ({ key, header: t(`export:attendance.columns.${key}`), width });
  const columns: XlsxColumn[] = [col("no", 6), col("name", 24), col("title", 16), col("organization", 26), col("answer", 16), col("decision", 14), col("detail", 30), col("answered_at", 16), col("presence", 16)];
  const lines = [
    { text: m.committeeName.toUpperCase(), bold: true },
    { text: t("export:attendance.title"), bold: true, size: 14 },
    { text: m.title, bold: true },
    { text: t("export:attendance.time", { when: formatMeetingTime(t, m.startsAt, m.timeZone, m.endsAt) }), italic: true },
    ...(m.place ? [{ text: t("export:attendance.place", { place: m.place }), italic: true }] : []),
  ];
  const headerRow = lines.length + 2;
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = printableSheet(book, t("export:attendance.sheet"), headerRow);
  tableHeader(sheet, headerRow, columns);
  titleBlock(sheet, lines, columns.length);
  s.lines.forEach((l, i) => {
    const detail = [l.reason ? t("export:attendance.reason", { reason: l.reason }) : "", l.delegateName ? t("export:attendance.delegate", { name: l.delegateName }) : ""].filter(Boolean).join("\n");
    tableRow(sheet, columns, {
      no: i + 1,
      name: l.fullName,
      title: l.title ?? "",
      organization: l.organization ?? "",
      answer: t(`export:attendance.answer.${l.answer}`),
      decision: l.requestStatus ? t(`export:attendance.decision.${l.requestStatus}`) : "",
      detail,
      answered_at: l.answeredAt ? formatDateTime(l.answeredAt, m.timeZone) : "",
      presence: t(`export:attendance.presence.${l.presence ?? "none"}`),
    });
  });
  const c = s.counts;
  sheet.addRow([]);
  noteRow(
    sheet,
    t("export:attendance.totals", {
      invited: c.invited,
      attending: c.attending,
      absent: c.absentApproved + c.absentPending + c.absentDeclined,
      proxy: c.proxyApproved + c.proxyPending,
      noAnswer: c.noAnswer,
      waiting: c.absentPending + c.proxyPending,
    }),
    columns.length,
    { italic: true },
  );
  const a = s.attendance;
  noteRow(sheet, a.recorded ? t("export:attendance.recorded", { ...a, invited: c.invited }) : t("export:attendance.not_recorded"), columns.length, { italic: true });
  return Buffer.from(await book.xlsx.writeBuffer());
}
