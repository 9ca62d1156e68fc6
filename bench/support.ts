/**
 * Shared plumbing of the benchmarks: a throw-away SQLite file, the bot's config pointed at a fake Bot API
 * server, seeding of linked members through core, waiting, and small statistics helpers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp, type App } from "../src/app.js";
import { createConfig } from "../src/config.js";
import { cliActor } from "../src/core/actor.js";
import type { Core } from "../src/core/index.js";
import { createLogger } from "../src/logger.js";
import type { FakeTelegram } from "../tests/support/fake-telegram.js";

/** A temporary folder holding one SQLite file; `remove` deletes it. */
export interface TempDatabase {
  url: string;
  remove(): void;
}

export function tempDatabase(label: string): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), `bcd-bench-${label}-`));
  return { url: `file:${join(dir, "bench.sqlite")}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the whole bot (database, core, long polling, delivery worker; no cron) against a fake server.
 * `env` adds or overrides environment keys such as OUTBOX_RATE_PER_SECOND.
 */
export async function startBenchApp(fake: FakeTelegram, db: TempDatabase, env: Record<string, string> = {}): Promise<App> {
  const config = createConfig({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: db.url,
    LOG_LEVEL: "silent",
    ...env,
  });
  const logger = createLogger({ level: "silent", pretty: false, secrets: [] });
  return startApp(config, { logger, cron: false });
}

/** A committee member whose Telegram account is linked: private chat id = user id. */
export interface LinkedMember {
  personId: number;
  userId: number;
}

/**
 * Creates a committee, imports `count` members from a generated CSV and redeems each invite for Telegram
 * user `firstUserId + i` — the same path a secretariat and the members take, through core.
 */
export async function seedLinkedMembers(core: Core, committeeCode: string, count: number, firstUserId: number): Promise<LinkedMember[]> {
  const committee = await core.committees.create(cliActor, { code: committeeCode, name: `Ban Chỉ đạo ${committeeCode}`, level: "province" });
  const lines = ["full_name,role,organization,title,phone,email"];
  for (let i = 0; i < count; i++) lines.push(`Thành viên ${committeeCode} ${i},member,Sở số ${i % 20},Chuyên viên,,m${i}@${committeeCode.toLowerCase()}.bench.vn`);
  const report = await core.roster.importCsv(cliActor, committee.id, lines.join("\n"));
  if (report.invites.length !== count) {
    throw new Error(`seeding: expected ${count} invites, got ${report.invites.length} (errors: ${JSON.stringify(report.errors.slice(0, 3))})`);
  }
  const members: LinkedMember[] = [];
  for (const [i, invite] of report.invites.entries()) {
    const userId = firstUserId + i;
    await core.invites.redeem({ channel: "telegram", externalId: String(userId), chatId: String(userId), username: null, code: invite.code });
    members.push({ personId: invite.personId, userId });
  }
  return members;
}

/** Polls `cond` every `everyMs` real ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, label: string, everyMs = 1): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await sleep(everyMs);
  }
}

/**
 * True while the bot has a long poll open and no other Bot API call in flight (a reply, or a menu update
 * the bot sends in the background). Injecting then measures latency without any queueing.
 */
export function botIsIdle(fake: FakeTelegram): boolean {
  const recent = fake.calls().slice(-20);
  const pending = recent.filter((c) => c.status === 0);
  return pending.length > 0 && pending.every((c) => c.method === "getUpdates");
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Time `fn` in real milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}
