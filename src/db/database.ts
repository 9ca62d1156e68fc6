import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export type DB = Kysely<Database>;
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<Database> | Transaction<Database>;
export type Dialect = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: DB;
  dialect: Dialect;
  /** The raw SQLite connection, for online backups; undefined on PostgreSQL. */
  sqlite: SQLite.Database | undefined;
  close(): Promise<void>;
}

/** Returns the SQLite file path of a `file:` URL, or undefined for PostgreSQL URLs. */
export function sqlitePath(url: string): string | undefined {
  if (url === ":memory:") return url;
  if (url.startsWith("file:")) return url.slice("file:".length);
  return undefined;
}

/**
 * Opens the database a URL names: `file:<path>` (or `:memory:`) opens SQLite through better-sqlite3,
 * creating the file and its folder on first run; `postgres://…` opens a `pg` pool.
 */
export function openDatabase(url: string, opts: { poolSize?: number } = {}): DatabaseHandle {
  const path = sqlitePath(url);
  if (path !== undefined) {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("synchronous = NORMAL");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: "sqlite", sqlite, close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  // An idle connection the server closes (a restart, an administrator) is reported on the pool; unheard, that event
  // would end the process. The pool drops that client and the next query opens a new one.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", sqlite: undefined, close: () => db.destroy() };
}
