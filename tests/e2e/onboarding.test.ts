import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.js";
import { E2E, users } from "../support/e2e.js";

describe("onboarding by invite, through the fake Bot API", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.start();
    await e2e.seedRoster();
  });
  afterEach(() => e2e.stop());

  it("links a member by the deep link and greets them by name and role in Vietnamese", async () => {
    const reply = await e2e.link(users.member, "Lương Văn Đức");
    expect(reply.text).toContain("Kính chào đồng chí Lương Văn Đức, Thành viên, Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(reply.text).toContain("đã được liên kết thành công");
    const identity = await e2e.app.database.db.selectFrom("channel_identities").selectAll().executeTakeFirstOrThrow();
    expect(identity).toMatchObject({ external_id: String(users.member.id), chat_id: String(users.member.id) });

    const help = await e2e.say(users.member, "/help");
    expect(help.text).toContain("/lang");
    expect(help.text).not.toContain("/members");
    expect(help.text).not.toContain("/invite");
  });

  it("greets a person whose roster language is English in English", async () => {
    await e2e.app.database.db.updateTable("people").set({ locale: "en" }).where("full_name", "=", "Hồ Tiến Thiệu").execute();
    const reply = await e2e.link(users.chair, "Hồ Tiến Thiệu");
    expect(reply.text).toContain("Welcome, Hồ Tiến Thiệu, Chair, Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
  });

  it("gives the secretariat's menu and help to the secretariat, scoped to their chat", async () => {
    await e2e.link(users.secretary, "Phạm Thị Ngọc Ánh");
    const help = await e2e.say(users.secretary, "/help");
    for (const c of ["/members", "/unlinked", "/invite", "/revoke", "/deactivate"]) expect(help.text).toContain(c);
    expect(help.text).toContain("tệp CSV");
    const menu = await e2e.tg.waitFor(() => e2e.tg.commandsFor({ type: "chat", chat_id: users.secretary.id }).length > 0 && e2e.tg.commandsFor({ type: "chat", chat_id: users.secretary.id }));
    expect(menu.map((c) => c.command)).toEqual(["help", "lang", "status", "summary", "export", "meetings", "newmeeting", "confirmmeeting", "roster", "editmeeting", "reschedule", "cancelmeeting", "setanswer", "addguest", "attendance", "minutes", "notice", "notices", "opinion", "opinions", "progress", "items", "tasks", "task", "period", "cycle", "holidays", "reminders", "conclusions", "cancel", "members", "unlinked", "invite", "revoke", "deactivate"]);
    expect(menu[0]!.description).toBe("Các chức năng của Trợ lý");
  });

  it("sets the default menus in both languages at start", async () => {
    const vi = await e2e.tg.waitFor(() => e2e.tg.commandsFor(undefined, "vi").length > 0 && e2e.tg.commandsFor(undefined, "vi"));
    const en = await e2e.tg.waitFor(() => e2e.tg.commandsFor(undefined, "en").length > 0 && e2e.tg.commandsFor(undefined, "en"));
    expect(vi.map((c) => c.command)).toEqual(["start", "help", "lang"]);
    expect(en.find((c) => c.command === "lang")?.description).toBe("Change language (Tiếng Việt / English)");
  });

  describe("bad invites", () => {
    it("answers a wrong code clearly and links nothing", async () => {
      const reply = await e2e.say(users.stranger, "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
      expect(reply.text).toContain("not valid");
      expect(await e2e.app.database.db.selectFrom("channel_identities").selectAll().execute()).toHaveLength(0);
    });

    it("answers an expired code", async () => {
      e2e.clock.advance(15 * DAY);
      const reply = await e2e.link(users.member, "Lương Văn Đức");
      expect(reply.text).toContain("đã hết hạn");
    });

    it("answers a code already used by someone else", async () => {
      await e2e.link(users.member, "Lương Văn Đức");
      const reply = await e2e.say(users.stranger, `/start ${e2e.inviteOf("Lương Văn Đức")}`);
      expect(reply.text).toContain("already been used");
    });

    it("answers a revoked code", async () => {
      const [m] = (await e2e.core.roster.list({ kind: "cli" }, 1)).filter((x) => x.fullName === "Lương Văn Đức");
      await e2e.core.invites.revoke({ kind: "cli" }, m!.membershipId);
      const reply = await e2e.link(users.member, "Lương Văn Đức");
      expect(reply.text).toContain("đã bị thu hồi");
    });

    it("slows down repeated failures", async () => {
      for (let i = 0; i < 5; i++) await e2e.say(users.stranger, `/start wrong${i}AAAAAAAAAAAAAAAAAAAAAAAAAAA`);
      const reply = await e2e.say(users.stranger, `/start ${e2e.inviteOf("Lương Văn Đức")}`);
      expect(reply.text).toContain("Too many wrong attempts. Please try again in 1 minutes");
      expect(await e2e.app.database.db.selectFrom("channel_identities").selectAll().execute()).toHaveLength(0);
    });

    it("tells a stranger how to obtain an invite and nothing more", async () => {
      const start = await e2e.say(users.stranger, "/start");
      expect(start.text).toContain("invite link from the committee's secretariat");
      for (const command of ["/help", "/members", "/lang", "hello"]) {
        const reply = await e2e.say(users.stranger, command);
        expect(reply.text).toBe(start.text);
      }
    });
  });

  it("refuses a deactivated member politely for every command", async () => {
    await e2e.link(users.member, "Lương Văn Đức");
    const [m] = (await e2e.core.roster.list({ kind: "cli" }, 1)).filter((x) => x.fullName === "Lương Văn Đức");
    await e2e.core.roster.deactivate({ kind: "cli" }, m!.membershipId);
    const reply = await e2e.say(users.member, "/help");
    expect(reply.text).toContain("không còn trong danh sách thành viên đang tham gia");
  });

  it("handles an update delivered twice only once", async () => {
    await e2e.link(users.member, "Lương Văn Đức");
    const before = e2e.tg.transcript(users.member.id).length;
    const update = e2e.tg.sendText(users.member, "/lang en");
    await e2e.tg.nextReply(users.member.id, before);
    e2e.tg.injectDuplicate(update);
    e2e.tg.sendText(users.member, "/help");
    await e2e.tg.waitForMessages(users.member.id, before + 2);
    const texts = e2e.tg.transcript(users.member.id).slice(before).map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("Switched to English");
    expect(texts[1]).toContain("what you can do");
    const audits = await e2e.app.database.db.selectFrom("audit_log").selectAll().where("action", "=", "person.language").execute();
    expect(audits).toHaveLength(1);
  });
});
