import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe.each(testDialects)("numbered choices on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
  });
  afterEach(() => db.drop());

  it("continues the chat's numbers, keeps earlier ones valid, and survives a restart", async () => {
    expect(await core.choices.number("zalo", "c1", ["m:a:1:1", "m:b:1:1", "m:p:1:1"])).toEqual(["1", "2", "3"]);
    expect(await core.choices.number("zalo", "c1", ["n:a:9"])).toEqual(["4"]);
    expect(await core.choices.number("zalo", "c2", ["n:a:10"])).toEqual(["1"]);
    // A new core over the same database: what "2" means in chat c1 is still known.
    const again = coreFor(db, clock).core;
    expect(await again.choices.resolve("zalo", "c1", "2")).toEqual({ action: "m:b:1:1" });
    expect(await again.choices.resolve("zalo", "c2", "1")).toEqual({ action: "n:a:10" });
    expect(await again.choices.resolve("zalo", "c1", "7")).toBeUndefined();
  });

  it("starts again after 99, and a number older than 30 days is stale", async () => {
    await core.choices.number("zalo", "c1", Array.from({ length: 98 }, (_, i) => `x:${i}`));
    expect(await core.choices.number("zalo", "c1", ["y:1", "y:2", "y:3"])).toEqual(["99", "1", "2"]);
    expect(await core.choices.resolve("zalo", "c1", "1")).toEqual({ action: "y:2" });
    clock.advance(31 * DAY);
    expect(await core.choices.resolve("zalo", "c1", "1")).toBe("stale");
  });

  it("letters the choices of a question answered by a number, and numbers them again after the next message", async () => {
    expect(await core.choices.number("zalo", "c1", ["r:k", "m:x"], { awaitsNumber: true })).toEqual(["a", "b"]);
    expect(await core.choices.awaitsNumber("zalo", "c1")).toBe(true);
    expect(await core.choices.resolve("zalo", "c1", "B")).toEqual({ action: "m:x" });
    // The numbers carry on from before the lettered question; the question no longer waits for a number.
    expect(await core.choices.number("zalo", "c1", ["n:a:1"])).toEqual(["1"]);
    expect(await core.choices.awaitsNumber("zalo", "c1")).toBe(false);
    // A message without choices (a refusal of "120 %") leaves the question waiting for its number.
    await core.choices.number("zalo", "c2", ["r:k"], { awaitsNumber: true });
    await core.choices.number("zalo", "c2", []);
    expect(await core.choices.awaitsNumber("zalo", "c2")).toBe(true);
  });
});
