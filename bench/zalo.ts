/**
 * Part 5 — a broadcast on Zalo: one notice to `recipients` people linked on Zalo, sent by the whole bot (the
 * real axios Zalo client, its sender, rate gate and quota, the delivery worker) to the fake Zalo Bot API,
 * which enforces a per-second limit the bot is not told (Zalo publishes none) by answering 429. Real time:
 * the fake Zalo has no scaled clock. Reported: the rate achieved against the hidden limit, the 429s, and
 * lost and doubled messages.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp } from "../src/app.js";
import { createConfig } from "../src/config.js";
import { enqueueMessage } from "../src/core/outbox.js";
import { createLogger } from "../src/logger.js";
import { FakeZalo } from "../tests/support/fake-zalo.js";
import { outboxStatuses } from "./broadcast.js";
import { tempDatabase } from "./support.js";

/** A template without params: rendering cost stays out of the way of the send rate. */
const TEMPLATE = "common:unknown_command";

export interface ZaloBroadcastOptions {
  recipients: number;
  /** Sends per second the fake accepts before answering 429; the bot is not told. */
  hiddenLimit: number;
  /** Real milliseconds allowed before the run is cut short (reported as not finished). */
  budgetMs: number;
}

export interface ZaloBroadcastResult extends ZaloBroadcastOptions {
  /** Messages per second, first to last accepted send. */
  achievedRate: number;
  shareOfLimit: number;
  rejected429: number;
  lost: number;
  doubled: number;
  wallMs: number;
  finished: boolean;
  statuses: Record<string, number>;
}

export async function benchZaloBroadcast(opts: ZaloBroadcastOptions): Promise<ZaloBroadcastResult> {
  const fake = await FakeZalo.start({ ratePerSecond: opts.hiddenLimit, quota: opts.recipients * 10 });
  const db = tempDatabase("zalo");
  const config = createConfig({
    TELEGRAM_BOT_TOKEN: "",
    ZALO_BOT_TOKEN: fake.token,
    ZALO_API_ROOT: fake.apiRoot,
    DATABASE_URL: db.url,
    LOG_LEVEL: "silent",
    // A plan large enough that the month's quota never decides: only the per-second limit does.
    ZALO_MONTHLY_QUOTA: String(opts.recipients * 10),
    ZALO_MAX_PEOPLE: String(opts.recipients),
  });
  const app = await startApp(config, { logger: createLogger({ level: "silent", pretty: false, secrets: [] }), cron: false, zalo: { polling: { pollSeconds: 5 } } });
  try {
    const at = new Date().toISOString();
    const chats: string[] = [];
    await app.database.db.transaction().execute(async (trx) => {
      const committee = await trx.insertInto("committees").values({ code: "ZB", name: "Ban Chỉ đạo ZB", level: "province", parent_id: null, time_zone: "Asia/Ho_Chi_Minh", default_locale: "vi", created_at: at }).returning("id").executeTakeFirstOrThrow();
      for (let k = 0; k < opts.recipients; k++) {
        const person = await trx.insertInto("people").values({ full_name: `Thành viên ${k}`, phone: null, email: null, locale: null, created_at: at, updated_at: at }).returning("id").executeTakeFirstOrThrow();
        await trx.insertInto("memberships").values({ committee_id: committee.id, person_id: person.id, role: "member", organization: "Sở số 1", title: null, active: 1, created_at: at, deactivated_at: null }).execute();
        const chat = randomBytes(10).toString("hex");
        chats.push(chat);
        fake.know(chat);
        await trx.insertInto("channel_identities").values({ person_id: person.id, channel: "zalo", external_id: chat, chat_id: chat, username: null, linked_at: at, unreachable_at: null, unreachable_reason: null }).execute();
        await enqueueMessage(trx, new Date(), { template: TEMPLATE, params: {}, to: { personId: person.id }, committeeId: committee.id, dedupeKey: `zalo-bench:${k}` });
      }
    });
    const started = performance.now();
    app.worker.nudge();
    let finished = false;
    while (performance.now() - started < opts.budgetMs) {
      if (fake.sent.length >= opts.recipients) {
        const s = await outboxStatuses(app.database.db);
        if (!s.pending && !s.sending) {
          finished = true;
          break;
        }
      }
      await sleep(50);
    }
    const wallMs = performance.now() - started;
    // Anything still arriving now would be a double.
    await sleep(300);
    const perChat = new Map<string, number>();
    for (const s of fake.sent) perChat.set(s.chatId, (perChat.get(s.chatId) ?? 0) + 1);
    const first = fake.sentAt[0] ?? 0;
    const last = fake.sentAt.at(-1) ?? 0;
    const achievedRate = fake.sentAt.length > 1 ? ((fake.sentAt.length - 1) / (last - first)) * 1000 : 0;
    return {
      ...opts,
      achievedRate,
      shareOfLimit: achievedRate / opts.hiddenLimit,
      rejected429: fake.rateLimited,
      lost: chats.filter((c) => !perChat.has(c)).length,
      doubled: [...perChat.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      wallMs,
      finished,
      statuses: await outboxStatuses(app.database.db),
    };
  } finally {
    await app.stop();
    await fake.stop();
    db.remove();
  }
}
