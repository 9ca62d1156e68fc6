import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { drivers, type Driver } from "../support/drivers.js";

/** Two tasks of the Finance department (the member's), reported in the quarter due Tuesday 15/12/2026 17:00. */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
].join("\n");

describe.each(drivers)("the daily nudge on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("a person owing a report and an invitation gets one message with both, acts on it, and a restart sends nothing twice", async () => {
    d = await start(["secretary", "member"]);
    const core = d.e2e.core;
    const committee = await core.committees.require("LS");
    await core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);
    // A meeting on Friday 11/12/2026 14:00, answers asked by Wednesday 09/12 17:00: nudged five days before (Sunday
    // 06/12, so Friday 04/12).
    const { meeting } = await core.meetings.create(await d.actorOf("secretary"), {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-12-11T07:00:00.000Z"),
      endsAt: new Date("2026-12-11T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
    await d.e2e.app.database.db.updateTable("meetings").set({ answer_deadline: "2026-12-09T10:00:00.000Z" }).where("id", "=", meeting.id).execute();
    await d.next("member", "Phiên họp quý IV");
    await core.cycle.ensurePlanner(committee.id);
    await d.e2e.app.scheduler.tick();

    // Friday 04/12 08:00 in Hanoi: seven working days before the report is due, the working day before the meeting's −5.
    d.e2e.clock.set("2026-12-04T01:00:00.000Z");
    await d.e2e.app.scheduler.tick();
    const nudge = await d.next("member", "VIỆC CẦN XỬ LÝ HÔM NAY");
    expect(nudge).toContain("1. Báo cáo nhiệm vụ NQ49-05 Tỷ lệ hồ sơ xử lý trực tuyến — hạn 15/12/2026 17:00");
    expect(nudge).toContain("2. Trả lời giấy mời họp Phiên họp quý IV");
    await d.choose("member", "2. Tham dự");
    const invitation = await d.e2e.app.database.db.selectFrom("invitations").select("answer").where("meeting_id", "=", meeting.id).where("person_id", "=", (await d.actorOf("member")).personId).executeTakeFirstOrThrow();
    expect(invitation.answer).toBe("attend");

    // The secretariat sees what comes next (the answered invitation is gone), and sending now sends nothing twice.
    await d.say("secretary", "/reminders");
    const list = await d.next("secretary", "Các lượt nhắc việc trong 5 ngày làm việc tới:");
    expect(list).toContain("10/12/2026 · Lương Văn Đức · báo cáo nhiệm vụ (hạn 15/12/2026 17:00)");
    expect(list).toMatch(/09\/12\/2026 · [^·\n]+ · trả lời giấy mời họp \(hạn 09\/12\/2026 17:00\)/);
    expect(list).not.toContain("Lương Văn Đức · trả lời giấy mời họp");
    await d.say("secretary", "/reminders send");
    await d.next("secretary", "Đã xếp 0 tin nhắc việc để gửi ngay.");
    await d.say("member", "/reminders");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    // The bot restarts the same morning: nothing is sent twice.
    await d.e2e.restart();
    await d.e2e.app.scheduler.tick();
    // (On Telegram the pressed message is edited into the invitation's answer, so the outbox is what is counted.)
    const bundles = await d.e2e.app.database.db.selectFrom("outbox").select("status").where("template", "=", "cycle:nudge.bundle").where("person_id", "=", (await d.actorOf("member")).personId).execute();
    expect(bundles).toEqual([{ status: "sent" }]);
  });

  it("a notice to acknowledge and an opinion to give come in the nudge, and each is done from its line", async () => {
    d = await start(["secretary", "member"]);
    const core = d.e2e.core;
    const committee = await core.committees.require("LS");
    const secretary = await d.actorOf("secretary");
    // Monday 23/11 09:00: acknowledgement asked by Thursday 26/11 17:00, opinions by Monday 30/11 17:00.
    await core.notices.send(secretary, { committeeId: committee.id, body: "<b>Kế hoạch chuyển đổi số năm 2027</b>", audience: { kind: "all" }, ackRequired: true, ackDeadline: new Date("2026-11-26T10:00:00.000Z") });
    await core.opinions.create(secretary, { committeeId: committee.id, title: "Dự thảo Quy chế làm việc", body: "Dự thảo", questions: ["Đồng ý với dự thảo?"], deadline: new Date("2026-11-30T10:00:00.000Z"), audience: { kind: "all" } });
    await d.next("member", "Kế hoạch chuyển đổi số năm 2027");
    await d.next("member", "Dự thảo Quy chế làm việc");
    await core.cycle.ensurePlanner(committee.id);
    await d.e2e.app.scheduler.tick();

    // Wednesday 25/11 08:00: the day before the notice's deadline, three working days before the opinions'.
    d.e2e.clock.set("2026-11-25T01:00:00.000Z");
    await d.e2e.app.scheduler.tick();
    const nudge = await d.next("member", "VIỆC CẦN XỬ LÝ HÔM NAY");
    expect(nudge).toMatch(/1\. Xác nhận đã nhận thông báo số \d+: Kế hoạch chuyển đổi số năm 2027 — hạn xác nhận 26\/11\/2026 17:00/);
    expect(nudge).toMatch(/2\. Cho ý kiến bằng văn bản về Dự thảo Quy chế làm việc \(số \d+\) — hạn 30\/11\/2026 17:00/);
    await d.choose("member", "1. ✅ Đã nhận");
    const db = d.e2e.app.database.db;
    const member = (await d.actorOf("member")).personId;
    await d.e2e.until(async () => (await db.selectFrom("notice_recipients").select("acknowledged_at").where("person_id", "=", member).executeTakeFirstOrThrow()).acknowledged_at);
    await d.choose("member", "2. ✍️ Cho ý kiến");
    await d.choose("member", "1 · Đồng ý");
    await d.e2e.until(async () => (await db.selectFrom("opinion_answers").select("position").execute()).length === 1);

    // Both done: Thursday brings nothing.
    d.e2e.clock.set("2026-11-26T01:00:00.000Z");
    await d.e2e.app.scheduler.tick();
    await new Promise((r) => setTimeout(r, 300));
    const bundles = await db.selectFrom("outbox").select("status").where("template", "=", "cycle:nudge.bundle").where("person_id", "=", member).execute();
    expect(bundles).toEqual([{ status: "sent" }]);
  });
});
