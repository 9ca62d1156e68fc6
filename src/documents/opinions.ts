import { AlignmentType, Document, Packer, PageOrientation, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import ExcelJS from "exceljs";
import { toPlainText } from "../core/markup.js";
import type { CompiledOpinions } from "../core/opinions/opinions.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";

const plain = toPlainText;

function answerText(t: TFunction, a: CompiledOpinions["rows"][number]["answers"][number]): string {
  if (!a) return plain(t("opinions:table.not_answered"));
  const position = plain(t(`opinions:position.${a.position}`));
  return a.comment ? `${position}: ${a.comment}` : position;
}

/** The compiled table ("bảng tổng hợp ý kiến") as a spreadsheet: one row per member, one column per question. */
export async function opinionsXlsx(t: TFunction, c: CompiledOpinions): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = "bcd-bot";
  const sheet = book.addWorksheet(plain(t("opinions:table.sheet")), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: plain(t("opinions:table.no")), key: "no", width: 6 },
    { header: plain(t("opinions:table.member")), key: "member", width: 28 },
    { header: plain(t("opinions:table.organization")), key: "organization", width: 32 },
    { header: plain(t("opinions:table.position")), key: "position", width: 18 },
    ...c.questions.map((_, i) => ({ header: plain(t("opinions:table.question", { n: i + 1 })), key: `q${i}`, width: 45 })),
    { header: plain(t("opinions:table.received_at")), key: "receivedAt", width: 18 },
  ];
  sheet.getRow(1).font = { bold: true };
  c.rows.forEach((r, i) => {
    const row: Record<string, string | number> = {
      no: i + 1,
      member: r.fullName,
      organization: r.organization ?? "",
      position: r.title ?? "",
      receivedAt: r.receivedAt ? formatDateTime(r.receivedAt, c.timeZone) : plain(t("opinions:table.not_answered")),
    };
    r.answers.forEach((a, q) => (row[`q${q}`] = answerText(t, a)));
    sheet.addRow(row).alignment = { wrapText: true, vertical: "top" };
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same table as a Word document, with the questions listed above it. */
export async function opinionsDocx(t: TFunction, c: CompiledOpinions): Promise<Buffer> {
  const run = (text: string, bold = false) => new TextRun({ text, bold, font: "Times New Roman", size: 24 });
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [run(text, bold)] })] });
  const header = [t("opinions:table.no"), t("opinions:table.member"), t("opinions:table.organization"), t("opinions:table.position"), ...c.questions.map((_, i) => t("opinions:table.question", { n: i + 1 })), t("opinions:table.received_at")].map((h) => cell(plain(h), true));
  const rows = c.rows.map(
    (r, i) =>
      new TableRow({
        children: [
          cell(String(i + 1)),
          cell(r.fullName),
          cell(r.organization ?? ""),
          cell(r.title ?? ""),
          ...r.answers.map((a) => cell(answerText(t, a))),
          cell(r.receivedAt ? formatDateTime(r.receivedAt, c.timeZone) : plain(t("opinions:table.not_answered"))),
        ],
      }),
  );
  const doc = new Document({
    creator: "bcd-bot",
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: c.committeeName.toUpperCase(), bold: true, font: "Times New Roman", size: 26 })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 200 }, children: [new TextRun({ text: plain(t("opinions:table.title")), bold: true, font: "Times New Roman", size: 30 })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [run(plain(t("opinions:table.subtitle", { title: c.title })), true)] }),
          new Paragraph({ children: [run(plain(t("opinions:table.questions")), true)] }),
          ...c.questions.map((q, i) => new Paragraph({ children: [run(`${plain(t("opinions:table.question", { n: i + 1 }))}: ${q}`)] })),
          new Paragraph({ children: [] }),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [new TableRow({ tableHeader: true, children: header }), ...rows] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
