import { afterEach, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../src/core/clock.js";
import { drivers, WEB_DRIVER, type Driver } from "../support/drivers.js";

describe.each(drivers)("linking, language, help and the roster on %s", (app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("a stranger is told how to get an invite; the secretariat issues one; the invite links the account and greets", async () => {
    d = await start(["secretary"]);
    // Not linked yet: anything but /start gets the polite explanation, and nothing else happens.
    await d.say("member", "xin chào");
    expect(await d.next("member", "chỉ dành cho thành viên Ban Chỉ đạo")).toContain("liên hệ Tổ giúp việc Ban Chỉ đạo");

    // The secretariat sees who has not linked, with a hint that uses a number from the list itself.
    await d.say("secretary", "/unlinked");
    const unlinked = await d.next("secretary", "chưa liên kết tài khoản");
    const row = /#(\d+) Lương Văn Đức/.exec(unlinked);
    expect(row).not.toBeNull();
    const example = /ví dụ \/invite (\d+)/.exec(unlinked)?.[1];
    expect(unlinked).toContain(`#${example} `);

    await d.say("secretary", "/invite");
    await d.next("secretary", "Đề nghị ghi số thứ tự của thành viên");
    await d.say("secretary", `/invite ${row![1]}`);
    const issued = await d.next("secretary", "Đã cấp đường liên kết mời cho đồng chí Lương Văn Đức");
    const code = /start[=\s]([A-Za-z0-9_-]+)/.exec(issued)?.[1];
    expect(code, issued).toBeDefined();

    await d.say("member", `/start ${code}`);
    const welcome = await d.next("member", "đã được liên kết thành công");
    const appName = app === "Telegram" ? "Telegram" : app === WEB_DRIVER ? "Trang thử nghiệm (web)" : "Zalo";
    expect(welcome).toContain(`Tài khoản ${appName} của đồng chí`);
    expect(welcome).toContain("Lương Văn Đức");

    // Now a member: the roster shows him linked, on this app.
    await d.say("secretary", "/members");
    expect(await d.next("secretary", "Danh sách thành viên")).toMatch(new RegExp(`Lương Văn Đức.*đã liên kết \\(${appName.replace(/[()]/g, "\\$&")}\\)`));
  });

  it("a member switches to English with /lang, and /help lists only what a member may do", async () => {
    d = await start(["member"]);
    await d.say("member", "/lang");
    await d.choose("member", "English");
    await d.next("member", "Switched to English");
    await d.say("member", "/help");
    const help = await d.next("member", "what you can do");
    expect(help).toContain("/report");
    expect(help).not.toContain("/newmeeting");
    await d.say("member", "/lang xx");
    await d.next("member", "is not supported");
    // A member may not manage invites: refused by core, not only hidden from the menu.
    await d.say("member", "/invite 1");
    await d.next("member", "not allowed");
  });

  it("an invitation created before a member links reaches them after they link, once, after the list of what is open", async () => {
    d = await start(["secretary"]);
    const start_ = new Date(d.e2e.clock.now().getTime() + 7 * DAY);
    await d.e2e.core.meetings.create(await d.actorOf("secretary"), {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start_,
      endsAt: new Date(start_.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    d.e2e.app.worker.nudge();

    // The secretariat sees what waits for him.
    await d.say("secretary", "/unlinked");
    const unlinked = await d.next("secretary", "chưa liên kết tài khoản");
    expect(unlinked).toMatch(/Lương Văn Đức — .*; 2 tin đang chờ/);
    const id = /#(\d+) Lương Văn Đức/.exec(unlinked)![1];
    await d.say("secretary", `/invite ${id}`);
    const code = /start[=\s]([A-Za-z0-9_-]+)/.exec(await d.next("secretary", "Đã cấp đường liên kết mời cho đồng chí Lương Văn Đức"))![1];

    await d.say("member", `/start ${code}`);
    await d.next("member", "đã được liên kết thành công");
    expect(await d.next("member", "Trong thời gian chưa liên kết, đồng chí có các việc sau:")).toContain("Giấy mời họp «Phiên họp Ban Chỉ đạo quý IV/2026»");
    await d.next("member", "GIẤY MỜI HỌP");
    // Once: nothing more comes of what was held.
    await new Promise((r) => setTimeout(r, 1000));
    expect(d.said("member").filter((m) => m.includes("GIẤY MỜI HỌP"))).toHaveLength(1);
    // The card is answerable.
    await d.choose("member", "Tham dự");
    const member = (await d.actorOf("member")).personId;
    await d.e2e.until(async () => (await d.e2e.app.database.db.selectFrom("invitations").select("answer").where("person_id", "=", member).executeTakeFirst())?.answer === "attend");
  });
});
