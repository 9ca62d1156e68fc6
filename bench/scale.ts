/**
 * Part 5 — scale-out: one broadcast sent by 1 or 3 worker processes (bench/broadcast-child.ts) sharing one
 * PostgreSQL database, against a fake Bot API enforcing Telegram's 30 msg/s and 1 msg/s per chat. With
 * several, one process at a time holds the token's delivery lease (src/delivery/token-lease.ts) and the
 * others wait; in the takeover run the sending process is killed with SIGKILL mid-broadcast and another
 * takes over. Runs only when BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL server: a database of
 * its own is created there for each run and dropped after.
 *
 * The fake's time runs ×timeScale (its windows and retry_after) and so do the workers' timers (gate spacing,
 * pauses); the lease's retries and the takeover time are real.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { FakeTelegram } from "../tests/support/fake-telegram.js";
import { outboxStatuses, PLATFORM_LIMIT, rateLimit, scaledRate, seedBroadcast, tally, waitSettled } from "./broadcast.js";

export const scaleDatabaseUrl = (): string | undefined => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

export interface ScaleOptions {
  instances: number;
  recipients: number;
  timeScale: number;
  /** Kill the sending process once the fake has accepted this many messages. */
  killAfter?: number;
}

export interface ScaleResult extends ScaleOptions {
  /** Scaled (platform) messages per second, first to last delivery. */
  achievedRate: number;
  shareOfLimit: number;
  rejected429: number;
  lost: number;
  duplicated: number;
  /** Processes that sent at least one message (claimed_by of the sent rows). */
  senders: number;
  /** Takeover run: rows "sending" at the kill, and real ms from the kill to the next delivery. */
  inFlightAtKill?: number;
  takeoverMs?: number;
  wallMs: number;
  statuses: Record<string, number>;
  finished: boolean;
}

const CHILD = fileURLToPath(new URL("./broadcast-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A fresh database on the server `serverUrl` points at; `drop` removes it. */
async function freshDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bcd_bench_scale_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

interface Worker {
  child: ChildProcess;
  exited: Promise<unknown>;
  sending: boolean;
}

function spawnWorker(dbUrl: string, fake: FakeTelegram, timeScale: number, origin: number): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dbUrl, fake.apiRoot, String(timeScale), String(origin)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const worker: Worker = { child, exited: once(child, "exit"), sending: false };
  child.stdout!.on("data", (d: Buffer) => {
    for (const line of String(d).split("\n")) {
      if (line === "SENDING") worker.sending = true;
      if (line === "STANDBY") worker.sending = false;
    }
  });
  return worker;
}

export async function benchScale(opts: ScaleOptions): Promise<ScaleResult> {
  const server = scaleDatabaseUrl();
  if (!server) throw new Error("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server");
  const fake = await FakeTelegram.start({ rateLimit: rateLimit(PLATFORM_LIMIT), timeScale: opts.timeScale });
  const db = await freshDatabase(server);
  const workers: Worker[] = [];
  let reader: ReturnType<typeof openDatabase> | undefined;
  try {
    const origin = Date.now();
    const { chatIds } = await seedBroadcast(db.url, opts.recipients, origin);
    reader = openDatabase(db.url, { poolSize: 2 });
    const started = performance.now();
    for (let i = 0; i < opts.instances; i++) workers.push(spawnWorker(db.url, fake, opts.timeScale, origin));
    const budgetMs = ((opts.recipients / PLATFORM_LIMIT) * 1000 * 1.5) / opts.timeScale + 60_000;
    let inFlightAtKill: number | undefined;
    let takeoverMs: number | undefined;
    if (opts.killAfter !== undefined) {
      while (fake.deliveries.length < opts.killAfter) {
        if (performance.now() - started > budgetMs) throw new Error("the broadcast did not reach the kill point in time");
        await sleep(5);
      }
      const victim = workers.find((w) => w.sending);
      if (!victim) throw new Error("no worker says it is sending");
      victim.child.kill("SIGKILL");
      await victim.exited;
      const killedAt = performance.now();
      const deliveredAtKill = fake.deliveries.length;
      inFlightAtKill = (await outboxStatuses(reader.db)).sending ?? 0;
      while (fake.deliveries.length <= deliveredAtKill && performance.now() - killedAt < 60_000) await sleep(2);
      takeoverMs = (fake.deliveries[deliveredAtKill]?.realAt ?? Number.NaN) - killedAt;
    }
    const finished = await waitSettled(reader.db, fake, opts.recipients, budgetMs);
    const wallMs = performance.now() - started;
    await sleep(300);
    const statuses = await outboxStatuses(reader.db);
    const senders = await reader.db.selectFrom("outbox").select("claimed_by").distinct().where("status", "=", "sent").execute();
    const { rate } = scaledRate(fake.deliveries);
    return {
      ...opts,
      achievedRate: rate,
      shareOfLimit: rate / PLATFORM_LIMIT,
      rejected429: fake.stats.rejected429,
      ...(({ lost, duplicated }) => ({ lost, duplicated }))(tally(chatIds, fake.deliveries, opts.recipients - (statuses.sent ?? 0))),
      senders: senders.length,
      ...(inFlightAtKill === undefined ? {} : { inFlightAtKill, takeoverMs }),
      wallMs,
      statuses,
      finished,
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    await reader?.close();
    await fake.stop();
    await db.drop();
  }
}
