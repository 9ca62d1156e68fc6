import { afterEach, describe, expect, it } from "vitest";
import { cliActor, loadActorByChannel } from "../../src/core/actor.js";
import { names, users } from "../support/e2e.js";
import { ZaloDriver, zaloUsers } from "../support/zalo-driver.js";

/** Zalo end to end: the real program (long polling) against the fake Zalo Bot API. */
describe("Zalo: linking and the program's apps", () => {
  let d: ZaloDriver | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  it("starts with Zalo alone (no Telegram token) and links a person who writes their invite code", async () => {
    d = await ZaloDriver.start([], { telegram: false });
    expect(d.e2e.app.apps.map((a) => a.name)).toEqual(["zalo"]);
    // A stranger's greeting is answered by the gate, politely, in the default language.
    await d.say("member", "Xin chào");
    expect(d.said("member").at(-1)).toContain("liên kết mời");
    await d.say("member", d.e2e.inviteOf(names.member));
    const welcome = await d.next("member", "đã được liên kết thành công");
    expect(welcome).toContain("Lương Văn Đức");
    expect(welcome).toContain("Zalo");
    // Plain text: no markup reaches Zalo.
    expect(welcome).not.toMatch(/<b>|<\/b>/);
    const actor = await loadActorByChannel(d.e2e.app.database.db, "zalo", zaloUsers.member.id);
    expect(actor?.kind).toBe("person");
  });

  it("links a person who pastes the whole invite message with its t.me link", async () => {
    d = await ZaloDriver.start([]);
    const code = d.e2e.inviteOf(names.deputy);
    await d.say("deputy", `Đồng chí mở https://t.me/bcd_test_bot?start=${code} để bắt đầu.`);
    await d.next("deputy", "đã được liên kết thành công");
    expect((await d.actorOf("deputy")).fullName).toBe(names.deputy);
  });

  it("lets one person link Telegram and Zalo, in either order", async () => {
    d = await ZaloDriver.start([]);
    await d.e2e.core.invites.redeem({ channel: "telegram", externalId: String(users.chair.id), chatId: String(users.chair.id), username: null, code: d.e2e.inviteOf(names.chair) });
    // The invite is used; the secretariat issues a new one for the second app.
    const chair = await d.e2e.actorOf(users.chair);
    const second = await d.e2e.core.invites.reissue(cliActor, chair.seats[0]!.membershipId);
    await d.say("chair", second.code);
    await d.next("chair", "đã được liên kết thành công");
    expect((await d.actorOf("chair")).personId).toBe(chair.personId);
  });
});
