import { afterEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/clock.js";
import { enqueueMessage } from "../../src/core/outbox.js";
import type { ChannelName } from "../../src/db/schema.js";
import { createOutboxStore, type Delivery } from "../../src/delivery/outbox-store.js";
import { RateGate } from "../../src/delivery/rate-gate.js";
import { SendError } from "../../src/delivery/send-error.js";
import type { DeliveryApp } from "../../src/delivery/worker.js";
import { testDialects } from "../support/databases.js";
import { E2E, names, users } from "../support/e2e.js";

/**
 * A second chat app standing in for Zalo (not built yet): it records what it is given to send, and refuses
 * the chats it is told the person blocked the bot in, the way an app's sender reports it (a "forbidden").
 */
function standIn(name: ChannelName) {
  const sent: { chatId: string; channel: ChannelName; outboxId: number; template: string; text: string }[] = [];
  const refused: string[] = [];
  const blocked = new Set<string>();
  const app: DeliveryApp = {
    gate: new RateGate({ ratePerSecond: 50, perChatIntervalMs: 200 }),
    sender: {
      send(d: Delivery) {
        if (d.channel !== name) return Promise.reject(new SendError("permanent", `given to ${name} for ${d.channel}`));
        if (blocked.has(d.chatId!)) {
          refused.push(d.chatId!);
          return Promise.reject(new SendError("forbidden", "403: the user blocked the bot"));
        }
        const params = JSON.parse(d.row.params) as Record<string, unknown>;
        sent.push({ chatId: d.chatId!, channel: d.channel, outboxId: d.row.id, template: d.row.template, text: String(params.name ?? "") });
        return Promise.resolve({ messageId: `${name}-${sent.length}` });
      },
    },
  };
  return { app, sent, refused, block: (chatId: string) => blocked.add(chatId) };
}

/** Gives a person a linked account on another app, as linking there would (last used `seenAt`). */
async function linkOn(e2e: E2E, personId: number, channel: ChannelName, chatId: string, seenAt: Date | null = null) {
  const at = e2e.clock.now().toISOString();
  await e2e.app.database.db
    .insertInto("channel_identities")
    .values({ person_id: personId, channel, external_id: chatId, chat_id: chatId, username: null, linked_at: at, unreachable_at: null, unreachable_reason: null, last_seen_at: seenAt?.toISOString() ?? null })
    .execute();
}

/** Queues one message to each person (a plain template, rendered by every app), as core would. */
async function queue(e2e: E2E, to: (({ personId: number } | { chatId: string }) & { channel?: ChannelName })[], text = "Giấy mời họp") {
  const ids: number[] = [];
  await e2e.app.database.db.transaction().execute(async (trx) => {
    for (const target of to) {
      const id = await enqueueMessage(trx, e2e.clock.now(), {
        template: "delivery:unreachable_report",
        params: { name: text, organization: "Sở Tài chính", channel: "—" },
        to: "personId" in target ? { personId: target.personId } : { chatId: target.chatId },
        ...("channel" in target ? { channel: target.channel } : {}),
        committeeId: 1,
      });
      ids.push(id!);
    }
  });
  e2e.app.worker.nudge();
  return ids;
}

const personId = async (e2e: E2E, fullName: string) =>
  (await e2e.app.database.db.selectFrom("people").select("id").where("full_name", "=", fullName).executeTakeFirstOrThrow()).id;
const outboxRow = (e2e: E2E, id: number) => e2e.app.database.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const identity = (e2e: E2E, person: number, channel: ChannelName) =>
  e2e.app.database.db.selectFrom("channel_identities").selectAll().where("person_id", "=", person).where("channel", "=", channel).executeTakeFirstOrThrow();
const reports = (e2e: E2E) => e2e.app.database.db.selectFrom("outbox").selectAll().where("template", "=", "delivery:unreachable_report").where("params", "like", '%"channel":"telegram%').execute();
const settled = (e2e: E2E, id: number) =>
  e2e.until(async () => {
    const row = await outboxRow(e2e, id);
    return row.status !== "pending" && row.status !== "sending" && row;
  });

/** The committee LS with the secretary and the member linked on Telegram; the member also on "zalo". */
async function start(dialect: "sqlite" | "postgres", env: Record<string, string> = {}) {
  const zalo = standIn("zalo");
  const e2e = await E2E.start(env, dialect, { deliveryApps: { zalo: zalo.app } });
  await e2e.seedRoster();
  await e2e.link(users.secretary, names.secretary);
  await e2e.link(users.member, names.member);
  const member = await personId(e2e, names.member);
  await linkOn(e2e, member, "zalo", "z-member", new Date(e2e.clock.now().getTime() - 60 * MINUTE));
  return { e2e, zalo, member };
}

describe("delivery follows the person across apps", () => {
  let e2e: E2E | undefined;
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it.each(testDialects)("delivers on the person's other app, once, when the preferred one says they blocked the bot; nobody is told (%s)", async (dialect) => {
    const s = await start(dialect);
    e2e = s.e2e;
    e2e.tg.blockChat(users.member.id);
    const memberChat = e2e.tg.transcript(users.member.id).length;
    const [id] = await queue(e2e, [{ personId: s.member }], "Giấy mời họp quý IV");

    const row = await settled(e2e, id!);
    expect(row).toMatchObject({ status: "sent", channel: "zalo", external_message_id: "zalo-1" });
    // Telegram was tried first (the member used it last, when linking) and refused.
    expect(e2e.tg.calls("sendMessage").filter((c) => c.status === 403)).toHaveLength(1);
    expect(e2e.tg.transcript(users.member.id)).toHaveLength(memberChat);
    expect(s.zalo.sent).toEqual([{ chatId: "z-member", channel: "zalo", outboxId: id, template: "delivery:unreachable_report", text: "Giấy mời họp quý IV" }]);
    expect((await identity(e2e, s.member, "telegram")).unreachable_at).not.toBeNull();
    expect((await identity(e2e, s.member, "zalo")).unreachable_at).toBeNull();

    // The member is still reached, so the secretariat is not asked to call them.
    await new Promise((r) => setTimeout(r, 300));
    expect(await reports(e2e)).toHaveLength(0);
    expect(e2e.tg.transcript(users.secretary.id).some((m) => m.text?.includes("Không gửi được"))).toBe(false);
    expect(s.zalo.sent).toHaveLength(1);

    // The next message goes straight to the app that reaches them.
    const before403 = e2e.tg.calls("sendMessage").filter((c) => c.status === 403).length;
    const [next] = await queue(e2e, [{ personId: s.member }], "Thông báo");
    expect(await settled(e2e, next!)).toMatchObject({ status: "sent", channel: "zalo" });
    expect(e2e.tg.calls("sendMessage").filter((c) => c.status === 403)).toHaveLength(before403);
  });

  it.each(testDialects)("tells the secretariat once, and keeps the message as unreachable, when every app of the person refuses (%s)", async (dialect) => {
    const s = await start(dialect);
    e2e = s.e2e;
    e2e.tg.blockChat(users.member.id);
    s.zalo.block("z-member");
    const before = e2e.tg.transcript(users.secretary.id).length;
    const [id] = await queue(e2e, [{ personId: s.member }]);

    const row = await settled(e2e, id!);
    expect(row.status).toBe("unreachable");
    expect(row.last_error).toContain("403");
    expect(s.zalo.refused).toEqual(["z-member"]);
    expect(s.zalo.sent).toHaveLength(0);
    const report = await e2e.tg.nextReply(users.secretary.id, before, 8000);
    expect(report.text).toContain("Không gửi được tin nhắn đến đồng chí Lương Văn Đức (Sở Tài chính) qua telegram, zalo");
    await new Promise((r) => setTimeout(r, 300));
    expect(e2e.tg.transcript(users.secretary.id).slice(before)).toHaveLength(1);
    expect(await reports(e2e)).toHaveLength(1);
    expect((await identity(e2e, s.member, "telegram")).unreachable_at).not.toBeNull();
    expect((await identity(e2e, s.member, "zalo")).unreachable_at).not.toBeNull();
  });

  it.each(testDialects)("sends on the app the person used most recently (%s)", async (dialect) => {
    const s = await start(dialect);
    e2e = s.e2e;
    // Linking on Telegram was the member's latest use: Telegram.
    const [first] = await queue(e2e, [{ personId: s.member }], "Một");
    expect(await settled(e2e, first!)).toMatchObject({ status: "sent", channel: "telegram" });
    expect(e2e.tg.transcript(users.member.id).at(-1)!.text).toContain("Một");

    // The member writes on the other app (its module reports it to core, as the Telegram bot does).
    e2e.clock.advance(5 * MINUTE);
    await e2e.core.people.seen(s.member, "zalo");
    const [second] = await queue(e2e, [{ personId: s.member }], "Hai");
    expect(await settled(e2e, second!)).toMatchObject({ status: "sent", channel: "zalo" });
    expect(s.zalo.sent.map((m) => m.text)).toEqual(["Hai"]);

    // Then on Telegram again: the bot records it as it handles the update.
    e2e.clock.advance(MINUTE);
    await e2e.say(users.member, "/help");
    const [third] = await queue(e2e, [{ personId: s.member }], "Ba");
    expect(await settled(e2e, third!)).toMatchObject({ status: "sent", channel: "telegram" });
    expect(e2e.tg.transcript(users.member.id).at(-1)!.text).toContain("Ba");
    expect(s.zalo.sent).toHaveLength(1);

    // Switching back and forth within seconds counts too.
    e2e.clock.advance(10_000);
    await e2e.core.people.seen(s.member, "zalo");
    e2e.clock.advance(10_000);
    await e2e.say(users.member, "/help");
    const [fourth] = await queue(e2e, [{ personId: s.member }], "Bốn");
    expect(await settled(e2e, fourth!)).toMatchObject({ status: "sent", channel: "telegram" });
    expect(s.zalo.sent).toHaveLength(1);
  });

  it.each(testDialects)("a queue for an app that is not running (people's messages, a group post) does not hold up another app's messages, and waits for its app (%s)", async (dialect) => {
    // No "zalo" app runs in this process.
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    await e2e.link(users.member, names.member);
    const member = await personId(e2e, names.member);
    const at = e2e.clock.now().toISOString();
    const db = e2e.app.database.db;
    const zaloPeople: number[] = [];
    for (let start = 0; start < 500; start += 250) {
      const people = await db
        .insertInto("people")
        .values(Array.from({ length: 250 }, (_, i) => ({ full_name: `Zalo ${start + i}`, phone: null, email: null, locale: null, created_at: at, updated_at: at })))
        .returning("id")
        .execute();
      await db
        .insertInto("channel_identities")
        .values(people.map((p) => ({ person_id: p.id, channel: "zalo" as const, external_id: `z${p.id}`, chat_id: `z${p.id}`, username: null, linked_at: at, unreachable_at: null, unreachable_reason: null, last_seen_at: at })))
        .execute();
      zaloPeople.push(...people.map((p) => p.id));
    }
    // Queued as a caller bound to one app would have (the app named is ignored for a person: the worker picks it).
    const waiting = await queue(e2e, [{ chatId: "zg-1", channel: "zalo" }, ...zaloPeople.map((id) => ({ personId: id, channel: "zalo" as const }))]);
    const [telegramRow] = await queue(e2e, [{ personId: member }], "Sau hàng đợi Zalo");

    const t0 = Date.now();
    await e2e.tg.waitFor(() => e2e!.tg.transcript(users.member.id).find((m) => m.text?.includes("Sau hàng đợi Zalo")), 3000);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await settled(e2e, telegramRow!)).toMatchObject({ status: "sent", channel: "telegram" });
    const counts = await db.selectFrom("outbox").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).where("id", "in", waiting).groupBy("status").execute();
    expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([["pending", 501]]);
    expect(await outboxRow(e2e, waiting[0]!)).toMatchObject({ status: "pending", channel: "zalo", chat_id: "zg-1" });
  });

  it("keeps a message for the person's other app when it does not run here, after the one running refused it", async () => {
    e2e = await E2E.start();
    await e2e.seedRoster();
    await e2e.link(users.secretary, names.secretary);
    await e2e.link(users.member, names.member);
    const member = await personId(e2e, names.member);
    await linkOn(e2e, member, "zalo", "z-member");
    e2e.tg.blockChat(users.member.id);
    const [id] = await queue(e2e, [{ personId: member }]);
    await e2e.tg.waitFor(() => e2e!.tg.calls("sendMessage").find((c) => c.status === 403));
    const row = await e2e.until(async () => {
      const r = await outboxRow(e2e!, id!);
      return r.status === "pending" && r.last_error !== null && r;
    });
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    expect((await identity(e2e, member, "telegram")).unreachable_at).not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(await outboxRow(e2e, id!)).toMatchObject({ status: "pending" });
    expect(await reports(e2e)).toHaveLength(0);
  });

  it.each(testDialects)("holds a message to a person with no linked app: never due, never unreachable, and the rest goes (%s)", async (dialect) => {
    const s = await start(dialect);
    e2e = s.e2e;
    const deputy = await personId(e2e, names.deputy);
    const [held, sent] = await queue(e2e, [{ personId: deputy }, { personId: s.member }], "Giữ lại");
    expect(await settled(e2e, sent!)).toMatchObject({ status: "sent" });
    expect(await outboxRow(e2e, held!)).toMatchObject({ status: "pending", attempts: 0 });
    expect((await outboxRow(e2e, held!)).held_since).not.toBeNull();

    // A row that missed its flag (queued as the person linked, on another instance) is not due either; the
    // hourly housekeeping holds it.
    await e2e.app.database.db.updateTable("outbox").set({ held_since: null }).where("id", "=", held!).execute();
    const store = createOutboxStore(e2e.app.database.db, e2e.app.database.dialect, { locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    expect((await store.due(e2e.clock.now().getTime(), 50, ["telegram", "zalo"])).map((d) => d.row.id)).not.toContain(held);
    await e2e.core.updates.prune();
    expect((await outboxRow(e2e, held!)).held_since).not.toBeNull();
    expect(await outboxRow(e2e, held!)).toMatchObject({ status: "pending" });
  });

  it.each(testDialects)("posts to a group on the group's own app (%s)", async (dialect) => {
    const zalo = standIn("zalo");
    e2e = await E2E.start({}, dialect, { deliveryApps: { zalo: zalo.app } });
    await e2e.seedRoster();
    const group = -1001234567;
    const [telegramPost, zaloPost] = await queue(e2e, [{ chatId: String(group), channel: "telegram" }, { chatId: "zg-1", channel: "zalo" }], "Lịch trực Tết");
    expect(await settled(e2e, telegramPost!)).toMatchObject({ status: "sent", channel: "telegram", chat_id: String(group) });
    expect(e2e.tg.transcript(group).map((m) => m.text)).toEqual([expect.stringContaining("Lịch trực Tết")]);
    expect(await settled(e2e, zaloPost!)).toMatchObject({ status: "sent", channel: "zalo", chat_id: "zg-1" });
    expect(zalo.sent.map((m) => m.chatId)).toEqual(["zg-1"]);
  });
});
