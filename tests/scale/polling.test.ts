import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { users } from "../support/e2e.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { startInstance, until, type Instance } from "../support/instances.js";

const POLLING_STARTED = "Telegram long polling started";
const polls = (i: Instance) => i.run.output().stdout.includes(POLLING_STARTED);

describe.skipIf(!process.env.TEST_DATABASE_URL)("several instances on one PostgreSQL in polling mode", () => {
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

  it("one instance polls Telegram at a time; when it is killed another takes over and answers", async () => {
    fake = await FakeTelegram.start();
    db = await createTestDatabase("postgres");
    instances.push(...(await Promise.all([0, 1].map(() => startInstance(fake!, db!.url, {}, "polling")))));
    await until(() => instances.some(polls), 30_000, "an instance to poll");
    // Long enough for a second poller to have started, were there one.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(instances.filter(polls)).toHaveLength(1);
    // The one standing by is healthy too.
    expect((await Promise.all(instances.map((i) => i.health()))).map((h) => h?.status)).toEqual(["ok", "ok"]);

    const poller = instances.find(polls)!;
    const other = instances.find((i) => i !== poller)!;
    poller.run.child.kill("SIGKILL");
    await poller.run.exited;
    await until(() => polls(other), 20_000, "the other instance to poll");
    fake.sendText(users.stranger, "/start");
    await fake.waitFor(() => fake!.lastMessage(users.stranger.id), 15_000, "an answer from the instance that took over");
  }, 120_000);
});
