import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY } from "../../src/core/clock.js";
import { enqueueMessage } from "../../src/core/outbox.js";
import { INTERRUPTED_TWICE } from "../../src/delivery/outbox-store.js";
import { testDialects } from "../support/databases.js";
import { E2E, users } from "../support/e2e.js";

/** Links `count` extra members straight through core, each with its own Telegram chat. */
async function linkCrowd(e2e: E2E, count: number): Promise<{ personId: number; chatId: number }[]> {
  const rows = Array.from({ length: count }, (_, i) => `Thành viên Số ${i + 1},member,Đơn vị ${i + 1},Giám đốc,,tv${i + 1}@ls.gov.vn`);
  const report = await e2e.core.roster.importCsv(cliActor, 1, ["full_name,role,organization,title,phone,email", ...rows].join("\n"));
  const out = [];
  for (const [i, invite] of report.invites.entries()) {
    const chatId = 800_000_000 + i;
    await e2e.core.invites.redeem({ channel: "telegram", externalId: String(chatId), chatId: String(chatId), username: null, code: invite.code });
    out.push({ personId: invite.personId, chatId });
  }
  return out;
}

async function queue(e2e: E2E, personIds: number[], text = "Thông báo thử") {
  await e2e.app.database.db.transaction().execute(async (trx) => {
    for (const personId of personIds) {
      await enqueueMessage(trx, e2e.clock.now(), {
        template: "delivery:unreachable_report",
        params: { name: text, organization: String(personId), channel: "telegram" },
        to: { personId },
        committeeId: 1,
      });
    }
  });
  e2e.app.worker.nudge();
}

const outboxRows = (e2e: E2E) => e2e.app.database.db.selectFrom("outbox").selectAll().orderBy("id").execute();

describe("outbox and delivery worker, through the fake Bot API", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  it.each(testDialects)("delivers queued messages once after a restart, including one left in flight by a crash (%s)", async (dialect) => {
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    const crowd = await linkCrowd(e2e, 5);
    e2e.tg.failAll("sendMessage", { error_code: 500, description: "Internal Server Error" });
    await queue(e2e, crowd.map((c) => c.personId));
    await e2e.tg.waitFor(() => e2e.tg.calls("sendMessage").length >= 5);
    await e2e.restart();
    // As if a hard kill had interrupted a send two minutes ago: the row is still marked as being sent.
    const killedAt = new Date(e2e.clock.now().getTime() - 120_000).toISOString();
    await e2e.app.database.db.updateTable("outbox").set({ status: "sending", claimed_at: killedAt }).where("id", "=", 1).execute();
    e2e.tg.clearFaults();
    await e2e.restart();
    const settled = await e2e.until(async () => {
      const rows = await outboxRows(e2e);
      return rows.every((r) => r.status === "sent") && rows;
    });
    expect(settled).toHaveLength(5);
    for (const c of crowd) expect(e2e.tg.transcript(c.chatId)).toHaveLength(1);
    for (const r of settled) {
      expect(r.external_message_id).not.toBeNull();
      expect(r.last_error).toBeNull();
      expect(r.attempts).toBeGreaterThanOrEqual(2);
    }
  });

  it("rides out a 429 storm: every message arrives once and sends pause for retry_after", async () => {
    e2e = await E2E.start({ OUTBOX_RATE_PER_SECOND: "50", OUTBOX_PER_CHAT_INTERVAL_MS: "1000" });
    await e2e.seedRoster();
    const crowd = await linkCrowd(e2e, 30);
    e2e.tg.failNext("sendMessage", 4, { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    await queue(e2e, crowd.map((c) => c.personId));
    await e2e.tg.waitFor(() => crowd.every((c) => e2e.tg.transcript(c.chatId).length >= 1), 15_000);
    for (const c of crowd) expect(e2e.tg.transcript(c.chatId)).toHaveLength(1);
    const calls = e2e.tg.calls("sendMessage");
    const first429 = calls.find((c) => c.status === 429)!;
    const lastOf429 = calls.filter((c) => c.status === 429).at(-1)!;
    // Nothing was accepted in the second after the first 429 but the sends already in flight.
    const early = calls.filter((c) => c.status === 200 && c.realAt > first429.realAt + 150 && c.realAt < first429.realAt + 900);
    expect(early).toHaveLength(0);
    expect(lastOf429).toBeDefined();
    const rows = await e2e.until(async () => {
      const r = await outboxRows(e2e);
      return r.every((x) => x.status === "sent") && r;
    });
    expect(rows).toHaveLength(30);
    expect(Math.max(...rows.map((r) => r.attempts))).toBeLessThanOrEqual(2);
  });

  it("marks a person who blocked the bot unreachable and tells the secretariat", async () => {
    e2e = await E2E.start();
    await e2e.seedRoster();
    await e2e.link(users.secretary, "Phạm Thị Ngọc Ánh");
    await e2e.link(users.member, "Lương Văn Đức");
    const member = await e2e.app.database.db.selectFrom("people").select("id").where("full_name", "=", "Lương Văn Đức").executeTakeFirstOrThrow();
    e2e.tg.blockChat(users.member.id);
    const before = e2e.tg.transcript(users.secretary.id).length;
    await queue(e2e, [member.id], "Giấy mời họp");
    const report = await e2e.tg.nextReply(users.secretary.id, before, 8000);
    expect(report.text).toContain("Không gửi được tin nhắn đến đồng chí Lương Văn Đức (Sở Tài chính) qua telegram");
    const [row] = (await outboxRows(e2e)).filter((r) => r.person_id === member.id);
    expect(row).toMatchObject({ status: "unreachable" });
    expect(row!.last_error).toContain("403");
    const list = await e2e.say(users.secretary, "/members");
    expect(list.text).toContain("Lương Văn Đức — Thành viên; Giám đốc, Sở Tài chính — ⛔ không nhận được tin nhắn");

    // Writing to the bot again means they unblocked it.
    await e2e.say(users.member, "/help");
    const identity = await e2e.app.database.db.selectFrom("channel_identities").select("unreachable_at").where("person_id", "=", member.id).executeTakeFirstOrThrow();
    expect(identity.unreachable_at).toBeNull();
  });

  it.each(testDialects)("runs the invite expiry reminder from the schedule once and delivers it in the committee's time (%s)", async (dialect) => {
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    await e2e.link(users.secretary, "Phạm Thị Ngọc Ánh");
    await e2e.link(users.chair, "Hồ Tiến Thiệu");
    e2e.clock.advance(12 * DAY + 60_000);
    expect(await e2e.app.scheduler.tick()).toMatchObject({ done: 3 });
    const reminders = await e2e.tg.waitForMessages(users.secretary.id, 4, 8000);
    const texts = reminders.slice(1).map((m) => m.text!);
    expect(texts.find((t) => t.includes("Lương Văn Đức"))).toMatch(
      /Nhắc việc: đường liên kết mời của đồng chí Lương Văn Đức \(Sở Tài chính\) sẽ hết hạn lúc 07\/12\/2026 09:00 nhưng chưa được sử dụng\. .*\/invite 4/,
    );
    expect(await e2e.app.scheduler.tick()).toMatchObject({ done: 0 });
    await e2e.restart();
    expect(await e2e.app.scheduler.tick()).toMatchObject({ done: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(e2e.tg.transcript(users.secretary.id)).toHaveLength(4);
  });

  it("sets aside a message that takes longer than its budget to send, and delivers the others meanwhile", async () => {
    e2e = await E2E.start({}, "sqlite", { sendBudgetMs: 500 });
    await e2e.seedRoster();
    const crowd = await linkCrowd(e2e, 3);
    // Telegram accepts the first message and never answers; the sender's own timeout is 30 s.
    e2e.tg.hangNext("sendMessage", 60_000);
    await queue(e2e, crowd.map((c) => c.personId));
    const rows = await e2e.until(async () => {
      const r = await outboxRows(e2e);
      return r.every((x) => x.status === "sent" || x.status === "failed") && r;
    });
    expect(rows.map((r) => r.status).sort()).toEqual(["failed", "sent", "sent"]);
    expect(rows.find((r) => r.status === "failed")!.last_error).toMatch(/took longer than/);
  });

  it.each(testDialects)("sets aside a message the program stopped on twice, and takes updates at once after the restart (%s)", async (dialect) => {
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    await e2e.link(users.member, "Lương Văn Đức");
    const crowd = await linkCrowd(e2e, 2);
    e2e.tg.failAll("sendMessage", { error_code: 500, description: "Internal Server Error" });
    await queue(e2e, crowd.map((c) => c.personId));
    await e2e.tg.waitFor(() => e2e.tg.calls("sendMessage").length >= 2);
    e2e.tg.clearFaults();
    // As if the program had been killed while sending row 1, for the second time (it had been requeued once).
    await e2e.restart((db) =>
      db.updateTable("outbox").set({ status: "sending", claimed_at: new Date(e2e.clock.now().getTime() - 120_000).toISOString(), interruptions: 1 }).where("id", "=", 1).execute(),
    );

    expect((await e2e.say(users.member, "/help")).text).toBeTruthy();
    const rows = await e2e.until(async () => {
      const r = await outboxRows(e2e);
      return r.every((x) => x.status !== "pending" && x.status !== "sending") && r;
    });
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [1, "failed"],
      [2, "sent"],
    ]);
    expect(rows[0]!.last_error).toBe(INTERRUPTED_TWICE);
    expect(e2e.tg.transcript(crowd[0]!.chatId)).toHaveLength(0);
    expect(e2e.logs.some((l) => l.includes("set aside as failed"))).toBe(true);
  });
});
