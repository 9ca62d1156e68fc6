import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import type { Answer, Presence } from "../../src/db/schema.js";
import { quarterBundleBytes } from "../../src/documents/quarter-bundle.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster, ROSTER_PEOPLE } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { readDocx, readXlsx } from "../support/documents.js";

const translator = createTranslator("vi");
const TASKS_CSV = [
  "code,title,source_document,organization,person,kind,target,unit,due_date,period",
  "DVC-01,Tỷ lệ thủ tục trực tuyến toàn trình,,Sở Tài chính,,percent,80,,31/12/2026,",
  "SO-02,Số hóa hồ sơ đất đai,,Sở Tài chính,,numeric,1.500,hồ sơ,31/12/2026,hằng quý",
  "HT-03,Đưa nền tảng họp trực tuyến vào sử dụng,,Sở Thông tin và Truyền thông,,milestone,,,30/11/2026,",
].join("\r\n");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A quarter with known answers (the clock at 23/11/2026 09:00 in Hà Nội, Quý IV/2026): three tasks, two reported
 * (one on track past its target, one behind with an obstacle); a meeting on 20/11 with one answer of each kind and
 * attendance recorded, another on 05/12 with three attending and one no answer (plus a cancelled one and one of
 * the quarter before, left out); a notice 2 of 3 recipients acknowledged (and one of the quarter before); a request
 * for opinions 2 of 3 members answered.
 */
async function seedQuarter(core: Core, db: TestDatabase, committeeId: number, people: Record<string, Actor & { kind: "person" }>) {
  const d = db.handle.db;
  await core.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
  const period = await core.periods.find(cliActor, committeeId, "2026-Q4");
  const task = async (code: string) => (await core.tasks.byCode(cliActor, code)).id;
  await core.reports.submit(people.member!, { taskId: await task("DVC-01"), periodId: period.id, status: "on_track", progress: 90, results: "Đạt 90% thủ tục" });
  await core.reports.submit(people.deputy!, { taskId: await task("HT-03"), periodId: period.id, status: "behind", progress: 40, results: "Đang lắp đặt thiết bị", obstacles: "Chưa có đường truyền riêng" });

  const person = (key: keyof typeof ROSTER_PEOPLE) => people[key]!.personId;
  const now = "2026-11-10T02:00:00.000Z";
  const meeting = async (title: string, startsAt: string, status: "scheduled" | "cancelled" = "scheduled") =>
    (
      await d
        .insertInto("meetings")
        .values({
          committee_id: committeeId, kind: "regular", title, starts_at: startsAt, ends_at: new Date(Date.parse(startsAt) + 3 * 3600_000).toISOString(), place: "Phòng họp số 1", online_link: null,
          agenda: "Đánh giá kết quả quý IV", chair_person_id: person("chair"), answer_deadline: startsAt, status, created_by_person_id: null, created_at: now, updated_at: now,
          cancelled_at: null, secretary_person_id: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const invite = async (meetingId: number, key: keyof typeof ROSTER_PEOPLE, answer: Answer) =>
    (await d.insertInto("invitations").values({ meeting_id: meetingId, person_id: person(key), title: null, organization: null, represents_person_id: null, answer, answered_at: answer === "none" ? null : now, answered_by_person_id: null, created_at: now }).returning("id").executeTakeFirstOrThrow()).id;
  const attended = async (meetingId: number, key: keyof typeof ROSTER_PEOPLE, presence: Presence, delegate: string | null = null) =>
    d.insertInto("attendance").values({ meeting_id: meetingId, person_id: person(key), presence, delegate_name: delegate, recorded_by_person_id: null, recorded_at: now }).execute();

  const first = await meeting("Phiên họp thường kỳ quý IV", "2026-11-20T01:00:00.000Z");
  await invite(first, "standing", "attend");
  const absent = await invite(first, "deputy", "absent");
  await d.insertInto("absence_requests").values({ invitation_id: absent, reason: "Đi công tác", status: "approved", created_at: now, decided_by_person_id: null, decided_at: now, comment: null }).execute();
  const proxy = await invite(first, "member", "proxy");
  await d
    .insertInto("proxies")
    .values({ invitation_id: proxy, delegate_name: "Trần Văn Bình", delegate_title: "Phó Giám đốc", delegate_organization: "Sở Tài chính", delegate_contact: null, opinion: "Nhất trí với dự thảo kế hoạch.", status: "approved", created_at: now, decided_by_person_id: null, decided_at: now, comment: null })
    .execute();
  await invite(first, "secretary", "none");
  await attended(first, "standing", "present");
  await attended(first, "deputy", "absent");
  await attended(first, "member", "represented", "Trần Văn Bình");

  const second = await meeting("Cuộc họp đột xuất về chữ ký số", "2026-12-05T07:00:00.000Z");
  for (const key of ["standing", "deputy", "secretary"] as const) await invite(second, key, "attend");
  await invite(second, "member", "none");
  await invite(await meeting("Cuộc họp đã hủy", "2026-12-10T07:00:00.000Z", "cancelled"), "member", "attend");
  await invite(await meeting("Phiên họp quý III", "2026-09-20T07:00:00.000Z"), "member", "attend");

  const notice = async (createdAt: string, acks: [keyof typeof ROSTER_PEOPLE, boolean][]) => {
    const n = await d
      .insertInto("notices")
      .values({ committee_id: committeeId, created_by_person_id: null, body: "Đề nghị các đồng chí gửi báo cáo quý IV đúng hạn.", attachment_id: null, audience: "{}", ack_required: 1, ack_deadline: "2026-11-28T10:00:00.000Z", status: "sending", created_at: createdAt, cancelled_at: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [key, acked] of acks) await d.insertInto("notice_recipients").values({ notice_id: n.id, person_id: person(key), outbox_id: null, acknowledged_at: acked ? createdAt : null, reminded_at: null }).execute();
    return n.id;
  };
  await notice("2026-09-25T02:00:00.000Z", [["member", true]]);
  const noticeId = await notice(now, [["member", true], ["deputy", false], ["standing", true]]);

  const request = await d
    .insertInto("opinion_requests")
    .values({ committee_id: committeeId, created_by_person_id: null, title: "Dự thảo Kế hoạch chuyển đổi số năm 2027", body: "Đề nghị cho ý kiến.", attachment_id: null, questions: JSON.stringify(["Đồng chí có đồng ý với dự thảo?"]), audience: "all", deadline: "2026-11-30T10:00:00.000Z", status: "open", created_at: "2026-11-15T02:00:00.000Z" })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [key, position, comment] of [["member", "agree", null], ["standing", "disagree", "Cần bổ sung kinh phí"], ["deputy", null, null]] as const) {
    const r = await d.insertInto("opinion_recipients").values({ request_id: request.id, person_id: person(key), reminded_at: null }).returning("id").executeTakeFirstOrThrow();
    if (position) await d.insertInto("opinion_answers").values({ recipient_id: r.id, question_index: 0, position, comment, attachment_id: null, answered_at: "2026-11-16T02:00:00.000Z" }).execute();
  }
  return { noticeId, requestId: request.id };
}

/** The table rows of a sheet: from the row whose first cell is `first` down to the first row without a name. */
const tableRows = (values: (n: number) => string[], first: string, max = 60) => {
  let header = 0;
  for (let n = 1; n < max && !header; n++) if (values(n)[0] === first) header = n;
  const rows: string[][] = [];
  for (let n = header + 1; values(n)[1]; n++) rows.push(values(n));
  return { header: values(header), rows };
};

describe.each(testDialects)("the quarter's export bundle on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let people: Record<string, Actor & { kind: "person" }>;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    await core.committees.edit(cliActor, "LS", { governingBody: "UBND tỉnh Lạng Sơn", placeName: "Lạng Sơn", codePrefix: "BCĐ" });
    people = await linkRoster(core, db, committeeId, ["chair", "standing", "deputy", "member", "secretary"]);
  });
  afterEach(() => db.drop());

  const bundle = async (actor: Actor, locale: "vi" | "en") => {
    const exp = await core.summary.quarterExport(actor, "LS", "2026-Q4");
    const { name, bytes } = await quarterBundleBytes({ exp, t: translator.bind(locale), locale, now: clock.now() });
    return { name, files: unzipSync(new Uint8Array(bytes)) };
  };

  it("holds every file of the quarter, numbered in a fixed order, each with the quarter's figures", async () => {
    const { noticeId, requestId } = await seedQuarter(core, db, committeeId, people);
    // The chair reads it (a leader holds no right to compose notices or record attendance: the export reads for him).
    const { name, files } = await bundle(people.chair!, "vi");
    expect(name).toBe("ho-so-LS-2026-Q4.zip");
    expect(Object.keys(files)).toEqual([
      "01-tong-hop-2026-Q4.docx",
      "02-diem-danh-hop-2026-11-20.xlsx",
      "03-diem-danh-hop-2026-12-05.xlsx",
      "04-bien-ban-hop-2026-11-20.docx",
      "05-bien-ban-hop-2026-12-05.docx",
      "06-bao-cao-tien-do-2026-Q4.xlsx",
      `07-tong-hop-y-kien-so-${requestId}.xlsx`,
      `08-thong-bao-so-${noticeId}-xac-nhan.xlsx`,
      "00-danh-muc.txt",
    ]);

    const contents = strFromU8(files["00-danh-muc.txt"]!);
    // UTF-8 with a byte-order mark (which the decoder drops), lines ended for Notepad.
    expect([...files["00-danh-muc.txt"]!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(contents.startsWith("DANH MỤC HỒ SƠ QUÝ IV/2026\r\nBan Chỉ đạo chuyển đổi số tỉnh Lạng Sơn\r\n")).toBe(true);
    expect(contents).toContain("02-diem-danh-hop-2026-11-20.xlsx — Danh sách mời họp, trả lời giấy mời và điểm danh: Phiên họp thường kỳ quý IV (20/11/2026)");
    expect(contents).toContain(`08-thong-bao-so-${noticeId}-xac-nhan.xlsx — Tình hình gửi, nhận Thông báo số ${noticeId} ngày 10/11/2026`);
    expect(contents).not.toContain("Trong quý không có");

    // The summary report: Decree 30 header, the figures of the quarter, the chart embedded as a PNG.
    const summary = readDocx(Buffer.from(files["01-tong-hop-2026-Q4.docx"]!));
    expect(summary.paragraphs.slice(0, 3)).toEqual(["UBND TỈNH LẠNG SƠN", "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN", ""]);
    expect(summary.paragraphs).toContain("Số: ……/BC-BCĐ");
    expect(summary.paragraphs).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(summary.paragraphs).toContain("Lạng Sơn, ngày 23 tháng 11 năm 2026");
    expect(summary.paragraphs).toContain("Kết quả thực hiện nhiệm vụ chuyển đổi số quý IV năm 2026");
    expect(summary.text).toContain("Có 2/3 nhiệm vụ đã được báo cáo (0 báo cáo nộp muộn); 1 nhiệm vụ chưa được báo cáo.");
    expect(summary.text).toContain("Đã hoàn thành 0 nhiệm vụ; đúng tiến độ 1; có nguy cơ chậm 0; chậm tiến độ 1; chưa triển khai 1.");
    expect(summary.text).toContain("Số chỉ tiêu đạt: 1/3.");
    expect(summary.text).toContain("- HT-03 — Đưa nền tảng họp trực tuyến vào sử dụng: Chậm tiến độ (Sở Thông tin và Truyền thông).");
    // The table by organization: Sở Tài chính 2 tasks, 1 reported (on track), 1 not started.
    expect(summary.paragraphs.join("|")).toContain("1|Sở Tài chính|2|1|0|1|0|0|1");
    expect(summary.paragraphs.join("|")).toContain("Tổng cộng|3|2|0|1|0|1|1");
    expect(summary.text).toContain("Phiên họp thường kỳ quý IV, 08:00 – 11:00, thứ Sáu, ngày 20/11/2026: được mời 4; tham dự 1; xin vắng mặt 1; cử người dự thay 1; chưa trả lời 1; điểm danh: có mặt 1, có người dự thay 1, vắng mặt 1;");
    expect(summary.text).toContain("Cuộc họp đột xuất về chữ ký số, 14:00 – 17:00, thứ Bảy, ngày 05/12/2026: được mời 4; tham dự 3; xin vắng mặt 0; cử người dự thay 0; chưa trả lời 1.");
    expect(summary.text).not.toContain("Cuộc họp đã hủy");
    expect(summary.text).not.toContain("Phiên họp quý III");
    expect(summary.text).toContain("- HT-03 (khó khăn): Chưa có đường truyền riêng.");
    expect(summary.text).toContain(`- Thông báo số ${noticeId} ngày 10/11/2026: 2/3 người đã xác nhận đã nhận.`);
    expect(summary.text).toContain("- Xin ý kiến đối với Dự thảo Kế hoạch chuyển đổi số năm 2027 (hạn 30/11/2026 17:00): 2/3 thành viên đã cho ý kiến.");
    expect(summary.text).toContain("Biểu đồ: Tiến độ nhiệm vụ theo đơn vị, Quý IV/2026");
    const docx = unzipSync(files["01-tong-hop-2026-Q4.docx"]!);
    const media = Object.keys(docx).filter((k) => k.startsWith("word/media/"));
    expect(media).toHaveLength(1);
    const png = Buffer.from(docx[media[0]!]!);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1350);
    expect(summary.xml).toMatch(/<pic:pic[\s\S]*r:embed="[^"]+"/);

    // Attendance and answers of the first meeting: one row per member invited, the counts under the table.
    const first = await readXlsx(files["02-diem-danh-hop-2026-11-20.xlsx"]!);
    expect(first.values(1)[0]).toBe("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN");
    expect(first.text).toContain("Phiên họp thường kỳ quý IV");
    const table = tableRows(first.values, "STT");
    expect(table.header).toEqual(["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Trả lời giấy mời", "Ý kiến của người chủ trì", "Lý do vắng mặt, người dự thay", "Thời gian trả lời", "Điểm danh tại cuộc họp"]);
    expect(table.rows.map((r) => [r[1], r[4], r[5], r[6], r[8]])).toEqual([
      ["Đoàn Thu Hà", "Tham dự", "", "", "Có mặt"],
      ["Nguyễn Hoàng Hà", "Xin vắng mặt", "Đã đồng ý", "Lý do: Đi công tác", "Vắng mặt"],
      ["Lương Văn Đức", "Cử người dự thay", "Đã đồng ý", "Người dự thay: Trần Văn Bình", "Có người dự thay"],
      ["Phạm Thị Ngọc Ánh", "Chưa trả lời", "", "", "Chưa ghi nhận"],
    ]);
    expect(first.text).toContain("Được mời: 4; tham dự: 1; xin vắng mặt: 1; cử người dự thay: 1; chưa trả lời: 1; chờ ý kiến người chủ trì: 0.");
    expect(first.text).toContain("Điểm danh tại cuộc họp: có mặt 1, có người dự thay 1, vắng mặt 1 (đã ghi nhận 3/4 thành viên).");
    const second = await readXlsx(files["03-diem-danh-hop-2026-12-05.xlsx"]!);
    expect(second.text).toContain("Được mời: 4; tham dự: 3; xin vắng mặt: 0; cử người dự thay: 0; chưa trả lời: 1; chờ ý kiến người chủ trì: 0.");
    expect(second.text).toContain("Chưa ghi nhận điểm danh tại cuộc họp.");

    // The minutes drafts: attendance where recorded, answers otherwise.
    const minutes = readDocx(Buffer.from(files["04-bien-ban-hop-2026-11-20.docx"]!));
    expect(minutes.text).toContain("BIÊN BẢN");
    expect(minutes.text).toContain("Trần Văn Bình");
    expect(readDocx(Buffer.from(files["05-bien-ban-hop-2026-12-05.docx"]!)).text).toContain("Cuộc họp đột xuất về chữ ký số");

    // The progress reports: one row per task, the two reports and the one missing.
    const progress = await readXlsx(files["06-bao-cao-tien-do-2026-Q4.xlsx"]!);
    const rows = tableRows(progress.values, "STT").rows;
    expect(rows.map((r) => [r[1], r[6], r[7]])).toEqual([
      ["DVC-01", "Đúng tiến độ", "90%"],
      ["HT-03", "Chậm tiến độ", "40%"],
      ["SO-02", "Chưa báo cáo", ""],
    ]);

    // The opinions compiled: two answers of three.
    const opinions = await readXlsx(files[`07-tong-hop-y-kien-so-${requestId}.xlsx`]!);
    expect(opinions.text).toContain("Dự thảo Kế hoạch chuyển đổi số năm 2027");
    expect(opinions.text).toContain("Không đồng ý: Cần bổ sung kinh phí");
    expect(opinions.text).toContain("2/3 thành viên có ý kiến");

    // The notice with its acknowledgements: two of three.
    const notice = await readXlsx(files[`08-thong-bao-so-${noticeId}-xac-nhan.xlsx`]!);
    const recipients = tableRows(notice.values, "STT").rows;
    expect(recipients.map((r) => [r[1], r[5] !== ""])).toEqual([
      ["Lương Văn Đức", true],
      ["Nguyễn Hoàng Hà", false],
      ["Đoàn Thu Hà", true],
    ]);
  });

  it("holds the follow-up of the chair's conclusions, after the progress report", async () => {
    await seedQuarter(core, db, committeeId, people);
    const first = await db.handle.db.selectFrom("meetings").select("id").where("title", "=", "Phiên họp thường kỳ quý IV").executeTakeFirstOrThrow();
    await core.conclusions.record(people.secretary!, translator.bind("vi"), {
      committeeId,
      meetingId: first.id,
      conclusions: [{ text: "Hoàn thành thanh toán trực tuyến phí, lệ phí", organization: "Sở Tài chính", due: "04/12/2026" }],
    });
    const { files } = await bundle(people.chair!, "vi");
    const names = Object.keys(files);
    expect(names.indexOf("07-ket-luan-2026-Q4.xlsx")).toBe(names.indexOf("06-bao-cao-tien-do-2026-Q4.xlsx") + 1);
    const { rows } = await readXlsx(files["07-ket-luan-2026-Q4.xlsx"]!);
    const header = rows.findIndex((r) => r[0] === "STT");
    expect(rows[header + 1]).toEqual(["1", "20/11/2026", `KL-${first.id}-1. Hoàn thành thanh toán trực tuyến phí, lệ phí`, "Sở Tài chính", "04/12/2026", "Chưa báo cáo", "", "Đang thực hiện, trong hạn"]);
    expect(strFromU8(files["00-danh-muc.txt"]!)).toContain("07-ket-luan-2026-Q4.xlsx — Tình hình thực hiện kết luận của Trưởng Ban Chỉ đạo Quý IV/2026");
    const en = await bundle(people.chair!, "en");
    expect(Object.keys(en.files)).toContain("07-conclusions-2026-Q4.xlsx");
  });

  it("is in English for a reader who uses English: file names, headers and the summary", async () => {
    await seedQuarter(core, db, committeeId, people);
    const { name, files } = await bundle(people.secretary!, "en");
    expect(name).toBe("files-LS-2026-Q4.zip");
    expect(Object.keys(files).slice(0, 4)).toEqual(["01-summary-2026-Q4.docx", "02-attendance-2026-11-20.xlsx", "03-attendance-2026-12-05.xlsx", "04-minutes-2026-11-20.docx"]);
    expect(Object.keys(files)).toContain("06-progress-2026-Q4.xlsx");
    expect(Object.keys(files).at(-1)).toBe("00-contents.txt");
    expect(strFromU8(files["00-contents.txt"]!)).toContain("FILES OF Q4 2026");
    const summary = readDocx(Buffer.from(files["01-summary-2026-Q4.docx"]!));
    expect(summary.paragraphs).toContain("SOCIALIST REPUBLIC OF VIETNAM");
    expect(summary.paragraphs).toContain("REPORT");
    expect(summary.text).toContain("Reported: 2/3 tasks (0 late); not reported: 1.");
    expect(summary.text).toContain("Indicators met: 1/3.");
    const attendance = await readXlsx(files["02-attendance-2026-11-20.xlsx"]!);
    expect(tableRows(attendance.values, "No.").header).toEqual(["No.", "Full name", "Position", "Organization", "Answer to the invitation", "Decision of the chair", "Reason for absence, delegate", "Answered at", "Attendance at the meeting"]);
    expect(attendance.text).toContain("Invited: 4; attending: 1; asked to be absent: 1; sending a delegate: 1; no answer: 1");
    const progress = await readXlsx(files["06-progress-2026-Q4.xlsx"]!);
    expect(progress.text).toContain("On track");
    // The quarter as English readers write it, not the Vietnamese Roman numeral.
    expect(progress.text).toContain("PROGRESS OF DIGITAL TRANSFORMATION TASKS AND TARGETS, Q4 2026");
    expect(progress.text).not.toContain("QIV");
  });

  it("a quarter without meetings, notices or requests still has the summary and the progress report, and says what it lacks", async () => {
    await core.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
    const { files } = await bundle(people.chair!, "vi");
    expect(Object.keys(files)).toEqual(["01-tong-hop-2026-Q4.docx", "02-bao-cao-tien-do-2026-Q4.xlsx", "00-danh-muc.txt"]);
    expect(strFromU8(files["00-danh-muc.txt"]!)).toContain("Trong quý không có: cuộc họp; văn bản xin ý kiến; thông báo.");
    const summary = readDocx(Buffer.from(files["01-tong-hop-2026-Q4.docx"]!)).text;
    expect(summary).toContain("Trong quý không có cuộc họp.");
    expect(summary).toContain("Trong quý không gửi thông báo.");
  });

  it("is for leaders and the secretariat only, of a real quarter of a known committee; a province's leader may export a commune below", async () => {
    await expect(core.summary.quarterExport(people.member!, "LS", "2026-Q4")).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.summary.quarterExport(people.chair!, "XX", "2026-Q4")).rejects.toMatchObject({ code: "summary:errors.committee_not_found" });
    for (const bad of ["2026-Q5", "abc", "Q4-2026", "2026-Q0"]) {
      await expect(core.summary.quarterExport(people.chair!, "LS", bad)).rejects.toMatchObject({ code: "export:errors.bad_quarter", params: { value: bad } });
    }
    await expect(core.summary.quarterExport(people.chair!, "LS", "2027-Q1")).rejects.toMatchObject({ code: "export:errors.future_quarter" });
    await expect(core.summary.quarterExport(people.chair!, "LS", "2025-Q1")).rejects.toMatchObject({ code: "export:errors.no_period" });
    // Without a quarter: the current one; without a code: the actor's own committee.
    expect((await core.summary.quarterExport(people.secretary!)).scope.quarter.code).toBe("2026-Q4");

    const cl = await core.committees.create(cliActor, { code: "CL", name: "Ban Chỉ đạo chuyển đổi số xã Chi Lăng", level: "commune", parentCode: "LS" });
    const exp = await core.summary.quarterExport(people.chair!, "cl", "2026-q4");
    expect(exp.scope.committee.id).toBe(cl.id);
    // Only what the quarter holds can be read through it.
    await expect(exp.notice(999)).rejects.toMatchObject({ code: "errors:forbidden" });
  });
});
