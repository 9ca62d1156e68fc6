import type { Actor } from "../actor.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { findPeriod } from "../reports/periods.js";
import { owedBy } from "../reports/status.js";

/** What a member still owes, across their committees: each item with what is needed to act on it at once. */
export interface PersonalStatus {
  timeZone: string;
  tasks: { taskId: number; code: string; title: string; periodId: number; dueAt: string }[];
  answers: { invitationId: number; meetingId: number; title: string; startsAt: string }[];
  notices: { recipientId: number; noticeId: number; createdAt: string }[];
  opinions: { recipientId: number; requestId: number; title: string; deadline: string }[];
}

/** A person's own open tasks, meeting answers owed, notices to acknowledge and opinions to give (/status). */
export async function personalStatus(ctx: CoreContext, actor: Actor): Promise<PersonalStatus> {
  if (actor.kind !== "person" || actor.seats.length === 0) throw new DomainError("errors:forbidden");
  const now = iso(ctx.clock());
  const out: PersonalStatus = { timeZone: actor.seats[0]!.timeZone, tasks: [], answers: [], notices: [], opinions: [] };
  for (const seat of actor.seats) {
    const period = await findPeriod(ctx, actor, seat.committeeId);
    const owed = await owedBy(ctx, period.id, actor.personId);
    for (const t of owed.tasks) out.tasks.push({ taskId: t.id, code: t.code, title: t.title, periodId: period.id, dueAt: owed.dueAt });
  }
  out.answers = await ctx.db
    .selectFrom("invitations as i")
    .innerJoin("meetings as m", "m.id", "i.meeting_id")
    .select(["i.id as invitationId", "m.id as meetingId", "m.title", "m.starts_at as startsAt"])
    .where("i.person_id", "=", actor.personId)
    .where("i.answer", "=", "none")
    .where("m.status", "=", "scheduled")
    .where("m.answer_deadline", ">", now)
    .orderBy("m.starts_at")
    .execute();
  out.notices = await ctx.db
    .selectFrom("notice_recipients as r")
    .innerJoin("notices as n", "n.id", "r.notice_id")
    .select(["r.id as recipientId", "n.id as noticeId", "n.created_at as createdAt"])
    .where("r.person_id", "=", actor.personId)
    .where("n.status", "=", "sending")
    .where("n.ack_required", "=", 1)
    .where("r.acknowledged_at", "is", null)
    .orderBy("n.id")
    .execute();
  out.opinions = await ctx.db
    .selectFrom("opinion_recipients as r")
    .innerJoin("opinion_requests as q", "q.id", "r.request_id")
    .select(["r.id as recipientId", "q.id as requestId", "q.title", "q.deadline"])
    .where("r.person_id", "=", actor.personId)
    .where("q.status", "=", "open")
    .where("q.deadline", ">", now)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("opinion_answers as a").select("a.id").whereRef("a.recipient_id", "=", "r.id"))))
    .orderBy("q.id")
    .execute();
  return out;
}
