import type ExcelJS from "exceljs";

/**
 * What every generated spreadsheet shares so it prints as a secretariat would file it: Times New Roman 12, a
 * title block over the table, thin borders around every cell of the table, A4 landscape fitted to the page width,
 * the header row repeated on each page, and row heights that fit the wrapped text (Excel and LibreOffice do not
 * grow a stored row by themselves).
 */

export const XLSX_FONT = "Times New Roman";
const SIZE = 12;
/** Points per line of 12 pt text, and a little room above and below. */
const LINE = 15.75;
const PAD = 3;
const THIN = { style: "thin" } as const;
const BORDER = { top: THIN, bottom: THIN, left: THIN, right: THIN };

/** One column of a table: its key, header and width in characters. */
export interface XlsxColumn {
  key: string;
  header: string;
  width: number;
}

/** A new worksheet set for printing: A4 landscape, fitted to one page wide, Decree 30-like margins (inches). */
export function printableSheet(book: ExcelJS.Workbook, name: string, headerRow: number): ExcelJS.Worksheet {
  return book.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: headerRow }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.79, right: 0.59, top: 0.79, bottom: 0.79, header: 0.3, footer: 0.3 },
      printTitlesRow: `${headerRow}:${headerRow}`,
    },
    headerFooter: { oddFooter: "&C&P/&N" },
  });
}

/** The title block: each line merged across the table, centred; the first bold and larger. */
export function titleBlock(sheet: ExcelJS.Worksheet, lines: { text: string; bold?: boolean; italic?: boolean; size?: number }[], width: number): void {
  lines.forEach((line, i) => {
    const row = i + 1;
    sheet.mergeCells(row, 1, row, width);
    const cell = sheet.getCell(row, 1);
    cell.value = line.text;
    cell.font = { name: XLSX_FONT, size: line.size ?? SIZE, bold: line.bold, italic: line.italic };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    const chars = Math.max(1, sheet.columns.reduce((sum, c) => sum + (c.width ?? 10), 0));
    sheet.getRow(row).height = lineCount(line.text, chars) * ((line.size ?? SIZE) * 1.35) + PAD;
  });
}

/** How many printed lines a text takes in a column this many characters wide. */
export function lineCount(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width * 1.05));
  return String(text)
    .split(/\r?\n/)
    .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / perLine)), 0);
}

/** Writes the table's header at `headerRow` and styles it: bold, centred, wrapped, shaded, bordered. */
export function tableHeader(sheet: ExcelJS.Worksheet, headerRow: number, columns: XlsxColumn[]): void {
  sheet.columns = columns.map(({ key, width }) => ({ key, width }));
  const row = sheet.getRow(headerRow);
  columns.forEach((c, i) => (row.getCell(i + 1).value = c.header));
  row.eachCell((cell) => {
    cell.font = { name: XLSX_FONT, size: SIZE, bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
    cell.border = BORDER;
  });
  row.height = Math.max(...columns.map((c) => lineCount(c.header, c.width))) * LINE + PAD;
}

/** Adds a table row: Times New Roman, top-aligned, wrapped, bordered on every column, as tall as its text. */
export function tableRow(sheet: ExcelJS.Worksheet, columns: XlsxColumn[], values: Record<string, string | number>, o: { bold?: boolean } = {}): ExcelJS.Row {
  const row = sheet.addRow(values);
  columns.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.font = { name: XLSX_FONT, size: SIZE, bold: o.bold };
    cell.alignment = { vertical: "top", wrapText: true, horizontal: typeof values[c.key] === "number" ? "center" : "left" };
    cell.border = BORDER;
  });
  row.height = Math.max(1, ...columns.map((c) => lineCount(String(values[c.key] ?? ""), c.width))) * LINE + PAD;
  return row;
}

/** A line of text under the table (a note, a signature), in the table's font, merged across it. */
export function noteRow(sheet: ExcelJS.Worksheet, text: string, width: number, o: { bold?: boolean; italic?: boolean; align?: "left" | "center" | "right" } = {}): void {
  const row = sheet.addRow([]);
  sheet.mergeCells(row.number, 1, row.number, width);
  const cell = row.getCell(1);
  cell.value = text;
  cell.font = { name: XLSX_FONT, size: SIZE, bold: o.bold, italic: o.italic };
  cell.alignment = { horizontal: o.align ?? "left", vertical: "top", wrapText: true };
  const chars = sheet.columns.reduce((sum, c) => sum + (c.width ?? 10), 0);
  row.height = lineCount(text, chars) * LINE + PAD;
}
