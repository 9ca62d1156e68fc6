import type { Executor } from "../../db/database.js";
import { iso } from "../clock.js";

export interface JobRequest {
  kind: string;
  /** Unique per job: scheduling the same key twice keeps the first, so a reminder is never created twice. */
  key: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

/** Puts a job in the due-jobs table, inside the caller's transaction. Returns false if the key exists. */
export async function scheduleJob(db: Executor, now: Date, job: JobRequest): Promise<boolean> {
  const result = await db
    .insertInto("due_jobs")
    .values({
      kind: job.kind,
      idempotency_key: job.key,
      payload: JSON.stringify(job.payload ?? {}),
      run_at: iso(job.runAt),
      status: "pending",
      created_at: iso(now),
    })
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Cancels a pending job by key (for example when the invite it reminds about is used). */
export async function cancelJob(db: Executor, key: string): Promise<void> {
  await db.updateTable("due_jobs").set({ status: "cancelled" }).where("idempotency_key", "=", key).where("status", "=", "pending").execute();
}
