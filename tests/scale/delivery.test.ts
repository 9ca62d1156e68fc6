import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { seedBroadcast } from "../../bench/broadcast.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { FakeTelegram, type DeliveryRecord } from "../support/fake-telegram.js";
import { startInstance, until, type Instance } from "../support/instances.js";

/**
 * Several instances of the program on one PostgreSQL database, sending one broadcast for one bot token. The
 * fake Bot API enforces a flood limit lower than Telegram's 30/s with the gate's ceiling scaled alike
 * (29.7 of 30 → 9.9 of 10), so a broadcast takes seconds, not minutes; the benchmark runs Telegram's figures.
 */
const LIMIT = 10;
const RATE = String((LIMIT * 29.7) / 30);

const statusesOf = async (db: TestDatabase) => {
  const rows = await db.handle.db.selectFrom("outbox").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
};

/** Chats without the message, and deliveries beyond the first to a chat. */
const tally = (chatIds: string[], deliveries: readonly DeliveryRecord[]) => {
  const per = new Map<string, number>();
  for (const d of deliveries) per.set(d.chatId, (per.get(d.chatId) ?? 0) + 1);
  return { lost: chatIds.filter((c) => !per.has(c)).length, doubled: [...per.values()].reduce((s, n) => s + n - 1, 0) };
};

describe.skipIf(!process.env.TEST_DATABASE_URL)("several instances on one PostgreSQL: one rate per bot token", () => {
  let fake: FakeTelegram | undefined;
  let db: TestDatabase | undefined;
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const i of instances.splice(0)) {
      if (i.run.child.exitCode === null && i.run.child.signalCode === null) {
        i.run.child.kill("SIGTERM");
        await i.run.exited;
      }
    }
    await fake?.stop();
    await db?.drop();
  });

  it("three instances send a broadcast from one of them, at the token's rate: none lost, none doubled, no 429 storm", async () => {
    fake = await FakeTelegram.start({ rateLimit: { globalPerSecond: LIMIT, perChatPerSecond: 1, retryAfterSeconds: 1 } });
    db = await createTestDatabase("postgres");
    const recipients = 300;
    const { chatIds } = await seedBroadcast(db.url, recipients, Date.now());
    instances.push(...(await Promise.all([0, 1, 2].map(() => startInstance(fake!, db!.url, { OUTBOX_RATE_PER_SECOND: RATE })))));
    await until(async () => (await statusesOf(db!)).sent === recipients, 120_000, "the broadcast to be sent");
    await new Promise((r) => setTimeout(r, 500));

    expect(tally(chatIds, fake.deliveries)).toEqual({ lost: 0, doubled: 0 });
    expect(await statusesOf(db)).toEqual({ sent: recipients });
    // One instance sent every message: three gates at 9.9/s each would have offered the platform 30/s.
    const senders = await db.handle.db.selectFrom("outbox").select("claimed_by").distinct().execute();
    expect(senders).toHaveLength(1);
    const healths = await Promise.all(instances.map((i) => i.health()));
    expect(healths.map((h) => h?.sendingFor ?? []).flat()).toEqual(["telegram"]);
    // As one instance alone: a 429 at most now and then, from jitter at the edge of the limit.
    expect(fake.stats.rejected429).toBeLessThanOrEqual(3);
  }, 180_000);

  it("when the sending instance is killed mid-broadcast another takes over: nothing lost, only the sends in flight may go twice", async () => {
    fake = await FakeTelegram.start({ rateLimit: { globalPerSecond: LIMIT, perChatPerSecond: 1, retryAfterSeconds: 1 } });
    db = await createTestDatabase("postgres");
    const recipients = 200;
    const { chatIds } = await seedBroadcast(db.url, recipients, Date.now());
    instances.push(...(await Promise.all([0, 1].map(() => startInstance(fake!, db!.url, { OUTBOX_RATE_PER_SECOND: RATE })))));
    await until(() => fake!.deliveries.length >= 60, 60_000, "60 deliveries");

    const healths = await Promise.all(instances.map((i) => i.health()));
    const holder = healths.findIndex((h) => h?.sendingFor?.includes("telegram"));
    expect(holder).toBeGreaterThanOrEqual(0);
    const victim = instances[holder]!;
    const survivor = instances[1 - holder]!;
    victim.run.child.kill("SIGKILL");
    await victim.run.exited;
    const killedAt = performance.now();
    const deliveredAtKill = fake.deliveries.length;
    // Claimed and perhaps delivered, outcome never recorded: the only rows that may go twice.
    const inFlight = (await statusesOf(db)).sending ?? 0;

    await until(async () => (await statusesOf(db!)).sent === recipients, 120_000, "the broadcast to be finished by the survivor");
    const resumed = fake.deliveries.find((d, i) => i >= deliveredAtKill && d.realAt > killedAt);
    console.log(`takeover: the survivor's first send ${Math.round((resumed?.realAt ?? Number.NaN) - killedAt)} ms after the kill; ${inFlight} sends were in flight`);

    const { lost, doubled } = tally(chatIds, fake.deliveries);
    expect(lost).toBe(0);
    expect(doubled).toBeLessThanOrEqual(inFlight);
    expect(await statusesOf(db)).toEqual({ sent: recipients });
    expect((await survivor.health())?.sendingFor).toEqual(["telegram"]);
  }, 180_000);
});
