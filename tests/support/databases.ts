import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";

/** A database a test owns: created fresh, migrated, and dropped (or deleted) by `drop`. */
export interface TestDatabase {
  name: string;
  url: string;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** The dialects the database tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const testDialects: ("sqlite" | "postgres")[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

/** A fresh SQLite file in a temporary folder. */
export function tempSqliteUrl(): { url: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "bcd-test-"));
  return { url: `file:${join(dir, "bcd.sqlite")}`, dir };
}

/**
 * Creates a fresh database of the dialect and migrates it. On PostgreSQL a database of its own is created
 * on the server TEST_DATABASE_URL points at, and dropped afterwards, so runs never see each other's data.
 */
export async function createTestDatabase(dialect: "sqlite" | "postgres", opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const { url, dir } = tempSqliteUrl();
    const handle = openDatabase(url);
    if (opts.migrate !== false) await migrateToLatest(handle.db);
    return {
      name: "sqlite",
      url,
      handle,
      async drop() {
        await handle.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const dbName = `bcd_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const handle = openDatabase(url.toString(), { poolSize: 5 });
  if (opts.migrate !== false) await migrateToLatest(handle.db);
  return {
    name: "postgres",
    url: url.toString(),
    handle,
    async drop() {
      await handle.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      // Let closing pools finish their goodbyes first: a connection killed while it ends errors in the test.
      for (let i = 0; i < 40; i++) {
        const { rows } = await c.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = $1", [dbName]);
        if (Number(rows[0]?.n ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    },
  };
}
