import { AlignmentType, Document, Packer, PageOrientation, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlign, WidthType } from "docx";
import ExcelJS from "exceljs";
import { toPlainText } from "../core/markup.js";
import type { CompiledOpinions } from "../core/opinions/opinions.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { A4, centred, documentHeader, FONT, MARGINS, pageNumberHeaders, para, run, twoColumns } from "./decree30.js";
import { noteRow, printableSheet, tableHeader, tableRow, titleBlock, type XlsxColumn } from "./xlsx-print.js";

type Answer = CompiledOpinions["rows"][number]["answers"][number];

/** The words of the table, shared by the DOCX and the XLSX, as plain text. */
function tableWords(html: TFunction, c: CompiledOpinions) {
  const t: TFunction = (key, params) => toPlainText(html(key, params));
  const at = (iso: string) => formatDateTime(iso, c.timeZone);
  const totals = (i: number) => ({
    agree: c.counts.agree[i]!,
    agreeWithComments: c.counts.agreeWithComments[i]!,
    disagree: c.counts.disagree[i]!,
    noOpinion: c.counts.noOpinion[i]!,
    answered: c.counts.recipients - c.counts.noOpinion[i]!,
    recipients: c.counts.recipients,
  });
  return {
    t,
    title: t("opinions:table.title"),
    subtitle: t("opinions:table.subtitle", { title: c.title }),
    deadline: t("opinions:table.deadline", { sent: at(c.sentAt).slice(0, 10), deadline: at(c.deadline) }),
    questions: c.questions.map((q, i) => t("opinions:table.question_text", { n: i + 1, text: q })),
    answer: (a: Answer) => {
      if (!a) return t("opinions:table.not_answered");
      const position = t(`opinions:position.${a.position}`);
      return a.comment ? `${position}: ${a.comment}` : position;
    },
    receivedAt: (r: CompiledOpinions["rows"][number]) => (r.receivedAt ? at(r.receivedAt) : t("opinions:table.not_answered")),
    totalsCell: (i: number) => t("opinions:table.totals_cell", totals(i)),
    totalsLine: (i: number) => t("opinions:table.totals_line", { n: i + 1, ...totals(i) }),
    totalsMembers: t("opinions:table.totals_members", { answered: c.counts.answered, recipients: c.counts.recipients }),
  };
}

/**
 * The compiled table ("bảng tổng hợp ý kiến") as a spreadsheet: the title, the subject, the deadline and the
 * questions' text above; one row per member (STT | Họ và tên | Chức vụ | Cơ quan, đơn vị | one column per question |
 * when sent | the secretariat's response, to fill in); a totals row; printable on A4 landscape.
 */
export async function opinionsXlsx(html: TFunction, c: CompiledOpinions): Promise<Buffer> {
  const w = tableWords(html, c);
  const { t } = w;
  const columns: XlsxColumn[] = [
    { key: "no", header: t("opinions:table.no"), width: 6 },
    { key: "member", header: t("opinions:table.member"), width: 24 },
    { key: "position", header: t("opinions:table.position"), width: 16 },
    { key: "organization", header: t("opinions:table.organization"), width: 24 },
    ...c.questions.map((_, i) => ({ key: `q${i}`, header: t("opinions:table.question", { n: i + 1 }), width: 30 })),
    { key: "receivedAt", header: t("opinions:table.received_at"), width: 17 },
    { key: "response", header: t("opinions:table.response"), width: 28 },
  ];
  const lines = [
    ...(c.governingBody ? [{ text: c.governingBody.toUpperCase() }] : []),
    { text: c.committeeName.toUpperCase(), bold: true },
    { text: w.title, bold: true, size: 14 },
    { text: w.subtitle, bold: true },
    { text: w.deadline, italic: true },
    ...w.questions.map((text) => ({ text })),
  ];
  const headerRow = lines.length + 2;
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = printableSheet(book, t("opinions:table.sheet"), headerRow);
  tableHeader(sheet, headerRow, columns);
  titleBlock(sheet, lines, columns.length);
  c.rows.forEach((r, i) => {
    const values: Record<string, string | number> = { no: i + 1, member: r.fullName, position: r.title ?? "", organization: r.organization ?? "", receivedAt: w.receivedAt(r), response: "" };
    r.answers.forEach((a, q) => (values[`q${q}`] = w.answer(a)));
    tableRow(sheet, columns, values);
  });
  const totals: Record<string, string | number> = { no: "", member: t("opinions:table.totals"), receivedAt: w.totalsMembers, response: "" };
  c.questions.forEach((_, q) => (totals[`q${q}`] = w.totalsCell(q)));
  tableRow(sheet, columns, totals, { bold: true });
  sheet.addRow([]);
  for (const [i] of c.questions.entries()) noteRow(sheet, w.totalsLine(i), columns.length);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * The same table as a Word document standing alone: the national header, the title with the subject, the
 * deadline and the questions, the table with its totals row, the compiler's signature. A4 landscape, Decree 30
 * margins, 12 pt in the table.
 */
export async function opinionsDocx(html: TFunction, c: CompiledOpinions): Promise<Buffer> {
  const w = tableWords(html, c);
  const { t } = w;
  const SMALL = 24;
  const landscape = { width: A4.height, height: A4.width };
  const textWidth = landscape.width - MARGINS.left - MARGINS.right;
  const fixed = { no: 600, member: 1900, position: 1400, organization: 1900, receivedAt: 1300, response: 2300 };
  const questionWidth = Math.floor((textWidth - Object.values(fixed).reduce((a, b) => a + b, 0)) / Math.max(1, c.questions.length));
  const widths = [fixed.no, fixed.member, fixed.position, fixed.organization, ...c.questions.map(() => questionWidth), fixed.receivedAt, fixed.response];
  const cell = (text: string, i: number, o: { bold?: boolean; center?: boolean } = {}) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: o.center ? VerticalAlign.CENTER : VerticalAlign.TOP,
      margins: { left: 60, right: 60, top: 40, bottom: 40 },
      children: text.split("\n").map(
        (line) => new Paragraph({ alignment: o.center ? AlignmentType.CENTER : AlignmentType.LEFT, spacing: { after: 0 }, children: [new TextRun({ text: line, bold: o.bold, font: FONT, size: SMALL })] }),
      ),
    });
  const header = [
    t("opinions:table.no"),
    t("opinions:table.member"),
    t("opinions:table.position"),
    t("opinions:table.organization"),
    ...c.questions.map((_, i) => t("opinions:table.question", { n: i + 1 })),
    t("opinions:table.received_at"),
    t("opinions:table.response"),
  ];
  const rows = c.rows.map(
    (r, i) =>
      new TableRow({
        cantSplit: true,
        children: [String(i + 1), r.fullName, r.title ?? "", r.organization ?? "", ...r.answers.map(w.answer), w.receivedAt(r), ""].map((text, k) => cell(text, k, { center: k === 0 })),
      }),
  );
  const totals = new TableRow({
    cantSplit: true,
    children: ["", t("opinions:table.totals"), "", "", ...c.questions.map((_, q) => w.totalsCell(q)), w.totalsMembers, ""].map((text, k) => cell(text, k, { bold: true })),
  });
  const doc = new Document({
    creator: "bcd-bot",
    title: `${w.title} — ${c.title}`,
    styles: { default: { document: { run: { font: FONT, size: 26 } } } },
    sections: [
      {
        properties: { titlePage: true, page: { size: { ...A4, orientation: PageOrientation.LANDSCAPE }, margin: MARGINS } },
        headers: pageNumberHeaders(),
        children: [
          documentHeader(
            {
              governingBody: c.governingBody,
              issuingBody: c.committeeName,
              number: null,
              nation: t("minutes:nation"),
              motto: t("minutes:motto"),
              placeDate: null,
            },
            [Math.round(textWidth * 0.42), textWidth - Math.round(textWidth * 0.42)],
          ),
          para([run(w.title, { bold: true })], { align: AlignmentType.CENTER, indent: false, before: 240, after: 0 }),
          centred(w.subtitle, { bold: true }),
          centred(w.deadline, { italics: true }, 120),
          para([run(t("opinions:table.questions"), { bold: true })], { indent: false, after: 60 }),
          ...w.questions.map((q) => para([run(q)], { after: 60 })),
          new Paragraph({ children: [], spacing: { after: 60 } }),
          new Table({
            width: { size: textWidth, type: WidthType.DXA },
            columnWidths: widths,
            layout: TableLayoutType.FIXED,
            rows: [new TableRow({ tableHeader: true, cantSplit: true, children: header.map((h, k) => cell(h, k, { bold: true, center: true })) }), ...rows, totals],
          }),
          new Paragraph({ children: [], spacing: { after: 120 } }),
          ...c.questions.map((_, i) => para([run(w.totalsLine(i), { size: SMALL })], { after: 60 })),
          twoColumns(
            [new Paragraph({ children: [] })],
            [
              centred(t("opinions:table.place_date", { place: c.placeName ?? "…………" }), { italics: true, size: SMALL }),
              centred(t("opinions:table.compiler"), { bold: true, size: SMALL }),
              centred(t("opinions:table.sign_hint"), { italics: true, size: SMALL }, 1200),
            ],
            [Math.round(textWidth / 2), textWidth - Math.round(textWidth / 2)],
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
