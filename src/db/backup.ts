import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DatabaseHandle } from "./database.js";

/**
 * Online backup of the SQLite database to a file, page by page, while the bot keeps running
 * (better-sqlite3's backup API). PostgreSQL deployments use pg_dump instead.
 */
export async function backupSqlite(handle: DatabaseHandle, target: string): Promise<{ totalPages: number }> {
  if (!handle.sqlite) throw new Error("online backup is for SQLite; on PostgreSQL use pg_dump");
  mkdirSync(dirname(resolve(target)), { recursive: true });
  const result = await handle.sqlite.backup(target);
  return { totalPages: result.totalPages };
}
