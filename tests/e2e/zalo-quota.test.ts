import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { enqueueMessage } from "../../src/core/outbox.js";
import { testDialects } from "../support/databases.js";
import { users } from "../support/e2e.js";
import { ZaloDriver } from "../support/zalo-driver.js";

/** A Zalo bot's monthly quota: counted, warned of once, Telegram when it is spent, the rest held until the month turns. */
describe("Zalo quota", () => {
  let d: ZaloDriver | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  const db = (d: ZaloDriver) => d.e2e.app.database.db;
  const personId = async (d: ZaloDriver, who: "member" | "secretary") => (await d.actorOf(who)).personId;

  /** Queues a one-line message to a person (a plain text with a name in it: a notice's priority). */
  const queue = async (d: ZaloDriver, to: number, name: string) => {
    await db(d).transaction().execute((trx) =>
      enqueueMessage(trx, d.e2e.clock.now(), { template: "delivery:unreachable_report", params: { name, organization: "Sở Thử", channel: "telegram" }, to: { personId: to }, committeeId: 1 }),
    );
    d.e2e.app.worker.nudge();
  };

  const usage = async (d: ZaloDriver, month: string) => (await db(d).selectFrom("zalo_usage").selectAll().where("month", "=", month).executeTakeFirst())?.sent ?? 0;

  it.each(testDialects)("counts the month's sends, warns the secretariat once at 80 %, then sends by Telegram and holds the rest until the month turns (%s)", async (dialect) => {
    // Five messages a month: the warning comes at the fourth. The fake's own plan is larger, so only ours counts.
    d = await ZaloDriver.start(["secretary", "member"], { dialect, env: { ZALO_MONTHLY_QUOTA: "5", ZALO_QUOTA_WARN_PERCENT: "80" } });
    const dz = d;
    const secretary = await personId(d, "secretary");
    const member = await personId(d, "member");
    // The member is on Telegram too; Zalo is the app they used last.
    const invite = await d.e2e.core.invites.reissue(cliActor, (await d.actorOf("member")).seats[0]!.membershipId);
    await d.e2e.say(users.member, `/start ${invite.code}`);
    await db(d).updateTable("channel_identities").set({ last_seen_at: "2026-11-23T03:00:00.000Z" }).where("channel", "=", "zalo").execute();

    for (let i = 1; i <= 3; i++) await queue(d, secretary, `Người số ${i}`);
    await d.next("secretary", "Người số 3");
    expect(await d.e2e.until(async () => (await usage(dz, "2026-11")) === 3)).toBe(true);
    expect(d.said("secretary").join("\n")).not.toContain("Hạn mức Zalo");

    // The fourth reaches 80 %: the secretariat is warned (the warning itself is the fifth message).
    await queue(d, secretary, "Người số 4");
    expect(await d.next("secretary", "Hạn mức Zalo đã dùng 80%")).toContain("4/5");
    expect(await d.e2e.until(async () => (await usage(dz, "2026-11")) === 5)).toBe(true);
    expect(d.zalo.quotaUsed).toBe(5);

    // Spent: the member's message goes by Telegram; the secretary's (Zalo only) waits for December.
    await queue(d, member, "Người qua Telegram");
    await d.e2e.tg.waitFor(() => dz.e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Người qua Telegram")), 8000);
    expect(d.said("member").join("\n")).not.toContain("Người qua Telegram");
    await queue(d, secretary, "Người chờ tháng sau");
    await queue(d, secretary, "Người chờ nữa");
    const held = await d.e2e.until(async () => {
      const rows = await db(dz).selectFrom("outbox").selectAll().where("person_id", "=", secretary).where("status", "=", "pending").execute();
      return rows.length >= 3 && rows.every((r) => r.not_before === "2026-11-30T17:00:00.000Z") ? rows : undefined;
    });
    // Told once that the quota is spent (held with the rest: the secretary reads only Zalo).
    expect(held.filter((r) => r.template === "delivery:zalo_quota_spent")).toHaveLength(1);
    expect(held.filter((r) => r.template === "delivery:unreachable_report")).toHaveLength(2);
    expect(d.zalo.quotaUsed).toBe(5);
    const warnings = await db(d).selectFrom("outbox").select("id").where("template", "=", "delivery:zalo_quota_warning").execute();
    expect(warnings).toHaveLength(1);

    // December, in the installation's zone: what waited goes, counted against the new month.
    d.e2e.clock.set("2026-11-30T17:00:01.000Z");
    d.e2e.app.worker.nudge();
    await d.next("secretary", "Người chờ nữa");
    await d.next("secretary", "Đã hết hạn mức Zalo tháng 11/2026");
    expect(d.said("secretary").join("\n")).toContain("Người chờ tháng sau");
    expect(await d.e2e.until(async () => (await usage(dz, "2026-12")) === 3)).toBe(true);
    expect(d.said("secretary").filter((m) => m.includes("Hạn mức Zalo đã dùng"))).toHaveLength(1);
  });

  it("warns at start when more people are linked on Zalo than the plan serves", async () => {
    d = await ZaloDriver.start(["secretary", "member"], { env: { ZALO_MAX_PEOPLE: "1" } });
    expect(d.e2e.logs.some((l) => l.includes("ZALO_MAX_PEOPLE"))).toBe(false);
    await d.e2e.restart();
    expect(d.e2e.logs.some((l) => l.includes("ZALO_MAX_PEOPLE") && l.includes('"people":2'))).toBe(true);
  });

  it("takes Zalo's own \"Quota exceeded\" for a spent month: the message waits for the month's turn", async () => {
    d = await ZaloDriver.start(["member"], { telegram: false, fake: { quota: 0 } });
    const dz = d;
    await queue(d, await personId(d, "member"), "Người chờ hạn mức");
    const row = await d.e2e.until(async () => {
      const r = await db(dz).selectFrom("outbox").selectAll().where("template", "=", "delivery:unreachable_report").executeTakeFirst();
      return r?.not_before === "2026-11-30T17:00:00.000Z" ? r : undefined;
    });
    expect(row.status).toBe("pending");
    const month = await db(d).selectFrom("zalo_usage").selectAll().executeTakeFirstOrThrow();
    expect(month.spent_at).not.toBeNull();
    expect(d.e2e.logs.join("\n")).not.toContain(d.zalo.token);
  });

  it("stops reminders first when the month's reserve begins, while other messages still go", async () => {
    // Ten a month, the last 30 % kept: reminders stop at the 7th message, notices at the 9th.
    d = await ZaloDriver.start(["secretary"], { telegram: false, env: { ZALO_MONTHLY_QUOTA: "10", ZALO_QUOTA_RESERVE_PERCENT: "30" } });
    const dz = d;
    const secretary = await personId(d, "secretary");
    for (let i = 1; i <= 7; i++) await queue(d, secretary, `Người số ${i}`);
    await d.next("secretary", "Người số 7");
    expect(await d.e2e.until(async () => (await usage(dz, "2026-11")) === 7)).toBe(true);
    await db(d).transaction().execute((trx) =>
      enqueueMessage(trx, dz.e2e.clock.now(), {
        template: "invites:expiry_reminder",
        params: { name: "Người được nhắc", organization: "Sở Thử", expiresAt: "25/11/2026 08:00", memberId: 1 },
        to: { personId: secretary },
        committeeId: 1,
      }),
    );
    await queue(d, secretary, "Người sau lời nhắc");
    await d.next("secretary", "Người sau lời nhắc");
    const reminder = await d.e2e.until(async () => {
      const r = await db(dz).selectFrom("outbox").selectAll().where("template", "=", "invites:expiry_reminder").executeTakeFirst();
      return r?.not_before === "2026-11-30T17:00:00.000Z" ? r : undefined;
    });
    expect(reminder.status).toBe("pending");
    expect(d.said("secretary").join("\n")).not.toContain("Người được nhắc");
  });
});
