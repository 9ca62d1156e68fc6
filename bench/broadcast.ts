/**
 * Part 3 — a broadcast: one notice to every member of a large committee, sent by the real delivery worker
 * (rate gate, Telegram sender, outbox renderer) to a fake Bot API server that enforces Telegram's flood
 * limits — 30 messages per second per bot, one per second per chat — answering 429 with retry_after. The
 * same fake with a lower limit (20/s) stands for a platform that publishes none, as Zalo: the gate starts
 * at its ceiling and must find the limit by itself.
 *
 * Time runs `timeScale` times faster for both sides: the fake measures its windows and retry_after on its
 * own scaled clock, and the worker gets a scaled {@link TimeSource} for its gate spacing, 429 pauses,
 * backoff, idle polls and claim staleness. Rates below are in scaled (platform) messages per second.
 *
 * Two measurements:
 * - {@link benchBroadcast}: one worker in this process sends the whole notice; achieved rate as a share of
 *   the platform's limit, 429s, lost and duplicated messages.
 * - {@link benchHardKill}: the worker runs in a child process (bench/broadcast-child.ts) that is killed
 *   with SIGKILL mid-broadcast and started again; nothing may be lost, and only messages whose send was
 *   in flight at the kill may arrive twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createOutboxViews } from "../src/conversation/outbox-views.js";
import { createTelegramSender } from "../src/channels/telegram/sender.js";
import { coreSettings, createConfig } from "../src/config.js";
import { createCore } from "../src/core/index.js";
import { enqueueMessage } from "../src/core/outbox.js";
import { openDatabase, sqlitePath, type DB } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createOutboxStore } from "../src/delivery/outbox-store.js";
import { RateGate } from "../src/delivery/rate-gate.js";
import { realSleep, type TimeSource } from "../src/delivery/time.js";
import { createDeliveryWorker } from "../src/delivery/worker.js";
import { deliveryLeases } from "../src/delivery/leases.js";
import { createTranslator } from "../src/i18n/index.js";
import { createLogger } from "../src/logger.js";
import { FAKE_TELEGRAM_TOKEN, FakeTelegram, type DeliveryRecord } from "../tests/support/fake-telegram.js";
import { tempDatabase, timed } from "./support.js";

/** Telegram's broadcast limit, which the fake enforces unless told another. */
export const PLATFORM_LIMIT = 30;
export const rateLimit = (perSecond: number) => ({ globalPerSecond: perSecond, perChatPerSecond: 1, retryAfterSeconds: 1 });
/** A template without params: rendering cost stays out of the way of the send rate. */
const TEMPLATE = "common:unknown_command";
const FIRST_CHAT_ID = 900_000_000;

/**
 * The platform's time, `scale` times faster than the wall clock, as epoch milliseconds that agree across
 * processes: at `origin` (epoch ms) both read the same, after that scaled time runs ahead. A killed worker
 * and its successor share `origin`, so not_before times one of them wrote mean the same to the other.
 */
export function scaledTime(scale: number, origin: number): TimeSource {
  const wall = () => performance.timeOrigin + performance.now();
  return { now: () => origin + (wall() - origin) * scale, sleep: (ms, signal) => realSleep(ms / scale, signal) };
}

/**
 * A rate gate that also measures what 429s cost: pause episodes (a 429 while sends were flowing), the
 * scaled milliseconds during which every send was held, and the lowest rate the gate fell to.
 */
export class MeteredGate extends RateGate {
  pauseEpisodes = 0;
  pausedMs = 0;
  lowestRate = this.ratePerSecond;
  override pause(ms: number): void {
    const before = this.pausedForMs;
    super.pause(ms);
    if (before === 0) this.pauseEpisodes++;
    this.pausedMs += this.pausedForMs - before;
    this.lowestRate = Math.min(this.lowestRate, this.ratePerSecond);
  }
}

/**
 * Creates a committee with `recipients` members, each with a linked Telegram identity (chat ids
 * FIRST_CHAT_ID + i), straight through Kysely for speed, then queues the notice — one outbox row per
 * member, through core's enqueueMessage — in one transaction stamped `origin`.
 */
export async function seedBroadcast(dbUrl: string, recipients: number, origin: number): Promise<{ chatIds: string[]; seedMs: number; enqueueMs: number }> {
  const database = openDatabase(dbUrl);
  try {
    await migrateToLatest(database.db);
    const at = new Date(origin).toISOString();
    const seeded = await timed(() => seedMembers(database.db, recipients, at));
    const { committeeId, personIds } = seeded.value;
    const enqueued = await timed(() =>
      database.db.transaction().execute(async (trx) => {
        for (const personId of personIds) await enqueueMessage(trx, new Date(origin), { template: TEMPLATE, to: { personId }, committeeId });
      }),
    );
    const chatIds = personIds.map((_, i) => String(FIRST_CHAT_ID + i));
    return { chatIds, seedMs: seeded.ms, enqueueMs: enqueued.ms };
  } finally {
    await database.close();
  }
}

async function seedMembers(db: DB, count: number, at: string): Promise<{ committeeId: number; personIds: number[] }> {
  return db.transaction().execute(async (trx) => {
    const committee = await trx
      .insertInto("committees")
      .values({ code: "BCAST", name: "Ban Chỉ đạo BCAST", level: "province", parent_id: null, time_zone: "Asia/Ho_Chi_Minh", default_locale: "vi", created_at: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    const personIds: number[] = [];
    // Chunks keep each statement under SQLite's limit on bound parameters.
    for (let start = 0; start < count; start += 500) {
      const n = Math.min(500, count - start);
      const people = await trx
        .insertInto("people")
        .values(
          Array.from({ length: n }, (_, k) => ({
            full_name: `Thành viên ${start + k}`,
            phone: null,
            email: `m${start + k}@bcast.bench.vn`,
            locale: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .returning("id")
        .execute();
      const ids = people.map((p) => p.id);
      await trx
        .insertInto("memberships")
        .values(ids.map((person_id) => ({ committee_id: committee.id, person_id, role: "member" as const, organization: "Sở số 1", title: null, active: 1, created_at: at, deactivated_at: null })))
        .execute();
      await trx
        .insertInto("channel_identities")
        .values(
          ids.map((person_id, k) => ({
            person_id,
            channel: "telegram" as const,
            external_id: String(FIRST_CHAT_ID + start + k),
            chat_id: String(FIRST_CHAT_ID + start + k),
            username: null,
            linked_at: at,
            unreachable_at: null,
            unreachable_reason: null,
          })),
        )
        .execute();
      personIds.push(...ids);
    }
    return { committeeId: committee.id, personIds };
  });
}

/**
 * What production wires in startApp, minus the bot: the store, one gate, the Telegram sender, the worker.
 * The gate is configured as production configures it; `ratePerSecond` sets OUTBOX_RATE_PER_SECOND.
 */
export function openBroadcastWorker(opts: { dbUrl: string; apiRoot: string; ratePerSecond?: number; time: TimeSource }) {
  const config = createConfig({
    TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: opts.apiRoot,
    DATABASE_URL: opts.dbUrl,
    LOG_LEVEL: "silent",
    ...(opts.ratePerSecond === undefined ? {} : { OUTBOX_RATE_PER_SECOND: String(opts.ratePerSecond) }),
  });
  const database = openDatabase(config.databaseUrl);
  const clock = () => new Date(opts.time.now());
  const core = createCore({ db: database.db, dialect: database.dialect, clock, settings: coreSettings(config) });
  const translator = createTranslator(config.defaultLocale);
  const { ratePerSecond, perChatIntervalMs, groupIntervalMs } = config.outbox;
  const gate = new MeteredGate({ ratePerSecond, perChatIntervalMs, groupIntervalMs }, opts.time);
  const worker = createDeliveryWorker(
    {
      store: createOutboxStore(database.db, database.dialect, { locale: config.defaultLocale, timeZone: config.timeZone }),
      apps: { telegram: { gate, sender: createTelegramSender({ token: FAKE_TELEGRAM_TOKEN, apiRoot: opts.apiRoot, views: createOutboxViews(core, translator, clock), files: core.files }) } },
      // Every recipient is linked and none blocks the bot.
      onUnreachable: () => Promise.resolve(),
      logger: createLogger({ level: "silent", pretty: false, secrets: [] }),
      time: opts.time,
      // On PostgreSQL, as in production: one worker at a time sends for the token (bench/scale.ts runs several).
      leases: database.dialect === "postgres" ? deliveryLeases(config, createLogger({ level: "silent", pretty: false, secrets: [] })) : undefined,
    },
    { concurrency: config.outbox.concurrency, maxAttempts: config.outbox.maxAttempts },
  );
  return {
    worker,
    gate,
    database,
    concurrency: config.outbox.concurrency,
    async stop(): Promise<void> {
      await worker.stop();
      await database.close();
    },
  };
}

export async function outboxStatuses(db: DB): Promise<Record<string, number>> {
  const rows = await db.selectFrom("outbox").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

const unsettled = (s: Record<string, number>) => (s.pending ?? 0) + (s.sending ?? 0);

/**
 * Waits until no outbox row is pending or being sent; false if `timeoutMs` (real) passes first. The
 * outbox is counted only once the fake has seen every message, or every few seconds in case some never
 * arrive: a count scans the table, and on SQLite that blocks the event loop the worker's timing runs on.
 */
export async function waitSettled(db: DB, fake: FakeTelegram, expected: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let nextCount = performance.now() + 5_000;
  while (performance.now() < deadline) {
    if (fake.deliveries.length >= expected || performance.now() > nextCount) {
      if (unsettled(await outboxStatuses(db)) === 0) return true;
      nextCount = performance.now() + 5_000;
    }
    await sleep(fake.deliveries.length >= expected ? 20 : 100);
  }
  return false;
}

/** Recipients without the message, and deliveries beyond the first to one chat. */
export function tally(expected: readonly string[], deliveries: readonly DeliveryRecord[], notSentRows: number) {
  const perChat = new Map<string, number>();
  for (const d of deliveries) perChat.set(d.chatId, (perChat.get(d.chatId) ?? 0) + 1);
  const missing = expected.filter((c) => !perChat.has(c)).length;
  const duplicated = [...perChat.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  return { lost: Math.max(missing, notSentRows), duplicated };
}

/** Deliveries per scaled second from the first to the last one the fake accepted. */
export function scaledRate(deliveries: readonly DeliveryRecord[]): { rate: number; spanMs: number } {
  const first = deliveries[0]?.at ?? Number.NaN;
  const spanMs = (deliveries.at(-1)?.at ?? Number.NaN) - first;
  return { rate: deliveries.length > 1 ? ((deliveries.length - 1) / spanMs) * 1000 : 0, spanMs };
}

export interface BroadcastOptions {
  recipients: number;
  /** The worker's OUTBOX_RATE_PER_SECOND (the gate's ceiling); the configuration's default when not given. */
  ratePerSecond?: number;
  timeScale: number;
  /** Messages per second the fake accepts (default Telegram's 30); the gate is not told. */
  platformLimit?: number;
}

export interface BroadcastResult extends BroadcastOptions {
  concurrency: number;
  platformLimit: number;
  /** The gate's ceiling: OUTBOX_RATE_PER_SECOND as configured. */
  ceiling: number;
  /** The gate's rate when the last message had gone, and the lowest a 429 cut it to. */
  finalGateRate: number;
  lowestGateRate: number;
  /** Scaled messages per second, first to last delivery. */
  achievedRate: number;
  /** achievedRate ÷ the platform's limit. */
  shareOfLimit: number;
  /** Scaled seconds from the first to the last delivery. */
  spanSeconds: number;
  /** Real ms from starting the worker until no row was pending or in flight. */
  wallMs: number;
  rejected429: number;
  /** 429s that hit a flowing stream (each starts a pause), and the scaled seconds every send was held. */
  pauseEpisodes: number;
  pausedSeconds: number;
  /** Recipients without the message, or whose row did not end "sent" (whichever is larger). */
  lost: number;
  duplicated: number;
  statuses: Record<string, number>;
  seedMs: number;
  enqueueMs: number;
  /** False if the worker had not settled within the time budget. */
  finished: boolean;
}

export async function benchBroadcast(opts: BroadcastOptions): Promise<BroadcastResult> {
  const platformLimit = opts.platformLimit ?? PLATFORM_LIMIT;
  const fake = await FakeTelegram.start({ rateLimit: rateLimit(platformLimit), timeScale: opts.timeScale });
  const db = tempDatabase("broadcast");
  let running: ReturnType<typeof openBroadcastWorker> | undefined;
  try {
    const origin = Date.now();
    const seeded = await seedBroadcast(db.url, opts.recipients, origin);
    const time = scaledTime(opts.timeScale, origin);
    const run = (running = openBroadcastWorker({ dbUrl: db.url, apiRoot: fake.apiRoot, ratePerSecond: opts.ratePerSecond, time }));
    const started = performance.now();
    await run.worker.start();
    const budgetMs = ((opts.recipients / Math.min(run.gate.ceilingPerSecond, platformLimit)) * 1000 * 1.5) / opts.timeScale + 20_000;
    const finished = await waitSettled(run.database.db, fake, opts.recipients, budgetMs);
    const wallMs = performance.now() - started;
    // Anything still arriving now would be a duplicate.
    await sleep(300);
    const deliveries = [...fake.deliveries];
    const statuses = await outboxStatuses(run.database.db);
    const { rate, spanMs } = scaledRate(deliveries);
    return {
      ...opts,
      concurrency: run.concurrency,
      platformLimit,
      ceiling: run.gate.ceilingPerSecond,
      finalGateRate: run.gate.ratePerSecond,
      lowestGateRate: run.gate.lowestRate,
      achievedRate: rate,
      shareOfLimit: rate / platformLimit,
      spanSeconds: spanMs / 1000,
      wallMs,
      rejected429: fake.stats.rejected429,
      pauseEpisodes: run.gate.pauseEpisodes,
      pausedSeconds: run.gate.pausedMs / 1000,
      ...tally(seeded.chatIds, deliveries, opts.recipients - (statuses.sent ?? 0)),
      statuses,
      seedMs: seeded.seedMs,
      enqueueMs: seeded.enqueueMs,
      finished,
    };
  } finally {
    await running?.stop();
    await fake.stop();
    db.remove();
  }
}

export interface HardKillOptions {
  recipients: number;
  /** SIGKILL the first worker once the fake has accepted this many messages… */
  killAfter: number;
  /**
   * …of which this many last ones the fake accepted but did not answer yet (hangNext with deliverFirst):
   * sends certainly in flight at the kill, delivered without the worker knowing — the case that makes
   * duplicates. Without them the kill mostly lands between two sends.
   */
  unanswered: number;
  /** OUTBOX_RATE_PER_SECOND; the configuration's default when not given. */
  ratePerSecond?: number;
  timeScale: number;
}

export interface HardKillResult extends HardKillOptions {
  /** Messages the fake had accepted when the first worker died. */
  deliveredAtKill: number;
  /** Rows "sent" in the outbox at the kill. */
  sentAtKill: number;
  /** Rows "sending" at the kill: claimed, perhaps delivered, outcome never recorded — the only ones that may go twice. */
  inFlightAtKill: number;
  /** Real ms from starting the second worker until the outbox settled. */
  restartMs: number;
  wallMs: number;
  rejected429: number;
  lost: number;
  duplicated: number;
  statuses: Record<string, number>;
  finished: boolean;
}

const CHILD = fileURLToPath(new URL("./broadcast-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Starts a worker process on the seeded database; `exited` settles with its exit code or signal. */
function spawnWorker(dbFile: string, fake: FakeTelegram, opts: HardKillOptions, origin: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, dbFile, fake.apiRoot, String(opts.timeScale), String(origin), ...(opts.ratePerSecond === undefined ? [] : [String(opts.ratePerSecond)])],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = once(child, "exit").then(([code, signal]) => (signal as string | null) ?? `exit ${String(code)}`);
  return { child, exited };
}

/** Polls until `count` messages were delivered; throws if the worker exits or `timeoutMs` (real) passes. */
async function waitDeliveries(fake: FakeTelegram, count: number, worker: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (fake.deliveries.length < count) {
    if (performance.now() > deadline) throw new Error(`the worker delivered only ${fake.deliveries.length} of ${count} messages in time`);
    if (worker.exitCode !== null) throw new Error(`the worker exited early (${worker.exitCode})`);
    await sleep(1);
  }
}

export async function benchHardKill(opts: HardKillOptions): Promise<HardKillResult> {
  const fake = await FakeTelegram.start({ rateLimit: rateLimit(PLATFORM_LIMIT), timeScale: opts.timeScale });
  const db = tempDatabase("hard-kill");
  const dbFile = sqlitePath(db.url)!;
  const children: ChildProcess[] = [];
  let reader: ReturnType<typeof openDatabase> | undefined;
  try {
    const origin = Date.now();
    const seeded = await seedBroadcast(db.url, opts.recipients, origin);
    const started = performance.now();
    const budgetMs = ((opts.recipients / Math.min(opts.ratePerSecond ?? PLATFORM_LIMIT, PLATFORM_LIMIT)) * 1000 * 1.5) / opts.timeScale + 30_000;

    const first = spawnWorker(dbFile, fake, opts, origin);
    children.push(first.child);
    await waitDeliveries(fake, opts.killAfter - opts.unanswered, first.child, budgetMs);
    for (let i = 0; i < opts.unanswered; i++) fake.hangNext("sendMessage", Number.POSITIVE_INFINITY, { deliverFirst: true });
    await waitDeliveries(fake, opts.killAfter, first.child, budgetMs);
    first.child.kill("SIGKILL");
    const how = await first.exited;
    if (how !== "SIGKILL") throw new Error(`the first worker ended with ${how}, not SIGKILL`);
    const deliveredAtKill = fake.deliveries.length;
    // The dead worker's database is as it left it: rows still "sending" are the sends it had in flight.
    reader = openDatabase(db.url);
    const atKill = await outboxStatuses(reader.db);

    const restarted = performance.now();
    const second = spawnWorker(dbFile, fake, opts, origin);
    children.push(second.child);
    const finished = await waitSettled(reader.db, fake, opts.recipients, budgetMs);
    const restartMs = performance.now() - restarted;
    const wallMs = performance.now() - started;
    await sleep(300);
    second.child.kill("SIGTERM");
    await second.exited;

    const statuses = await outboxStatuses(reader.db);
    return {
      ...opts,
      deliveredAtKill,
      sentAtKill: atKill.sent ?? 0,
      inFlightAtKill: atKill.sending ?? 0,
      restartMs,
      wallMs,
      rejected429: fake.stats.rejected429,
      ...tally(seeded.chatIds, fake.deliveries, opts.recipients - (statuses.sent ?? 0)),
      statuses,
      finished,
    };
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await reader?.close();
    await fake.stop();
    db.remove();
  }
}
