import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { cliSandbox } from "./support/cli.js";
import { loadSeats, type Actor } from "../src/core/actor.js";
import { DAY } from "../src/core/clock.js";
import { createCore, type Core } from "../src/core/index.js";
import { quarterOf } from "../src/core/reports/periods.js";
import { openDatabase } from "../src/db/database.js";
import { formatDateTime, parseLocalDateTime } from "../src/i18n/format.js";

const TZ = "Asia/Ho_Chi_Minh";
const COMMITTEE_NAME = "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn";
const ROSTER = [
  "full_name,role,organization,title",
  "Hồ Tiến Thiệu,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch",
  "Nguyễn Hoàng Hà,Phó Trưởng ban,Sở Thông tin và Truyền thông,Giám đốc",
  "Lương Văn Đức,Thành viên,Sở Tài chính,Giám đốc",
  "Phạm Thị Ngọc Ánh,Tổ giúp việc,Sở Thông tin và Truyền thông,Chuyên viên",
  "",
].join("\n");

/** Saved from Excel the Vietnamese way: a byte-order mark, semicolons, decimal commas and commas inside cells. */
const TASKS = [
  "\uFEFFMã;Tên nhiệm vụ;Văn bản giao;Đơn vị chủ trì;Người phụ trách;Loại chỉ tiêu;Mục tiêu;Đơn vị tính;Thời hạn;Kỳ báo cáo",
  "DVC-01;Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình;Nghị quyết 05-NQ/TU;Sở Tài chính;;Tỷ lệ;80;;31/12/2026;",
  "SO-02;Số hóa hồ sơ đất đai, hồ sơ hộ tịch;Kế hoạch 120/KH-UBND;Sở Tài chính;;Số lượng;1.500;hồ sơ;31/12/2026;hằng quý",
  "CK-03;Cấp chứng thư chữ ký số cho cán bộ;;Sở Tài chính;;Số lượng;250;;;", // line 4: no unit
  "HT-04;Đưa nền tảng họp trực tuyến vào sử dụng;;Sở Thông tin và Truyền thông;Nguyễn Hoàng Hà;Mốc;;;30/11/2026;6T-2026",
  "",
].join("\r\n");
const FIXED = TASKS.replace("Số lượng;250;;", "Số lượng;250;chứng thư;");

const box = cliSandbox("bcd-cli-reports-");
const cli = box.run;
const withDb = box.withDb;
const count = (sql: string) => withDb((db) => (db.prepare(sql).get() as { n: number }).n);
const file = (name: string, content: string | Buffer) => {
  const path = join(box.dir, name);
  writeFileSync(path, content);
  return path;
};

/** "dd/MM/yyyy HH:mm" in the committee's zone, some days from now (the CLI runs on the real clock). */
const local = (days: number, time: string) => `${formatDateTime(new Date(Date.now() + days * DAY), TZ).slice(0, 10)} ${time}`;
/** The quarter the CLI is in today, as the register and the export name it. */
const quarter = () => {
  const q = quarterOf(new Date(), TZ);
  const [year, n] = q.code.split("-Q");
  return { ...q, label: `Quý ${["", "I", "II", "III", "IV"][Number(n)]}/${year}` };
};

async function setUp(): Promise<void> {
  expect((await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province")).code).toBe(0);
  expect((await cli("members:import", "--committee", "LS", file("roster.csv", ROSTER))).code).toBe(0);
}

/** Core over the same database file, as the running bot would be, with the named person acting. */
async function asPerson(name: string, fn: (core: Core, actor: Actor) => Promise<void>): Promise<void> {
  const handle = openDatabase(`file:${box.dbPath}`);
  try {
    const core = createCore({
      db: handle.db,
      dialect: handle.dialect,
      clock: () => new Date(),
      settings: { defaultLocale: "vi", timeZone: TZ, inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
    });
    const person = await handle.db.selectFrom("people").select(["id", "full_name"]).where("full_name", "=", name).executeTakeFirstOrThrow();
    await fn(core, { kind: "person", personId: person.id, fullName: person.full_name, locale: null, seats: await loadSeats(handle.db, person.id) });
  } finally {
    await handle.close();
  }
}

const readXlsx = async (path: string) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0]!;
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? "" : v));
  return { sheet, values };
};

describe("cli: tasks:import", () => {
  it("imports the register, names each bad row by its line, and imports nothing twice", async () => {
    await setUp();
    const path = file("tasks.csv", TASKS);
    const first = await cli("tasks:import", "--committee", "LS", path);
    expect(first.code).toBe(1);
    expect(first.stdout).toBe(
      [
        `Đã nhập danh mục nhiệm vụ của ${COMMITTEE_NAME}: thêm mới 3, cập nhật 0, không đổi 0, lỗi 1.`,
        "",
        "Các dòng chưa nhập được:",
        "• Dòng 4: Chỉ tiêu định lượng cần có đơn vị tính.",
        "",
        "Đề nghị sửa các dòng trên rồi chạy lại lệnh; các nhiệm vụ đã nhập sẽ không bị nhập trùng.",
        "",
      ].join("\n"),
    );
    expect(first.stderr).not.toContain("Lỗi");
    const so = withDb((db) => db.prepare("select * from tasks where code = 'SO-02'").get() as Record<string, unknown>);
    expect(so).toMatchObject({ title: "Số hóa hồ sơ đất đai, hồ sơ hộ tịch", indicator_kind: "numeric", target_value: 1500, unit: "hồ sơ", responsible_organization: "Sở Tài chính" });
    expect(count("select count(*) as n from tasks")).toBe(3);

    const again = await cli("tasks:import", "--committee", "LS", path);
    expect(again.stdout).toContain("thêm mới 0, cập nhật 0, không đổi 3, lỗi 1.");
    expect(again.stdout).toContain("• Dòng 4:");

    const fixed = await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    expect(fixed).toMatchObject({ code: 0, stdout: `Đã nhập danh mục nhiệm vụ của ${COMMITTEE_NAME}: thêm mới 1, cập nhật 0, không đổi 3, lỗi 0.\n` });
    const unchanged = await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    expect(unchanged).toMatchObject({ code: 0, stdout: `Đã nhập danh mục nhiệm vụ của ${COMMITTEE_NAME}: thêm mới 0, cập nhật 0, không đổi 4, lỗi 0.\n` });
    const edited = await cli("tasks:import", "--committee", "LS", file("edited.csv", FIXED.replace("1.500;hồ sơ", "2.000;hồ sơ")));
    expect(edited.stdout).toContain("thêm mới 0, cập nhật 1, không đổi 3, lỗi 0.");
    expect(count("select count(*) as n from tasks")).toBe(4);
    expect(count("select count(*) as n from audit_log where action = 'task.update' and actor_kind = 'cli'")).toBe(1);
  });

  it("refuses a file it cannot use with exit code 1, and a wrong call with exit code 2", async () => {
    await setUp();
    const roster = await cli("tasks:import", "--committee", "LS", join(box.dir, "roster.csv"));
    expect(roster.code).toBe(1);
    expect(roster.stdout).toContain("• Dòng 1: thiếu cột bắt buộc: code");
    expect(roster.stdout).toContain(`Tệp ${join(box.dir, "roster.csv")} không dùng được nên chưa nhập nhiệm vụ nào.`);

    const latin1 = file("latin1.csv", Buffer.from("code,title,organization\nA,Nhi\xeam v\xf5,S\xf5 T\xe0i ch\xednh\n", "latin1"));
    const notUtf8 = await cli("tasks:import", "--committee", "LS", latin1);
    expect(notUtf8).toMatchObject({ code: 1, stdout: "" });
    expect(notUtf8.stderr).toContain(`Tệp ${latin1} không ở bảng mã UTF-8`);
    const missing = await cli("tasks:import", "--committee", "LS", join(box.dir, "nope.csv"));
    expect(missing).toMatchObject({ code: 1, stderr: `Không đọc được tệp ${join(box.dir, "nope.csv")}: không tồn tại.\n` });
    const unknown = await cli("tasks:import", "--committee", "XX", file("tasks.csv", TASKS));
    expect(unknown).toMatchObject({ code: 1, stderr: "Không tìm thấy Ban Chỉ đạo có mã «XX».\n" });
    const noCommittee = await cli("tasks:import", file("tasks.csv", TASKS));
    expect(noCommittee.code).toBe(2);
    expect(noCommittee.stderr).toContain("lỗi: thiếu tùy chọn bắt buộc '--committee <code>'");
    expect(count("select count(*) as n from tasks")).toBe(0);
  });
});

describe("cli: tasks:import warnings", () => {
  it("imports a task for an organization nobody on the roster belongs to, and says so by its line", async () => {
    await setUp();
    const register = [
      "code,title,organization,person",
      "A-01,Nhiệm vụ của Sở Tài chính,sở tài  chính,", // written differently, still the roster's Sở Tài chính
      "A-02,Nhiệm vụ của Sở Nội vụ,Sở Nội vụ,", // nobody from Sở Nội vụ on the roster
      "A-03,Nhiệm vụ có người phụ trách,Sở Nội vụ,Lương Văn Đức", // a named person reports on it
      "",
    ].join("\n");
    const r = await cli("tasks:import", "--committee", "LS", file("tasks.csv", register));
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(
      [
        `Đã nhập danh mục nhiệm vụ của ${COMMITTEE_NAME}: thêm mới 3, cập nhật 0, không đổi 0, lỗi 0.`,
        "Lưu ý: dòng 3 (nhiệm vụ A-02) giao cho «Sở Nội vụ» nhưng danh sách thành viên chưa có ai thuộc đơn vị này, nên chưa ai báo cáo được nhiệm vụ. Nhiệm vụ vẫn được nhập; đề nghị kiểm tra tên đơn vị hoặc bổ sung thành viên của đơn vị (members:import).",
        "",
      ].join("\n"),
    );
    expect(count("select count(*) as n from tasks")).toBe(3);
    const en = await cli("--lang", "en", "tasks:import", "--committee", "LS", file("tasks.csv", register));
    expect(en.stdout).toContain("Note: line 3 (task A-02) is assigned to “Sở Nội vụ”, but nobody on the roster belongs to it");
  });
});

describe("cli: tasks:list and periods:list", () => {
  it("lists the register with each task's target, deadline and period", async () => {
    await setUp();
    expect(await cli("tasks:list", "--committee", "LS")).toMatchObject({ code: 0, stdout: `${COMMITTEE_NAME} chưa có nhiệm vụ nào. Nhập danh mục bằng lệnh tasks:import.\n` });
    await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    const r = await cli("tasks:list", "--committee", "LS");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Danh mục nhiệm vụ, chỉ tiêu của ${COMMITTEE_NAME}: 4 nhiệm vụ.`);
    expect(lines[2]).toMatch(/^Mã\s+Nhiệm vụ, chỉ tiêu\s+Đơn vị chủ trì, người phụ trách\s+Chỉ tiêu\s+Hạn hoàn thành\s+Kỳ báo cáo$/);
    expect(lines.slice(4)).toHaveLength(4);
    expect(lines[4]).toMatch(/^CK-03\s+Cấp chứng thư chữ ký số cho cán bộ\s+Sở Tài chính\s+250 chứng thư\s+hằng quý$/);
    expect(lines[5]).toMatch(/^DVC-01\s+Tỷ lệ thủ tục .* toàn trình\s+Sở Tài chính\s+80%\s+31\/12\/2026\s+hằng quý$/);
    expect(lines[6]).toMatch(/^HT-04\s+Đưa nền tảng họp trực tuyến vào sử dụng\s+Sở Thông tin và Truyền thông \/ Nguyễn Hoàng Hà\s+mốc hoàn thành\s+30\/11\/2026\s+6T-2026$/);
    expect(lines[7]).toMatch(/^SO-02\s+Số hóa hồ sơ đất đai, hồ sơ hộ tịch\s+Sở Tài chính\s+1\.500 hồ sơ\s+31\/12\/2026\s+hằng quý$/);
  });

  it("lists the periods, creating the current quarter's, with how many tasks are reported", async () => {
    await setUp();
    await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    const q = quarter();
    const r = await cli("periods:list", "--committee", "LS");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Các kỳ báo cáo của ${COMMITTEE_NAME}:`);
    expect(lines[2]).toMatch(/^Mã kỳ\s+Tên kỳ\s+Mở từ\s+Hạn nộp\s+Chốt số liệu\s+Tình trạng\s+Đã báo cáo$/);
    const row = lines[4]!.split(/\s{2,}/);
    expect(row.slice(0, 5)).toEqual([q.code, q.label, formatDateTime(q.opensAt, TZ), formatDateTime(q.dueAt, TZ), formatDateTime(q.closesAt, TZ)]);
    expect(row[5]).toBe(Date.now() < q.dueAt.getTime() ? "đang mở" : "quá hạn, còn nhận báo cáo muộn");
    // The quarterly tasks only: HT-04 is reported in its own period.
    expect(row[6]).toBe("0/3");
    expect(lines.at(-1)).toBe("Mở kỳ báo cáo bổ sung: period:open; xuất báo cáo ra Excel: period:export.");
    expect(count("select count(*) as n from reporting_periods")).toBe(1);
    // Reports due are nudged by the daily nudge: the period schedules no reminder jobs of its own.
    expect(count("select count(*) as n from due_jobs where kind = 'report.reminder'")).toBe(0);
  });
});

describe("cli: period:open", () => {
  it("opens an extra period in the committee's time zone, once", async () => {
    await setUp();
    await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    const due = local(10, "17:00");
    const closes = local(15, "17:00");
    const r = await cli("period:open", "--committee", "LS", "--code", "6T-2026", "--name", "Sơ kết 6 tháng", "--due", due, "--closes", closes);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(`Đã mở kỳ báo cáo Sơ kết 6 tháng (6T-2026) gồm 1 nhiệm vụ, hạn nộp ${due}, chốt số liệu ${closes}.\n`);
    const row = withDb((db) => db.prepare("select * from reporting_periods where code = '6T-2026'").get() as Record<string, unknown>);
    expect(row).toMatchObject({
      name: "Sơ kết 6 tháng",
      kind: "extra",
      scope: "assigned",
      due_at: parseLocalDateTime(due, TZ)!.toISOString(),
      closes_at: parseLocalDateTime(closes, TZ)!.toISOString(),
    });
    expect(count("select count(*) as n from audit_log where action = 'period.open' and actor_kind = 'cli'")).toBe(1);

    const all = await cli("period:open", "--committee", "LS", "--code", "RA-SOAT", "--name", "Rà soát cuối năm", "--due", due, "--closes", closes);
    expect(all.stdout).toContain("(RA-SOAT) gồm 4 nhiệm vụ");

    expect(await cli("period:open", "--committee", "LS", "--code", "6t-2026", "--name", "Lần nữa", "--due", due, "--closes", closes)).toMatchObject({
      code: 1,
      stderr: "Đã có kỳ báo cáo mã «6t-2026».\n",
    });
    expect(await cli("period:open", "--committee", "LS", "--code", "X", "--name", "Đã qua", "--due", local(-1, "17:00"), "--closes", closes)).toMatchObject({
      code: 1,
      stderr: "Hạn nộp phải sau thời điểm hiện tại.\n",
    });
    expect(await cli("period:open", "--committee", "LS", "--code", "X", "--name", "Ngược", "--due", closes, "--closes", due)).toMatchObject({
      code: 1,
      stderr: "Thời điểm chốt số liệu không được trước hạn nộp.\n",
    });
    const bad = await cli("period:open", "--committee", "LS", "--code", "X", "--name", "Sai ngày", "--due", "31/02/2027 17:00", "--closes", closes);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("lỗi: giá trị '31/02/2027 17:00' của tùy chọn '--due <datetime>' không hợp lệ");
    expect(count("select count(*) as n from reporting_periods where kind = 'extra'")).toBe(2);
  });
});

describe("cli: period:export", () => {
  it("writes the current period's reports to an Excel file, and a named period's", async () => {
    await setUp();
    await cli("tasks:import", "--committee", "LS", file("fixed.csv", FIXED));
    await asPerson("Lương Văn Đức", async (core, member) => {
      const task = await core.tasks.byCode(member, "DVC-01");
      const period = await core.periods.find(member, task.committee_id);
      await core.reports.submit(member, { taskId: task.id, periodId: period.id, status: "on_track", progress: 62.5, results: "Đã cung cấp 125/200 thủ tục." });
    });
    const q = quarter();
    const out = join(box.dir, "bao-cao.xlsx");
    const r = await cli("period:export", "--committee", "LS", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Đã xuất báo cáo tiến độ ${q.label} (3 nhiệm vụ) vào tệp ${out}.`);
    // Names and progress of every unit: readable by its owner only, even over an existing file.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    chmodSync(out, 0o644);
    expect((await cli("period:export", "--committee", "LS", "--out", out)).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/Tổng số 3 nhiệm vụ: đã báo cáo [01], nộp muộn [01], /);

    const { sheet, values } = await readXlsx(out);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 5 });
    expect(String(sheet.getCell("A2").value)).toContain(q.label.toUpperCase().replace("/", " NĂM "));
    expect(values(5)).toEqual([
      "STT",
      "Mã",
      "Nhiệm vụ, chỉ tiêu",
      "Chỉ tiêu",
      "Hạn hoàn thành",
      "Đơn vị chủ trì",
      "Tình trạng",
      "Tiến độ",
      "Kết quả đạt được",
      "Khó khăn, vướng mắc",
      "Đề xuất, kiến nghị",
      "Người báo cáo",
      "Thời gian báo cáo",
      "Nộp muộn",
    ]);
    expect(sheet.rowCount).toBe(8);
    expect([6, 7, 8].map((n) => values(n).slice(0, 2))).toEqual([
      [1, "CK-03"],
      [2, "DVC-01"],
      [3, "SO-02"],
    ]);
    expect(values(7).slice(6, 9)).toEqual(["Đúng tiến độ", "62,5%", "Đã cung cấp 125/200 thủ tục."]);
    expect(values(7)[11]).toBe("Lương Văn Đức");
    expect(values(6)[6]).toBe("Chưa báo cáo");

    await cli("period:open", "--committee", "LS", "--code", "6T-2026", "--name", "Sơ kết 6 tháng", "--due", local(10, "17:00"), "--closes", local(15, "17:00"));
    // Two periods open now: the CLI does not guess which one the leadership should receive.
    const which = await cli("period:export", "--committee", "LS", "--out", join(box.dir, "which.xlsx"));
    expect(which).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `Đang có 2 kỳ báo cáo mở: ${q.code} (${q.label}); 6T-2026 (Sơ kết 6 tháng). Đề nghị chọn kỳ cần xuất bằng --period, ví dụ --period 6T-2026.\n`,
    });
    expect(existsSync(join(box.dir, "which.xlsx"))).toBe(false);
    const byName = await cli("period:export", "--committee", "LS", "--period", "sơ kết 6 tháng", "--out", join(box.dir, "by-name.xlsx"));
    expect(byName.stdout).toContain("Đã xuất báo cáo tiến độ Sơ kết 6 tháng (1 nhiệm vụ)");
    const byLabel = await cli("period:export", "--committee", "LS", "--period", q.label, "--out", join(box.dir, "by-label.xlsx"));
    expect(byLabel.stdout).toContain(`Đã xuất báo cáo tiến độ ${q.label} (3 nhiệm vụ)`);
    const six = join(box.dir, "6t.xlsx");
    const named = await cli("--lang", "en", "period:export", "--committee", "LS", "--period", "6t-2026", "--out", six);
    expect(named).toMatchObject({ code: 0 });
    expect(named.stdout).toContain(`Exported the progress reports of Sơ kết 6 tháng to ${six} (tasks: 1).`);
    const en = await readXlsx(six);
    expect(en.values(5)[1]).toBe("Code");
    expect(en.values(6).slice(0, 2)).toEqual([1, "HT-04"]);
  });

  it("refuses an unknown period and a file it cannot write", async () => {
    await setUp();
    const nope = await cli("period:export", "--committee", "LS", "--period", "2020-Q1", "--out", join(box.dir, "x.xlsx"));
    expect(nope).toMatchObject({ code: 1, stdout: "", stderr: "Không tìm thấy kỳ báo cáo «2020-Q1».\n" });
    const target = join(box.dir, "no-such-folder", "x.xlsx");
    const unwritable = await cli("period:export", "--committee", "LS", "--out", target);
    expect(unwritable).toMatchObject({ code: 1, stdout: "", stderr: `Không ghi được tệp ${target}: không tồn tại.\n` });
    expect(existsSync(join(box.dir, "x.xlsx"))).toBe(false);
    const noOut = await cli("period:export", "--committee", "LS");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("'--out <file>'");
  });
});

describe("cli: progress-reporting help", () => {
  it("lists the commands in the root help and describes their options in both languages", async () => {
    const root = await cli("--help");
    for (const command of ["tasks:import", "tasks:list", "periods:list", "period:open", "period:export"]) expect(root.stdout).toContain(command);
    const vi = await cli("tasks:import", "--help");
    expect(vi.stdout).toContain("Cách dùng: cli tasks:import [options] <file>");
    expect(vi.stdout).toContain("--committee <code>");
    const en = await cli("--lang", "en", "period:export", "--help");
    expect(en.stdout).toContain("Usage: cli period:export [options]");
    expect(en.stdout).toContain("export a period's progress reports to an Excel file (.xlsx)");
  });
});
