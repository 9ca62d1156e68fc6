/**
 * Part 6 — one day's nudges for a committee of 10,000 people (issue 14, item 9): the seed of part 5 (2,000 tasks,
 * each organization's members answering for its tasks, a quarter of them unreported the day before the deadline;
 * a meeting in two days with 10,000 invitations, half unanswered; absence and proxy requests waiting for the
 * chair). It times planning (collectObligations), the daily job (runNudgeDay: planning and writing one bundle
 * per person), and the send-time re-check of every bundle (bundleLines), with memory, and checks the plans of
 * the statements they run. SQLite, and PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
 */
import { performance } from "node:perf_hooks";
import { createCore } from "../src/core/index.js";
import { loadCalendar } from "../src/core/cycle/calendar.js";
import { bundleLines, collectObligations, NUDGE_TEMPLATE, runNudgeDay } from "../src/core/nudges/daily.js";
import type { CoreContext } from "../src/core/context.js";
import type { DB } from "../src/db/database.js";
import { explainAll, printPlans, recordingDb, type ExplainedQuery } from "./plans.js";
import { NOW, pgUrl, scaleDatabase, seedScale, SCALE } from "./scale-seed.js";
import { median, type MemorySample } from "./summary.js";

export interface NudgesOptions {
  /** Timed runs of planning and of the daily job (its bundles deleted between runs), after a warm-up. */
  runs: number;
}

export interface NudgesRun {
  label: string;
  seedMs: number;
  planMs: number[];
  obligations: Record<string, number>;
  dayMs: number[];
  bundles: number;
  recheckMs: number;
  lines: number;
  memory: { before: MemorySample; planned: MemorySample; after: MemorySample };
  plans: ExplainedQuery[];
}

/** The nudge day: Monday 14/12/2026, the working day before the quarter's deadline, two days before the meeting. */
const DAY = "2026-12-14";

const memory = (): MemorySample => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
};

const ctxOver = (db: DB, dialect: CoreContext["dialect"]): CoreContext =>
  createCore({
    db,
    dialect,
    clock: () => new Date(NOW),
    settings: { defaultLocale: "vi", timeZone: "Asia/Ho_Chi_Minh", inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
  }).ctx;

async function plan(ctx: CoreContext, committeeId: number) {
  const committee = await ctx.db.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirstOrThrow();
  const calendar = await loadCalendar(ctx.db, committeeId);
  return collectObligations(ctx.db, committee, calendar, DAY, DAY, ctx.clock());
}

const runDay = (ctx: CoreContext, committeeId: number) => ctx.db.transaction().execute((trx) => runNudgeDay(trx, ctx, { committeeId, day: DAY }));
const deleteBundles = (db: DB) => db.deleteFrom("outbox").where("template", "=", NUDGE_TEMPLATE).execute();

/** Every bundle re-checked as the outbox worker does before sending it. */
async function recheck(db: DB): Promise<{ bundles: number; lines: number; ms: number }> {
  const rows = await db.selectFrom("outbox").select(["person_id", "params"]).where("template", "=", NUDGE_TEMPLATE).execute();
  const start = performance.now();
  let lines = 0;
  for (const r of rows) lines += (await bundleLines(db, r.person_id!, (JSON.parse(r.params) as { items: string }).items, NOW)).length;
  return { bundles: rows.length, lines, ms: performance.now() - start };
}

async function runOn(kind: "sqlite" | "postgres", opts: NudgesOptions): Promise<NudgesRun> {
  const target = await scaleDatabase(kind, "nudges");
  try {
    const t0 = performance.now();
    const seeded = await seedScale(target.handle);
    const seedMs = performance.now() - t0;
    const ctx = ctxOver(target.handle.db, target.handle.dialect);
    const before = memory();

    await plan(ctx, seeded.committeeId);
    const planMs: number[] = [];
    let found = await plan(ctx, seeded.committeeId);
    for (let i = 0; i < opts.runs; i++) {
      const s = performance.now();
      found = await plan(ctx, seeded.committeeId);
      planMs.push(performance.now() - s);
    }
    const obligations: Record<string, number> = {};
    for (const o of found) obligations[o.kind] = (obligations[o.kind] ?? 0) + 1;
    const planned = memory();

    const dayMs: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      await deleteBundles(target.handle.db);
      const s = performance.now();
      await runDay(ctx, seeded.committeeId);
      dayMs.push(performance.now() - s);
    }
    const checked = await recheck(target.handle.db);
    const after = memory();

    // The plans: the daily job and a few bundles' re-check through a Kysely that records every statement.
    const rec = recordingDb(target.handle, target.url);
    let plans: ExplainedQuery[];
    try {
      await deleteBundles(target.handle.db);
      await runDay(ctxOver(rec.db, target.handle.dialect), seeded.committeeId);
      const some = await target.handle.db.selectFrom("outbox").select(["person_id", "params"]).where("template", "=", NUDGE_TEMPLATE).orderBy("id").limit(50).execute();
      for (const r of some) await bundleLines(rec.db, r.person_id!, (JSON.parse(r.params) as { items: string }).items, NOW);
      plans = await explainAll(target.handle, target.url, rec.queries);
    } finally {
      await rec.close();
    }
    return { label: target.label, seedMs, planMs, obligations, dayMs, bundles: checked.bundles, recheckMs: checked.ms, lines: checked.lines, memory: { before, planned, after }, plans };
  } finally {
    await target.drop();
  }
}

export interface NudgesResult {
  runs: NudgesRun[];
  wallMs: number;
}

/** Runs part 6 on SQLite, then on PostgreSQL when a URL is set. */
export async function benchNudges(opts: NudgesOptions): Promise<NudgesResult> {
  const started = performance.now();
  const runs = [await runOn("sqlite", opts)];
  if (pgUrl()) runs.push(await runOn("postgres", opts));
  return { runs, wallMs: performance.now() - started };
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`);
const mb = (v: number) => `${v.toFixed(0)} MB`;
const row = (label: string, ...cells: string[]) => console.log(`  ${label.padEnd(30)}${cells.map((c) => c.padStart(18)).join("")}`);

/** Prints part 6; returns the number of statements whose plan check failed. */
export function printNudges(r: NudgesResult, opts: NudgesOptions, verbosePlans: boolean): number {
  console.log(
    `\nPart 6 — one day's nudges (${DAY}, the working day before the quarter's deadline, two days before the meeting) for a committee of ` +
      `${SCALE.members.toLocaleString("en")} people, ${SCALE.tasks.toLocaleString("en")} tasks (a quarter unreported), 10,000 invitations (half unanswered) and ` +
      `requests waiting for the chair; the seed of part 5; median of ${opts.runs} runs after a warm-up`,
  );
  row("", ...r.runs.map((x) => x.label));
  row("planning (collectObligations)", ...r.runs.map((x) => ms(median(x.planMs))));
  row("  obligations found", ...r.runs.map((x) => Object.entries(x.obligations).map(([k, n]) => `${k} ${n}`).join(", ")));
  row("daily job (plan + write)", ...r.runs.map((x) => ms(median(x.dayMs))));
  row("  bundles written", ...r.runs.map((x) => x.bundles.toLocaleString("en")));
  row("re-check of every bundle", ...r.runs.map((x) => ms(x.recheckMs)));
  row("  per bundle; lines", ...r.runs.map((x) => `${(x.recheckMs / Math.max(1, x.bundles)).toFixed(2)} ms; ${x.lines.toLocaleString("en")}`));
  row("heap: seeded → planned → end", ...r.runs.map((x) => `${mb(x.memory.before.heapUsedMb)}→${mb(x.memory.planned.heapUsedMb)}→${mb(x.memory.after.heapUsedMb)}`));
  row("RSS: seeded → planned → end", ...r.runs.map((x) => `${mb(x.memory.before.rssMb)}→${mb(x.memory.planned.rssMb)}→${mb(x.memory.after.rssMb)}`));
  let failed = 0;
  for (const x of r.runs) failed += printPlans(`query plans, ${x.label}`, x.plans, verbosePlans);
  console.log(`  part 6 took ${(r.wallMs / 1000).toFixed(1)} s`);
  return failed;
}
