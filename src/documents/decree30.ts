import { AlignmentType, BorderStyle, Header, Paragraph, Table, TableCell, TableLayoutType, TableRow, TabStopType, TextRun, WidthType, PageNumber, LeaderType } from "docx";

/**
 * The layout rules of Decree 30/2020/NĐ-CP (Appendix I) that every generated Word document shares: Times New Roman,
 * A4, margins 20/20/30/20 mm, the two-column header of a document, the date line, page numbers from page 2.
 */

export const FONT = "Times New Roman";
/** Half-points. Body 14 pt (13–14 allowed). */
export const BODY = 28;
/** Half-points. The header's national name and the issuing body, 12 pt (12–13 allowed): the national name fits one line. */
export const HEADER_SMALL = 24;
/** Half-points. Motto, number, date line, 13 pt. */
export const HEADER = 26;
/** Twentieths of a point: 6 pt between paragraphs, the least Decree 30 allows. */
export const PARAGRAPH_AFTER = 120;
/** A4 portrait and its text width with the margins below, in twips. */
export const A4 = { width: 11906, height: 16838 };
export const MARGINS = { top: 1134, bottom: 1134, left: 1701, right: 1134, header: 567 };
export const TEXT_WIDTH = A4.width - MARGINS.left - MARGINS.right;

export type Align = (typeof AlignmentType)[keyof typeof AlignmentType];
export interface RunStyle {
  bold?: boolean;
  italics?: boolean;
  size?: number;
}

export const run = (text: string, o: RunStyle = {}) => new TextRun({ text, font: FONT, size: o.size ?? BODY, bold: o.bold, italics: o.italics });

/** A paragraph in the document's font: justified with a 1 cm first-line indent by default, 6 pt after. */
export function para(children: TextRun[], o: { align?: Align; after?: number; before?: number; indent?: boolean; keepNext?: boolean } = {}): Paragraph {
  return new Paragraph({
    children,
    alignment: o.align ?? AlignmentType.JUSTIFIED,
    spacing: { before: o.before ?? 0, after: o.after ?? PARAGRAPH_AFTER },
    keepNext: o.keepNext,
    ...(o.indent === false ? {} : { indent: { firstLine: 567 } }),
  });
}

/** A centred line of text, no indent. */
export const centred = (text: string, style: RunStyle = {}, after = 0) => para([run(text, style)], { align: AlignmentType.CENTER, after, indent: false });

/**
 * A short horizontal rule under a centred line, as Decree 30 draws under the issuing body and the motto: the
 * bottom border of an empty paragraph, indented from both sides to the wanted length.
 */
export function rule(cellWidth: number, length: number, after = 0): Paragraph {
  const side = Math.max(0, Math.round((cellWidth - length) / 2));
  return new Paragraph({
    children: [],
    spacing: { before: 0, after, line: 120, lineRule: "exact" },
    indent: { left: side, right: side },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "000000", space: 1 } },
  });
}

/** A line of dots to fill in by hand, drawn with a tab leader so it never wraps. */
export function dotted(label = ""): Paragraph {
  return new Paragraph({
    children: [run(label), new TextRun({ text: "\t", font: FONT, size: BODY })],
    tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH, leader: LeaderType.DOT }],
    spacing: { after: PARAGRAPH_AFTER },
    // A labelled line starts like the paragraphs around it; a blank one runs the full width.
    ...(label ? { indent: { firstLine: 567 } } : {}),
  });
}

const NONE = { style: BorderStyle.NONE, size: 0, color: "FFFFFF" };
export const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

/** A borderless two-column table of fixed widths (twips), as the header and the signatures are laid out. */
export function twoColumns(left: Paragraph[], right: Paragraph[], widths: [number, number]): Table {
  return new Table({
    width: { size: widths[0] + widths[1], type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          new TableCell({ width: { size: widths[0], type: WidthType.DXA }, children: left, borders: NO_BORDERS }),
          new TableCell({ width: { size: widths[1], type: WidthType.DXA }, children: right, borders: NO_BORDERS }),
        ],
      }),
    ],
  });
}

/**
 * "ngày 08 tháng 7 năm 2026": Decree 30 writes days 1–9 and months 1–2 with a leading zero and no others.
 * Takes the day, month and year as numbers.
 */
export function decreeDateParts(day: number, month: number, year: number): { day: string; month: string; year: string } {
  return { day: day < 10 ? `0${day}` : String(day), month: month < 3 ? `0${month}` : String(month), year: String(year) };
}

/** The local calendar date of an instant in a time zone, as numbers. */
export function localDate(at: Date | string, timeZone: string): { day: number; month: number; year: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { day: n("day"), month: n("month"), year: n("year"), hour: n("hour"), minute: n("minute") };
}

/** What the header of a document prints. */
export interface DocumentHeader {
  /** "UBND TỈNH LẠNG SƠN", regular, over the issuing body; left out when unknown. */
  governingBody: string | null;
  /** "BAN CHỈ ĐẠO VỀ CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN", bold. */
  issuingBody: string;
  /** "Số: ……/BB-BCĐ". */
  number: string | null;
  nation: string;
  motto: string;
  /** "Lạng Sơn, ngày 08 tháng 7 năm 2026", italic under the motto. */
  placeDate: string | null;
}

/** Widths of the header's columns: the right one wide enough for the national name at 12 pt on one line. */
export const HEADER_COLUMNS: [number, number] = [Math.round(TEXT_WIDTH * 0.4), TEXT_WIDTH - Math.round(TEXT_WIDTH * 0.4)];

/**
 * The two-column header of Decree 30 (Appendix I; form 1.9 for a biên bản): on the left the governing body over
 * the issuing body, a rule, the number; on the right the national name, the motto, a rule, the place and date.
 */
export function documentHeader(h: DocumentHeader, widths: [number, number] = HEADER_COLUMNS): Table {
  const [left, right] = widths;
  return twoColumns(
    [
      ...(h.governingBody ? [centred(h.governingBody.toUpperCase(), { size: HEADER_SMALL })] : []),
      centred(h.issuingBody.toUpperCase(), { bold: true, size: HEADER_SMALL }),
      rule(left, Math.round(left * 0.35), 120),
      ...(h.number ? [centred(h.number, { size: HEADER })] : []),
    ],
    [
      centred(h.nation, { bold: true, size: HEADER_SMALL }),
      centred(h.motto, { bold: true, size: HEADER }),
      // The rule under the motto is as long as the motto (about 62 mm at 13 pt bold).
      rule(right, Math.min(right, 3520), 120),
      ...(h.placeDate ? [centred(h.placeDate, { italics: true, size: HEADER })] : []),
    ],
    widths,
  );
}

/** The header of pages 2 onwards: the page number, centred (the first page has none). */
export function pageNumberHeaders(): { default: Header; first: Header } {
  return {
    default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: HEADER })] })] }),
    first: new Header({ children: [new Paragraph({ children: [] })] }),
  };
}
