import { sql } from "kysely";
import type { DueJobRow } from "../../db/schema.js";
import { addMs, iso, MINUTE } from "../clock.js";
import type { CoreContext } from "../context.js";
import { jobHandlers } from "./handlers.js";

const MAX_JOB_ATTEMPTS = 5;
/** On PostgreSQL a job's statement that waits longer than this (a lock held elsewhere) is cancelled and the job retried. */
const JOB_STATEMENT_TIMEOUT_MS = 30_000;
/** A job left "running" this long was held by an instance that died; it goes back to the queue. */
const STALE_RUNNING = 10 * MINUTE;

/**
 * Claims up to `limit` due jobs for this instance atomically: on PostgreSQL with FOR UPDATE SKIP LOCKED,
 * so several instances never take the same job; on SQLite the write transaction does the same.
 */
export async function claimDueJobs(ctx: CoreContext, instanceId: string, limit = 50): Promise<DueJobRow[]> {
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("due_jobs")
      .set({ status: "pending", locked_at: null, locked_by: null })
      .where("status", "=", "running")
      .where("locked_at", "<", iso(addMs(now, -STALE_RUNNING)))
      .execute();
    let due = trx
      .selectFrom("due_jobs")
      .select("id")
      .where("status", "=", "pending")
      .where("run_at", "<=", iso(now))
      .orderBy("run_at")
      .orderBy("id")
      .limit(limit);
    if (ctx.dialect === "postgres") due = due.modifyEnd(sql`for update skip locked`);
    const ids = (await due.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable("due_jobs")
      .set((eb) => ({ status: "running", locked_at: iso(now), locked_by: instanceId, attempts: eb("attempts", "+", 1) }))
      .where("id", "in", ids)
      .where("status", "=", "pending")
      .returningAll()
      .execute();
  });
}

/**
 * Runs a claimed job through its core handler and marks it done in the same transaction. A failing job
 * is retried with a growing delay and, after a few attempts, kept as failed with its error for a person to read.
 */
export async function runDueJob(ctx: CoreContext, job: DueJobRow): Promise<"done" | "retry" | "failed"> {
  const handler = jobHandlers[job.kind];
  try {
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await ctx.db.transaction().execute(async (trx) => {
      if (ctx.dialect === "postgres") await sql`set local statement_timeout = ${sql.raw(String(JOB_STATEMENT_TIMEOUT_MS))}`.execute(trx);
      await handler(trx, ctx, JSON.parse(job.payload) as Record<string, unknown>, job.id);
      await trx.updateTable("due_jobs").set({ status: "done", done_at: iso(ctx.clock()), last_error: null }).where("id", "=", job.id).execute();
    });
    return "done";
  } catch (e) {
    const failed = job.attempts >= MAX_JOB_ATTEMPTS || !handler;
    await ctx.db
      .updateTable("due_jobs")
      .set({
        status: failed ? "failed" : "pending",
        run_at: iso(addMs(ctx.clock(), MINUTE * 2 ** job.attempts)),
        locked_at: null,
        locked_by: null,
        last_error: String((e as Error).message ?? e).slice(0, 1000),
      })
      .where("id", "=", job.id)
      .execute();
    return failed ? "failed" : "retry";
  }
}
