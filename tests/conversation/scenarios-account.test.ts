import { afterEach, describe, expect, it } from "vitest";
import { drivers, type Driver } from "../support/drivers.js";

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
    expect(welcome).toContain(`Tài khoản ${app === "Telegram" ? "Telegram" : "Zalo"} của đồng chí`);
    expect(welcome).toContain("Lương Văn Đức");

    // Now a member: the roster shows him linked, on this app.
    await d.say("secretary", "/members");
    expect(await d.next("secretary", "Danh sách thành viên")).toMatch(/Lương Văn Đức.*đã liên kết \((Telegram|Zalo)\)/);
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
});
