import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { spreadsheetCsv, spreadsheetText } from "../../src/documents/spreadsheet-csv.js";

describe("spreadsheet CSV cells", () => {
  it("puts a single quote before a cell that begins like a formula, and leaves the rest alone", () => {
    for (const cell of ["=1+1", "+84912345678", "-2+3", "@SUM(1)", "\t=1", "\r=1"]) expect(spreadsheetText(cell)).toBe(`'${cell}`);
    for (const cell of ["Nguyễn Văn Ân", "0912345678", "", "a=b", "https://t.me/x?start=-abc", "'quoted"]) expect(spreadsheetText(cell)).toBe(cell);
  });

  it("writes UTF-8 with a BOM, quoting as CSV needs, every cell neutralised", () => {
    const text = spreadsheetCsv([
      ["Họ và tên", "Cơ quan, đơn vị"],
      ['=HYPERLINK("http://x","y")', "+84 912 345 678"],
    ]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(parse(text, { bom: true })).toEqual([
      ["Họ và tên", "Cơ quan, đơn vị"],
      ["'=HYPERLINK(\"http://x\",\"y\")", "'+84 912 345 678"],
    ]);
  });
});
