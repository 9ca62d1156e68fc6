import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliSandbox, type Run } from "./support/cli.js";
import type { Actor } from "../src/core/actor.js";
import { DAY } from "../src/core/clock.js";
import { createCore, type Core } from "../src/core/index.js";
import { openDatabase } from "../src/db/database.js";
import { formatDateTime, parseLocalDateTime } from "../src/i18n/format.js";

const TZ = "Asia/Ho_Chi_Minh";
const COMMITTEE_NAME = "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn";
const TITLE = "Phiên họp Ban Chỉ đạo quý IV/2026: đánh giá kết quả chuyển đổi số";
const PLACE = "Hội trường tầng 3, Trụ sở UBND tỉnh Lạng Sơn";
const AGENDA = "1. Kết quả thực hiện Đề án 06\n2. Kế hoạch chuyển đổi số năm 2027";
const OPINION = "Thống nhất với dự thảo báo cáo; đề nghị bổ sung chỉ tiêu về thanh toán không dùng tiền mặt.";

/** Six leaders and members, the secretariat (organizes, not invited) and one who will have left. */
const ROSTER = [
  "full_name,role,organization,title",
  "Hồ Tiến Thiệu,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch",
  "Đoàn Thu Hà,Phó Trưởng ban Thường trực,UBND tỉnh Lạng Sơn,Phó Chủ tịch",
  "Nguyễn Hoàng Hà,Phó Trưởng ban,Sở Thông tin và Truyền thông,Giám đốc",
  "Lương Văn Đức,Thành viên,Sở Tài chính,Giám đốc",
  "Trần Thị Bích Ngọc,Thành viên,Sở Nội vụ,Giám đốc",
  "Phạm Thị Ngọc Ánh,Tổ giúp việc,Sở Thông tin và Truyền thông,Chuyên viên",
  "Vi Văn Thắng,Thành viên,Sở Y tế,Phó Giám đốc",
  "",
].join("\n");
const INVITED = ["Hồ Tiến Thiệu", "Đoàn Thu Hà", "Nguyễn Hoàng Hà", "Lương Văn Đức", "Trần Thị Bích Ngọc"];

const box = cliSandbox("bcd-cli-meetings-");
const cli = box.run;
const withDb = box.withDb;

const count = (sql: string, ...params: unknown[]) => withDb((db) => (db.prepare(sql).get(...params) as { n: number }).n);
const personId = (name: string) => withDb((db) => (db.prepare("select id from people where full_name = ?").get(name) as { id: number }).id);
const memberNumber = (name: string) =>
  withDb((db) => (db.prepare("select m.id from memberships m join people p on p.id = m.person_id where p.full_name = ?").get(name) as { id: number }).id);
const meetingRow = (id = 1) => withDb((db) => db.prepare("select * from meetings where id = ?").get(id) as Record<string, string | number | null>);
const invitations = (meetingId = 1) =>
  withDb((db) =>
    db
      .prepare("select i.id, i.answer, p.full_name as name from invitations i join people p on p.id = i.person_id where i.meeting_id = ? order by i.id")
      .all(meetingId) as { id: number; answer: string; name: string }[],
  );

/** "dd/MM/yyyy HH:mm" in the committee's zone, some days from now (the CLI runs on the real clock). */
const local = (days: number, time: string) => `${formatDateTime(new Date(Date.now() + days * DAY), TZ).slice(0, 10)} ${time}`;
const START = local(10, "08:00");
const END = local(10, "11:30");

async function setUp(): Promise<void> {
  expect((await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province")).code).toBe(0);
  writeFileSync(join(box.dir, "roster.csv"), ROSTER);
  expect((await cli("members:import", "--committee", "LS", join(box.dir, "roster.csv"))).code).toBe(0);
  expect((await cli("members:deactivate", String(memberNumber("Vi Văn Thắng")))).code).toBe(0);
}

const createArgs = (...extra: string[]) => ["meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", END, "--place", PLACE, "--agenda", AGENDA, ...extra];

async function createMeeting(...extra: string[]): Promise<Run> {
  const r = await cli(...createArgs(...extra));
  expect(r.code).toBe(0);
  return r;
}

/**
 * Core over the same database file, as the running bot would be: the invitees answer through it. Each
 * named person is linked to a Telegram account first, as signing in with an invite does.
 */
async function withCore(names: string[], fn: (core: Core, people: Record<string, Actor>) => Promise<void>): Promise<void> {
  const handle = openDatabase(`file:${box.dbPath}`);
  try {
    const core = createCore({
      db: handle.db,
      dialect: handle.dialect,
      clock: () => new Date(),
      settings: { defaultLocale: "vi", timeZone: TZ, inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
    });
    const people: Record<string, Actor> = {};
    for (const name of names) {
      const id = personId(name);
      const external = String(5000 + id);
      await handle.db
        .insertInto("channel_identities")
        .values({ person_id: id, channel: "telegram", external_id: external, chat_id: external, linked_at: new Date().toISOString() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      people[name] = (await core.people.actorByChannel("telegram", external))!;
    }
    await fn(core, people);
  } finally {
    await handle.close();
  }
}

const target = (name: string, meetingId = 1) => {
  const inv = invitations(meetingId).find((i) => i.name === name)!;
  return { invitationId: inv.id, version: Number(meetingRow(meetingId).version) };
};

const lineOf = (text: string, name: string) => text.split("\n").find((l) => l.startsWith(name)) ?? "";

describe("cli: meeting:create", () => {
  it("creates the meeting in the committee's time zone and invites every active leader and member through the outbox", async () => {
    await setUp();
    const r = await createMeeting("--link", "https://meet.langson.gov.vn/bcd-q4");
    expect(r.stdout).toContain(`Đã tạo cuộc họp số 1 (định kỳ): ${TITLE}.`);
    expect(r.stdout).toContain(`Thời gian: từ ${START} đến ${END} (giờ ${TZ}).`);
    expect(r.stdout).toContain(`Địa điểm: ${PLACE}.`);
    expect(r.stdout).toContain("Họp trực tuyến: https://meet.langson.gov.vn/bcd-q4");
    expect(r.stdout).toContain("Chủ trì: đồng chí Hồ Tiến Thiệu.");
    expect(r.stdout).toContain(`Hạn xác nhận tham dự: ${local(9, "08:00")}.`);
    expect(r.stdout).toContain("Đã mời 5 người.");
    expect(r.stderr).not.toContain("Lỗi");

    const meeting = meetingRow();
    expect(meeting).toMatchObject({
      committee_id: 1,
      kind: "regular",
      title: TITLE,
      place: PLACE,
      online_link: "https://meet.langson.gov.vn/bcd-q4",
      agenda: AGENDA,
      status: "scheduled",
      version: 1,
      chair_person_id: personId("Hồ Tiến Thiệu"),
      starts_at: parseLocalDateTime(START, TZ)!.toISOString(),
      ends_at: parseLocalDateTime(END, TZ)!.toISOString(),
    });
    // Stored exactly as typed: the diacritics survive the round trip through the database.
    expect(String(meeting.title).normalize("NFC")).toBe(TITLE.normalize("NFC"));

    // The meeting's chair chairs it: recorded as present; everyone else is asked.
    expect(invitations().map((i) => [i.name, i.answer])).toEqual(INVITED.map((name) => [name, name === "Hồ Tiến Thiệu" ? "attend" : "none"]));
    const cards = withDb(
      (db) =>
        db
          .prepare("select o.person_id, o.status, o.params from outbox o where o.template = 'meetings:invitation' order by o.id")
          .all() as { person_id: number; status: string; params: string }[],
    );
    expect(cards.map((c) => c.person_id)).toEqual(INVITED.map(personId));
    expect(cards.every((c) => c.status === "pending")).toBe(true);
    const invitationIds = invitations().map((i) => i.id);
    expect(cards.map((c) => (JSON.parse(c.params) as { invitationId: number }).invitationId)).toEqual(invitationIds);
  });

  it("reads the agenda from a UTF-8 file, takes the chair by member number, the kind and the deadline", async () => {
    await setUp();
    writeFileSync(join(box.dir, "agenda.txt"), `\uFEFF${AGENDA}\n`);
    const deadline = local(8, "17:00");
    const r = await cli(
      "meeting:create",
      "--committee",
      "LS",
      "--title",
      "Họp đột xuất về an toàn thông tin",
      "--start",
      START,
      "--end",
      END,
      "--link",
      "https://meet.langson.gov.vn/attt",
      "--agenda-file",
      join(box.dir, "agenda.txt"),
      "--kind",
      "extraordinary",
      "--chair",
      String(memberNumber("Đoàn Thu Hà")),
      "--deadline",
      deadline,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Đã tạo cuộc họp số 1 (đột xuất): Họp đột xuất về an toàn thông tin.");
    expect(r.stdout).toContain("Chủ trì: đồng chí Đoàn Thu Hà.");
    expect(r.stdout).not.toContain("Địa điểm:");
    expect(r.stdout).toContain(`Hạn xác nhận tham dự: ${deadline}.`);
    expect(meetingRow()).toMatchObject({
      kind: "extraordinary",
      place: null,
      agenda: AGENDA,
      chair_person_id: personId("Đoàn Thu Hà"),
      answer_deadline: parseLocalDateTime(deadline, TZ)!.toISOString(),
    });
  });

  it("refuses a chair who may not chair, an agenda file that is not UTF-8, and both --agenda and --agenda-file", async () => {
    await setUp();
    const member = await cli(...createArgs("--chair", String(memberNumber("Lương Văn Đức"))));
    expect(member).toMatchObject({ code: 1, stderr: "Người chủ trì phải là Trưởng ban hoặc Phó Trưởng ban Thường trực đang tham gia Ban Chỉ đạo.\n" });
    const nobody = await cli(...createArgs("--chair", "999"));
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("999");

    writeFileSync(join(box.dir, "latin1.txt"), Buffer.from("N\xf4i dung h\xe3p", "latin1"));
    const latin1 = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", END, "--place", PLACE, "--agenda-file", join(box.dir, "latin1.txt"));
    expect(latin1.code).toBe(1);
    expect(latin1.stderr).toContain(`Tệp ${join(box.dir, "latin1.txt")} không ở bảng mã UTF-8`);
    const missing = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", END, "--place", PLACE, "--agenda-file", join(box.dir, "nope.txt"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Không đọc được tệp ${join(box.dir, "nope.txt")}: không tồn tại.`);

    const both = await cli(...createArgs("--agenda-file", join(box.dir, "latin1.txt")));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("lỗi: không dùng tùy chọn '--agenda-file <file>' cùng với tùy chọn '--agenda <text>'");
    expect(count("select count(*) as n from meetings")).toBe(0);
  });

  it("refuses a date that is not dd/MM/yyyy HH:mm, naming the option, with exit code 2", async () => {
    await setUp();
    const bad = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", "31/02/2027 08:00", "--end", END, "--place", PLACE, "--agenda", AGENDA);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "lỗi: giá trị '31/02/2027 08:00' của tùy chọn '--start <datetime>' không hợp lệ: cần ghi ngày giờ theo dạng dd/MM/yyyy HH:mm (giờ của Ban Chỉ đạo), ví dụ 30/11/2026 08:00.",
    );
    expect(bad.stderr.trimEnd().split("\n")[1]).toBe("Đề nghị chạy «npm run cli -- meeting:create --help» để xem cách dùng.");
    expect(bad.stdout).toBe("");

    const deadline = await cli(...createArgs("--deadline", "ngày mai"));
    expect(deadline.code).toBe(2);
    expect(deadline.stderr).toContain("tùy chọn '--deadline <datetime>' không hợp lệ");
    const iso = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", "2026-12-01T10:00", "--place", PLACE, "--agenda", AGENDA);
    expect(iso.code).toBe(2);
    expect(iso.stderr).toContain("'--end <datetime>'");
    expect(count("select count(*) as n from meetings")).toBe(0);
  });

  it("refuses an end before the start, and a meeting with neither place nor link, with the domain's words and exit code 1", async () => {
    await setUp();
    const backwards = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", local(10, "07:00"), "--place", PLACE, "--agenda", AGENDA);
    expect(backwards).toMatchObject({ code: 1, stdout: "", stderr: "Thời gian kết thúc phải sau thời gian bắt đầu.\n" });
    const nowhere = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", END, "--agenda", AGENDA);
    expect(nowhere).toMatchObject({ code: 1, stdout: "", stderr: "Đề nghị nhập địa điểm hoặc đường liên kết họp trực tuyến.\n" });
    const past = await cli("meeting:create", "--committee", "LS", "--title", TITLE, "--start", local(-1, "08:00"), "--end", local(-1, "10:00"), "--place", PLACE, "--agenda", AGENDA);
    expect(past).toMatchObject({ code: 1, stderr: "Thời gian bắt đầu phải sau thời điểm hiện tại.\n" });
    const unknown = await cli("meeting:create", "--committee", "XX", "--title", TITLE, "--start", START, "--end", END, "--place", PLACE, "--agenda", AGENDA);
    expect(unknown).toMatchObject({ code: 1, stderr: "Không tìm thấy Ban Chỉ đạo có mã «XX».\n" });
    expect(count("select count(*) as n from meetings")).toBe(0);
    expect(count("select count(*) as n from invitations")).toBe(0);
    expect(count("select count(*) as n from outbox where template = 'meetings:invitation'")).toBe(0);
  });

  it("speaks English with --lang en", async () => {
    await setUp();
    const r = await cli("--lang", "en", ...createArgs());
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `Created meeting no. 1 (regular): ${TITLE}.`,
        `Time: from ${START} to ${END} (${TZ} time).`,
        `Place: ${PLACE}.`,
        "Chaired by Hồ Tiến Thiệu.",
        `Answers due by ${local(9, "08:00")}.`,
        "Invited: 5. The invitations are queued; the assistant sends them to each person while the bot is running.",
        "",
      ].join("\n"),
    );
    const bad = await cli("--lang", "en", "meeting:create", "--committee", "LS", "--title", TITLE, "--start", "30/13/2026 08:00", "--end", END, "--place", PLACE, "--agenda", AGENDA);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "error: option '--start <datetime>' argument '30/13/2026 08:00' is invalid. expected a date and time as dd/MM/yyyy HH:mm (the committee's time), e.g. 30/11/2026 08:00.",
    );
    const nowhere = await cli("--lang", "en", "meeting:create", "--committee", "LS", "--title", TITLE, "--start", START, "--end", END, "--agenda", AGENDA);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain("online");
  });
});

describe("cli: meeting:list", () => {
  it("lists the committee's upcoming meetings, soonest first, with answers and the forecast", async () => {
    await setUp();
    const empty = await cli("meeting:list", "--committee", "LS");
    expect(empty).toMatchObject({ code: 0, stdout: `${COMMITTEE_NAME} không có cuộc họp nào sắp diễn ra. Tạo cuộc họp bằng lệnh meeting:create.\n` });

    await createMeeting();
    const sooner = local(5, "14:00");
    await createMeeting("--title", "Họp giao ban chuyển đổi số tháng 12", "--start", sooner, "--end", local(5, "16:00"));
    await withCore(["Lương Văn Đức"], async (core, p) => {
      await core.meetings.attend(p["Lương Văn Đức"]!, target("Lương Văn Đức", 1));
    });

    const r = await cli("meeting:list", "--committee", "LS");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`Các cuộc họp sắp diễn ra của ${COMMITTEE_NAME}: 2 cuộc họp.`);
    expect(lines[2]).toMatch(/^Số\s+Tên cuộc họp\s+Bắt đầu\s+Đã trả lời\/Được mời\s+Dự kiến có mặt$/);
    expect(lines[4]).toMatch(new RegExp(`^2\\s+Họp giao ban chuyển đổi số tháng 12\\s+${sooner}\\s+1/5\\s+20%$`));
    // The chair of each is present without answering.
    expect(lines[5]).toMatch(new RegExp(`^1\\s+${TITLE.replace("/", "\\/")}\\s+${START}\\s+2/5\\s+40%$`));
    expect(lines.at(-1)).toBe("Xem chi tiết từng người: meeting:roster <số cuộc họp>.");

    const en = await cli("meeting:list", "--committee", "LS", "--lang", "en");
    expect(en.stdout).toContain(`Upcoming meetings of ${COMMITTEE_NAME}: 2.`);
    expect(en.stdout).toMatch(/No\.\s+Title\s+Start\s+Answered\/Invited\s+Expected presence/);
  });
});

describe("cli: meeting:roster", () => {
  it("shows every invitee's answer, the chair's decision, reasons and proxies, the counts and the forecast", async () => {
    await setUp();
    await createMeeting();
    await withCore(["Hồ Tiến Thiệu", "Đoàn Thu Hà", "Nguyễn Hoàng Hà", "Lương Văn Đức"], async (core, p) => {
      await core.meetings.attend(p["Lương Văn Đức"]!, target("Lương Văn Đức"));
      const { requestId } = await core.meetings.absent(p["Nguyễn Hoàng Hà"]!, target("Nguyễn Hoàng Hà"), "Đi công tác tại Hà Nội");
      await core.meetings.decide(p["Hồ Tiến Thiệu"]!, "absence", requestId, true);
      await core.meetings.proxy(p["Đoàn Thu Hà"]!, target("Đoàn Thu Hà"), { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" }, OPINION);
    });

    const r = await cli("meeting:roster", "1");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`Cuộc họp số 1 (định kỳ): ${TITLE}\nThời gian: từ ${START} đến ${END} (giờ ${TZ}).\n`)).toBe(true);
    expect(r.stdout).toContain(
      "Được mời: 5; đã trả lời: 4; tham dự: 2; vắng mặt: 1 đã được đồng ý, 0 chờ ý kiến, 0 không được đồng ý; cử người dự thay: 0 đã được đồng ý, 1 chưa được đồng ý; chưa trả lời: 1.",
    );
    expect(r.stdout).toContain("Dự kiến có mặt (trực tiếp hoặc qua người dự thay đã được đồng ý): 2/5 (40%).");
    expect(r.stdout).toMatch(/^Họ và tên\s+Vai trò\s+Cơ quan, đơn vị\s+Trả lời\s+Ý kiến chủ trì\s+Lý do, người dự thay$/m);
    expect(lineOf(r.stdout, "Hồ Tiến Thiệu")).toMatch(/^Hồ Tiến Thiệu\s+Trưởng ban\s+UBND tỉnh Lạng Sơn\s+tham dự$/);
    expect(lineOf(r.stdout, "Đoàn Thu Hà")).toMatch(/^Đoàn Thu Hà\s+Phó Trưởng ban Thường trực\s+UBND tỉnh Lạng Sơn\s+cử người dự thay\s+chờ ý kiến\s+người dự thay: Nông Văn Bình$/);
    expect(lineOf(r.stdout, "Nguyễn Hoàng Hà")).toMatch(/^Nguyễn Hoàng Hà\s+Phó Trưởng ban\s+Sở Thông tin và Truyền thông\s+vắng mặt\s+đã đồng ý\s+lý do: Đi công tác tại Hà Nội$/);
    expect(lineOf(r.stdout, "Lương Văn Đức")).toMatch(/^Lương Văn Đức\s+Thành viên\s+Sở Tài chính\s+tham dự$/);
    expect(lineOf(r.stdout, "Trần Thị Bích Ngọc")).toMatch(/chưa trả lời$/);
    expect(r.stdout).not.toContain("Phạm Thị Ngọc Ánh");
    expect(r.stdout).not.toContain("Vi Văn Thắng");

    const en = await cli("--lang", "en", "meeting:roster", "1");
    expect(lineOf(en.stdout, "Nguyễn Hoàng Hà")).toMatch(/Deputy Chair\s+Sở Thông tin và Truyền thông\s+absent\s+approved\s+reason: Đi công tác tại Hà Nội$/);
    expect(en.stdout).toContain("Expected presence (in person or by an approved proxy): 2/5 (40%).");
  });

  it("names a meeting that does not exist, and refuses a number that is not one", async () => {
    await setUp();
    expect(await cli("meeting:roster", "42")).toMatchObject({ code: 1, stdout: "", stderr: "Không tìm thấy cuộc họp số 42.\n" });
    const bad = await cli("meeting:roster", "abc");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("phải là một số nguyên dương");
  });
});

describe("cli: meeting:reschedule", () => {
  it("moves the meeting: the version goes up, the answers go back to none, new cards are queued", async () => {
    await setUp();
    await createMeeting();
    await withCore(["Lương Văn Đức", "Nguyễn Hoàng Hà"], async (core, p) => {
      await core.meetings.attend(p["Lương Văn Đức"]!, target("Lương Văn Đức"));
      await core.meetings.absent(p["Nguyễn Hoàng Hà"]!, target("Nguyễn Hoàng Hà"), "Ốm, điều trị bệnh");
    });
    // Two answers, and the chair, present as he chairs it.
    expect(invitations().filter((i) => i.answer !== "none")).toHaveLength(3);

    const start = local(12, "14:00");
    const end = local(12, "16:30");
    const r = await cli("meeting:reschedule", "1", "--start", start, "--end", end, "--place", "Phòng họp số 2, Sở Thông tin và Truyền thông");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Đã dời lịch cuộc họp số 1: ${TITLE}.`);
    expect(r.stdout).toContain(`Thời gian: từ ${start} đến ${end} (giờ ${TZ}).`);
    expect(r.stdout).toContain("Địa điểm: Phòng họp số 2, Sở Thông tin và Truyền thông.");
    expect(r.stdout).toContain("Xác nhận tham dự trước đây của 4 người được mời không còn hiệu lực.");

    expect(meetingRow()).toMatchObject({
      version: 2,
      status: "scheduled",
      place: "Phòng họp số 2, Sở Thông tin và Truyền thông",
      starts_at: parseLocalDateTime(start, TZ)!.toISOString(),
      ends_at: parseLocalDateTime(end, TZ)!.toISOString(),
    });
    expect(invitations().map((i) => [i.name, i.answer])).toEqual(INVITED.map((name) => [name, name === "Hồ Tiến Thiệu" ? "attend" : "none"]));
    expect(count("select count(*) as n from absence_requests where status = 'withdrawn'")).toBe(1);
    expect(count("select count(*) as n from outbox where template = 'meetings:invitation' and dedupe_key like 'meeting:1:v2:%'")).toBe(5);
    expect(count("select count(*) as n from outbox where template = 'meetings:rescheduled'")).toBe(5);

    const roster = await cli("meeting:roster", "1");
    expect(roster.stdout).toContain("chưa trả lời: 4.");
  });

  it("refuses bad times and unknown meetings", async () => {
    await setUp();
    await createMeeting();
    const bad = await cli("meeting:reschedule", "1", "--start", "32/12/2026 08:00", "--end", END);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--start <datetime>'");
    const backwards = await cli("meeting:reschedule", "1", "--start", START, "--end", local(10, "06:00"));
    expect(backwards).toMatchObject({ code: 1, stderr: "Thời gian kết thúc phải sau thời gian bắt đầu.\n" });
    const missing = await cli("meeting:reschedule", "7", "--start", START, "--end", END);
    expect(missing).toMatchObject({ code: 1, stderr: "Không tìm thấy cuộc họp số 7.\n" });
    expect(meetingRow().version).toBe(1);
  });
});

describe("cli: meeting:cancel", () => {
  it("requires a reason, then cancels, tells the invitees and drops the meeting from the list", async () => {
    await setUp();
    await createMeeting();
    const noReason = await cli("meeting:cancel", "1");
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("'--reason <text>'");
    const blank = await cli("meeting:cancel", "1", "--reason", "   ");
    expect(blank).toMatchObject({ code: 1, stderr: "Đề nghị nhập lý do hủy cuộc họp.\n" });
    expect(meetingRow().status).toBe("scheduled");

    const r = await cli("meeting:cancel", "1", "--reason", "Trùng lịch làm việc với đoàn công tác của Bộ");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Đã hủy cuộc họp số 1: ${TITLE} (dự kiến bắt đầu lúc ${START}).`);
    expect(r.stdout).toContain("Thông báo hủy tới 5 người được mời");
    expect(meetingRow()).toMatchObject({ status: "cancelled" });
    expect(meetingRow().cancelled_at).not.toBeNull();
    const notices = withDb((db) => db.prepare("select params from outbox where template = 'meetings:cancelled_notice'").all() as { params: string }[]);
    expect(notices).toHaveLength(5);
    expect(notices.every((n) => (JSON.parse(n.params) as { reason: string }).reason === "Trùng lịch làm việc với đoàn công tác của Bộ")).toBe(true);

    expect(await cli("meeting:cancel", "1", "--reason", "Lần nữa")).toMatchObject({ code: 1, stderr: "Cuộc họp này đã bị hủy.\n" });
    expect((await cli("meeting:list", "--committee", "LS")).stdout).toContain("không có cuộc họp nào sắp diễn ra");
    const roster = await cli("meeting:roster", "1");
    expect(roster.stdout).toContain("Cuộc họp này đã bị hủy.");
  });
});

describe("cli: meeting help", () => {
  it("lists the meeting commands in the root help", async () => {
    const root = await cli("--help");
    for (const command of ["meeting:create", "meeting:list", "meeting:roster", "meeting:reschedule", "meeting:cancel"]) expect(root.stdout).toContain(command);
    const en = await cli("--lang", "en", "meeting:reschedule", "--help");
    expect(en.stdout).toContain("Usage: cli meeting:reschedule [options] <meetingNumber>");
    expect(en.stdout).toContain("--deadline <datetime>");
  });
});

describe("cli: meeting:secretary", () => {
  it("names who records the minutes at creation or later, refuses someone without a seat, and clears it", async () => {
    await setUp();
    const ngocAnh = memberNumber("Phạm Thị Ngọc Ánh");
    await createMeeting("--secretary", String(ngocAnh));
    expect(meetingRow().secretary_person_id).toBe(personId("Phạm Thị Ngọc Ánh"));

    const other = await cli("meeting:secretary", "1", String(memberNumber("Lương Văn Đức")));
    expect(other).toMatchObject({ code: 0, stderr: "", stdout: "Cuộc họp số 1: thư ký ghi biên bản là đồng chí Lương Văn Đức.\n" });
    expect(meetingRow().secretary_person_id).toBe(personId("Lương Văn Đức"));

    // A member who has left holds no seat.
    const left = await cli("meeting:secretary", "1", String(memberNumber("Vi Văn Thắng")));
    expect(left).toMatchObject({ code: 1, stderr: "Người ghi biên bản phải là người đang tham gia Ban Chỉ đạo hoặc Tổ giúp việc của Ban Chỉ đạo này.\n" });
    expect((await cli("meeting:secretary", "1")).code).toBe(1);

    expect(await cli("meeting:secretary", "1", "--clear")).toMatchObject({ code: 0, stdout: "Cuộc họp số 1: đã bỏ thông tin người ghi biên bản.\n" });
    expect(meetingRow().secretary_person_id).toBeNull();
    expect(count("select count(*) as n from audit_log where action = 'meeting.secretary'")).toBe(2);
  });
});
