import { randomUUID } from "node:crypto";
import cron from "node-cron";
import type { Core } from "../core/index.js";
import type { Logger } from "../logger.js";

export interface SchedulerDeps {
  core: Core;
  logger: Logger;
  /** Called after a tick queued messages, so delivery starts without waiting for its own poll. */
  onMessagesQueued?: () => void;
}

/** How long one due job may run before the tick moves on to the next (core's statement timeout is shorter). */
export const JOB_BUDGET_MS = 60_000;

/** The job's outcome, or "overran" once the budget is spent (the job itself cannot be stopped from here). */
function withinBudget<T>(work: Promise<T>, ms: number): Promise<T | "overran"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<"overran">((resolve) => {
    timer = setTimeout(() => resolve("overran"), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * node-cron only ticks; the schedule itself lives in the due_jobs table. Each tick claims the due jobs
 * (atomically, so several instances never run one twice), runs them through core, and marks them done.
 */
export function createScheduler(deps: SchedulerDeps, cronExpression: string, opts: { jobBudgetMs?: number } = {}) {
  const jobBudgetMs = opts.jobBudgetMs ?? JOB_BUDGET_MS;
  const instanceId = `scheduler-${randomUUID()}`;
  let task: ReturnType<typeof cron.schedule> | undefined;
  let lastPrune = 0;

  /** One tick: runs every due job. Exposed so tests and the CLI can tick without waiting for cron. */
  async function tick(): Promise<{ done: number; retried: number; failed: number }> {
    const counts = { done: 0, retried: 0, failed: 0 };
    for (;;) {
      const jobs = await deps.core.jobs.claimDue(instanceId);
      if (jobs.length === 0) break;
      for (const job of jobs) {
        // One job that throws or hangs (core gives each a time budget) never stops the others.
        const outcome = await withinBudget(deps.core.jobs.run(job), jobBudgetMs).catch((e: unknown) => {
          deps.logger.error({ err: e, jobId: job.id, kind: job.kind }, "due job could not be run");
          return "retry" as const;
        });
        if (outcome === "overran") {
          // Left "running" (its claim kept fresh while it runs): it commits when it ends, or nothing if it was taken over.
          counts.retried++;
          deps.logger.error({ jobId: job.id, kind: job.kind, budgetMs: jobBudgetMs }, "due job took too long; the others go on and it will be retried");
          continue;
        }
        if (outcome === "lost") {
          // Its claim went stale and another instance took the job: this one committed nothing of it.
          deps.logger.warn({ jobId: job.id, kind: job.kind }, "due job taken over by another instance; nothing of this run was kept");
          continue;
        }
        if (outcome === "done") counts.done++;
        else if (outcome === "retry") counts.retried++;
        else {
          counts.failed++;
          deps.logger.error({ jobId: job.id, kind: job.kind }, "due job failed for good");
        }
      }
    }
    if (Date.now() - lastPrune > 3_600_000) {
      lastPrune = Date.now();
      await deps.core.updates.prune().catch((e: unknown) => deps.logger.warn({ err: e }, "pruning old records failed"));
    }
    if (counts.done > 0) deps.onMessagesQueued?.();
    return counts;
  }

  return {
    tick,
    start(): void {
      if (!cron.validate(cronExpression)) throw new Error(`SCHEDULER_CRON: not a cron expression: ${cronExpression}`);
      task = cron.schedule(
        cronExpression,
        async () => {
          try {
            const c = await tick();
            if (c.done + c.retried + c.failed > 0) deps.logger.info(c, "scheduler tick");
          } catch (e) {
            deps.logger.error({ err: e }, "scheduler tick failed");
          }
        },
        { noOverlap: true, name: "bcd-scheduler" },
      );
    },
    async stop(): Promise<void> {
      await task?.stop();
      await task?.destroy();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
