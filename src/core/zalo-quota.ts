import { sql } from "kysely";
import type { CoreContext } from "./context.js";
import { iso } from "./clock.js";
import { atLocal, dateOf, localDateOf } from "./cycle/local-time.js";
import { enqueueMessage, percentParam, type MessageParams } from "./outbox.js";

/** A Zalo plan's limits (configuration: the plans change). */
export interface ZaloQuotaLimits {
  /** Messages a bot may send in a calendar month (Basic: 3,000). */
  monthly: number;
  /** The share of the month's quota at which the secretariat is warned, in percent (80). */
  warnPercent: number;
  /**
   * The last part of the quota, in percent, kept for what a person waits for (replies, approvals,
   * invitations): reminders stop when it begins, notices halfway through it.
   */
  reservePercent: number;
}

/** How much a queued message matters when the month's quota runs short: 1 goes first, 3 stops first. */
export type QuotaPriority = 1 | 2 | 3;

/**
 * The priority of an outbox template: reminders (3) stop first, then notices and other news (2); what a
 * person asked for or must answer — approvals, invitations, requests — (1) may use the whole quota.
 * Replies to a person's own message are sent at once, not queued, and always go.
 */
export function quotaPriority(template: string): QuotaPriority {
  if (/reminder|nudge/.test(template)) return 3;
  if (/^(meetings:(invitation|proxy_request|absence_request|decision|rescheduled|cancelled_notice|chair_handed)|invites:|opinions:request|reports:item_answer)/.test(template)) return 1;
  return 2;
}

/** The calendar month (yyyy-MM) of `at` in `timeZone`. */
export function monthOf(at: Date, timeZone: string): string {
  return localDateOf(at, timeZone).slice(0, 7);
}

/** Midnight of the first day of the month after `at`'s, in `timeZone`, as an instant. */
export function nextMonthStart(at: Date, timeZone: string): Date {
  const [y, m] = monthOf(at, timeZone).split("-").map(Number) as [number, number];
  return atLocal(m === 12 ? dateOf(y + 1, 1, 1) : dateOf(y, m + 1, 1), 0, timeZone);
}

/** A bot's use of its quota this month. */
export interface ZaloUsage {
  month: string;
  sent: number;
  spent: boolean;
}

/** This month's use of `bot`'s quota (nothing sent yet when no row exists). */
export async function zaloUsage(ctx: CoreContext, bot: string): Promise<ZaloUsage> {
  const month = monthOf(ctx.clock(), ctx.settings.timeZone);
  const row = await ctx.db.selectFrom("zalo_usage").select(["sent", "spent_at"]).where("bot", "=", bot).where("month", "=", month).executeTakeFirst();
  return { month, sent: row?.sent ?? 0, spent: Boolean(row?.spent_at) };
}

/** Whether a queued message of this priority may still go on `bot` this month. */
export function quotaAdmits(usage: ZaloUsage, priority: QuotaPriority, limits: ZaloQuotaLimits): boolean {
  if (usage.spent || usage.sent >= limits.monthly) return false;
  const reserve = (limits.monthly * limits.reservePercent) / 100;
  if (priority === 3) return usage.sent < limits.monthly - reserve;
  if (priority === 2) return usage.sent < limits.monthly - reserve / 2;
  return true;
}

/**
 * Tells the secretariat of the committees the bot serves, once per bot, month and `kind` (the dedupe key): a
 * committee's own bot (zalo_bots) speaks to that committee's secretariat; the installation's bot to the
 * secretariat of every committee without a bot of its own.
 */
async function tellSecretariat(ctx: CoreContext, bot: string, month: string, kind: "warn" | "spent", template: string, params: MessageParams): Promise<void> {
  const now = ctx.clock();
  const own = await ctx.db.selectFrom("zalo_bots").select("committee_id").where("bot_id", "=", bot).executeTakeFirst();
  const secretaries = await ctx.db
    .selectFrom("memberships")
    .select(["person_id", "committee_id"])
    .where("role", "=", "secretariat")
    .where("active", "=", 1)
    .where((eb) => (own ? eb("committee_id", "=", own.committee_id) : eb("committee_id", "not in", eb.selectFrom("zalo_bots").select("committee_id"))))
    .orderBy("person_id")
    .execute();
  const seen = new Set<number>();
  for (const s of secretaries) {
    if (seen.has(s.person_id)) continue;
    seen.add(s.person_id);
    await enqueueMessage(ctx.db, now, { template, params, to: { personId: s.person_id }, committeeId: s.committee_id, dedupeKey: `zalo-quota:${kind}:${bot}:${month}:${s.person_id}` });
  }
}

/**
 * Counts `n` messages the bot sent now against this month's quota. The first time the month's count
 * reaches the warning share, the secretariat is told (once a month). Returns the month's use.
 */
export async function countZaloSends(ctx: CoreContext, bot: string, n: number, limits: ZaloQuotaLimits): Promise<ZaloUsage> {
  const month = monthOf(ctx.clock(), ctx.settings.timeZone);
  await ctx.db
    .insertInto("zalo_usage")
    .values({ bot, month, sent: n })
    .onConflict((oc) => oc.columns(["bot", "month"]).doUpdateSet({ sent: sql`zalo_usage.sent + ${n}` }))
    .execute();
  const row = await ctx.db.selectFrom("zalo_usage").selectAll().where("bot", "=", bot).where("month", "=", month).executeTakeFirstOrThrow();
  if (!row.warned_at && row.sent * 100 >= limits.monthly * limits.warnPercent) {
    const first = await ctx.db.updateTable("zalo_usage").set({ warned_at: iso(ctx.clock()) }).where("bot", "=", bot).where("month", "=", month).where("warned_at", "is", null).executeTakeFirst();
    if (Number(first.numUpdatedRows) === 1) {
      await tellSecretariat(ctx, bot, month, "warn", "delivery:zalo_quota_warning", { sent: row.sent, limit: limits.monthly, percent: percentParam(Math.floor((row.sent * 100) / limits.monthly)), month: displayMonth(month) });
    }
  }
  return { month, sent: row.sent, spent: Boolean(row.spent_at) };
}

/**
 * The bot's quota is spent this month (its count reached the limit, or Zalo answered "Quota exceeded"):
 * recorded, and the secretariat told once that messages go by Telegram where they can and wait for the
 * next month otherwise.
 */
export async function markZaloQuotaSpent(ctx: CoreContext, bot: string): Promise<void> {
  const month = monthOf(ctx.clock(), ctx.settings.timeZone);
  await ctx.db.insertInto("zalo_usage").values({ bot, month, sent: 0 }).onConflict((oc) => oc.columns(["bot", "month"]).doNothing()).execute();
  const first = await ctx.db.updateTable("zalo_usage").set({ spent_at: iso(ctx.clock()) }).where("bot", "=", bot).where("month", "=", month).where("spent_at", "is", null).executeTakeFirst();
  if (Number(first.numUpdatedRows) !== 1) return;
  const row = await ctx.db.selectFrom("zalo_usage").select("sent").where("bot", "=", bot).where("month", "=", month).executeTakeFirstOrThrow();
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `01/${y + 1}` : `${String(m + 1).padStart(2, "0")}/${y}`;
  await tellSecretariat(ctx, bot, month, "spent", "delivery:zalo_quota_spent", { sent: row.sent, month: displayMonth(month), next });
}

/** yyyy-MM as MM/yyyy. */
const displayMonth = (month: string) => `${month.slice(5)}/${month.slice(0, 4)}`;

/**
 * How many people have linked a Zalo account through a bot (a plan serves so many per bot): `bot` is the
 * committee's bot id, or '' for the installation's bot.
 */
export async function zaloPeople(ctx: CoreContext, bot = ""): Promise<number> {
  const row = await ctx.db.selectFrom("channel_identities").select((eb) => eb.fn.count<number>("person_id").distinct().as("n")).where("channel", "=", "zalo").where("bot", "=", bot).executeTakeFirstOrThrow();
  return Number(row.n);
}
