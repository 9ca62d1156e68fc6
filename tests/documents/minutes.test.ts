import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { minutesDocx } from "../../src/documents/minutes-docx.js";
import { createTranslator } from "../../src/i18n/index.js";
import { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { readDocx, runStyle } from "../support/documents.js";

const t = createTranslator("vi").bind("vi");
// 14:00 on Wednesday 08/07/2026 in Lạng Sơn (UTC+7).
const START = new Date("2026-07-08T07:00:00.000Z");

describe.each(testDialects)("the minutes draft on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let people: Record<string, Actor & { kind: "person" }>;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db, new FakeClock(new Date("2026-07-01T02:00:00.000Z"))));
    committeeId = (await createProvince(core)).id;
    await core.committees.edit(cliActor, "ls", { governingBody: "UBND tỉnh Lạng Sơn", placeName: "Lạng Sơn", codePrefix: "BCĐ", focalBody: "Sở Khoa học và Công nghệ" });
    people = await linkRoster(core, db, committeeId, ["chair", "standing", "deputy", "member", "secretary"]);
  });
  afterEach(() => db.drop());

  const createMeeting = async () => {
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý III/2026",
      startsAt: START,
      endsAt: new Date(START.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số 6 tháng đầu năm\n2. Nhiệm vụ 6 tháng cuối năm",
    });
    return meeting;
  };
  const target = async (meetingId: number, key: string) => {
    const inv = await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meetingId).where("person_id", "=", people[key]!.personId).executeTakeFirstOrThrow();
    return { invitationId: inv.id, version: 1 };
  };

  it("does not list the presiding chair as absent, and lists members who have not answered as not yet confirmed", async () => {
    const meeting = await createMeeting();
    await core.meetings.attend(people.deputy!, await target(meeting.id, "deputy"));
    const { requestId } = await core.meetings.absent(people.member!, await target(meeting.id, "member"), "Đi công tác tại Hà Nội");
    await core.meetings.decide(people.chair!, "absence", requestId, true);
    // Neither the chair nor the standing deputy pressed anything.

    const view = await core.meetings.minutes(people.secretary!, meeting.id);
    expect(view.chair.name).toBe("Hồ Tiến Thiệu");
    expect(view.absent.map((a) => a.name)).toEqual(["Lương Văn Đức"]);
    expect(view.unconfirmed.map((p) => p.name)).toEqual(["Đoàn Thu Hà"]);

    const { text } = readDocx(await minutesDocx(t, view));
    expect(text).toContain("1. Chủ trì: đồng chí Hồ Tiến Thiệu, Chủ tịch UBND tỉnh Lạng Sơn, Trưởng Ban Chỉ đạo.");
    expect(text).toContain("3. Thành viên Ban Chỉ đạo dự họp: 1 đồng chí, gồm:\n- Đồng chí Nguyễn Hoàng Hà, Giám đốc Sở Thông tin và Truyền thông.");
    expect(text).toContain("4. Thành viên vắng mặt: 1 đồng chí, gồm:\n- Đồng chí Lương Văn Đức, Giám đốc Sở Tài chính: vắng mặt, lý do: Đi công tác tại Hà Nội (đã được đồng chí chủ trì đồng ý).");
    expect(text).toContain("5. Thành viên chưa xác nhận tham dự: 1 đồng chí, gồm:\n- Đồng chí Đoàn Thu Hà, Phó Chủ tịch UBND tỉnh Lạng Sơn.");
    expect(text).not.toMatch(/Hồ Tiến Thiệu[^\n]*vắng/);
    expect(text).not.toContain("không báo cáo");
  });

  it("with attendance recorded, says 'vắng mặt không báo cáo' only of a member absent without having reported", async () => {
    const meeting = await createMeeting();
    const { requestId } = await core.meetings.absent(people.member!, await target(meeting.id, "member"), "Ốm, điều trị bệnh");
    await core.meetings.decide(people.chair!, "absence", requestId, true);
    clock.set(new Date(START.getTime() - HOUR));
    await core.meetings.recordAttendance(people.secretary!, meeting.id, people.deputy!.personId, "present");
    await core.meetings.recordAttendance(people.secretary!, meeting.id, people.standing!.personId, "absent");
    await core.meetings.recordAttendance(people.secretary!, meeting.id, people.member!.personId, "absent");
    await core.meetings.setSecretary(people.secretary!, meeting.id, people.secretary!.personId);

    const { text } = readDocx(await minutesDocx(t, await core.meetings.minutes(people.secretary!, meeting.id)));
    expect(text).toContain("- Đồng chí Đoàn Thu Hà, Phó Chủ tịch UBND tỉnh Lạng Sơn: vắng mặt không báo cáo;");
    expect(text).toContain("- Đồng chí Lương Văn Đức, Giám đốc Sở Tài chính: vắng mặt, lý do: Ốm, điều trị bệnh (đã được đồng chí chủ trì đồng ý).");
    expect(text).toContain("2. Thư ký: đồng chí Phạm Thị Ngọc Ánh, Chuyên viên Sở Thông tin và Truyền thông.");
    // The chair was not marked: presiding, he is the chair line, not a member without a mark.
    expect(text).not.toMatch(/chưa được ghi nhận[^]*Hồ Tiến Thiệu/);
    expect(text).not.toContain("Danh sách trên lập theo");
  });

  it("is laid out as form 1.9: header, number, the place and date with the Decree 30 zeros, times, closing and signatures", async () => {
    const meeting = await createMeeting();
    await core.meetings.setSecretary(people.secretary!, meeting.id, people.secretary!.personId);
    const { xml, paragraphs, text, headers } = readDocx(await minutesDocx(t, await core.meetings.minutes(people.secretary!, meeting.id)));
    const first = paragraphs.slice(0, 8);
    expect(first).toEqual([
      "UBND TỈNH LẠNG SƠN",
      "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN",
      "",
      "Số: ……/BB-BCĐ",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "",
      "Lạng Sơn, ngày 08 tháng 7 năm 2026",
    ]);
    expect(runStyle(xml, "UBND TỈNH LẠNG SƠN")).toEqual({ size: 24, bold: false });
    expect(runStyle(xml, "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN")?.bold).toBe(true);
    expect(runStyle(xml, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")).toEqual({ size: 24, bold: true });
    const title = runStyle(xml, "BIÊN BẢN")!;
    expect(title.bold).toBe(true);
    expect(title.size).toBeGreaterThanOrEqual(26);
    expect(title.size).toBeLessThanOrEqual(28);
    expect(text).toContain("Thời gian bắt đầu: 14 giờ 00 phút, ngày 08/07/2026.");
    expect(text).toContain("Địa điểm: Phòng họp số 1, UBND tỉnh.");
    expect(text).toContain("Hình thức: trực tiếp.");
    expect(text).toContain("Cuộc họp kết thúc vào …… giờ …… phút cùng ngày./.");
    expect(paragraphs).toContain("THƯ KÝ");
    expect(paragraphs).toContain("CHỦ TRÌ");
    expect(paragraphs).toContain("Phạm Thị Ngọc Ánh");
    // 6 pt after paragraphs, a different first page whose header has no number, the page number from page 2.
    expect(xml).toContain('w:after="120"');
    expect(xml).toContain("<w:titlePg/>");
    expect(headers.some((h) => h.includes("PAGE"))).toBe(true);
    // Headings are left-aligned, not justified.
    expect(xml).toMatch(/<w:jc w:val="left"\/>[\s\S]{0,400}II\. THÀNH PHẦN THAM DỰ/);
  });

  it("applies the Decree 30 date rule: zeros on days 1–9 and months 1–2 only", async () => {
    const { decreeDateParts } = await import("../../src/documents/decree30.js");
    expect(decreeDateParts(8, 7, 2026)).toEqual({ day: "08", month: "7", year: "2026" });
    expect(decreeDateParts(16, 12, 2026)).toEqual({ day: "16", month: "12", year: "2026" });
    expect(decreeDateParts(1, 2, 2027)).toEqual({ day: "01", month: "02", year: "2027" });
    expect(decreeDateParts(10, 3, 2027)).toEqual({ day: "10", month: "3", year: "2027" });
  });
});
