import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, MINUTE } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { createLogger } from "../../src/logger.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, ROSTER_CSV } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const jobs = (db: TestDatabase) => db.handle.db.selectFrom("due_jobs").selectAll().orderBy("id").execute();

describe.each(testDialects)("the scheduler's tick on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    const committee = await createProvince(core);
    await core.roster.importCsv(cliActor, committee.id, ROSTER_CSV);
    // Five unused invites: five reminders due to the secretariat.
    clock.advance(12 * DAY + MINUTE);
  });
  afterEach(() => db.drop());

  const scheduler = () => createScheduler({ core, logger: createLogger({ level: "silent", pretty: false, secrets: [] }) }, "* * * * * *", { jobBudgetMs: 800 });

  it("runs the other jobs when one of them throws, and retries that one later", async () => {
    const [broken] = await jobs(db);
    await db.handle.db.updateTable("due_jobs").set({ payload: "{ not json" }).where("id", "=", broken!.id).execute();
    const counts = await scheduler().tick();
    expect(counts).toEqual({ done: 4, retried: 1, failed: 0 });
    const after = await jobs(db);
    expect(after.filter((j) => j.status === "done")).toHaveLength(4);
    expect(after.find((j) => j.id === broken!.id)).toMatchObject({ status: "pending" });
    expect(await db.handle.db.selectFrom("outbox").select("id").execute()).toHaveLength(4);
  });

  it.runIf(dialect === "postgres")("runs the other jobs when one of them hangs on a lock held elsewhere", async () => {
    const [stuck] = await jobs(db);
    const secretary = await db.handle.db.selectFrom("memberships").select("person_id").where("role", "=", "secretariat").executeTakeFirstOrThrow();
    // Another transaction is queueing the very message this job queues, and has not committed.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query("begin");
      await other.query(
        "insert into outbox (channel, template, params, dedupe_key, status, not_before, created_at) values ('telegram', 'x', '{}', $1, 'cancelled', '2026-01-01', '2026-01-01')",
        [`${stuck!.kind}:${JSON.parse(stuck!.payload).inviteId}:${secretary.person_id}`],
      );
      const counts = await scheduler().tick();
      expect(counts).toEqual({ done: 4, retried: 1, failed: 0 });
      expect((await jobs(db)).filter((j) => j.status === "done").map((j) => j.id)).not.toContain(stuck!.id);
    } finally {
      await other.query("rollback");
      await other.end();
    }
    // Once the lock is gone, the job that waited finishes on its own: once, with its one reminder.
    const done = await (async () => {
      for (let i = 0; i < 100; i++) {
        const j = (await jobs(db)).find((x) => x.id === stuck!.id)!;
        if (j.status === "done") return j;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    })();
    expect(done).toBeDefined();
    expect(await db.handle.db.selectFrom("outbox").select("id").execute()).toHaveLength(5);
  });
});
