import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { seedBroadcast } from "../../bench/broadcast.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startInstance, type Instance } from "../support/instances.js";

/** A seeded member's private chat (bench/broadcast.ts seeds members whose Telegram ids start here). */
const CHAT = 900_000_000;

const update = (updateId: number, text: string, chat = CHAT) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chat, type: "private", first_name: "Thành viên" },
    from: { id: chat, is_bot: false, first_name: "Thành viên" },
    text,
    entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
  },
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("several instances on one PostgreSQL: one conversation per person at a time", () => {
  let fake: FakeTelegram | undefined;
  let db: TestDatabase | undefined;
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const i of instances.splice(0)) {
      i.run.child.kill("SIGTERM");
      await i.run.exited;
    }
    await fake?.stop();
    await db?.drop();
  });

  it("one person's rapid updates spread over two instances are handled one after another, in order", async () => {
    fake = await FakeTelegram.start();
    db = await createTestDatabase("postgres");
    await seedBroadcast(db.url, 2, Date.now());
    await db.handle.db.deleteFrom("outbox").execute();
    instances.push(...(await Promise.all([0, 1].map(() => startInstance(fake!, db!.url)))));
    const [a, b] = instances as [Instance, Instance];
    // Another member's first messages warm both instances up (connections, code paths run once).
    expect(await a.post(update(900, "/help", CHAT + 1))).toBe(200);
    expect(await b.post(update(901, "/help", CHAT + 1))).toBe(200);

    // The first reply is slow to reach Telegram: an instance that did not wait its turn would answer the
    // next update, read the language before the first committed it, or overtake it.
    fake.hangNext("sendMessage", 1500);
    const texts = ["/lang en", "/help", "/lang vi", "/help", "/lang en", "/help"];
    const posts: Promise<number>[] = [];
    for (const [i, text] of texts.entries()) {
      posts.push((i % 2 === 0 ? a : b).post(update(1000 + i, text)));
      await sleep(100);
    }
    expect(await Promise.all(posts)).toEqual(texts.map(() => 200));

    const replies = fake.transcript(CHAT).filter((m) => m.fromBot).map((m) => m.text ?? "");
    const kinds = replies.map((r) =>
      r.startsWith("Switched to English") ? "lang:en" : r.startsWith("Đã chuyển sang tiếng Việt") ? "lang:vi" : r.includes("Steering Committee assistant") ? "help:en" : r.includes("Trợ lý Ban Chỉ đạo") ? "help:vi" : r,
    );
    expect(kinds).toEqual(["lang:en", "help:en", "lang:vi", "help:vi", "lang:en", "help:en"]);
  }, 120_000);
});
