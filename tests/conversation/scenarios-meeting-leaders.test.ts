import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { drivers, type Driver } from "../support/drivers.js";

/** A reason with every character the markup escapes: it must read as typed everywhere it is shown. */
const REASON = `Dự hội nghị "Chuyển đổi số" của Bộ & làm việc với <Cục>`;

describe.each(drivers)("the chair's and the leaders' view of meetings on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const createMeeting = async () => {
    const committee = await d.e2e.core.committees.require("LS");
    const begins = new Date(d.e2e.clock.now().getTime() + 7 * DAY);
    // The secretariat's side (creating the meeting) is not the subject here: the CLI's way in is used.
    const { meeting } = await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: begins,
      endsAt: new Date(begins.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    d.e2e.app.worker.nudge();
    return meeting;
  };

  it("/approvals lists a pending absence with its buttons, and /roster shows its reason as typed", async () => {
    d = await start(["secretary", "chair", "member", "deputy"]);
    const meeting = await createMeeting();
    await d.next("member", "GIẤY MỜI HỌP");
    await d.choose("member", "Vắng mặt");
    await d.next("member", "chọn lý do");
    await d.say("member", REASON);
    await d.next("member", "Đã gửi báo cáo xin vắng mặt");
    await d.next("chair", "Báo cáo xin vắng mặt của đồng chí Lương Văn Đức");

    // The chair asks what waits for him: the request comes again, with Approve / Decline.
    await d.say("chair", "/approvals");
    await d.next("chair", "Có 1 đề nghị chờ đồng chí cho ý kiến");
    await d.choose("chair", "Đồng ý");
    await d.next("member", "đã đồng ý để đồng chí vắng mặt");
    expect(await d.e2e.app.database.db.selectFrom("absence_requests").select(["status", "reason"]).executeTakeFirstOrThrow()).toEqual({ status: "approved", reason: REASON });
    await d.say("chair", "/approvals");
    await d.next("chair", "Hiện không có đề nghị nào chờ đồng chí cho ý kiến.");

    // A leader sees the meetings and one meeting's roster; the reason reads as the member typed it.
    await d.say("deputy", "/meetings");
    expect(await d.next("deputy", "Các cuộc họp sắp diễn ra")).toMatch(new RegExp(`#${meeting.id} Phiên họp Ban Chỉ đạo quý IV/2026 — .*: 1/4 tham dự, 2 chưa trả lời; dự kiến có mặt 25%`));
    await d.say("deputy", `/roster ${meeting.id}`);
    const roster = await d.next("deputy", "Danh sách dự họp");
    // The chair, present as he chairs it.
    expect(roster).toContain("Mời: 4; tham dự: 1;");
    expect(roster).toContain(`Lương Văn Đức (Sở Tài chính) — vắng, đã được đồng ý (${REASON})`);
    expect(roster).not.toContain("&quot;");
    expect(roster).not.toContain("&amp;");
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });

  it("/roster without a meeting's number asks for it, and a member may not see the roster", async () => {
    d = await start(["chair", "member"]);
    const meeting = await createMeeting();
    await d.say("chair", "/roster abc");
    await d.next("chair", "Đề nghị ghi số cuộc họp (xem /meetings), ví dụ: /roster 1");
    await d.say("chair", "/roster 999");
    await d.next("chair", "999");
    await d.say("member", `/roster #${meeting.id}`);
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
    await d.say("member", "/meetings");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
  });
});
