import ExcelJS from "exceljs";
import { strFromU8, unzipSync } from "fflate";

/** The parts of a DOCX file that tests read: the body's XML, its header XMLs and the body's paragraphs as text. */
export function readDocx(file: Buffer): { xml: string; headers: string[]; paragraphs: string[]; text: string } {
  const files = unzipSync(new Uint8Array(file));
  const xml = strFromU8(files["word/document.xml"]!);
  const headers = Object.keys(files)
    .filter((name) => /^word\/header\d*\.xml$/.test(name))
    .map((name) => strFromU8(files[name]!));
  const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  const paragraphs = (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) => unescape(p.replace(/<w:tab\/>/g, "\t").replace(/<[^>]+>/g, "")));
  return { xml, headers, paragraphs, text: paragraphs.join("\n") };
}

/** The run properties (size in half-points, bold) of the first run whose text is exactly `text`. */
export function runStyle(xml: string, text: string): { size: number | null; bold: boolean } | undefined {
  for (const r of xml.match(/<w:r>[\s\S]*?<\/w:r>/g) ?? []) {
    const t = r.match(/<w:t[^>]*>([\s\S]*?)<\/w:t>/)?.[1];
    if (t !== text) continue;
    const size = r.match(/<w:sz w:val="(\d+)"/)?.[1];
    return { size: size ? Number(size) : null, bold: /<w:b\/>|<w:b w:val="(true|1)"\/>/.test(r) };
  }
  return undefined;
}

/**
 * The first sheet of an XLSX file: each row's cell values as text (`values(n)`, 1-based like Excel, or `rows[n - 1]`),
 * every cell's text joined (`text`), and the sheet itself.
 */
export async function readXlsx(file: Buffer | Uint8Array): Promise<{ sheet: ExcelJS.Worksheet; values: (row: number) => string[]; rows: string[][]; text: string }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(file) as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? "" : String(v)));
  const rows: string[][] = [];
  for (let n = 1; n <= sheet.rowCount; n++) rows.push(values(n));
  const all: string[] = [];
  sheet.eachRow((row) => row.eachCell((cell) => all.push(String(cell.value ?? ""))));
  return { sheet, values, rows, text: all.join("\n") };
}
