import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { checkHealth, createHealth, createHealthRequestHandler, type HealthRequestHandler } from "../src/health.js";
import { createLogger } from "../src/logger.js";
import { createTestDatabase, testDialects, type TestDatabase } from "./support/databases.js";

const logger = createLogger({ level: "silent", pretty: false, secrets: [] });

describe("the health tracker", () => {
  it("knows when a platform call last succeeded, and how long ago", () => {
    let now = Date.parse("2026-11-28T03:00:00Z");
    const health = createHealth(() => now);
    expect(health.lastPlatformCallAt()).toBeUndefined();
    expect(health.platformSilenceMs()).toBe(Infinity);
    health.platformCallSucceeded();
    now += 45_000;
    expect(health.lastPlatformCallAt()?.toISOString()).toBe("2026-11-28T03:00:00.000Z");
    expect(health.platformSilenceMs()).toBe(45_000);
  });
});

describe.each(testDialects)("/healthz on %s", (dialect) => {
  let database: TestDatabase;
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await database.drop();
  });

  /** Serves the handler on a random port and GETs /healthz from it. */
  const get = async (handler: HealthRequestHandler) => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`);
    return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as unknown };
  };

  it("is 200 when the database answers and the platform answered lately; 503 naming the part that does not", async () => {
    database = await createTestDatabase(dialect);
    let now = Date.parse("2026-11-28T03:00:00Z");
    const health = createHealth(() => now);
    const deps = { health, pingDatabase: () => sql`select 1`.execute(database.handle.db), logger, maxPlatformSilenceMs: 60_000 };

    // Nothing has been heard from the platform yet.
    expect(await checkHealth(deps)).toEqual({ status: "failing", database: "ok", platform: "stale", lastPlatformCallAt: null });
    health.platformCallSucceeded();
    now += 59_000;
    expect(await get(createHealthRequestHandler(deps))).toEqual({
      status: 200,
      type: "application/json",
      body: { status: "ok", database: "ok", platform: "ok", lastPlatformCallAt: "2026-11-28T03:00:00.000Z" },
    });
    now += 2000;
    expect(await checkHealth(deps)).toEqual({ status: "failing", database: "ok", platform: "stale", lastPlatformCallAt: "2026-11-28T03:00:00.000Z" });

    health.platformCallSucceeded();
    await database.handle.close();
    const failing = await get(createHealthRequestHandler(deps));
    expect(failing.status).toBe(503);
    // The report names the failing part and nothing else: no error text, no address of the database.
    expect(failing.body).toEqual({ status: "failing", database: "failing", platform: "ok", lastPlatformCallAt: "2026-11-28T03:01:01.000Z" });
  });
});
