import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DAY } from "../src/core/clock.js";
import { createCore } from "../src/core/index.js";
import { openDatabase } from "../src/db/database.js";
import { formatDateTime, parseLocalDateTime } from "../src/i18n/format.js";
import { cliSandbox } from "./support/cli.js";

const TZ = "Asia/Ho_Chi_Minh";
const ROSTER = [
  "full_name,role,organization,title",
  "Hồ Tiến Thiệu,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch",
  "Lương Văn Đức,Thành viên,Sở Tài chính,Giám đốc",
  "Phạm Thị Ngọc Ánh,Tổ giúp việc,Sở Khoa học và Công nghệ,Chuyên viên",
  "",
].join("\n");

const box = cliSandbox("bcd-cli-cycle-");
const cli = box.run;
const createCommittee = () => cli("committee:create", "--code", "LS", "--name", "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", "--level", "province");
/** The line of a setting in cycle:show's table, its columns split. */
const settingLine = (stdout: string, key: string) =>
  stdout
    .split("\n")
    .find((l) => l.startsWith(`${key} `))
    ?.split(/\s{2,}/);

describe("cycle settings through the CLI", () => {
  it("round-trips: the defaults, a value set, a wrong one refused, the default back", async () => {
    expect((await createCommittee()).code).toBe(0);
    let shown = await cli("cycle:show", "ls");
    expect(shown.code).toBe(0);
    expect(settingLine(shown.stdout, "period.due_day")?.slice(0, 3)).toEqual(["period.due_day", "15", "mặc định"]);
    expect(settingLine(shown.stdout, "quiet.start")?.slice(0, 2)).toEqual(["quiet.start", "21:00"]);
    expect(settingLine(shown.stdout, "time_zone")?.slice(0, 2)).toEqual(["time_zone", TZ]);

    const set = await cli("cycle:set", "LS", "period.due_day", "20");
    expect(set).toMatchObject({ code: 0, stderr: "" });
    expect(set.stdout).toContain("Đã đặt period.due_day = 20 cho LS.");
    expect((await cli("cycle:set", "LS", "nudge.time", "7h30")).code).toBe(0);
    expect((await cli("cycle:set", "LS", "digest.day", "T6")).code).toBe(0);
    expect((await cli("cycle:set", "LS", "time_zone", "Asia/Bangkok")).code).toBe(0);

    const bad = await cli("cycle:set", "LS", "period.due_day", "32");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Giá trị «32» không hợp lệ cho thiết lập period.due_day");
    const unknown = await cli("--lang", "en", "cycle:set", "LS", "colour", "red");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("There is no setting “colour”.");

    shown = await cli("cycle:show", "LS");
    expect(settingLine(shown.stdout, "period.due_day")?.slice(0, 3)).toEqual(["period.due_day", "20", "đã đặt"]);
    expect(settingLine(shown.stdout, "nudge.time")?.slice(0, 2)).toEqual(["nudge.time", "07:30"]);
    expect(settingLine(shown.stdout, "digest.day")?.slice(0, 2)).toEqual(["digest.day", "fri"]);
    // Friday 08:00 in the committee's zone (the next working morning if that Friday is a day off).
    expect(shown.stdout).toMatch(/Báo cáo tuần gửi lãnh đạo Ban lần tới: \d{2}\/\d{2}\/\d{4} (08:00|07:30) \(chỉ gửi khi đang có kỳ báo cáo mở\)/);
    expect(settingLine(shown.stdout, "time_zone")?.slice(0, 3)).toEqual(["time_zone", "Asia/Bangkok", "đã đặt"]);
    expect(box.withDb((db) => db.prepare("select time_zone from committees").get())).toEqual({ time_zone: "Asia/Bangkok" });

    expect((await cli("cycle:set", "LS", "period.due_day", "default")).code).toBe(0);
    expect((await cli("cycle:set", "LS", "paused", "on")).code).toBe(0);
    shown = await cli("--lang", "en", "cycle:show", "LS");
    expect(settingLine(shown.stdout, "period.due_day")?.slice(0, 3)).toEqual(["period.due_day", "15", "default"]);
    expect(shown.stdout).toContain("The cycle is PAUSED");
    expect(box.withDb((db) => db.prepare("select count(*) as n from audit_log where action = 'cycle.set'").get())).toEqual({ n: 6 });
  });

  it("committee:create schedules the committee's quarterly planner", async () => {
    await createCommittee();
    const jobs = box.withDb((db) => db.prepare("select kind, status from due_jobs where kind = 'cycle.quarter_planner'").all());
    expect(jobs).toEqual([{ kind: "cycle.quarter_planner", status: "pending" }]);
  });
});

describe("holidays through the CLI", () => {
  it("lists a year's computed days as provisional until the committee confirms them, and keeps its own days", async () => {
    await createCommittee();
    let list = await cli("holidays:list", "LS", "--year", "2027");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/06\/02\/2027 +Thứ Bảy +Nghỉ +Tết Nguyên đán +Tạm tính, chờ xác nhận/);
    expect(list.stdout).toMatch(/02\/09\/2027 +Thứ Năm +Nghỉ +Quốc khánh \(2\/9\) +Theo Bộ luật Lao động/);
    expect(list.stdout).toMatch(/03\/09\/2027 +Thứ Sáu +Nghỉ +Quốc khánh \(ngày liền kề 2\/9\) +Tạm tính, chờ xác nhận/);

    expect((await cli("holidays:add", "LS", "03/09/2027", "Theo Quyết định của Thủ tướng Chính phủ")).stdout).toContain("Đã ghi ngày nghỉ 03/09/2027 cho LS");
    expect((await cli("holidays:add", "LS", "12/02/2027", "Nghỉ Tết theo Thông báo của Bộ Nội vụ")).code).toBe(0);
    expect((await cli("holidays:work", "LS", "20/02/2027", "Làm bù cho ngày 12/02/2027")).code).toBe(0);
    const bad = await cli("holidays:add", "LS", "31/02/2027", "x");
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain("Ngày «31/02/2027» không đúng dạng dd/MM/yyyy.");

    list = await cli("holidays:list", "LS", "--year", "2027");
    expect(list.stdout).toMatch(/03\/09\/2027 .* Đã xác nhận +Theo Quyết định của Thủ tướng Chính phủ/);
    expect(list.stdout).toMatch(/12\/02\/2027 +Thứ Sáu +Nghỉ +— +Ban quy định +Nghỉ Tết theo Thông báo của Bộ Nội vụ/);
    expect(list.stdout).toMatch(/20\/02\/2027 +Thứ Bảy +Làm việc +— +Ban quy định +Làm bù cho ngày 12\/02\/2027/);

    expect((await cli("holidays:remove", "LS", "12/02/2027")).code).toBe(0);
    const again = await cli("holidays:remove", "LS", "12/02/2027");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Ban chưa quy định riêng ngày 12/02/2027.");
    list = await cli("--lang", "en", "holidays:list", "LS", "--year", "2027");
    expect(list.stdout).not.toMatch(/^12\/02\/2027/m);
    expect(list.stdout).toMatch(/06\/02\/2027 +Saturday +Day off +Lunar New Year \(Tết\) +Provisional, to be confirmed/);
  });
});

describe("the planner's draft through the CLI", () => {
  it("is listed, and once confirmed becomes the regular meeting whose invitations go out", async () => {
    await createCommittee();
    const roster = join(box.dir, "roster.csv");
    writeFileSync(roster, ROSTER);
    expect((await cli("members:import", "--committee", "LS", roster)).code).toBe(0);
    // The bot's scheduler runs the planner; here it runs once at the start of 2027, through core.
    const handle = openDatabase(`file:${box.dbPath}`);
    try {
      const core = createCore({
        db: handle.db,
        dialect: handle.dialect,
        clock: () => parseLocalDateTime("01/01/2027 00:00", TZ)!,
        settings: { defaultLocale: "vi", timeZone: TZ, inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
      });
      await core.cycle.ensurePlanner(1);
      for (const job of await core.jobs.claimDue("test")) if (job.kind === "cycle.quarter_planner") await core.jobs.run(job);
    } finally {
      await handle.close();
    }
    const drafts = await cli("cycle:drafts", "LS");
    expect(drafts.stdout).toMatch(/1 +Quý I\/2027 +25\/03\/2027 14:00 +chờ xác nhận/);

    const start = `${formatDateTime(new Date(Date.now() + 30 * DAY), TZ).slice(0, 10)} 09:00`;
    const confirmed = await cli("cycle:confirm", "LS", "1", "--place", "Phòng họp số 1, UBND tỉnh", "--start", start);
    expect(confirmed).toMatchObject({ code: 0, stderr: "" });
    expect(confirmed.stdout).toContain(`Đã xác nhận phiên họp thường kỳ Quý I/2027 vào ${start}; giấy mời đã được gửi tới 2 đồng chí.`);
    const meeting = box.withDb((db) => db.prepare("select kind, title, place, starts_at from meetings").get());
    expect(meeting).toEqual({ kind: "regular", title: "Phiên họp thường kỳ Quý I/2027", place: "Phòng họp số 1, UBND tỉnh", starts_at: parseLocalDateTime(start, TZ)!.toISOString() });
    expect(box.withDb((db) => db.prepare("select count(*) as n from outbox where template = 'meetings:invitation'").get())).toEqual({ n: 2 });
    const twice = await cli("cycle:confirm", "LS", "1");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("đã được xác nhận trước đó");
    expect((await cli("cycle:drafts", "LS")).stdout).toMatch(/đã xác nhận \(phiên họp số 1\)/);
  });
});

describe("reminders through the CLI", () => {
  it("lists who is nudged about what in the coming working days, sends today's at most once, and says when the cycle is paused", async () => {
    await createCommittee();
    const roster = join(box.dir, "roster.csv");
    writeFileSync(roster, ROSTER);
    expect((await cli("members:import", "--committee", "LS", roster)).code).toBe(0);
    const tasks = join(box.dir, "tasks.csv");
    writeFileSync(tasks, "code,title,organization,period\nRS-01,Rà soát thủ tục hành chính,Sở Tài chính,RS-1\n");
    expect((await cli("tasks:import", "--committee", "LS", tasks)).code).toBe(0);
    // An extra period due in three weeks: its −7 and −1 working days fall within the next fifteen working days.
    const due = `${formatDateTime(new Date(Date.now() + 21 * DAY), TZ).slice(0, 10)} 17:00`;
    const closes = `${formatDateTime(new Date(Date.now() + 28 * DAY), TZ).slice(0, 10)} 17:00`;
    expect((await cli("period:open", "--committee", "LS", "--code", "RS-1", "--name", "Rà soát", "--due", due, "--closes", closes)).code).toBe(0);

    const list = await cli("reminders:list", "LS", "--days", "15");
    expect(list).toMatchObject({ code: 0, stderr: "" });
    expect(list.stdout).toContain("Các lượt nhắc việc trong 15 ngày làm việc tới:");
    expect(list.stdout).toMatch(new RegExp(`\\d{2}/\\d{2}/\\d{4} · Lương Văn Đức · báo cáo nhiệm vụ \\(hạn ${due.replace(/\//g, "\\/")}\\)`));
    expect(list.stdout).not.toContain("Hồ Tiến Thiệu");

    // Sent now: what is owed today (perhaps nothing), and a second time nothing more.
    const first = await cli("reminders:send", "LS");
    expect(first.code).toBe(0);
    expect((await cli("reminders:send", "LS")).stdout).toContain("Đã xếp 0 tin nhắc việc để gửi ngay.");

    await cli("cycle:set", "LS", "paused", "on");
    expect((await cli("reminders:list", "LS")).stdout).toContain("Chu kỳ hằng quý của Ban đang tạm dừng: không gửi nhắc việc");
    expect((await cli("reminders:list", "XX")).code).toBe(1);
  });
});
