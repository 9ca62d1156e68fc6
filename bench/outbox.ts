/**
 * Part 2 — outbox delivery: `messages` rows queued in one transaction for as many distinct linked members,
 * sent by the real delivery worker through its rate gate to a fake Bot API server that enforces Telegram's
 * flood limits (30 messages/s per bot, 1 per second per chat). Measures the achieved send rate from the
 * first to the last delivery the fake accepted, and counts lost and duplicated messages.
 */
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.js";
import { enqueueMessage } from "../src/core/outbox.js";
import { FakeTelegram } from "../tests/support/fake-telegram.js";
import { seedLinkedMembers, startBenchApp, tempDatabase, timed, waitUntil } from "./support.js";

export interface OutboxOptions {
  messages: number;
  /** OUTBOX_RATE_PER_SECOND given to the bot. */
  ratePerSecond: number;
  /** OUTBOX_PER_CHAT_INTERVAL_MS given to the bot. */
  perChatIntervalMs: number;
}

export interface OutboxResult {
  messages: number;
  configuredRate: number;
  /** (deliveries − 1) / (last − first): the spacing the gate actually achieved, messages per second. */
  achievedRate: number;
  /** Real ms from the first to the last delivery. */
  spanMs: number;
  /** Real ms from the nudge to the first delivery. */
  firstDeliveryMs: number;
  /** Most deliveries the fake accepted in any sliding one-second window. */
  peakPerSecond: number;
  /** Queued rows never delivered to their chat. */
  lost: number;
  /** Extra deliveries to a chat that had already received its message. */
  duplicated: number;
  /** 429 answers the fake gave (the worker should stay under the limit). */
  rejected429: number;
  /** Outbox rows by status once the worker settled. */
  statuses: Record<string, number>;
  seedMs: number;
  enqueueMs: number;
}

const FIRST_USER_ID = 800_000;

export async function benchOutbox(opts: OutboxOptions): Promise<OutboxResult> {
  const fake = await FakeTelegram.start({ rateLimit: { globalPerSecond: 30, perChatPerSecond: 1 } });
  const db = tempDatabase("outbox");
  let running: App | undefined;
  try {
    const app = (running = await startBenchApp(fake, db, {
      OUTBOX_RATE_PER_SECOND: String(opts.ratePerSecond),
      OUTBOX_PER_CHAT_INTERVAL_MS: String(opts.perChatIntervalMs),
    }));
    const seeded = await timed(() => seedLinkedMembers(app.core, "OBX", opts.messages, FIRST_USER_ID));
    const members = seeded.value;
    const committee = await app.core.committees.require("OBX");

    const enqueued = await timed(() =>
      app.database.db.transaction().execute(async (trx) => {
        const now = new Date();
        for (const [i, m] of members.entries()) {
          await enqueueMessage(trx, now, {
            template: "delivery:unreachable_report",
            params: { name: `Thành viên ${i}`, organization: "Sở Thông tin và Truyền thông", channel: "Zalo" },
            to: { personId: m.personId },
            committeeId: committee.id,
          });
        }
      }),
    );

    // Seeding sends nothing, so every delivery the fake records from here on is an outbox message.
    const nudgedAt = performance.now();
    app.worker.nudge();
    const budgetMs = (opts.messages / opts.ratePerSecond) * 1000 * 1.5 + 10_000;
    await waitUntil(() => fake.deliveries.length >= opts.messages, budgetMs, `${opts.messages} deliveries`, 20).catch(() => undefined);
    // Let the worker record the last outcomes, then see whether anything else shows up (a duplicate).
    const settled = async () => {
      const s = await countStatuses(app);
      return (s.sent ?? 0) + (s.failed ?? 0) + (s.unreachable ?? 0) >= opts.messages;
    };
    await waitFor(settled, 5_000);
    await new Promise((r) => setTimeout(r, 300));

    const deliveries = [...fake.deliveries];
    const perChat = new Map<string, number>();
    for (const d of deliveries) perChat.set(d.chatId, (perChat.get(d.chatId) ?? 0) + 1);
    const expected = new Set(members.map((m) => String(m.userId)));
    const lost = [...expected].filter((c) => !perChat.has(c)).length;
    const duplicated = [...perChat.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const first = deliveries[0]?.realAt ?? Number.NaN;
    const last = deliveries.at(-1)?.realAt ?? Number.NaN;
    const spanMs = last - first;

    return {
      messages: opts.messages,
      configuredRate: opts.ratePerSecond,
      achievedRate: deliveries.length > 1 ? ((deliveries.length - 1) / spanMs) * 1000 : 0,
      spanMs,
      firstDeliveryMs: first - nudgedAt,
      peakPerSecond: peakInWindow(deliveries.map((d) => d.realAt), 1000),
      lost,
      duplicated,
      rejected429: fake.stats.rejected429,
      statuses: await countStatuses(app),
      seedMs: seeded.ms,
      enqueueMs: enqueued.ms,
    };
  } finally {
    await running?.stop();
    await fake.stop();
    db.remove();
  }
}

async function countStatuses(app: App): Promise<Record<string, number>> {
  const rows = await app.database.db.selectFrom("outbox").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status").execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Polls an async condition every 20 ms, giving up silently after `timeoutMs`. */
async function waitFor(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !(await cond())) await new Promise((r) => setTimeout(r, 20));
}

/** Largest number of timestamps (sorted, ms) inside any half-open window of `windowMs`. */
function peakInWindow(times: number[], windowMs: number): number {
  let peak = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}
