import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import type { MinutesView } from "../core/meetings/minutes.js";
import { toPlainText } from "../core/markup.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";

const FONT = "Times New Roman";
const SIZE = 28; // half-points: 14 pt, as administrative documents are usually set

const run = (text: string, o: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}) =>
  new TextRun({ text, font: FONT, size: o.size ?? SIZE, bold: o.bold, italics: o.italics, ...(o.underline ? { underline: {} } : {}) });
const para = (children: TextRun[], o: { align?: (typeof AlignmentType)[keyof typeof AlignmentType]; after?: number; indent?: boolean } = {}) =>
  new Paragraph({ children, alignment: o.align ?? AlignmentType.JUSTIFIED, spacing: { after: o.after ?? 80 }, ...(o.indent ? { indent: { firstLine: 567 } } : {}) });
const text = (s: string, o: Parameters<typeof run>[1] = {}) => para([run(s, o)], { indent: true });
const heading = (s: string) => para([run(s, { bold: true })], { after: 120 });
const noBorders = {
  top: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  bottom: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  left: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  right: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  insideHorizontal: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
  insideVertical: { style: BorderStyle.NONE, size: 0, color: "FFFFFF" },
};
const twoColumns = (left: Paragraph[], right: Paragraph[]) =>
  new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: noBorders,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: 42, type: WidthType.PERCENTAGE }, children: left, borders: noBorders }),
          new TableCell({ width: { size: 58, type: WidthType.PERCENTAGE }, children: right, borders: noBorders }),
        ],
      }),
    ],
  });

const who = (p: { name: string; title: string | null; organization: string | null }) => [p.name, p.title, p.organization].filter(Boolean).join(", ");

/**
 * The minutes draft (biên bản) of a meeting as a Word document, laid out as Vietnamese administrative
 * documents usually are — the national header, a bold centred title, numbered sections — for the
 * secretariat to finish in Word. Wording comes from locales/<lng>/minutes.json.
 */
export async function minutesDocx(t: TFunction, v: MinutesView): Promise<Buffer> {
  const m = v.meeting;
  const tz = m.timeZone;
  const start = formatDateTime(m.startsAt, tz);
  const [date, time] = [start.slice(0, 10), start.slice(11)];
  const [day, month, year] = date.split("/");
  const plain = (key: string, params: Record<string, string | number> = {}) => toPlainText(t(key, params));

  const header = twoColumns(
    [
      ...(v.committee.parentName ? [para([run(v.committee.parentName.toUpperCase(), { size: 26 })], { align: AlignmentType.CENTER, after: 0 })] : []),
      para([run(v.committee.name.toUpperCase(), { bold: true, size: 26 })], { align: AlignmentType.CENTER, after: 0 }),
      para([run("———", { size: 26 })], { align: AlignmentType.CENTER }),
    ],
    [
      para([run(plain("minutes:nation"), { bold: true, size: 26 })], { align: AlignmentType.CENTER, after: 0 }),
      para([run(plain("minutes:motto"), { bold: true, underline: true })], { align: AlignmentType.CENTER, after: 120 }),
      para([run(plain("minutes:place_date", { day: day!, month: month!, year: year! }), { italics: true })], { align: AlignmentType.CENTER }),
    ],
  );

  const body: (Paragraph | Table)[] = [
    header,
    para([run(plain("minutes:title"), { bold: true, size: 32 })], { align: AlignmentType.CENTER, after: 0 }),
    para([run(m.title, { bold: true })], { align: AlignmentType.CENTER, after: 240 }),
    heading(plain("minutes:section.time_place")),
    text(plain("minutes:time", { time, date })),
    text(plain("minutes:place", { place: [m.place, m.onlineLink].filter(Boolean).join("; ") })),
    heading(plain("minutes:section.participants")),
    text(plain("minutes:chair", { chair: who(v.chair) })),
    text(plain("minutes:present", { count: v.present.length })),
    ...v.present.map((p, i) => text(`${i + 1}. ${[plain("minutes:comrade"), who(p)].filter(Boolean).join(" ")}`)),
    text(plain("minutes:delegates", { count: v.delegates.length })),
    ...v.delegates.map((d, i) => text(`${i + 1}. ${plain("minutes:delegate_line", { delegate: who(d), member: who(d.member) })}`)),
    text(plain("minutes:absent", { count: v.absent.length })),
    ...v.absent.map((a, i) =>
      text(`${i + 1}. ${plain("minutes:absent_line", { member: who(a), reason: a.reason ?? plain("minutes:no_reason"), consent: plain(`minutes:consent.${a.consent}`) })}`),
    ),
    ...(v.guests.length ? [text(plain("minutes:guests", { count: v.guests.length })), ...v.guests.map((g, i) => text(`${i + 1}. ${who(g)}`))] : []),
    ...(v.fromAttendance ? [] : [text(plain("minutes:from_answers"), { italics: true })]),
    heading(plain("minutes:section.content")),
    ...m.agenda.split(/\r?\n/).filter((l) => l.trim()).map((l) => text(l.trim())),
    text(plain("minutes:discussion"), { italics: true }),
    heading(plain("minutes:section.opinions")),
    ...(v.opinions.length
      ? v.opinions.flatMap((o, i) => [
          text(`${i + 1}. ${plain("minutes:opinion_of", { member: who(o.member), delegate: o.delegateName ?? "—" })}`, { bold: true }),
          text(o.opinion),
        ])
      : [text(plain("minutes:no_opinions"))]),
    heading(plain("minutes:section.conclusion")),
    text("……………………………………………………………………………………………………"),
    text("……………………………………………………………………………………………………"),
    text(plain("minutes:closing")),
    twoColumns(
      [para([run(plain("minutes:secretary"), { bold: true })], { align: AlignmentType.CENTER })],
      [
        para([run(plain("minutes:chair_sign"), { bold: true })], { align: AlignmentType.CENTER, after: 1200 }),
        para([run(v.chair.name, { bold: true })], { align: AlignmentType.CENTER }),
      ],
    ),
  ];

  const doc = new Document({
    creator: "bcd-bot",
    title: `${plain("minutes:title")} — ${m.title}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE } } } },
    sections: [{ properties: { page: { margin: { top: 1134, bottom: 1134, left: 1701, right: 1134 } } }, children: body }],
  });
  return Packer.toBuffer(doc);
}
