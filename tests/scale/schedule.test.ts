import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, MINUTE } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { STALE_RUNNING } from "../../src/core/jobs/run.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.js";
import { createLogger } from "../../src/logger.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, ROSTER_CSV } from "../support/core.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

/**
 * Two instances' schedulers on one PostgreSQL database: each has its own connection pool and core, as two
 * processes would, and they share the clock. Five unused invites make five reminders due to the secretariat.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("several instances on one PostgreSQL: the schedule once", () => {
  let db: TestDatabase;
  let second: DatabaseHandle;
  let a: Core;
  let b: Core;
  let clock: FakeClock;
  const silent = createLogger({ level: "silent", pretty: false, secrets: [] });

  beforeEach(async () => {
    db = await createTestDatabase("postgres");
    ({ core: a, clock } = coreFor(db));
    second = openDatabase(db.url, { poolSize: 5 });
    ({ core: b } = coreFor({ ...db, handle: second }, clock));
    const committee = await createProvince(a);
    await a.roster.importCsv(cliActor, committee.id, ROSTER_CSV);
    clock.advance(12 * DAY + MINUTE);
  });
  afterEach(async () => {
    await second.close();
    await db.drop();
  });

  const reminders = () => db.handle.db.selectFrom("outbox").select(["person_id", "template", "params"]).where("template", "=", "invites:expiry_reminder").execute();

  it("two schedulers ticking together run each due job once: the secretariat is reminded of each invite once", async () => {
    const [x, y] = await Promise.all([a, b].map((core) => createScheduler({ core, logger: silent }, "* * * * * *").tick()));
    expect(x!.done + y!.done).toBe(5);
    const sent = await reminders();
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((r) => JSON.parse(r.params).name)).size).toBe(5);
    // Ticking again finds nothing left to do, on either instance.
    const again = await Promise.all([a, b].map((core) => createScheduler({ core, logger: silent }, "* * * * * *").tick()));
    expect(again.map((c) => c.done)).toEqual([0, 0]);
  });

  it("a job whose holder went silent is retaken, and the old holder's done mark is refused: its work is not kept", async () => {
    const [held] = await a.jobs.claimDue("instance-a", 1);
    // Instance A stops refreshing its claim (it died, or lost the database) for longer than STALE_RUNNING.
    clock.advance(STALE_RUNNING + MINUTE);
    const retaken = await b.jobs.claimDue("instance-b", 10);
    expect(retaken.map((j) => j.id)).toContain(held!.id);
    // A comes back and finishes its run: nothing of it is committed.
    expect(await a.jobs.run(held!)).toBe("lost");
    expect(await reminders()).toHaveLength(0);
    for (const job of retaken) expect(await b.jobs.run(job)).toBe("done");
    expect(await reminders()).toHaveLength(5);
    const row = await db.handle.db.selectFrom("due_jobs").selectAll().where("id", "=", held!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "done", locked_by: "instance-b" });
  });

  it("a job whose holder is alive is not retaken before its claim is stale", async () => {
    const [held] = await a.jobs.claimDue("instance-a", 1);
    clock.advance(STALE_RUNNING - MINUTE);
    const others = await b.jobs.claimDue("instance-b", 10);
    expect(others.map((j) => j.id)).not.toContain(held!.id);
    expect(await a.jobs.run(held!)).toBe("done");
  });
});
