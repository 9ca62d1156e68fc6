import { afterEach, describe, expect, it } from "vitest";
import { cliActor, loadActorByChannel } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { testDialects } from "../support/databases.js";
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

  it.each(testDialects)("lets one person link Telegram and Zalo, in either order (%s)", async (dialect) => {
    d = await ZaloDriver.start([], { dialect });
    await d.e2e.core.invites.redeem({ channel: "telegram", externalId: String(users.chair.id), chatId: String(users.chair.id), username: null, code: d.e2e.inviteOf(names.chair) });
    // The invite is used; the secretariat issues a new one for the second app.
    const chair = await d.e2e.actorOf(users.chair);
    const second = await d.e2e.core.invites.reissue(cliActor, chair.seats[0]!.membershipId);
    await d.say("chair", second.code);
    await d.next("chair", "đã được liên kết thành công");
    expect((await d.actorOf("chair")).personId).toBe(chair.personId);

    // The other order: Zalo first, then Telegram.
    await d.say("member", d.e2e.inviteOf(names.member));
    await d.next("member", "đã được liên kết thành công");
    const member = await d.actorOf("member");
    const again = await d.e2e.core.invites.reissue(cliActor, member.seats[0]!.membershipId);
    expect((await d.e2e.say(users.member, `/start ${again.code}`)).text).toContain("đã được liên kết thành công");
    expect((await d.e2e.actorOf(users.member)).personId).toBe(member.personId);
    const identities = await d.e2e.app.database.db.selectFrom("channel_identities").select(["channel"]).where("person_id", "=", member.personId).orderBy("channel").execute();
    expect(identities.map((i) => i.channel)).toEqual(["telegram", "zalo"]);
  });

  it("keeps polling after getUpdates fails (network, a 500 page, Zalo's 403), and stops at once while a poll is held", async () => {
    d = await ZaloDriver.start(["member"]);
    d.zalo.fail("getUpdates", "network");
    d.zalo.fail("getUpdates", "http500");
    d.zalo.fail("getUpdates", { error_code: 403, description: "Internal server error" });
    await d.say("member", "/help");
    expect(d.said("member").at(-1)).toContain("Lương Văn Đức");
    expect(d.e2e.logs.filter((l) => l.includes("Zalo getUpdates failed")).length).toBeGreaterThanOrEqual(3);
    expect(d.e2e.logs.join("\n")).not.toContain("TEST-ZALO-not-a-real-one");
    // A poll is being held by the fake now; stopping does not wait for it to end.
    const started = Date.now();
    await d.e2e.app.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    await d.e2e.restart();
    await d.say("member", "/help");
  });

  it("takes a photo sent on Zalo into a notice, and the member gets it as a signed link", async () => {
    d = await ZaloDriver.start(["secretary", "member"]);
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from("ảnh hiện trường")]);
    await d.say("secretary", "/notice");
    await d.next("secretary", "Soạn thông báo");
    await d.sendFile("secretary", { fileName: "hien-truong.jpg", content: photo, mimeType: "image/jpeg", caption: "Hiện trường sự cố mạng" });
    await d.next("secretary", "Gửi tới:");
    await d.choose("secretary", "Thành viên (không gồm lãnh đạo Ban)");
    await d.choose("secretary", "Không cần xác nhận");
    await d.next("secretary", "Xem trước");
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Đã bắt đầu gửi thông báo số");
    await d.next("member", "Hiện trường sự cố mạng");
    expect((await d.file("member", /zalo-[0-9a-f]{20}\.jpg/)).equals(photo)).toBe(true);
    const notice = await d.e2e.app.database.db.selectFrom("notices").selectAll().executeTakeFirstOrThrow();
    expect(notice.attachment_id).not.toBeNull();
  });

  it("gives the secretariat an invite that says how to link on Zalo, and the whole message pasted on Zalo links the person", async () => {
    d = await ZaloDriver.start(["secretary"]);
    const membership = await d.e2e.app.database.db
      .selectFrom("memberships as m")
      .innerJoin("people as p", "p.id", "m.person_id")
      .where("p.full_name", "=", names.member)
      .select("m.id")
      .executeTakeFirstOrThrow();
    await d.say("secretary", `/invite ${membership.id}`);
    const issued = await d.next("secretary", "Đã cấp đường liên kết mời cho đồng chí Lương Văn Đức");
    expect(issued).toMatch(/https:\/\/t\.me\/\w+\?start=[\w-]{16,}/);
    expect(issued).toMatch(/Trên Zalo: mở https:\/\/zalo\.me\/1459232241454765289 và gửi cho trợ lý mã [\w-]{16,}\./);
    // The secretariat forwards the message as it is; the member pastes it to the Zalo bot.
    await d.say("member", issued);
    await d.next("member", "đã được liên kết thành công");
    expect((await d.actorOf("member")).fullName).toBe(names.member);
  });

  it("gives a guest's link with how to join on Zalo; the guest pastes it there and is welcomed", async () => {
    d = await ZaloDriver.start(["secretary"]);
    const committee = await d.e2e.core.committees.require("LS");
    const starts = new Date(d.e2e.clock.now().getTime() + 7 * DAY);
    const meeting = await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp chuyên đề dữ liệu số",
      startsAt: starts,
      endsAt: new Date(starts.getTime() + 2 * HOUR),
      place: "Phòng họp số 2",
      agenda: "1. Dữ liệu số",
    });
    await d.say("secretary", `/addguest ${meeting.meeting.id} Nguyễn Văn Khách; Chuyên gia; Viện Công nghệ`);
    const link = await d.next("secretary", "Trên Zalo: mở https://zalo.me/1459232241454765289");
    await d.say("stranger", link);
    expect(await d.next("stranger", "Phiên họp chuyên đề dữ liệu số")).toContain("Nguyễn Văn Khách");
  });
});
