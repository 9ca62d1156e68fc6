import { sql, type UpdateQueryBuilder, type UpdateResult } from "kysely";
import type { Database, DueJobRow } from "../../db/schema.js";
import { addMs, iso, MINUTE } from "../clock.js";
import type { CoreContext } from "../context.js";
import { jobHandlers } from "./handlers.js";

const MAX_JOB_ATTEMPTS = 5;
/** On PostgreSQL a job's statement that waits longer than this (a lock held elsewhere) is cancelled and the job retried. */
const JOB_STATEMENT_TIMEOUT_MS = 30_000;
/**
 * A job left "running" this long was held by an instance that died; it goes back to the queue. A job that
 * runs refreshes its claim every HEARTBEAT_MS, so only a dead (or cut-off) instance's claim grows this old.
 */
export const STALE_RUNNING = 2 * MINUTE;
/** How often a running job's instance refreshes its claim (real time), on PostgreSQL where others may take it. */
const HEARTBEAT_MS = 30_000;

/** The job's claim was taken over (it went stale): this instance commits nothing of it. */
class ClaimLost extends Error {}

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
 *
 * Every write to the job's row requires that this claim still holds it (running, same holder, same attempt):
 * a claim that went stale and was taken by another instance (or a later tick) commits nothing — the done
 * mark's refusal rolls back the job's work — and the outcome is "lost". While the job runs on PostgreSQL its
 * claim is refreshed every HEARTBEAT_MS, so a live instance's job is never taken over.
 */
export async function runDueJob(ctx: CoreContext, job: DueJobRow): Promise<"done" | "retry" | "failed" | "lost"> {
  const handler = jobHandlers[job.kind];
  const heartbeat =
    ctx.dialect === "postgres"
      ? setInterval(() => {
          void claimed(ctx.db.updateTable("due_jobs").set({ locked_at: iso(ctx.clock()) }), job)
            .execute()
            .catch(() => undefined);
        }, HEARTBEAT_MS)
      : undefined;
  heartbeat?.unref();
  try {
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await ctx.db.transaction().execute(async (trx) => {
      if (ctx.dialect === "postgres") await sql`set local statement_timeout = ${sql.raw(String(JOB_STATEMENT_TIMEOUT_MS))}`.execute(trx);
      await handler(trx, ctx, JSON.parse(job.payload) as Record<string, unknown>, job.id);
      const marked = await claimed(trx.updateTable("due_jobs").set({ status: "done", done_at: iso(ctx.clock()), last_error: null }), job).executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) throw new ClaimLost(`due job ${job.id} was taken over by another instance`);
    });
    return "done";
  } catch (e) {
    if (e instanceof ClaimLost) return "lost";
    const failed = job.attempts >= MAX_JOB_ATTEMPTS || !handler;
    await claimed(ctx.db.updateTable("due_jobs"), job)
      .set({
        status: failed ? "failed" : "pending",
        run_at: iso(addMs(ctx.clock(), MINUTE * 2 ** job.attempts)),
        locked_at: null,
        locked_by: null,
        last_error: String((e as Error).message ?? e).slice(0, 1000),
      })
      .execute();
    return failed ? "failed" : "retry";
  } finally {
    clearInterval(heartbeat);
  }
}

/** An update of the job's row, only while this claim holds it: running, by the same holder, at the same attempt. */
function claimed<Q extends UpdateQueryBuilder<Database, "due_jobs", "due_jobs", UpdateResult>>(q: Q, job: DueJobRow): Q {
  return q
    .where("id", "=", job.id)
    .where("status", "=", "running")
    .where("locked_by", "=", job.locked_by ?? "")
    .where("attempts", "=", job.attempts) as Q;
}
