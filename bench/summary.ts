/**
 * Part 5 — the leaders' summary at provincial scale (issue 15, item 7): a committee of 10,000 members with
 * 2,000 tasks and 100,000 progress updates (plus committees below, a meeting with 10,000 invitations, notices
 * with acknowledgements, requests for opinions), on a SQLite file and, when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set, on PostgreSQL. It times the data (committeeSummary), the data with the rendered
 * message and the chart PNG, watches memory over repetitions and over a loop of chart renders, and prints and
 * checks the plan of every statement the summary runs.
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldLoop } from "node:timers/promises";
import { createCore, type Core } from "../src/core/index.js";
import type { CommitteeSummary } from "../src/core/summary/summary.js";
import { progressChart, summaryButtons, summaryText } from "../src/conversation/summary/views.js";
import { createTranslator } from "../src/i18n/index.js";
import { renderStackedBars } from "../src/media/chart.js";
import type { DB, Dialect } from "../src/db/database.js";
import { explainAll, printPlans, recordingDb, type ExplainedQuery } from "./plans.js";
import { NOW, pgUrl, scaleDatabase, seedScale, SCALE, type Seeded } from "./scale-seed.js";
import { percentile } from "./support.js";

export interface SummaryOptions {
  /** Timed runs of each measure, after one warm-up run. */
  runs: number;
  /** Repetitions of data + message + chart between the two memory samples. */
  repetitions: number;
  /** Chart renders in the leak check (one per event-loop turn, as the bot renders them). */
  chartLoop: number;
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

export interface SummaryRun {
  label: string;
  seedMs: number;
  counts: Record<string, number>;
  dataMs: number[];
  /** This process's CPU time (user + system) per data run: steadier than wall time on a busy machine. */
  dataCpuMs: number[];
  fullMs: number[];
  chartMs: number[];
  pngBytes: number;
  textLength: number;
  check: string[];
  memory: { before: MemorySample; after: MemorySample; chartBefore: MemorySample; chartAfter: MemorySample; chartPeakRssMb: number };
  plans: ExplainedQuery[];
}

const memory = (): MemorySample => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
};

function coreOver(db: DB, dialect: Dialect): Core {
  return createCore({
    db,
    dialect,
    clock: () => new Date(NOW),
    settings: { defaultLocale: "vi", timeZone: "Asia/Ho_Chi_Minh", inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
  });
}

/** What the summary must say of the seed; a wrong number makes every figure suspect. */
function checkSummary(s: CommitteeSummary, seeded: Seeded): string[] {
  const wrong: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => void (got !== want && wrong.push(`${what}: ${String(got)} ≠ ${String(want)}`));
  expect("period", s.periodCode, "2026-Q4");
  expect("tasks", s.reporting.total, SCALE.tasks);
  expect("reported", s.reporting.reported, SCALE.tasks - seeded.unreportedTasks);
  expect("invited", s.meeting?.invited, SCALE.members);
  expect("no answer", s.meeting?.noAnswer, SCALE.members / 2);
  expect("organizations", s.organizations.length, SCALE.organizations);
  expect("committees below", s.subordinates.length, SCALE.subordinates);
  expect("notices", s.notices.length, 3);
  expect("opinions", s.opinions.length, 2);
  return wrong;
}

async function runOn(kind: "sqlite" | "postgres", opts: SummaryOptions): Promise<SummaryRun> {
  const target = await scaleDatabase(kind, "summary");
  try {
    const t0 = performance.now();
    const seeded = await seedScale(target.handle);
    const seedMs = performance.now() - t0;
    const core = coreOver(target.handle.db, target.handle.dialect);
    const t = createTranslator("vi").bind("vi");
    const at = { committeeId: seeded.committeeId, year: 0, quarter: 0 };

    // One run of everything first: the period of the committees below is opened, caches and JIT are warm.
    const warm = await core.summary.of(seeded.chair, seeded.committeeId);
    renderStackedBars(progressChart(t, "vi", warm));

    const dataMs: number[] = [];
    const dataCpuMs: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const s = performance.now();
      const cpu = process.cpuUsage();
      await core.summary.of(seeded.chair, seeded.committeeId);
      dataMs.push(performance.now() - s);
      const used = process.cpuUsage(cpu);
      dataCpuMs.push((used.user + used.system) / 1000);
    }
    const fullMs: number[] = [];
    const chartMs: number[] = [];
    let pngBytes = 0;
    let textLength = 0;
    const once = async () => {
      const s = performance.now();
      const summary = await core.summary.of(seeded.chair, seeded.committeeId);
      const text = summaryText(t, "vi", summary);
      summaryButtons(t, summary, at);
      const c = performance.now();
      const png = renderStackedBars(progressChart(t, "vi", summary)).png;
      chartMs.push(performance.now() - c);
      fullMs.push(performance.now() - s);
      pngBytes = png.length;
      textLength = text.length;
      return summary;
    };
    let last = warm;
    for (let i = 0; i < opts.runs; i++) last = await once();

    // Memory: N more repetitions of the whole, one per event-loop turn like requests to the bot.
    await yieldLoop();
    const before = memory();
    for (let i = 0; i < opts.repetitions; i++) {
      await once();
      await yieldLoop();
    }
    const after = memory();
    // The chart alone in a loop (resvg frees its native buffers on a later turn: yield between renders).
    const chart = progressChart(t, "vi", last);
    const chartBefore = memory();
    let chartPeakRssMb = chartBefore.rssMb;
    for (let i = 0; i < opts.chartLoop; i++) {
      renderStackedBars(chart);
      await yieldLoop();
      chartPeakRssMb = Math.max(chartPeakRssMb, process.memoryUsage().rss / 2 ** 20);
    }
    const chartAfter = memory();

    // The plans: the summary once more through a Kysely that records every statement.
    const rec = recordingDb(target.handle, target.url);
    let plans: ExplainedQuery[];
    try {
      await coreOver(rec.db, target.handle.dialect).summary.of(seeded.chair, seeded.committeeId);
      plans = await explainAll(target.handle, target.url, rec.queries);
    } finally {
      await rec.close();
    }
    return {
      label: target.label,
      seedMs,
      counts: seeded.counts,
      dataMs,
      dataCpuMs,
      fullMs: fullMs.slice(-opts.runs),
      chartMs: chartMs.slice(-opts.runs),
      pngBytes,
      textLength,
      check: checkSummary(last, seeded),
      memory: { before, after, chartBefore, chartAfter, chartPeakRssMb },
      plans,
    };
  } finally {
    await target.drop();
  }
}

export interface SummaryResult {
  runs: SummaryRun[];
  wallMs: number;
}

/** Runs part 5 on SQLite, then on PostgreSQL when a URL is set. */
export async function benchSummary(opts: SummaryOptions): Promise<SummaryResult> {
  const started = performance.now();
  const runs = [await runOn("sqlite", opts)];
  if (pgUrl()) runs.push(await runOn("postgres", opts));
  return { runs, wallMs: performance.now() - started };
}

export const median = (xs: number[]): number => percentile(xs, 50);
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
const row = (label: string, ...cells: string[]) => console.log(`  ${label.padEnd(30)}${cells.map((c) => c.padStart(16)).join("")}`);

/** Prints part 5; returns the number of statements whose plan check failed. */
export function printSummary(r: SummaryResult, opts: SummaryOptions, verbosePlans: boolean): number {
  const n = (v: number) => v.toLocaleString("en");
  const c = r.runs[0]!.counts;
  console.log(
    `\nPart 5 — the leaders' summary at scale, through core (no chat platform): ${n(c.memberships ?? 0)} seats (${n(SCALE.members)} in the province, ` +
      `${SCALE.subordinates} committees below with ${SCALE.subordinateMembers} each), ${n(c.tasks ?? 0)} tasks, ${n(c.progress_updates ?? 0)} progress updates over ten quarters, ` +
      `${n(c.invitations ?? 0)} invitations (the coming meeting: ${n(SCALE.members)}, half unanswered), ${n(c.notice_recipients ?? 0)} notice deliveries, ` +
      `${n(c.opinion_recipients ?? 0)} opinion recipients, ${n(c.outbox ?? 0)} outbox rows; median of ${opts.runs} runs after a warm-up`,
  );
  row("", ...r.runs.map((x) => x.label));
  row("seeding (batched inserts)", ...r.runs.map((x) => `${(x.seedMs / 1000).toFixed(1)} s`));
  row("data (committeeSummary)", ...r.runs.map((x) => ms(median(x.dataMs))));
  row("  max", ...r.runs.map((x) => ms(Math.max(...x.dataMs))));
  row("  CPU of this process", ...r.runs.map((x) => ms(median(x.dataCpuMs))));
  row("data + message + chart PNG", ...r.runs.map((x) => ms(median(x.fullMs))));
  row("  max", ...r.runs.map((x) => ms(Math.max(...x.fullMs))));
  row("  of which the chart", ...r.runs.map((x) => ms(median(x.chartMs))));
  row("  PNG; message", ...r.runs.map((x) => `${(x.pngBytes / 1024).toFixed(0)} KiB; ${x.textLength} ch`));
  row(`heap before → after ${opts.repetitions} reps`, ...r.runs.map((x) => `${mb(x.memory.before.heapUsedMb)} → ${mb(x.memory.after.heapUsedMb)}`));
  row(`RSS before → after ${opts.repetitions} reps`, ...r.runs.map((x) => `${mb(x.memory.before.rssMb)} → ${mb(x.memory.after.rssMb)}`));
  row(`RSS over ${opts.chartLoop} charts (peak)`, ...r.runs.map((x) => `${mb(x.memory.chartBefore.rssMb)} → ${mb(x.memory.chartAfter.rssMb)} (${mb(x.memory.chartPeakRssMb)})`));
  row(`heap over ${opts.chartLoop} charts`, ...r.runs.map((x) => `${mb(x.memory.chartBefore.heapUsedMb)} → ${mb(x.memory.chartAfter.heapUsedMb)}`));
  if (!(globalThis as { gc?: unknown }).gc) console.log("  (memory sampled without a forced GC; run with NODE_OPTIONS=--expose-gc for steadier heap figures)");
  for (const x of r.runs) if (x.check.length) console.log(`  WARNING (${x.label}): the summary does not match the seed, the figures are suspect: ${x.check.join("; ")}`);
  let failed = 0;
  for (const x of r.runs) failed += printPlans(`query plans, ${x.label}`, x.plans, verbosePlans);
  console.log(`  part 5 took ${(r.wallMs / 1000).toFixed(1)} s; load average at the end ${loadavg().map((v) => v.toFixed(1)).join(", ")} on ${cpus().length} CPU(s)`);
  return failed;
}
