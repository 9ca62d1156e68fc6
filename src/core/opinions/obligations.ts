import type { Executor } from "../../db/database.js";
import { iso } from "../clock.js";
import { localDateOf } from "../cycle/local-time.js";
import { addObligationProvider, deadlineNudgeDays, within, type Obligation, type ObligationProvider } from "../nudges/obligations.js";

/** A request for written opinions is nudged 3 and 1 working days before its deadline and on the day itself. */
export const OPINION_NUDGES = [3, 1, 0] as const;

/** Whether a recipient has not yet answered every question of an open request whose deadline is ahead. */
async function owed(db: Executor, recipientId: number, now: Date): Promise<boolean> {
  const r = await db
    .selectFrom("opinion_recipients as r")
    .innerJoin("opinion_requests as q", "q.id", "r.request_id")
    .select(["q.status", "q.deadline", "q.questions"])
    .where("r.id", "=", recipientId)
    .executeTakeFirst();
  if (!r || r.status !== "open" || r.deadline <= iso(now)) return false;
  const answered = await db.selectFrom("opinion_answers").select("question_index").distinct().where("recipient_id", "=", recipientId).execute();
  return answered.length < (JSON.parse(r.questions) as string[]).length;
}

/**
 * Written opinions not given (the old per-request reminder job, folded into the daily nudge): a recipient who has
 * not answered every question is nudged on the days of {@link OPINION_NUDGES} before the deadline. `itemId` is the
 * recipient's row, whose card the line's button opens to answer.
 */
export const opinionsNotGiven: ObligationProvider = {
  kind: "opinion",
  async due(q) {
    const rows = await q.db
      .selectFrom("opinion_recipients as r")
      .innerJoin("opinion_requests as q", "q.id", "r.request_id")
      .select(["r.id", "r.person_id", "q.deadline", "q.created_at", "q.questions", "q.created_by_person_id"])
      .where("q.committee_id", "=", q.committee.id)
      .where("q.status", "=", "open")
      .where("q.deadline", ">", iso(q.now))
      .execute();
    const out: Obligation[] = [];
    for (const r of rows) {
      // The secretary who asked is not chased for an opinion on their own draft.
      if (r.person_id === r.created_by_person_id) continue;
      const days = deadlineNudgeDays(q.calendar, new Date(r.deadline), OPINION_NUDGES, localDateOf(new Date(r.created_at), q.calendar.timeZone));
      if (!days.some((d) => within(d, q.from, q.to))) continue;
      const answered = await q.db.selectFrom("opinion_answers").select("question_index").distinct().where("recipient_id", "=", r.id).execute();
      if (answered.length >= (JSON.parse(r.questions) as string[]).length) continue;
      out.push({ kind: "opinion", personId: r.person_id, itemId: r.id, ref: 0, due: r.deadline, until: r.deadline });
    }
    return out;
  },
  stillOwed: (db, o, now) => owed(db, o.itemId, now),
  async describe(db, o) {
    const q = await db.selectFrom("opinion_recipients as r").innerJoin("opinion_requests as q", "q.id", "r.request_id").select(["q.id", "q.title"]).where("r.id", "=", o.itemId).executeTakeFirst();
    return q && { code: String(q.id), title: q.title };
  },
};

addObligationProvider(opinionsNotGiven);
