import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { expect, it } from "vitest";
import { quarterOf } from "../src/core/reports/periods.js";
import { cliSandbox } from "./support/cli.js";
import { readDocx, readXlsx } from "./support/documents.js";

const TZ = "Asia/Ho_Chi_Minh";
const ROSTER = ["full_name,role,organization,title", "Hồ Tiến Thiệu,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch", "Lương Văn Đức,Thành viên,Sở Tài chính,Giám đốc", ""].join("\n");
const TASKS = ["Mã;Tên nhiệm vụ;Đơn vị chủ trì;Loại;Mục tiêu;Hạn;Kỳ báo cáo", "DVC-01;Tỷ lệ thủ tục trực tuyến toàn trình;Sở Tài chính;tỷ lệ;80;31/12/2026;hằng quý", "SO-02;Số hóa hồ sơ đất đai;Sở Tài chính;tỷ lệ;100;31/12/2026;hằng quý", ""].join("\n");

const box = cliSandbox("bcd-cli-export-");
const cli = box.run;
const file = (name: string, content: string) => {
  const path = join(box.dir, name);
  writeFileSync(path, content);
  return path;
};
/** The quarter the CLI is in today (it runs on the real clock). */
const current = () => quarterOf(new Date(), TZ).code;

async function setUp(): Promise<void> {
  expect((await cli("committee:create", "--code", "LS", "--name", "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", "--level", "province")).code).toBe(0);
  expect((await cli("members:import", "--committee", "LS", file("roster.csv", ROSTER))).code).toBe(0);
  expect((await cli("tasks:import", "--committee", "LS", file("tasks.csv", TASKS))).code).toBe(0);
}

it("summary:export writes the quarter's ZIP, readable by its owner only, and lists what is in it", async () => {
  await setUp();
  const out = join(box.dir, "ho-so.zip");
  const r = await cli("summary:export", "ls", "--quarter", current(), "--out", out);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Đã ghi 3 tệp hồ sơ Quý [IV]+/\\d{4} của Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn vào ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+ KB\\):`));
  expect(r.stdout).toContain(`01-tong-hop-${current()}.docx — Báo cáo tổng hợp tình hình`);
  expect(statSync(out).mode & 0o777).toBe(0o600);
  const files = unzipSync(new Uint8Array(readFileSync(out)));
  expect(Object.keys(files)).toEqual([`01-tong-hop-${current()}.docx`, `02-bao-cao-tien-do-${current()}.xlsx`, "00-danh-muc.txt"]);
  expect(readDocx(Buffer.from(files[`01-tong-hop-${current()}.docx`]!)).text).toContain("Có 0/2 nhiệm vụ đã được báo cáo");
  expect((await readXlsx(files[`02-bao-cao-tien-do-${current()}.xlsx`]!)).text).toContain("DVC-01");
  expect(strFromU8(files["00-danh-muc.txt"]!)).toContain("Trong quý không có: cuộc họp; văn bản xin ý kiến; thông báo.");
  // Nothing else was left beside it.
  expect(readdirSync(box.dir).filter((f) => f.includes("ho-so"))).toEqual(["ho-so.zip"]);

  // In English on request; without --quarter, the current quarter.
  const en = join(box.dir, "files.zip");
  const e = await cli("summary:export", "LS", "--out", en, "--lang", "en");
  expect(e.code).toBe(0);
  expect(e.stdout).toMatch(/^Wrote 3 files of Q\d \d{4} for Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn/);
  expect(Object.keys(unzipSync(new Uint8Array(readFileSync(en))))).toEqual([`01-summary-${current()}.docx`, `02-progress-${current()}.xlsx`, "00-contents.txt"]);
});

it("refuses a bad quarter or an unknown committee in the chosen language and leaves no file", async () => {
  await setUp();
  const out = join(box.dir, "ho-so.zip");
  for (const bad of ["2026-Q5", "abc"]) {
    const r = await cli("summary:export", "LS", "--quarter", bad, "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Quý «${bad}» không hợp lệ. Đề nghị ghi theo mẫu 2026-Q4 (năm, dấu gạch ngang, chữ Q và số thứ tự quý từ 1 đến 4).\n`);
  }
  const unknown = await cli("summary:export", "XX", "--quarter", current(), "--out", out, "--lang", "en");
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("XX");
  const never = await cli("summary:export", "LS", "--quarter", "2020-Q1", "--out", out);
  expect(never.code).toBe(1);
  expect(never.stderr).toContain("không có kỳ báo cáo 2020-Q1");
  // No bundle and no half-written part.
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(box.dir).filter((f) => f.includes("ho-so"))).toEqual([]);
  // A folder that does not exist: said so, nothing written.
  const nowhere = await cli("summary:export", "LS", "--out", join(box.dir, "missing", "x.zip"));
  expect(nowhere.code).toBe(1);
  expect(nowhere.stderr).toContain(join(box.dir, "missing", "x.zip"));
});
