import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { formatDateTime } from "../../src/i18n/format.js";
import { drivers, takesDocuments, type Driver } from "../support/drivers.js";

const PDF = "%PDF-1.4 báo cáo sự cố";
const LINK = "https://meet.langson.gov.vn/bcd";

describe.each(drivers)("calling a meeting on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const db = () => d.e2e.app.database.db;
  const personId = async (fullName: string) => (await db().selectFrom("people").select("id").where("full_name", "=", fullName).executeTakeFirstOrThrow()).id;

  it("the secretariat calls a meeting step by step; a bad answer is asked again with core's reason; the invitations go out on confirm", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    d = await start(["secretary", "member"]);
    await d.say("member", "/newmeeting");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    await d.say("secretary", "/newmeeting");
    await d.next("secretary", "Tạo cuộc họp mới");
    await d.next("secretary", "Loại cuộc họp?");
    await d.choose("secretary", "Cuộc họp đột xuất");
    await d.next("secretary", "tên cuộc họp");
    await d.say("secretary", "Họp đột xuất về sự cố mạng");
    await d.next("secretary", "Thời gian bắt đầu");
    await d.say("secretary", "ngày mai 8 giờ");
    await d.next("secretary", "Thời gian chưa đúng định dạng");
    await d.say("secretary", "01/01/2020 08:00");
    await d.next("secretary", "Thời gian bắt đầu phải sau thời điểm hiện tại.");
    await d.say("secretary", "30/11/2026 14:00");
    await d.next("secretary", "Thời gian kết thúc");
    await d.say("secretary", "13:00");
    await d.next("secretary", "Thời gian kết thúc phải sau thời gian bắt đầu.");
    await d.say("secretary", "16:30");
    await d.next("secretary", "Địa điểm");
    await d.choose("secretary", "Bỏ qua");
    await d.next("secretary", "Đường liên kết họp trực tuyến");
    // Neither a place nor a link: core's rule refuses the skip, the question stays.
    await d.choose("secretary", "Bỏ qua");
    await d.next("secretary", "Đề nghị nhập địa điểm hoặc đường liên kết họp trực tuyến.");
    await d.say("secretary", "meet.langson");
    await d.next("secretary", "Đường liên kết họp trực tuyến không hợp lệ");
    // Core's 500-character limit on a link applies in the conversation.
    await d.say("secretary", `${LINK}/${"a".repeat(500)}`);
    await d.next("secretary", "Nội dung quá dài (tối đa 500 ký tự).");
    await d.say("secretary", LINK);
    await d.next("secretary", "chương trình, các vấn đề xin ý kiến");
    await d.say("secretary", "Đánh giá sự cố và phương án khắc phục");
    await d.next("secretary", "Gửi tài liệu của cuộc họp");
    await d.sendFile("secretary", { fileName: "virus.exe", content: "MZ" });
    await d.next("secretary", "Tệp «virus.exe» không thuộc loại được nhận");
    await d.sendFile("secretary", { fileName: "bao-cao-su-co.pdf", content: PDF });
    await d.next("secretary", "Đã nhận tệp «bao-cao-su-co.pdf» (1 tệp)");
    await d.choose("secretary", "Xong");
    await d.next("secretary", "người chủ trì cuộc họp");
    await d.choose("secretary", "Đoàn Thu Hà (Phó Trưởng ban Thường trực)");
    await d.next("secretary", "Hạn xác nhận tham dự");
    await d.say("secretary", "01/12/2026 08:00");
    await d.next("secretary", "Hạn xác nhận phải trước giờ họp.");
    await d.choose("secretary", "Mặc định: trước giờ họp 1 ngày");
    const summary = await d.next("secretary", "Kiểm tra thông tin cuộc họp");
    for (const line of ["Loại: Cuộc họp đột xuất", "Bắt đầu: 30/11/2026 14:00", "Kết thúc: 30/11/2026 16:30", "Địa điểm: —", `Trực tuyến: ${LINK}`, "Chủ trì: Đoàn Thu Hà", "Tài liệu: bao-cao-su-co.pdf"]) {
      expect(summary).toContain(line);
    }
    expect(await db().selectFrom("meetings").selectAll().execute()).toHaveLength(0);
    await d.choose("secretary", "Xác nhận gửi");
    await d.next("secretary", "Đã tạo cuộc họp số 1 và đang gửi giấy mời tới 4 thành viên");

    const meeting = await db().selectFrom("meetings").selectAll().executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({ kind: "extraordinary", title: "Họp đột xuất về sự cố mạng", place: null, online_link: LINK, agenda: "Đánh giá sự cố và phương án khắc phục" });
    expect(meeting.chair_person_id).toBe(await personId("Đoàn Thu Hà"));
    expect(new Date(meeting.answer_deadline).getTime()).toBe(new Date(meeting.starts_at).getTime() - DAY);
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);

    const card = await d.next("member", "GIẤY MỜI HỌP");
    expect(card).toContain("Chủ trì: đồng chí Đoàn Thu Hà");
    expect(card).toContain(`Họp trực tuyến: ${LINK}`);
    expect((await d.file("member", "bao-cao-su-co.pdf")).toString("utf8")).toBe(PDF);
  });

  it("a meeting less than a day ahead gets no default deadline already past: a warning, and a deadline is asked for", async () => {
    d = await start(["secretary", "member"]);
    // The clock reads 23/11/2026 09:00 in the committee's time zone.
    await d.say("secretary", "/newmeeting");
    await d.next("secretary", "Loại cuộc họp?");
    await d.choose("secretary", "Phiên họp định kỳ");
    await d.next("secretary", "tên cuộc họp");
    await d.say("secretary", "Giao ban chuyển đổi số");
    await d.say("secretary", "23/11/2026 15:00");
    await d.say("secretary", "17:00");
    await d.say("secretary", "Phòng họp số 1, UBND tỉnh");
    await d.next("secretary", "Đường liên kết họp trực tuyến");
    await d.choose("secretary", "Bỏ qua");
    await d.say("secretary", "Tình hình triển khai Đề án 06");
    await d.next("secretary", "Gửi tài liệu của cuộc họp");
    await d.choose("secretary", "Bỏ qua");
    await d.next("secretary", "người chủ trì cuộc họp");
    await d.choose("secretary", "Hồ Tiến Thiệu (Trưởng ban)");
    await d.next("secretary", "Cuộc họp bắt đầu trong vòng 24 giờ tới nên không dùng được hạn mặc định");
    // No default is offered.
    await expect(d.choose("secretary", "Mặc định: trước giờ họp 1 ngày")).rejects.toThrow("no message offers");
    await d.say("secretary", "23/11/2026 16:00");
    await d.next("secretary", "Hạn xác nhận phải trước giờ họp.");
    await d.say("secretary", "23/11/2026 12:00");
    expect(await d.next("secretary", "Kiểm tra thông tin cuộc họp")).toContain("Hạn xác nhận: 23/11/2026 12:00");
    await d.choose("secretary", "Xác nhận gửi");
    await d.next("secretary", "Đã tạo cuộc họp số 1 và đang gửi giấy mời");
    const meeting = await db().selectFrom("meetings").selectAll().executeTakeFirstOrThrow();
    const { time_zone } = await d.e2e.core.committees.require("LS");
    expect(formatDateTime(meeting.answer_deadline, time_zone)).toBe("23/11/2026 12:00");

    // The deadline lies ahead: a member can still answer.
    await d.next("member", "GIẤY MỜI HỌP");
    await d.choose("member", "Tham dự");
    const member = await personId("Lương Văn Đức");
    await d.e2e.until(async () => (await db().selectFrom("invitations").select("answer").where("person_id", "=", member).executeTakeFirstOrThrow()).answer === "attend");
  });

  it("the secretariat changes a meeting with one command each; the same time again and a new place keep every answer", async () => {
    d = await start(["secretary", "member"]);
    const committee = await d.e2e.core.committees.require("LS");
    // On the minute, as a person types it (the test clock runs on from 09:00 in real time).
    const begins = new Date(Math.floor(d.e2e.clock.now().getTime() / 60_000) * 60_000 + 7 * DAY);
    // The meeting itself is not the subject here: core's way in is used.
    await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: begins,
      endsAt: new Date(begins.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "Báo cáo quý IV",
    });
    d.e2e.app.worker.nudge();
    await d.next("member", "GIẤY MỜI HỌP");
    await d.choose("member", "Tham dự");
    const member = await personId("Lương Văn Đức");
    const answer = async () => (await db().selectFrom("invitations").select("answer").where("person_id", "=", member).executeTakeFirstOrThrow()).answer;
    await d.e2e.until(async () => (await answer()) === "attend");
    const templates = async () => (await db().selectFrom("outbox").select("template").execute()).map((r) => r.template);

    // The same time again: nothing changes, and core says so.
    const local = formatDateTime(begins, committee.time_zone);
    await d.say("secretary", `/reschedule 1 ${local} ${formatDateTime(new Date(begins.getTime() + 2 * HOUR), committee.time_zone).slice(11)}`);
    await d.next("secretary", "Cuộc họp số 1 đã được xếp đúng thời gian này; không có gì thay đổi");
    expect(await answer()).toBe("attend");
    expect(await templates()).not.toContain("meetings:rescheduled");

    // A new place is a correction: the card is updated, the answer stands.
    await d.say("secretary", "/editmeeting 1 địa điểm");
    await d.next("secretary", "Cách dùng: /editmeeting");
    await d.say("secretary", "/editmeeting 1 địa điểm Phòng họp số 2, Sở Thông tin và Truyền thông");
    await d.next("secretary", "Đã cập nhật cuộc họp số 1");
    await d.next("member", "Cập nhật nội dung");
    expect(await db().selectFrom("meetings").select("place").executeTakeFirstOrThrow()).toEqual({ place: "Phòng họp số 2, Sở Thông tin và Truyền thông" });
    expect(await answer()).toBe("attend");
    await d.say("secretary", "/editmeeting 1 liên kết meet.langson");
    await d.next("secretary", "Đường liên kết họp trực tuyến không hợp lệ");

    // A guest's one-time link.
    await d.say("secretary", "/addguest 1 Nguyễn Văn Khoa");
    await d.next("secretary", "Cách dùng: /addguest");
    await d.say("secretary", "/addguest 1 Nguyễn Văn Khoa; Giám đốc; Viettel Lạng Sơn");
    const link = await d.next("secretary", "Đường liên kết mời dự họp cho đồng chí Nguyễn Văn Khoa");
    expect(link).toMatch(/(\?start=|\/start )[A-Za-z0-9_-]+/);

    // A real move resets the answers and tells everyone.
    await d.say("secretary", "/reschedule 1 mai");
    await d.next("secretary", "Cách dùng: /reschedule");
    await d.say("secretary", "/reschedule 1 02/12/2026 08:00 10:30");
    await d.next("secretary", "Đã dời cuộc họp số 1 sang 08:00, thứ Tư, ngày 02/12/2026");
    await d.next("member", "Thay đổi lịch họp");
    expect(await answer()).toBe("none");
    // Less than a day ahead, the default deadline would already have passed: one must be given.
    await d.say("secretary", "/reschedule 1 23/11/2026 15:00 16:00");
    await d.next("secretary", "hạn xác nhận mặc định (trước giờ họp 1 ngày) đã qua");
    await d.say("secretary", "/reschedule 1 23/11/2026 15:00 16:00 23/11/2026 12:00");
    await d.next("secretary", "Đã dời cuộc họp số 1 sang 15:00, thứ Hai, ngày 23/11/2026");
    const moved = await db().selectFrom("meetings").selectAll().executeTakeFirstOrThrow();
    expect(formatDateTime(moved.answer_deadline, committee.time_zone)).toBe("23/11/2026 12:00");

    // Only the secretariat cancels, and only with a reason.
    await d.say("member", "/cancelmeeting 1 Không họp");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
    await d.say("secretary", "/cancelmeeting 1");
    await d.next("secretary", "Đề nghị nhập lý do hủy cuộc họp.");
    await d.say("secretary", "/cancelmeeting 1 Trùng lịch tiếp khách của tỉnh");
    await d.next("secretary", "Đã hủy cuộc họp số 1");
    await d.next("member", "Lý do: Trùng lịch tiếp khách của tỉnh");
    expect(await db().selectFrom("meetings").select("status").executeTakeFirstOrThrow()).toEqual({ status: "cancelled" });
  });
});
