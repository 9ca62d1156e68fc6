import type { OpinionPosition } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { checkAttachment, saveAttachments, type IncomingFile } from "../attachments.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import type { JobHandler } from "../jobs/handlers.js";
import { resolveAudience, type Audience } from "../notices/audience.js";
import { enqueueMessage } from "../outbox.js";
import { assertCan, seatsWith } from "../permissions.js";

/** The old per-request reminder job; those still queued in a database complete without sending. */
export const OPINION_REMINDER = "opinion.reminder";
export const POSITIONS: readonly OpinionPosition[] = ["agree", "agree_with_comments", "disagree"];
const COMMENT_MAX = 4000;
/** At most this many questions in one request. */
export const MAX_QUESTIONS = 10;
/** A draft's title (trích yếu) is at most this long. */
export const OPINION_TITLE_MAX = 300;

export interface NewOpinionRequest {
  committeeId: number;
  title: string;
  body: string;
  attachment?: IncomingFile | null;
  questions: string[];
  deadline: Date;
  audience: Audience;
}

/** A draft's title, trimmed: required, at most {@link OPINION_TITLE_MAX} characters. Throws a DomainError. */
export function checkOpinionTitle(title: string): string {
  const value = title.trim();
  if (!value) throw new DomainError("opinions:errors.title_required");
  if (value.length > OPINION_TITLE_MAX) throw new DomainError("opinions:errors.title_too_long", { max: OPINION_TITLE_MAX, length: value.length });
  return value;
}

/** The draft's text: required unless the draft comes as a file. Throws a DomainError. */
export function checkOpinionBody(body: string, hasAttachment: boolean): void {
  if (!body.trim() && !hasAttachment) throw new DomainError("opinions:errors.body_required");
}

/**
 * One more question, trimmed, after `before` questions already asked: not empty, and no more than
 * {@link MAX_QUESTIONS} in all. Throws a DomainError.
 */
export function checkOpinionQuestion(question: string, before: number): string {
  const value = question.trim();
  if (!value) throw new DomainError("opinions:errors.question_required");
  if (before >= MAX_QUESTIONS) throw new DomainError("opinions:errors.too_many_questions", { max: MAX_QUESTIONS });
  return value;
}

/** The deadline for answers must lie after `now`. Throws a DomainError. */
export function checkOpinionDeadline(deadline: Date, now: Date): void {
  if (deadline <= now) throw new DomainError("opinions:errors.deadline_in_past");
}

/**
 * The secretariat consults members in writing (Art. 3, 6.1.c): a draft, one or more questions and a
 * deadline. Each recipient gets it through the outbox; those who have not answered are nudged before the
 * deadline in their daily bundled nudge (core/opinions/obligations.ts).
 */
export async function createOpinionRequest(ctx: CoreContext, actor: Actor, input: NewOpinionRequest): Promise<{ requestId: number; recipients: number }> {
  assertCan(actor, "notice.send", input.committeeId);
  const title = checkOpinionTitle(input.title);
  const questions = input.questions.map((q) => q.trim()).filter(Boolean);
  if (questions.length === 0) throw new DomainError("opinions:errors.questions_required");
  questions.forEach((q, i) => checkOpinionQuestion(q, i));
  checkOpinionBody(input.body, Boolean(input.attachment));
  if (input.attachment) checkAttachment(input.attachment);
  const now = ctx.clock();
  checkOpinionDeadline(input.deadline, now);
  return ctx.db.transaction().execute(async (trx) => {
    const people = await resolveAudience(trx, input.committeeId, input.audience);
    const personId = actor.kind === "person" ? actor.personId : null;
    const req = await trx
      .insertInto("opinion_requests")
      .values({
        committee_id: input.committeeId,
        created_by_person_id: personId,
        title,
        body: input.body.trim(),
        attachment_id: null,
        questions: JSON.stringify(questions),
        audience: JSON.stringify(input.audience),
        deadline: iso(input.deadline),
        status: "open",
        created_at: iso(now),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.attachment) {
      const [attachmentId] = await saveAttachments(trx, now, { type: "opinion_request", id: req.id }, [input.attachment], personId);
      await trx.updateTable("opinion_requests").set({ attachment_id: attachmentId! }).where("id", "=", req.id).execute();
    }
    for (const pid of people) {
      const r = await trx.insertInto("opinion_recipients").values({ request_id: req.id, person_id: pid }).returning("id").executeTakeFirstOrThrow();
      await enqueueMessage(trx, now, { template: "opinions:request", params: { recipientId: r.id }, to: { personId: pid }, committeeId: input.committeeId, dedupeKey: `opinion:${req.id}:to:${pid}` });
      if (input.attachment) {
        await enqueueMessage(trx, now, { template: "opinions:attachment", params: { recipientId: r.id }, to: { personId: pid }, committeeId: input.committeeId, dedupeKey: `opinion:${req.id}:attachment:${pid}` });
      }
    }
    await recordAudit(trx, actor, now, {
      action: "opinion_request.create",
      objectType: "opinion_request",
      objectId: req.id,
      committeeId: input.committeeId,
      after: { title, questions, deadline: iso(input.deadline), audience: input.audience, recipients: people.length },
    });
    return { requestId: req.id, recipients: people.length };
  });
}

/**
 * A recipient answers one question: agree, agree with comments (the comments required) or disagree (the
 * reasons required). Until the deadline they may answer again; every version is kept, the latest counts.
 */
export async function answerOpinion(
  ctx: CoreContext,
  actor: Actor,
  recipientId: number,
  questionIndex: number,
  position: OpinionPosition,
  comment?: string | null,
  attachment?: IncomingFile | null,
): Promise<void> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  if (!POSITIONS.includes(position)) throw new DomainError("opinions:errors.bad_position");
  const text = comment?.trim() || null;
  if (position !== "agree" && !text && !attachment) throw new DomainError(position === "disagree" ? "opinions:errors.reason_required" : "opinions:errors.comment_required");
  if (text && text.length > COMMENT_MAX) throw new DomainError("opinions:errors.comment_too_long", { max: COMMENT_MAX, length: text.length });
  if (attachment) checkAttachment(attachment);
  await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom("opinion_recipients as r")
      .innerJoin("opinion_requests as q", "q.id", "r.request_id")
      .where("r.id", "=", recipientId)
      .select(["r.id", "r.person_id", "q.id as requestId", "q.status", "q.deadline", "q.questions", "q.committee_id"])
      .executeTakeFirst();
    if (!r || r.person_id !== actor.personId) throw new DomainError("opinions:errors.not_yours");
    if (r.status === "withdrawn") throw new DomainError("opinions:errors.withdrawn");
    const now = ctx.clock();
    if (r.deadline <= iso(now)) throw new DomainError("opinions:errors.closed");
    const questions = JSON.parse(r.questions) as string[];
    if (!Number.isInteger(questionIndex) || questionIndex < 0 || questionIndex >= questions.length) throw new DomainError("opinions:errors.bad_question");
    const answer = await trx
      .insertInto("opinion_answers")
      .values({ recipient_id: r.id, question_index: questionIndex, position, comment: text, attachment_id: null, answered_at: iso(now) })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (attachment) {
      const [attachmentId] = await saveAttachments(trx, now, { type: "opinion_answer", id: answer.id }, [attachment], actor.personId);
      await trx.updateTable("opinion_answers").set({ attachment_id: attachmentId! }).where("id", "=", answer.id).execute();
    }
    await recordAudit(trx, actor, now, {
      action: "opinion.answer",
      objectType: "opinion_answer",
      objectId: answer.id,
      committeeId: r.committee_id,
      after: { requestId: r.requestId, question: questionIndex, position, comment: text },
    });
  });
}

/** A request as one recipient sees it, with their current answers. */
export interface OpinionCard {
  recipientId: number;
  requestId: number;
  personId: number;
  committeeName: string;
  timeZone: string;
  title: string;
  body: string;
  attachment: { id: number; fileId: string; fileName: string } | null;
  questions: string[];
  deadline: string;
  open: boolean;
  withdrawn: boolean;
  answers: ({ position: OpinionPosition; comment: string | null; answeredAt: string } | null)[];
}

export async function opinionCard(ctx: CoreContext, recipientId: number): Promise<OpinionCard | undefined> {
  const r = await ctx.db
    .selectFrom("opinion_recipients as r")
    .innerJoin("opinion_requests as q", "q.id", "r.request_id")
    .innerJoin("committees as c", "c.id", "q.committee_id")
    .leftJoin("attachments as a", "a.id", "q.attachment_id")
    .where("r.id", "=", recipientId)
    .select(["r.id", "r.person_id", "q.id as requestId", "q.title", "q.body", "q.questions", "q.deadline", "q.status", "c.name", "c.time_zone", "a.id as attachmentId", "a.file_id", "a.file_name"])
    .executeTakeFirst();
  if (!r) return undefined;
  const questions = JSON.parse(r.questions) as string[];
  const latest = await latestAnswers(ctx, [r.id]);
  return {
    recipientId: r.id,
    requestId: r.requestId,
    personId: r.person_id,
    committeeName: r.name,
    timeZone: r.time_zone,
    title: r.title,
    body: r.body,
    attachment: r.file_id && r.attachmentId !== null ? { id: r.attachmentId, fileId: r.file_id, fileName: r.file_name ?? "" } : null,
    questions,
    deadline: r.deadline,
    open: r.status === "open" && r.deadline > iso(ctx.clock()),
    withdrawn: r.status === "withdrawn",
    answers: questions.map((_, i) => latest.get(`${r.id}:${i}`) ?? null),
  };
}

async function latestAnswers(ctx: CoreContext, recipientIds: number[]) {
  const out = new Map<string, { position: OpinionPosition; comment: string | null; answeredAt: string }>();
  if (recipientIds.length === 0) return out;
  const rows = await ctx.db.selectFrom("opinion_answers").selectAll().where("recipient_id", "in", recipientIds).orderBy("id").execute();
  for (const a of rows) out.set(`${a.recipient_id}:${a.question_index}`, { position: a.position, comment: a.comment, answeredAt: a.answered_at });
  return out;
}

/** The compiled table ("bảng tổng hợp ý kiến"): every recipient, their position and comments per question. */
export interface CompiledOpinions {
  requestId: number;
  title: string;
  committeeName: string;
  /** The committee's governing body and place name, for the document's header ("UBND TỈNH LẠNG SƠN", "Lạng Sơn"). */
  governingBody: string | null;
  placeName: string | null;
  timeZone: string;
  /** When the request was sent, and the deadline for opinions. */
  sentAt: string;
  deadline: string;
  questions: string[];
  rows: { fullName: string; organization: string | null; title: string | null; answers: ({ position: OpinionPosition; comment: string | null; answeredAt: string } | null)[]; receivedAt: string | null }[];
  /** Per question (by index): how many agreed, agreed with comments, disagreed, and gave no opinion. */
  counts: { recipients: number; answered: number; agree: number[]; agreeWithComments: number[]; disagree: number[]; noOpinion: number[] };
}

export async function compileOpinions(ctx: CoreContext, actor: Actor, requestId: number): Promise<CompiledOpinions> {
  // An id beyond any row's (and beyond PostgreSQL's integer) is simply not found.
  if (!Number.isSafeInteger(requestId) || requestId < 1 || requestId > 2_147_483_647) throw new DomainError("opinions:errors.not_found", { id: requestId });
  const req = await ctx.db
    .selectFrom("opinion_requests as q")
    .innerJoin("committees as c", "c.id", "q.committee_id")
    .where("q.id", "=", requestId)
    .select(["q.id", "q.committee_id", "q.title", "q.questions", "q.deadline", "q.created_at", "c.name", "c.time_zone", "c.governing_body", "c.place_name"])
    .executeTakeFirst();
  if (!req) throw new DomainError("opinions:errors.not_found", { id: requestId });
  assertCan(actor, "notice.send", req.committee_id);
  const questions = JSON.parse(req.questions) as string[];
  const recipients = await ctx.db
    .selectFrom("opinion_recipients as r")
    .innerJoin("people as p", "p.id", "r.person_id")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "r.person_id").on("m.committee_id", "=", req.committee_id))
    .where("r.request_id", "=", requestId)
    .select(["r.id", "p.full_name", "m.organization", "m.title"])
    .orderBy("m.id")
    .execute();
  const latest = await latestAnswers(ctx, recipients.map((r) => r.id));
  const counts = {
    recipients: recipients.length,
    answered: 0,
    agree: questions.map(() => 0),
    agreeWithComments: questions.map(() => 0),
    disagree: questions.map(() => 0),
    noOpinion: questions.map(() => 0),
  };
  const rows = recipients.map((r) => {
    const answers = questions.map((_, i) => latest.get(`${r.id}:${i}`) ?? null);
    answers.forEach((a, i) => {
      if (a?.position === "agree") counts.agree[i]!++;
      if (a?.position === "agree_with_comments") counts.agreeWithComments[i]!++;
      if (a?.position === "disagree") counts.disagree[i]!++;
      if (!a) counts.noOpinion[i]!++;
    });
    const times = answers.filter((a) => a !== null).map((a) => a!.answeredAt).sort();
    if (times.length) counts.answered++;
    return { fullName: r.full_name, organization: r.organization, title: r.title, answers, receivedAt: times.at(-1) ?? null };
  });
  return {
    requestId: req.id,
    title: req.title,
    committeeName: req.name,
    governingBody: req.governing_body,
    placeName: req.place_name,
    timeZone: req.time_zone,
    sentAt: req.created_at,
    deadline: req.deadline,
    questions,
    rows,
    counts,
  };
}

/** The secretariat's open and recent consultations, newest first. */
export async function recentOpinionRequests(ctx: CoreContext, actor: Actor): Promise<{ id: number; title: string; deadline: string; timeZone: string }[]> {
  const committeeIds = seatsWith(actor, "notice.send").map((s) => s.committeeId);
  if (actor.kind === "person" && committeeIds.length === 0) throw new DomainError("errors:forbidden");
  let q = ctx.db
    .selectFrom("opinion_requests as q")
    .innerJoin("committees as c", "c.id", "q.committee_id")
    .select(["q.id", "q.title", "q.deadline", "c.time_zone as timeZone"])
    .orderBy("q.id", "desc")
    .limit(10);
  if (actor.kind === "person") q = q.where("q.committee_id", "in", committeeIds);
  return q.execute();
}

/**
 * The old per-request reminder job. Opinions not given are now part of the daily bundled nudge
 * (core/opinions/obligations.ts), so a job queued before the change completes without sending.
 */
export const opinionReminder: JobHandler = async () => {};
