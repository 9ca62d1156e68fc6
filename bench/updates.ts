/**
 * Part 1 — incoming updates: the full bot (database, core, i18n, menus) against a bare grammY bot that only
 * answers, each on a fresh fake Bot API server without flood limits, driven the same way:
 * warm-up, then a sequential run (one update at a time, bot idle before each) for latency percentiles,
 * then bursts of updates injected at once for throughput (median reported).
 */
import { performance } from "node:perf_hooks";
import { Bot } from "grammy";
import { sql } from "kysely";
import type { App } from "../src/app.js";
import { FakeTelegram } from "../tests/support/fake-telegram.js";
import { botIsIdle, percentile, seedLinkedMembers, startBenchApp, tempDatabase, timed, waitUntil } from "./support.js";

export interface UpdatesOptions {
  /** Distinct Telegram users the updates come from (linked members for the full bot). */
  users: number;
  /** Updates of the warm-up burst, before anything is measured. */
  warmup: number;
  /** Updates of the sequential latency run. */
  sequential: number;
  /** Updates of each throughput burst. */
  burst: number;
  /** Throughput bursts; the median is reported, to damp noise from other processes on the machine. */
  rounds: number;
}

export interface LatencyStats {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface UpdatesResult {
  label: string;
  /** Real ms spent creating and linking the members (full bot only). */
  seedMs?: number;
  latency: LatencyStats;
  throughput: {
    /** Updates per second of each burst (first injection to last reply), in run order. */
    rounds: number[];
    /** Median of `rounds`. */
    perSecond: number;
    /** Bot API calls the bot made per update during the bursts (getUpdates included). */
    apiCallsPerUpdate: number;
    /**
     * CPU time of this process (bot and fake server together, user + system) per update during the
     * bursts, ms: less sensitive than wall time to other processes competing for the machine.
     */
    cpuMsPerUpdate: number;
  };
  /** Replies (in all measured runs) that were not the expected answer. */
  wrongReplies: number;
  /** Language changes the full bot wrote to the database during the bursts (should equal rounds × burst). */
  dbWrites?: number;
}

/** What the driver needs from a running bot under test. */
interface Subject {
  label: string;
  fake: FakeTelegram;
  userIds: number[];
  /** Text the given user sends next. */
  nextText(userId: number): string;
  /** Whether a reply text is the expected answer. */
  expected(text: string): boolean;
}

const FIRST_USER_ID = 700_000;

/** The bare baseline: grammY long polling and `ctx.reply("ok")`, nothing else. */
export async function benchBareBot(opts: UpdatesOptions): Promise<UpdatesResult> {
  const fake = await FakeTelegram.start();
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  bot.on("message", (ctx) => ctx.reply("ok"));
  let polling: Promise<void> = Promise.resolve();
  try {
    await new Promise<void>((resolve, reject) => {
      polling = bot.start({ onStart: () => resolve() }).catch(reject);
    });
    return await drive(
      {
        label: "bare grammY",
        fake,
        userIds: Array.from({ length: opts.users }, (_, i) => FIRST_USER_ID + i),
        nextText: alternatingLang(),
        expected: (text) => text === "ok",
      },
      opts,
    );
  } finally {
    if (bot.isRunning()) await bot.stop();
    await polling;
    await fake.stop();
  }
}

/**
 * The whole bot from `startApp`, with `opts.users` members imported and linked through core; each update
 * is a member's `/lang en` / `/lang vi` (alternating per member, so every one writes to the database).
 */
export async function benchFullBot(opts: UpdatesOptions): Promise<UpdatesResult> {
  const fake = await FakeTelegram.start();
  const db = tempDatabase("updates");
  let app: App | undefined;
  try {
    const running = (app = await startBenchApp(fake, db));
    const seeded = await timed(() => seedLinkedMembers(running.core, "UPD", opts.users, FIRST_USER_ID));
    const languageChanges = async () => {
      const row = await running.database.db
        .selectFrom("audit_log")
        .select(sql<number>`count(*)`.as("n"))
        .where("action", "=", "person.language")
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    let writesBefore = 0;
    const subject: Subject = {
      label: "full bot",
      fake,
      userIds: seeded.value.map((m) => m.userId),
      nextText: alternatingLang(),
      expected: (text) => text.startsWith("Switched to English") || text.startsWith("Đã chuyển sang Tiếng Việt"),
    };
    const result = await drive(subject, opts, {
      beforeBurst: async () => void (writesBefore = await languageChanges()),
    });
    return { ...result, seedMs: seeded.ms, dbWrites: (await languageChanges()) - writesBefore };
  } finally {
    await app?.stop();
    await fake.stop();
    db.remove();
  }
}

/** `/lang en`, `/lang vi`, `/lang en`, … per user, so consecutive commands of one member always change something. */
function alternatingLang(): (userId: number) => string {
  const sent = new Map<number, number>();
  return (userId) => {
    const n = sent.get(userId) ?? 0;
    sent.set(userId, n + 1);
    return n % 2 === 0 ? "/lang en" : "/lang vi";
  };
}

/** Warm-up, sequential latency run, throughput burst — the same for every subject. */
async function drive(s: Subject, opts: UpdatesOptions, hooks: { beforeBurst?: () => Promise<void> } = {}): Promise<UpdatesResult> {
  let wrong = 0;
  const check = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (!s.expected(replyText(s.fake, i))) wrong++;
  };

  await burst(s, opts.warmup);

  const samples: number[] = [];
  const seqStart = s.fake.deliveries.length;
  for (let i = 0; i < opts.sequential; i++) {
    await waitUntil(() => botIsIdle(s.fake), 5_000, `${s.label} idle`);
    const userId = s.userIds[i % s.userIds.length]!;
    const before = s.fake.deliveries.length;
    const t0 = performance.now();
    s.fake.sendText({ id: userId }, s.nextText(userId));
    await waitUntil(() => s.fake.deliveries.length > before, 5_000, `${s.label} reply`);
    const reply = s.fake.deliveries[before]!;
    if (reply.chatId !== String(userId)) wrong++;
    samples.push(reply.realAt - t0);
  }
  check(seqStart, s.fake.deliveries.length);

  await waitUntil(() => botIsIdle(s.fake), 5_000, `${s.label} idle`);
  await hooks.beforeBurst?.();
  const callsBefore = s.fake.calls().length;
  const burstStart = s.fake.deliveries.length;
  const rounds: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let r = 0; r < opts.rounds; r++) {
    const { ms } = await burst(s, opts.burst);
    rounds.push((opts.burst / ms) * 1000);
    await waitUntil(() => botIsIdle(s.fake), 5_000, `${s.label} idle`);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const apiCalls = s.fake.calls().length - callsBefore;
  check(burstStart, s.fake.deliveries.length);
  const total = opts.burst * opts.rounds;

  return {
    label: s.label,
    latency: latencyStats(samples),
    throughput: { rounds, perSecond: percentile(rounds, 50), apiCallsPerUpdate: apiCalls / total, cpuMsPerUpdate: (cpu.user + cpu.system) / 1000 / total },
    wrongReplies: wrong,
  };
}

/** Injects `count` updates round-robin over the users at once; resolves when all are answered, with the real ms taken. */
async function burst(s: Subject, count: number): Promise<{ ms: number }> {
  const before = s.fake.deliveries.length;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const userId = s.userIds[i % s.userIds.length]!;
    s.fake.sendText({ id: userId }, s.nextText(userId));
  }
  await waitUntil(() => s.fake.deliveries.length >= before + count, 120_000, `${count} replies from ${s.label}`, 5);
  return { ms: s.fake.deliveries[before + count - 1]!.realAt - t0 };
}

/** Text of the bot message behind delivery number `i`. */
function replyText(fake: FakeTelegram, i: number): string {
  const d = fake.deliveries[i]!;
  return fake.history(d.chatId).find((m) => m.message_id === d.message_id)?.text ?? "";
}

function latencyStats(samples: number[]): LatencyStats {
  return {
    samples: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}
