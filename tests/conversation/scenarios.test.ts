import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { drivers, hasButtons, type Driver } from "../support/drivers.js";

describe.each(drivers)("the member and chair conversations on %s", (app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const createMeeting = async () => {
    const committee = await d.e2e.core.committees.require("LS");
    const start = new Date(d.e2e.clock.now().getTime() + 7 * DAY);
    // The secretariat's side (creating the meeting) is not the subject here: the CLI's way in is used.
    await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    d.e2e.app.worker.nudge();
  };

  it("an absence with the chair's approval", async () => {
    d = await start(["secretary", "chair", "member"]);
    await createMeeting();
    const card = await d.next("member", "GIẤY MỜI HỌP");
    expect(card).toContain("Phiên họp Ban Chỉ đạo quý IV/2026");
    await d.choose("member", "Vắng mặt");
    await d.next("member", "chọn lý do");
    await d.say("member", "Dự hội nghị của Bộ tại Hà Nội");
    expect(await d.next("member", "Đã gửi báo cáo xin vắng mặt")).toContain("Dự hội nghị của Bộ tại Hà Nội");

    const request = await d.next("chair", "Báo cáo xin vắng mặt của đồng chí Lương Văn Đức");
    expect(request).toContain("Lý do: Dự hội nghị của Bộ tại Hà Nội");
    await d.choose("chair", "Đồng ý");
    const decision = await d.next("member", "đã đồng ý để đồng chí vắng mặt");
    expect(decision).toContain("Phiên họp Ban Chỉ đạo quý IV/2026");

    const row = await d.e2e.app.database.db.selectFrom("absence_requests").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "approved", reason: "Dự hội nghị của Bộ tại Hà Nội" });
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });

  it("a reason typed: the quick reasons are spent, and one tapped after the chair agreed files nothing", async () => {
    d = await start(["secretary", "chair", "member"]);
    await createMeeting();
    await d.next("member", "GIẤY MỜI HỌP");
    await d.choose("member", "Vắng mặt");
    await d.next("member", "chọn lý do");
    await d.say("member", "Dự hội nghị của Bộ tại Hà Nội");
    await d.next("member", "Đã gửi");
    await d.next("chair", "của đồng chí Lương Văn Đức");
    await d.choose("chair", "Đồng ý");
    await d.next("member", "đã đồng ý để đồng chí vắng mặt");

    // Telegram (and the web app) took the quick reasons off the question; a plain-text app's number still reaches core, which refuses.
    const tapped = await d.choose("member", "Đi công tác").then(
      () => true,
      () => false,
    );
    if (hasButtons(app)) expect(tapped).toBe(false);
    else await d.next("member", "đã được đồng chí chủ trì đồng ý");

    const rows = await d.e2e.app.database.db.selectFrom("absence_requests").select(["status", "reason"]).execute();
    expect(rows).toEqual([{ status: "approved", reason: "Dự hội nghị của Bộ tại Hà Nội" }]);
    const requests = await d.e2e.app.database.db.selectFrom("outbox").select("id").where("template", "=", "meetings:absence_request").execute();
    expect(requests).toHaveLength(1);
    // Pressing Absent again on the card is refused before any reason is asked for.
    await d.choose("member", "Vắng mặt");
    await d.next("member", "đã được đồng chí chủ trì đồng ý");
    expect(await d.e2e.app.database.db.selectFrom("absence_requests").select("id").execute()).toHaveLength(1);
  });

  it("the chair's card says he chairs the meeting, counts him present, and lets him hand the chair to the standing deputy", async () => {
    d = await start(["secretary", "chair", "standing", "member"]);
    await createMeeting();
    const db = d.e2e.app.database.db;
    const answerOf = async (name: string) =>
      (await db.selectFrom("invitations as i").innerJoin("people as p", "p.id", "i.person_id").select("i.answer").where("p.full_name", "=", name).executeTakeFirstOrThrow()).answer;

    const card = await d.next("chair", "Đồng chí chủ trì cuộc họp");
    expect(card).toContain("Phiên họp Ban Chỉ đạo quý IV/2026");
    expect(card).not.toContain("kính mời");
    expect(card).not.toMatch(/Tham dự|Vắng mặt|Cử người dự thay/);
    await expect(d.choose("chair", "Vắng mặt")).rejects.toThrow();
    expect(await answerOf("Hồ Tiến Thiệu")).toBe("attend");
    // The members' cards are invitations.
    expect(await d.next("member", "GIẤY MỜI HỌP")).toContain("trân trọng kính mời đồng chí dự họp");

    await d.choose("chair", "Giao chủ trì cho Phó Trưởng ban Thường trực");
    expect(await d.next("chair", "Phó Trưởng ban Thường trực, chủ trì cuộc họp")).toContain("Đoàn Thu Hà");
    await d.choose("chair", "✅ Giao chủ trì");
    await d.next("chair", "Đã giao đồng chí Đoàn Thu Hà chủ trì cuộc họp");
    expect(await d.next("standing", "đồng chí Hồ Tiến Thiệu giao đồng chí chủ trì cuộc họp")).toContain("Phiên họp Ban Chỉ đạo quý IV/2026");
    const meeting = await db.selectFrom("meetings as m").innerJoin("people as p", "p.id", "m.chair_person_id").select("p.full_name").executeTakeFirstOrThrow();
    expect(meeting.full_name).toBe("Đoàn Thu Hà");
    expect(await answerOf("Đoàn Thu Hà")).toBe("attend");
    expect(await answerOf("Hồ Tiến Thiệu")).toBe("none");
    // The former chair now answers like any member; an absence goes to the new chair.
    await d.next("chair", "Đồng chí chưa xác nhận tham dự");
    await d.choose("member", "Vắng mặt");
    await d.next("member", "chọn lý do");
    await d.say("member", "Dự hội nghị của Bộ tại Hà Nội");
    expect(await d.next("standing", "của đồng chí Lương Văn Đức")).toContain("Dự hội nghị của Bộ tại Hà Nội");
  });

  it("a notice acknowledged by its recipient, once", async () => {
    d = await start(["secretary", "member"]);
    const committee = await d.e2e.core.committees.require("LS");
    await d.e2e.core.notices.send(cliActor, {
      committeeId: committee.id,
      body: "<b>Thông báo</b> kết luận của Trưởng ban &amp; kế hoạch quý I/2027",
      audience: { kind: "all" },
      ackRequired: true,
    });
    d.e2e.app.worker.nudge();
    const card = await d.next("member", "kết luận của Trưởng ban");
    expect(card).toContain("kết luận của Trưởng ban & kế hoạch quý I/2027");
    await d.choose("member", "Đã nhận");
    await d.next("member", "Đã ghi nhận");
    const row = await d.e2e.app.database.db.selectFrom("notice_recipients as r").innerJoin("people as p", "p.id", "r.person_id").select(["r.acknowledged_at"]).where("p.full_name", "=", "Lương Văn Đức").executeTakeFirstOrThrow();
    expect(row.acknowledged_at).not.toBeNull();
  });
});
