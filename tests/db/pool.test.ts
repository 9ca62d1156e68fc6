import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)("the PostgreSQL pool", () => {
  it("outlives the server closing an idle connection, and the next query opens a new one", async () => {
    const bot = openDatabase(url!);
    const admin = openDatabase(url!);
    try {
      const before = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(bot.db)).rows[0]!.pid;
      // What a server restart or an administrator does to an idle connection of the bot's pool.
      await sql`select pg_terminate_backend(${before})`.execute(admin.db);
      await new Promise((r) => setTimeout(r, 300));
      const after = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(bot.db)).rows[0]!.pid;
      expect(after).not.toBe(before);
    } finally {
      await bot.close();
      await admin.close();
    }
  });
});
