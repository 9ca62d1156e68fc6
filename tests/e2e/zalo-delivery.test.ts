import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { enqueueMessage } from "../../src/core/outbox.js";
import { users } from "../support/e2e.js";
import { FakeZalo, FAKE_ZALO_BOT_ID } from "../support/fake-zalo.js";
import { ZaloDriver, zaloUsers } from "../support/zalo-driver.js";

/** What the outbox sends on Zalo: long texts cut in parts, quota, refusals and the fallback between apps. */
describe("Zalo delivery", () => {
  let d: ZaloDriver | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  const personId = async (d: ZaloDriver, who: "member" | "secretary") => (await d.actorOf(who)).personId;

  /** Queues a one-line message to a person (the unreachable report template: a plain text with a name in it). */
  const queue = async (d: ZaloDriver, to: number, name: string) => {
    await d.e2e.app.database.db.transaction().execute((trx) =>
      enqueueMessage(trx, d.e2e.clock.now(), { template: "delivery:unreachable_report", params: { name, organization: "Sở Thử", channel: "telegram" }, to: { personId: to }, committeeId: 1 }),
    );
    d.e2e.app.worker.nudge();
  };

  /** Links the person on Telegram too, with a new invite, and makes Telegram the app they used last. */
  const linkTelegram = async (d: ZaloDriver, who: "member") => {
    const actor = await d.actorOf(who);
    const invite = await d.e2e.core.invites.reissue(cliActor, actor.seats[0]!.membershipId);
    await d.e2e.say(users[who], `/start ${invite.code}`);
    await d.e2e.say(users[who], "/help");
  };

  it("cuts a long notice into parts Zalo accepts, in order, none longer than 2,000 characters", async () => {
    d = await ZaloDriver.start(["secretary", "member"]);
    const paragraph = (i: number) => `Mục ${i}. ${"Các sở, ban, ngành rà soát hồ sơ số hóa và báo cáo kết quả đúng hạn. ".repeat(6)}`;
    const body = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join("\n");
    const committee = await d.e2e.core.committees.require("LS");
    await d.e2e.core.notices.send(cliActor, { committeeId: committee.id, body, audience: { kind: "all" }, ackRequired: true });
    d.e2e.app.worker.nudge();
    await d.next("member", "Đã nhận");
    const parts = d.said("member");
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(1900);
    const whole = parts.join("\n");
    for (let i = 1; i <= 12; i++) expect(whole).toContain(`Mục ${i}.`);
    expect(whole.indexOf("Mục 12.")).toBeGreaterThan(whole.indexOf("Mục 1."));
    // The choices come last, in the last part.
    expect(parts.at(-1)).toMatch(/1\. .*Đã nhận/);
    await d.choose("member", "Đã nhận");
    await d.next("member", "Đã ghi nhận");
  });

  it("sends on Zalo what Telegram refuses because the person blocked the bot there", async () => {
    d = await ZaloDriver.start(["member"]);
    await linkTelegram(d, "member");
    d.e2e.tg.blockChat(users.member.id);
    await queue(d, await personId(d, "member"), "Người nhận thử");
    expect(await d.next("member", "Người nhận thử")).toContain("Sở Thử");
    const row = await d.e2e.app.database.db.selectFrom("outbox").selectAll().where("template", "=", "delivery:unreachable_report").executeTakeFirstOrThrow();
    expect(row.status).toBe("sent");
    expect(d.e2e.tg.transcript(users.member.id).some((m) => m.text?.includes("Người nhận thử"))).toBe(false);
    // Telegram was tried first (the app used last) and refused.
    expect(row.channel).toBe("zalo");
    const telegram = await d.e2e.app.database.db.selectFrom("channel_identities").select("unreachable_at").where("channel", "=", "telegram").executeTakeFirstOrThrow();
    expect(telegram.unreachable_at).not.toBeNull();
  });

  it("sends on Telegram what Zalo refuses because the person never wrote to the Zalo bot", async () => {
    d = await ZaloDriver.start([]);
    await d.e2e.link(users.member, "Lương Văn Đức");
    const member = await d.e2e.actorOf(users.member);
    // Linked on Zalo through core only: Zalo has never seen this chat, and the person used Zalo last.
    const invite = await d.e2e.core.invites.reissue(cliActor, member.seats[0]!.membershipId);
    await d.e2e.core.invites.redeem({ channel: "zalo", externalId: zaloUsers.member.id, chatId: zaloUsers.member.id, username: null, code: invite.code });
    await d.e2e.core.people.seen(member.personId, "zalo");
    await queue(d, member.personId, "Người nhận thứ hai");
    await d.e2e.tg.waitFor(() => d!.e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Người nhận thứ hai")), 8000);
    expect(d.said("member")).toEqual([]);
    const identity = await d.e2e.app.database.db.selectFrom("channel_identities").select("unreachable_at").where("channel", "=", "zalo").executeTakeFirstOrThrow();
    expect(identity.unreachable_at).not.toBeNull();
  });

  it("keeps a message waiting when Zalo's quota is spent, and says nothing of the token", async () => {
    d = await ZaloDriver.start(["member"], { telegram: false, fake: { quota: 0 } });
    await queue(d, await personId(d, "member"), "Người chờ hạn mức");
    const row = await d.e2e.until(async () => {
      const r = await d!.e2e.app.database.db.selectFrom("outbox").selectAll().where("template", "=", "delivery:unreachable_report").executeTakeFirst();
      return r?.last_error ? r : undefined;
    });
    expect(row.status).toBe("pending");
    expect(row.last_error).toMatch(/429|quota/);
    expect(d.e2e.logs.some((l) => l.includes("rate limited by the platform"))).toBe(true);
    expect(d.e2e.logs.join("\n")).not.toContain("TEST-ZALO-not-a-real-one");
  });

  it("answers stickers, voice notes and what Zalo does not pass on with a hint; ignores its own echo, groups and unknown events", async () => {
    d = await ZaloDriver.start(["member"]);
    const member = zaloUsers.member;
    await d.zalo.sendEvent(member, "message.sticker.received", { sticker: "0e078a2fb66a5f34067b", url: "https://zalo.example/s.png" });
    expect(await d.next("member", "chỉ đọc được tin nhắn chữ")).not.toContain("<");
    await d.zalo.sendEvent(member, "message.voice.received", { voice_url: "https://zalo.example/v.aac" });
    await d.next("member", "tin nhắn thoại");
    await d.zalo.sendEvent(member, "message.unsupported.received");
    await d.next("member", "chưa đọc được nội dung");
    const before = d.said("member").length;
    await d.zalo.deliver({ event_name: "message.text.received", message: { message_id: "b0b0b0b0b0b0b0b0b0b0", from: { id: FAKE_ZALO_BOT_ID, is_bot: true }, chat: { id: member.id, chat_type: "PRIVATE" }, text: "/help" } });
    await d.zalo.deliver({ ...FakeZalo.update(member, "message.text.received", { text: "/help" }), message: { ...FakeZalo.update(member, "x").message, chat: { id: "c0c0c0c0c0c0c0c0c0c0", chat_type: "GROUP" }, text: "/help" } });
    await d.zalo.sendEvent(member, "message.reaction.received");
    await d.say("member", "/help");
    expect(d.said("member").length).toBeGreaterThan(before);
    expect(d.said("member").slice(before).join("\n").match(/Lương Văn Đức/g)).toHaveLength(1);
  });

  it("tells the secretariat on /help which tasks need a file and stay on Telegram or the CLI", async () => {
    d = await ZaloDriver.start(["secretary", "member"]);
    await d.say("secretary", "/help");
    expect(await d.next("secretary", "không nhận được tệp tài liệu")).toContain("CSV");
    await d.say("member", "/help");
    expect(d.said("member").join("\n")).not.toContain("không nhận được tệp tài liệu");
  });
});
