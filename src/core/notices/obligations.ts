import type { Executor } from "../../db/database.js";
import { iso } from "../clock.js";
import { localDateOf } from "../cycle/local-time.js";
import { excerpt } from "../markup.js";
import { addObligationProvider, deadlineNudgeDays, within, type Obligation, type ObligationProvider } from "../nudges/obligations.js";

/** A notice to acknowledge is nudged the working day before its acknowledgement deadline and on the day itself. */
export const NOTICE_ACK_NUDGES = [1, 0] as const;

/** Whether a recipient still owes the acknowledgement: asked, not given, the notice live and its deadline ahead. */
async function owed(db: Executor, recipientId: number, now: Date): Promise<boolean> {
  const r = await db
    .selectFrom("notice_recipients as r")
    .innerJoin("notices as n", "n.id", "r.notice_id")
    .select(["r.acknowledged_at", "n.status", "n.ack_required", "n.ack_deadline"])
    .where("r.id", "=", recipientId)
    .executeTakeFirst();
  return Boolean(r && r.ack_required === 1 && !r.acknowledged_at && r.status !== "cancelled" && r.ack_deadline && r.ack_deadline > iso(now));
}

/**
 * Notices not acknowledged (the old per-notice reminder job, folded into the daily nudge): a recipient who was
 * sent the notice and has not pressed "Đã nhận" is nudged on the days of {@link NOTICE_ACK_NUDGES} before the
 * deadline, while the notice is not withdrawn. A notice without a deadline is not chased. `itemId` is the
 * recipient's row, which the line's button acknowledges.
 */
export const noticesUnacknowledged: ObligationProvider = {
  kind: "notice_ack",
  async due(q) {
    const rows = await q.db
      .selectFrom("notice_recipients as r")
      .innerJoin("notices as n", "n.id", "r.notice_id")
      .innerJoin("outbox as o", "o.id", "r.outbox_id")
      .select(["r.id", "r.person_id", "n.ack_deadline", "n.created_at"])
      .where("n.committee_id", "=", q.committee.id)
      .where("n.status", "!=", "cancelled")
      .where("n.ack_required", "=", 1)
      .where("n.ack_deadline", ">", iso(q.now))
      .where("r.acknowledged_at", "is", null)
      // Only a notice the person has received is chased.
      .where("o.status", "=", "sent")
      .execute();
    const out: Obligation[] = [];
    for (const r of rows) {
      const deadline = new Date(r.ack_deadline!);
      const days = deadlineNudgeDays(q.calendar, deadline, NOTICE_ACK_NUDGES, localDateOf(new Date(r.created_at), q.calendar.timeZone));
      if (days.some((d) => within(d, q.from, q.to))) out.push({ kind: "notice_ack", personId: r.person_id, itemId: r.id, ref: 0, due: r.ack_deadline!, until: r.ack_deadline! });
    }
    return out;
  },
  stillOwed: (db, o, now) => owed(db, o.itemId, now),
  async describe(db, o) {
    const n = await db.selectFrom("notice_recipients as r").innerJoin("notices as n", "n.id", "r.notice_id").select(["n.id", "n.body"]).where("r.id", "=", o.itemId).executeTakeFirst();
    return n && { code: String(n.id), title: excerpt(n.body, 80, { firstLine: true }) };
  },
};

addObligationProvider(noticesUnacknowledged);
