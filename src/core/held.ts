import type { Executor } from "../db/database.js";
import type { OutboxRow } from "../db/schema.js";
import { addMs, iso } from "./clock.js";
import type { CoreContext } from "./context.js";
import { excerpt } from "./markup.js";
import { hasLinkedAccount } from "./outbox.js";
import { owedBy } from "./reports/status.js";

/**
 * Messages for a person who has linked no app yet are held in the outbox (outbox.held_since), not lost:
 * importing the roster and creating the first meeting is the natural order. When the person links, what
 * still matters is released, once; what no longer does (its meeting has passed, its deadline is gone, a
 * newer copy or the card itself follows) is finished as cancelled with a "skipped: …" reason. The
 * person is first told, in one list, what is still open for them (HeldItem); the cards that carry buttons
 * follow.
 */

/** One open item of the list a person gets when they link, in the order it was queued. */
export type HeldItem =
  | { kind: "meeting"; title: string; startsAt: string; /** Null once the answer deadline has passed. */ answerBy: string | null }
  | { kind: "notice"; committee: string; excerpt: string; ackBy: string | null }
  | { kind: "opinion"; title: string; deadline: string }
  | { kind: "report"; period: { code: string; kind: "quarter" | "extra"; name: string }; dueAt: string; tasks: number };

/**
 * Released rows wait this long before they are due, so that the greeting and the list of open items,
 * said at once in the chat, come before the cards.
 */
export const RELEASE_PAUSE_MS = 2000;

/** What happens to one held row: sent (with the item it adds to the list, if any), or skipped and why. */
type Verdict = { keep: true; item?: HeldItem } | { keep: false; reason: string };

/** Templates that only follow a card: sent when their card is, as the card already says what they say. */
const FOLLOWERS = new Set(["notices:reminder", "notices:attachment", "opinions:reminder", "opinions:attachment"]);

/** Word of a change to a meeting whose card the person never received: the current card says it all. */
const MEETING_CHANGES = new Set(["meetings:card_closed", "meetings:card_refresh", "meetings:rescheduled", "meetings:edited_notice"]);

type Params = Record<string, unknown>;
const num = (v: unknown) => Number(v);
/** A message's meeting start, whichever way it is printed (as a meeting's time or as a date and time). */
const startOf = (p: Params): string | undefined => {
  const start = p.start as { $meetingTime?: string; $datetime?: string } | undefined;
  return start?.$meetingTime ?? start?.$datetime;
};

/** Decides each held row of one person (newest copy of a card wins; followers after their cards). */
async function judge(db: Executor, now: Date, rows: OutboxRow[]): Promise<Map<number, Verdict>> {
  const at = iso(now);
  /** Whether the meeting a message is about has begun. */
  const begun = (p: Params) => {
    const start = startOf(p);
    return start !== undefined && start <= at;
  };
  const verdicts = new Map<number, Verdict>();
  const kept = new Set<string>();
  /** The first (newest) row of a key is kept; older copies are skipped. */
  const once = (key: string, item?: HeldItem): Verdict => {
    if (kept.has(key)) return { keep: false, reason: "a newer copy is sent" };
    kept.add(key);
    return item ? { keep: true, item } : { keep: true };
  };

  const meetingOf = async (invitationId: number) =>
    db
      .selectFrom("invitations as i")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .where("i.id", "=", invitationId)
      .select(["m.id", "m.title", "m.status", "m.starts_at", "m.ends_at", "m.answer_deadline"])
      .executeTakeFirst();
  const meetingVerdict = (m: { status: string; ends_at: string } | undefined): Verdict | undefined => {
    if (!m) return { keep: false, reason: "the meeting no longer exists" };
    if (m.status === "cancelled") return { keep: false, reason: "the meeting was cancelled" };
    if (m.ends_at <= at) return { keep: false, reason: "the meeting has passed" };
    return undefined;
  };
  const noticeOf = (recipientId: number) =>
    db
      .selectFrom("notice_recipients as r")
      .innerJoin("notices as n", "n.id", "r.notice_id")
      .innerJoin("committees as c", "c.id", "n.committee_id")
      .where("r.id", "=", recipientId)
      .select(["r.acknowledged_at", "n.body", "n.ack_required", "n.ack_deadline", "n.status", "c.name"])
      .executeTakeFirst();
  const opinionOf = (recipientId: number) =>
    db
      .selectFrom("opinion_recipients as r")
      .innerJoin("opinion_requests as q", "q.id", "r.request_id")
      .where("r.id", "=", recipientId)
      .select(["q.title", "q.deadline", "q.status"])
      .executeTakeFirst();

  async function primary(row: OutboxRow, p: Params): Promise<Verdict> {
    switch (row.template) {
      case "meetings:invitation":
      case "meetings:calendar": {
        const m = await meetingOf(num(p.invitationId));
        const gone = meetingVerdict(m);
        if (gone || !m) return gone ?? { keep: false, reason: "the meeting no longer exists" };
        if (row.template === "meetings:calendar") return once(`calendar:${num(p.invitationId)}`);
        return once(`invitation:${num(p.invitationId)}`, { kind: "meeting", title: m.title, startsAt: m.starts_at, answerBy: m.answer_deadline > at ? m.answer_deadline : null });
      }
      case "meetings:document": {
        const doc = await db.selectFrom("attachments").select(["owner_type", "owner_id"]).where("id", "=", num(p.attachmentId)).executeTakeFirst();
        if (!doc) return { keep: false, reason: "the document no longer exists" };
        if (doc.owner_type === "meeting") {
          const m = await db.selectFrom("meetings").select(["status", "ends_at"]).where("id", "=", doc.owner_id).executeTakeFirst();
          const gone = meetingVerdict(m);
          if (gone) return gone;
        }
        return once(`document:${num(p.attachmentId)}`);
      }
      case "notices:notice": {
        const n = await noticeOf(num(p.recipientId));
        if (!n || n.status === "cancelled") return { keep: false, reason: "the notice was withdrawn" };
        if (n.acknowledged_at) return { keep: false, reason: "the notice is acknowledged" };
        if (n.ack_required && n.ack_deadline && n.ack_deadline <= at) return { keep: false, reason: "the notice's acknowledgement deadline has passed" };
        return once(`notice:${num(p.recipientId)}`, {
          kind: "notice",
          committee: n.name,
          excerpt: excerpt(n.body, 80, { firstLine: true }),
          ackBy: n.ack_required ? n.ack_deadline : null,
        });
      }
      case "opinions:request": {
        const q = await opinionOf(num(p.recipientId));
        if (!q || q.status !== "open") return { keep: false, reason: "the request for opinions was withdrawn" };
        if (q.deadline <= at) return { keep: false, reason: "the request's deadline has passed" };
        return once(`opinion:${num(p.recipientId)}`, { kind: "opinion", title: q.title, deadline: q.deadline });
      }
      case "reports:reminder": {
        const owed = await owedBy({ db }, num(p.periodId), num(p.personId)).catch(() => undefined);
        if (!owed) return { keep: false, reason: "the reporting period no longer exists" };
        if (owed.period.closes_at <= at) return { keep: false, reason: "the reporting period is closed" };
        if (owed.tasks.length === 0) return { keep: false, reason: "every task is reported" };
        const { code, kind, name } = owed.period;
        return once(`report:${owed.period.id}`, { kind: "report", period: { code, kind, name }, dueAt: owed.dueAt, tasks: owed.tasks.length });
      }
      case "cycle:nudge.bundle": {
        // The daily nudge: only the newest is kept, and it is summarized by the reports it still lists (its
        // invitations are summarized by their own cards); the view re-checks every item when it is sent.
        const items = (JSON.parse(String(p.items ?? "[]")) as [string, number, number][]).filter(([kind]) => kind === "report" || kind === "report_overdue");
        const periodId = items[0]?.[2];
        const owed = periodId === undefined ? undefined : await owedBy({ db }, periodId, num(row.person_id)).catch(() => undefined);
        if (owed && owed.period.closes_at > at && owed.tasks.length > 0) {
          const { code, kind, name } = owed.period;
          return once(`report:${owed.period.id}`, { kind: "report", period: { code, kind, name }, dueAt: owed.dueAt, tasks: owed.tasks.length });
        }
        return once(`nudge:${num(row.committee_id)}`);
      }
      case "cycle:digest.summary":
        // A leader who links late gets this week's digest, not every week's.
        return once(`digest:${num(row.committee_id)}`);
      case "cycle:soon.reminder":
        if (begun(p)) return { keep: false, reason: "the meeting has begun" };
        return { keep: true };
      default: {
        if (MEETING_CHANGES.has(row.template)) return { keep: false, reason: "the meeting's current card is sent instead" };
        if (row.template === "meetings:cancelled_notice") return { keep: false, reason: "the invitation never reached them" };
        // Other word about a meeting (a quorum warning, a handover of the chair) no longer matters once the meeting has begun.
        if (row.template.startsWith("meetings:") && begun(p)) return { keep: false, reason: "the meeting has begun" };
        return { keep: true };
      }
    }
  }

  async function follower(row: OutboxRow, p: Params): Promise<Verdict> {
    const notice = row.template.startsWith("notices:");
    const card = `${notice ? "notice" : "opinion"}:${num(p.recipientId)}`;
    if (row.template.endsWith(":attachment")) return kept.has(card) ? once(`${card}:attachment`) : { keep: false, reason: "its card is not sent" };
    // A reminder whose card is sent anyway says nothing new; without the card it stands in for it.
    if (kept.has(card)) return { keep: false, reason: "the card itself is sent" };
    const stand = await primary({ ...row, template: notice ? "notices:notice" : "opinions:request" }, p);
    return stand;
  }

  const newestFirst = [...rows].sort((a, b) => b.id - a.id);
  for (const row of newestFirst.filter((r) => !FOLLOWERS.has(r.template))) verdicts.set(row.id, await primary(row, JSON.parse(row.params) as Params));
  for (const row of newestFirst.filter((r) => FOLLOWERS.has(r.template))) verdicts.set(row.id, await follower(row, JSON.parse(row.params) as Params));
  return verdicts;
}

/**
 * Settles one person's held rows: each that no longer matters is finished as skipped; with `release`,
 * the others are released (due after RELEASE_PAUSE_MS) and the open items returned in queue order.
 */
export async function settleHeld(db: Executor, now: Date, personId: number, release: boolean): Promise<HeldItem[]> {
  const rows = await db.selectFrom("outbox").selectAll().where("person_id", "=", personId).where("held_since", "is not", null).where("status", "=", "pending").orderBy("id").execute();
  if (rows.length === 0) return [];
  const verdicts = await judge(db, now, rows);
  const items: HeldItem[] = [];
  const releaseAt = iso(addMs(now, RELEASE_PAUSE_MS));
  for (const row of rows) {
    const v = verdicts.get(row.id) ?? { keep: true };
    if (!v.keep) {
      await db.updateTable("outbox").set({ status: "cancelled", last_error: `skipped: ${v.reason}` }).where("id", "=", row.id).where("status", "=", "pending").execute();
      continue;
    }
    if (!release) continue;
    if (v.item) items.push(v.item);
    await db
      .updateTable("outbox")
      .set({ held_since: null, not_before: row.not_before > releaseAt ? row.not_before : releaseAt })
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .execute();
  }
  return items;
}

/**
 * The hourly housekeeping of held rows: rows queued for someone just as they linked (on PostgreSQL, two
 * transactions can cross) are released or held as their person now is, and held rows that stopped
 * mattering (meeting passed, deadline gone) are finished as skipped. Returns how many rows it settled.
 */
export async function sweepHeld(ctx: Pick<CoreContext, "db" | "clock">): Promise<number> {
  const now = ctx.clock();
  const people = await ctx.db
    .selectFrom("outbox")
    .select("person_id")
    .distinct()
    .where("status", "=", "pending")
    .where("chat_id", "is", null)
    .where("person_id", "is not", null)
    .where((eb) => eb.or([eb("held_since", "is not", null), eb.not(eb.exists(eb.selectFrom("channel_identities as ci").select("ci.id").whereRef("ci.person_id", "=", "outbox.person_id")))]))
    .execute();
  let settled = 0;
  for (const { person_id } of people) {
    if (person_id === null) continue;
    settled += await ctx.db.transaction().execute(async (trx) => {
      const linked = await hasLinkedAccount(trx, person_id);
      if (!linked) {
        const r = await trx.updateTable("outbox").set({ held_since: iso(now) }).where("person_id", "=", person_id).where("status", "=", "pending").where("chat_id", "is", null).where("held_since", "is", null).executeTakeFirst();
        const before = await countHeld(trx, person_id);
        await settleHeld(trx, now, person_id, false);
        return Number(r.numUpdatedRows) + before - (await countHeld(trx, person_id));
      }
      const before = await countHeld(trx, person_id);
      await settleHeld(trx, now, person_id, true);
      return before;
    });
  }
  return settled;
}

async function countHeld(db: Executor, personId: number): Promise<number> {
  const r = await db.selectFrom("outbox").select((eb) => eb.fn.countAll<number | string>().as("n")).where("person_id", "=", personId).where("status", "=", "pending").where("held_since", "is not", null).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** How many messages are held for each of these people (those with none are absent). */
export async function heldCounts(db: Executor, personIds: number[]): Promise<Map<number, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("outbox")
    .select(["person_id", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("person_id", "in", personIds)
    .where("status", "=", "pending")
    .where("held_since", "is not", null)
    .groupBy("person_id")
    .execute();
  return new Map(rows.map((r) => [r.person_id!, Number(r.n)]));
}
