import { afterEach, describe, expect, it } from "vitest";
import { drivers, type Driver } from "../support/drivers.js";

describe.each(drivers)("the quarterly cycle in chat on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("the secretariat reads and sets the cycle's settings, pauses and resumes it; a member may not", async () => {
    d = await start(["secretary", "member"]);
    await d.say("secretary", "/cycle");
    const shown = await d.next("secretary", "Chu kỳ hằng quý");
    expect(shown).toContain("period.due_day: 15");
    expect(shown).toContain("quiet.start: 21:00");
    expect(shown).toContain("time_zone: Asia/Ho_Chi_Minh");

    await d.say("secretary", "/cycle period.due_day 20");
    await d.next("secretary", "Đã đặt period.due_day = 20.");
    await d.say("secretary", "/cycle period.due_day 45");
    await d.next("secretary", "Giá trị «45» không hợp lệ cho thiết lập period.due_day");
    await d.say("secretary", "/cycle paused on");
    await d.next("secretary", "Đã tạm dừng chu kỳ hằng quý");
    await d.say("secretary", "/cycle");
    const again = await d.next("secretary", "period.due_day: 20 (Ban đã đặt)");
    expect(again).toContain("paused: on (Ban đã đặt)");
    expect(again).toContain("Chu kỳ hằng quý của Ban đang tạm dừng");
    await d.say("secretary", "/cycle paused off");
    await d.next("secretary", "Chu kỳ hằng quý tiếp tục");

    await d.say("member", "/cycle paused on");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
  });

  it("the secretariat lists the year's holidays and keeps the committee's own days", async () => {
    d = await start(["secretary"]);
    await d.say("secretary", "/holidays 2027");
    const list = await d.next("secretary", "Ngày nghỉ và ngày làm việc năm 2027");
    expect(list).toContain("06/02/2027 (Thứ Bảy): Tết Nguyên đán — Tạm tính, chờ xác nhận");
    expect(list).toContain("02/09/2027 (Thứ Năm): Quốc khánh (2/9) — Theo Bộ luật Lao động");
    expect(list).toContain("03/09/2027 (Thứ Sáu): Quốc khánh (ngày liền kề 2/9) — Tạm tính, chờ xác nhận");

    await d.say("secretary", "/holidays off 03/09/2027 Theo Quyết định của Thủ tướng Chính phủ");
    await d.next("secretary", "Đã ghi ngày nghỉ 03/09/2027: Theo Quyết định của Thủ tướng Chính phủ.");
    await d.say("secretary", "/holidays work 20/02/2027 Làm bù");
    await d.next("secretary", "Đã ghi ngày làm việc 20/02/2027: Làm bù.");
    await d.say("secretary", "/holidays off 30/02/2027 Nghỉ");
    await d.next("secretary", "Ngày «30/02/2027» không đúng dạng dd/MM/yyyy.");
    await d.say("secretary", "/holidays 2027");
    const after = await d.next("secretary", "Đã xác nhận: Theo Quyết định");
    expect(after).toContain("03/09/2027 (Thứ Sáu): Quốc khánh (ngày liền kề 2/9) — Đã xác nhận: Theo Quyết định của Thủ tướng Chính phủ");
    expect(after).toContain("20/02/2027 (Thứ Bảy): Làm việc — Ban quy định: Làm bù");
  });

  it("the planner's draft reaches the secretariat, who confirms it; the members are invited", async () => {
    d = await start(["secretary", "member"]);
    // Monday 23/11/2026 09:00 in Hanoi: working time, so the request goes out at once.
    await d.e2e.core.cycle.ensurePlanner(1);
    await d.e2e.app.scheduler.tick();
    const asked = await d.next("secretary", "Phiên họp thường kỳ Quý IV/2026");
    expect(asked).toContain("25/12/2026 14:00");
    expect(asked).toContain("/confirmmeeting 1");

    await d.say("secretary", "/confirmmeeting 1 ; Phòng họp số 1, UBND tỉnh Lạng Sơn");
    await d.next("secretary", "Đã xác nhận phiên họp thường kỳ Quý IV/2026 vào 25/12/2026 14:00; giấy mời đã được gửi tới 4 đồng chí.");
    const card = await d.next("member", "Phiên họp thường kỳ Quý IV/2026");
    expect(card).toContain("Phòng họp số 1, UBND tỉnh Lạng Sơn");
    await d.say("secretary", "/confirmmeeting 1");
    await d.next("secretary", "đã được xác nhận trước đó");
  });
});
