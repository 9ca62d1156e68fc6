import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DAY } from "../src/core/clock.js";
import { formatDateTime } from "../src/i18n/format.js";
import { cliSandbox } from "./support/cli.js";

const ROSTER = [
  "full_name,role,organization,title",
  "Hồ Tiến Thiệu,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch",
  "Lương Văn Đức,Thành viên,Sở Tài chính,Giám đốc",
  "Phạm Thị Ngọc Ánh,Tổ giúp việc,Sở Khoa học và Công nghệ,Chuyên viên",
  "",
].join("\n");

const box = cliSandbox("bcd-cli-conclusions-");
const cli = box.run;
/** A deadline `days` from today, as the secretariat types it (the CLI runs on the real clock). */
const inDays = (days: number) => formatDateTime(new Date(Date.now() + days * DAY), "Asia/Ho_Chi_Minh").slice(0, 10);

/** A committee with its roster and a meeting held yesterday (written straight to the file: the CLI only creates meetings ahead). */
async function setUp(): Promise<number> {
  expect((await cli("committee:create", "--code", "LS", "--name", "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", "--level", "province")).code).toBe(0);
  const roster = join(box.dir, "roster.csv");
  writeFileSync(roster, ROSTER);
  expect((await cli("members:import", "--committee", "LS", roster)).code).toBe(0);
  const start = new Date(Date.now() - DAY).toISOString();
  return box.withDb((db) => {
    const chair = db.prepare("select id from people where full_name = 'Hồ Tiến Thiệu'").get() as { id: number };
    const r = db
      .prepare(
        "insert into meetings (committee_id, kind, title, starts_at, ends_at, place, agenda, chair_person_id, answer_deadline, status, created_at, updated_at) values (1, 'regular', 'Phiên họp quý IV', ?, ?, 'Phòng họp số 1', '1.', ?, ?, 'scheduled', ?, ?)",
      )
      .run(start, start, chair.id, start, start, start);
    return Number(r.lastInsertRowid);
  });
}

describe("conclusions through the CLI", () => {
  it("adds one, refuses a bad one and writes nothing, lists them with their status", async () => {
    const meeting = await setUp();
    const add = await cli("conclusions:add", "LS", "--meeting", String(meeting), "--org", "Sở Tài chính", "--due", inDays(10), "--text", "Hoàn thành thanh toán trực tuyến phí, lệ phí");
    expect(add).toMatchObject({ code: 0, stderr: "" });
    expect(add.stdout).toContain(`Đã ghi 1 kết luận (KL-${meeting}-1) vào danh mục nhiệm vụ và gửi thông báo tới 3 người.`);
    const task = box.withDb((db) => db.prepare("select code, title, responsible_organization as org, source_document as source, period from tasks").get());
    expect(task).toMatchObject({ code: `KL-${meeting}-1`, org: "Sở Tài chính", period: "quarterly" });
    expect((task as { source: string }).source).toMatch(/^Kết luận phiên họp ngày \d{2}\/\d{2}\/\d{4}$/);
    expect(box.withDb((db) => db.prepare("select count(*) as n from notice_recipients").get())).toEqual({ n: 3 });

    const past = await cli("conclusions:add", "LS", "--meeting", String(meeting), "--org", "Sở Tài chính", "--due", inDays(-3), "--text", "Việc đã quá hạn");
    expect(past.code).toBe(1);
    expect(past.stderr).toContain(`Thời hạn ${inDays(-3)} đã qua`);
    const unknown = await cli("--lang", "en", "conclusions:add", "LS", "--meeting", "999", "--org", "Sở Tài chính", "--due", inDays(5), "--text", "x");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("The committee has no meeting number 999.");
    expect(box.withDb((db) => db.prepare("select count(*) as n from tasks").get())).toEqual({ n: 1 });

    const list = await cli("conclusions:list", "LS");
    expect(list.code).toBe(0);
    const line = list.stdout.split("\n").find((l) => l.startsWith(`KL-${meeting}-1`))!;
    expect(line.split(/\s{2,}/).slice(2)).toEqual(["Hoàn thành thanh toán trực tuyến phí, lệ phí", "Sở Tài chính", inDays(10), "Đang thực hiện, trong hạn", "—"]);
    expect(list.stdout).toContain("Tổng số 1 kết luận: 0 hoàn thành, 1 đang thực hiện trong hạn, 0 quá hạn.");
    const other = await cli("conclusions:list", "LS", "--meeting", "999");
    expect(other.stdout).toContain("Ban LS chưa có kết luận nào.");
  });

  it("imports a CSV all or nothing, with each bad row's line and reason", async () => {
    const meeting = await setUp();
    const bad = join(box.dir, "bad.csv");
    writeFileSync(bad, ["Nội dung;Đơn vị chủ trì;Thời hạn", `Số hoá hồ sơ;Sở Tài chính;${inDays(20)}`, `;Sở Tài chính;${inDays(20)}`, "Kết nối dữ liệu;Sở Khoa học và Công nghệ;31/02/2030", ""].join("\n"));
    const refused = await cli("conclusions:import", "LS", "--meeting", String(meeting), "--file", bad);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Dòng 3: Đề nghị nhập nội dung kết luận.");
    expect(refused.stdout).toContain("Dòng 4: Thời hạn «31/02/2030» không đúng dạng dd/MM/yyyy.");
    expect(refused.stdout).toContain("Chưa ghi kết luận nào");
    expect(box.withDb((db) => db.prepare("select (select count(*) from tasks) as tasks, (select count(*) from notices) as notices").get())).toEqual({ tasks: 0, notices: 0 });

    const good = join(box.dir, "good.csv");
    writeFileSync(good, ["text,organization,due", `Số hoá hồ sơ,Sở Tài chính,${inDays(20)}`, `Kết nối dữ liệu,Sở Khoa học và Công nghệ,${inDays(30)}`, ""].join("\n"));
    const done = await cli("conclusions:import", "LS", "--meeting", String(meeting), "--file", good);
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(done.stdout).toContain(`Đã ghi 2 kết luận (KL-${meeting}-1, KL-${meeting}-2)`);
    expect(box.withDb((db) => db.prepare("select title, responsible_organization as org, due_date as due from tasks order by id").all())).toHaveLength(2);
    expect(box.withDb((db) => db.prepare("select count(*) as n from notices").get())).toEqual({ n: 1 });
  });
});
