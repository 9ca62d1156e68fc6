/**
 * Query plans of what a piece of core runs: a dedicated Kysely instance with a `log` hook records every
 * statement (SQL and parameters) while the code runs once; then each distinct statement is explained
 * (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL) and checked for a full scan of a big table.
 */
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from "kysely";
import pg from "pg";
import type { DatabaseHandle, DB } from "../src/db/database.js";
import type { Database } from "../src/db/schema.js";

/** The tables a full scan of is never acceptable at this scale, whatever their row count in the seed. */
export const BIG_TABLES = ["progress_updates", "invitations", "memberships", "notice_recipients", "opinion_recipients", "opinion_answers", "outbox", "people", "tasks", "channel_identities"];
/** Any other table with at least this many rows counts as big too. */
const BIG_ROWS = 5_000;
/**
 * On PostgreSQL a sequential scan is the right plan when the query keeps most of the table (every invitation
 * of the one meeting that holds a third of them); below this share of the table's rows it is flagged.
 */
const SEQ_SCAN_SHARE = 0.3;

export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
  /** How many times the code ran this statement (N+1 loops show up here). */
  runs: number;
}

export interface ExplainedQuery extends CapturedQuery {
  plan: string[];
  /** Why the plan is refused (a full scan of a big table), empty when it passes. */
  problems: string[];
}

/** A second Kysely over the same database whose `log` records every statement; `close` releases it. */
export function recordingDb(h: DatabaseHandle, url: string): { db: DB; queries: Map<string, CapturedQuery>; close(): Promise<void> } {
  const queries = new Map<string, CapturedQuery>();
  const log = (e: LogEvent) => {
    const q = queries.get(e.query.sql);
    if (q) q.runs++;
    else queries.set(e.query.sql, { sql: e.query.sql, parameters: e.query.parameters, runs: 1 });
  };
  if (h.sqlite) {
    // Not destroyed: destroying it would close the shared better-sqlite3 connection.
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: h.sqlite }), log });
    return { db, queries, close: async () => undefined };
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }), log });
  return { db, queries, close: () => db.destroy() };
}

/** Table names by the aliases a statement gives them (`"progress_updates" as "u"`). */
function aliases(sqlText: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of sqlText.matchAll(/"(\w+)" as "(\w+)"/g)) out.set(m[2]!, m[1]!);
  return out;
}

/** Row counts of every SQLite table, to decide what "big" is in this database. */
function tableRows(h: DatabaseHandle): Map<string, number> {
  const out = new Map<string, number>();
  const tables = h.sqlite!.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'").all() as { name: string }[];
  for (const { name } of tables) out.set(name, (h.sqlite!.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n);
  return out;
}

const isBig = (table: string, rows: Map<string, number>) => BIG_TABLES.includes(table) || (rows.get(table) ?? 0) >= BIG_ROWS;

/** Explains every captured statement on SQLite and flags `SCAN` (a full table or full index scan) of a big table. */
function explainSqlite(h: DatabaseHandle, queries: CapturedQuery[], rows: Map<string, number>): ExplainedQuery[] {
  return queries.map((q) => {
    const names = aliases(q.sql);
    const plan = (h.sqlite!.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as { detail: string }[]).map((r) => r.detail);
    const problems: string[] = [];
    for (const line of plan) {
      const m = line.match(/^SCAN (?:TABLE )?(\w+)(?: AS (\w+))?/);
      if (!m || m[1] === "CONSTANT") continue;
      const table = names.get(m[2] ?? m[1]!) ?? m[1]!;
      if (isBig(table, rows)) problems.push(`full scan of ${table} (${(rows.get(table) ?? 0).toLocaleString("en")} rows): ${line}`);
    }
    return { ...q, plan, problems };
  });
}

/**
 * Explains every captured statement on PostgreSQL and flags a `Seq Scan` of a big table (at least BIG_ROWS rows)
 * that keeps only a small share of it.
 */
async function explainPostgres(url: string, queries: CapturedQuery[]): Promise<ExplainedQuery[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = new Map<string, number>();
    for (const r of (await client.query<{ relname: string; n: string }>("select relname, n_live_tup as n from pg_stat_user_tables")).rows) rows.set(r.relname, Number(r.n));
    const out: ExplainedQuery[] = [];
    for (const q of queries) {
      const plan = (await client.query<{ "QUERY PLAN": string }>(`explain ${q.sql}`, q.parameters as unknown[])).rows.map((r) => r["QUERY PLAN"]);
      const problems: string[] = [];
      for (const line of plan) {
        const m = line.match(/Seq Scan on (\w+)(?: (\w+))?\s+\(cost=[\d.]+\.\.[\d.]+ rows=(\d+)/);
        if (!m) continue;
        const table = m[1]!;
        const total = rows.get(table) ?? 0;
        const kept = Number(m[3]);
        // PostgreSQL plans by cost: a small table read whole is its right choice, whatever its name.
        if (isBig(table, rows) && total >= BIG_ROWS && kept / total < SEQ_SCAN_SHARE) problems.push(`sequential scan of ${table} (${total.toLocaleString("en")} rows) keeping about ${kept.toLocaleString("en")}: ${line.trim()}`);
      }
      out.push({ ...q, plan, problems });
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Explains and checks every statement captured. */
export async function explainAll(h: DatabaseHandle, url: string, queries: Map<string, CapturedQuery>): Promise<ExplainedQuery[]> {
  const list = [...queries.values()];
  return h.sqlite ? explainSqlite(h, list, tableRows(h)) : explainPostgres(url, list);
}

/** Prints each statement (shortened), how often it ran, its plan, and the problems found; returns how many failed. */
export function printPlans(title: string, explained: ExplainedQuery[], verbose: boolean): number {
  const failed = explained.filter((q) => q.problems.length > 0);
  console.log(`  ${title}: ${explained.length} distinct statements, ${explained.reduce((n, q) => n + q.runs, 0).toLocaleString("en")} run in all`);
  for (const q of explained) {
    if (!verbose && q.problems.length === 0) continue;
    const text = q.sql.replace(/\s+/g, " ");
    console.log(`    ×${q.runs.toLocaleString("en")}  ${text.length > 200 ? `${text.slice(0, 197)}…` : text}`);
    for (const line of q.plan) console.log(`        ${line}`);
    for (const p of q.problems) console.log(`        !! ${p}`);
  }
  if (failed.length) console.log(`  PLAN CHECK FAILED: ${failed.length} statement(s) scan a big table in full`);
  else console.log("  plan check passed: no full scan of a big table");
  return failed.length;
}
