import type { Transaction } from "kysely";
import type { Answer, Database, InvitationRow, MeetingRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage } from "../outbox.js";
import { checkAttachment, MAX_ATTACHMENTS, saveAttachments, type IncomingFile } from "../attachments.js";

/** Where an answer request comes from: the invitation and the meeting version printed on the card. */
export interface AnswerTarget {
  invitationId: number;
  version: number;
}

export interface Delegate {
  name: string;
  title: string;
  organization: string;
  contact?: string | null;
}

export const REASON_MAX = 1000;
export const OPINION_MAX = 4000;
/** The longest a delegate's name, title, organization or contact may be. */
export const DELEGATE_FIELD_MAX = 200;

/** Core's rule for one of a delegate's details, already trimmed: required (the contact excepted), at most {@link DELEGATE_FIELD_MAX}. */
export function checkDelegateField(field: keyof Delegate, value: string | null | undefined): void {
  if (field !== "contact" && !value) throw new DomainError("meetings:errors.delegate_field_required", { field });
  if (value && value.length > DELEGATE_FIELD_MAX) throw new DomainError("meetings:errors.delegate_field_too_long", { field, max: DELEGATE_FIELD_MAX });
}

/** Core's rule for a proxy's written opinion, already trimmed: at least `minLength` characters, at most {@link OPINION_MAX}. */
export function checkOpinion(text: string, minLength: number): void {
  if (text.length < minLength) throw new DomainError("meetings:errors.opinion_too_short", { min: minLength, length: text.length });
  if (text.length > OPINION_MAX) throw new DomainError("meetings:errors.opinion_too_long", { max: OPINION_MAX, length: text.length });
}

/** Core's rule for the chair's comment on a decision, already trimmed: at most {@link REASON_MAX}. */
export function checkDecisionComment(comment: string): void {
  if (comment.length > REASON_MAX) throw new DomainError("meetings:errors.reason_too_long", { max: REASON_MAX, length: comment.length });
}

type Trx = Transaction<Database>;

/**
 * Loads an invitation for its invitee's answer and checks every rule: it is theirs, the meeting is still
 * on, the card is of the current version (not rescheduled since), and the deadline has not passed.
 */
async function invitationForAnswer(trx: Trx, ctx: CoreContext, actor: Actor, target: AnswerTarget): Promise<{ inv: InvitationRow; meeting: MeetingRow }> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  const inv = await trx.selectFrom("invitations").selectAll().where("id", "=", target.invitationId).executeTakeFirst();
  if (!inv || inv.person_id !== actor.personId) throw new DomainError("meetings:errors.not_invited");
  if (inv.kind !== "member") throw new DomainError("meetings:errors.guest_no_answer");
  const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", inv.meeting_id).executeTakeFirstOrThrow();
  if (meeting.chair_person_id === inv.person_id) throw new DomainError("meetings:errors.chair_no_answer");
  if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
  if (meeting.version !== target.version) throw new DomainError("meetings:errors.stale");
  const now = iso(ctx.clock());
  if (meeting.starts_at <= now) throw new DomainError("meetings:errors.past");
  if (meeting.answer_deadline <= now) throw new DomainError("meetings:errors.deadline_passed");
  return { inv, meeting };
}

/** Files an absence request and sends it to the meeting's chair, in the caller's transaction. */
async function fileAbsenceRequest(trx: Trx, now: Date, invitationId: number, meeting: MeetingRow, reason: string): Promise<number> {
  const req = await trx
    .insertInto("absence_requests")
    .values({ invitation_id: invitationId, reason, status: "pending", created_at: iso(now) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await enqueueMessage(trx, now, {
    template: "meetings:absence_request",
    params: { requestId: req.id },
    to: { personId: meeting.chair_person_id },
    committeeId: meeting.committee_id,
    dedupeKey: `absence_request:${req.id}:chair`,
  });
  return req.id;
}

async function withdrawPending(trx: Trx, invitationId: number): Promise<void> {
  for (const table of ["absence_requests", "proxies"] as const) {
    await trx.updateTable(table).set({ status: "withdrawn" }).where("invitation_id", "=", invitationId).where("status", "=", "pending").execute();
  }
}

async function setAnswer(trx: Trx, ctx: CoreContext, actor: Actor & { kind: "person" }, inv: InvitationRow, meeting: MeetingRow, answer: Answer, extra: unknown) {
  const now = ctx.clock();
  await trx.updateTable("invitations").set({ answer, answered_at: iso(now), answered_by_person_id: actor.personId }).where("id", "=", inv.id).execute();
  await recordAudit(trx, actor, now, {
    action: `invitation.${answer}`,
    objectType: "invitation",
    objectId: inv.id,
    committeeId: meeting.committee_id,
    before: { answer: inv.answer },
    after: { answer, ...(extra as object) },
  });
}

/** "I will attend": recorded at once; any pending absence or proxy request is withdrawn. A double tap changes nothing. */
export async function answerAttend(ctx: CoreContext, actor: Actor, target: AnswerTarget): Promise<{ changed: boolean }> {
  return ctx.db.transaction().execute(async (trx) => {
    const { inv, meeting } = await invitationForAnswer(trx, ctx, actor, target);
    if (inv.answer === "attend") return { changed: false };
    await withdrawPending(trx, inv.id);
    await setAnswer(trx, ctx, actor as Actor & { kind: "person" }, inv, meeting, "attend", {});
    return { changed: true };
  });
}

/**
 * The absence already asked for in the invitation's current answer, if any: while the answer stays
 * "absent", its latest request that is pending or decided. A new answer (attend, a proxy) or a new version
 * of the meeting (answers reset) starts afresh.
 */
async function standingAbsence(trx: Trx, inv: InvitationRow): Promise<{ id: number; status: "pending" | "approved" | "declined"; reason: string } | undefined> {
  if (inv.answer !== "absent") return undefined;
  const latest = await trx.selectFrom("absence_requests").select(["id", "status", "reason"]).where("invitation_id", "=", inv.id).orderBy("id", "desc").executeTakeFirst();
  if (!latest || latest.status === "withdrawn") return undefined;
  return { id: latest.id, status: latest.status, reason: latest.reason };
}

/** Refuses a second absence request while one stands (pending or decided), saying where the first one is. */
function refuseSecondAbsence(standing: { status: "pending" | "approved" | "declined"; reason: string }): never {
  throw new DomainError(`meetings:errors.absence_${standing.status}`, { reason: standing.reason });
}

/**
 * Whether the person may still ask to be absent from this card: every rule of an answer, and no absence
 * request already standing for it. Called when Absent is pressed, before the reason is asked for.
 */
export async function checkAbsenceOpen(ctx: CoreContext, actor: Actor, target: AnswerTarget): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const { inv } = await invitationForAnswer(trx, ctx, actor, target);
    const standing = await standingAbsence(trx, inv);
    if (standing) refuseSecondAbsence(standing);
  });
}

/**
 * "I cannot attend", with a reason: an absence request goes to the meeting's chair for consent (Art. 6.1.d).
 * Once asked, it stands: the same request again changes nothing, and another one (a quick reason tapped
 * later, a second reason) is refused while the first is pending or decided.
 */
export async function requestAbsence(ctx: CoreContext, actor: Actor, target: AnswerTarget, reason: string): Promise<{ requestId: number; changed: boolean }> {
  const text = reason.trim();
  if (!text) throw new DomainError("meetings:errors.reason_required");
  if (text.length > REASON_MAX) throw new DomainError("meetings:errors.reason_too_long", { max: REASON_MAX, length: text.length });
  return ctx.db.transaction().execute(async (trx) => {
    const { inv, meeting } = await invitationForAnswer(trx, ctx, actor, target);
    const standing = await standingAbsence(trx, inv);
    if (standing?.status === "pending" && standing.reason === text) return { requestId: standing.id, changed: false };
    if (standing) refuseSecondAbsence(standing);
    await withdrawPending(trx, inv.id);
    const requestId = await fileAbsenceRequest(trx, ctx.clock(), inv.id, meeting, text);
    await setAnswer(trx, ctx, actor as Actor & { kind: "person" }, inv, meeting, "absent", { reason: text, requestId });
    return { requestId, changed: true };
  });
}

/**
 * "I send someone in my place": the delegate's details and the member's written opinion on the agenda
 * (required by Art. 6.1.d; at least `minOpinionLength` characters), sent to the chair for approval.
 */
export async function appointProxy(
  ctx: CoreContext,
  actor: Actor,
  target: AnswerTarget,
  delegate: Delegate,
  opinion: string,
  minOpinionLength: number,
  documents: IncomingFile[] = [],
): Promise<{ proxyId: number }> {
  if (documents.length > MAX_ATTACHMENTS) throw new DomainError("meetings:errors.too_many_files", { max: MAX_ATTACHMENTS });
  documents.forEach(checkAttachment);
  const d = {
    name: delegate.name.trim().replace(/\s+/g, " "),
    title: delegate.title.trim(),
    organization: delegate.organization.trim(),
    contact: delegate.contact?.trim() || null,
  };
  for (const [field, value] of Object.entries(d)) checkDelegateField(field as keyof Delegate, value);
  const text = opinion.trim();
  checkOpinion(text, minOpinionLength);
  return ctx.db.transaction().execute(async (trx) => {
    const { inv, meeting } = await invitationForAnswer(trx, ctx, actor, target);
    await withdrawPending(trx, inv.id);
    const now = ctx.clock();
    const row = await trx
      .insertInto("proxies")
      .values({
        invitation_id: inv.id,
        delegate_name: d.name,
        delegate_title: d.title,
        delegate_organization: d.organization,
        delegate_contact: d.contact,
        opinion: text,
        status: "pending",
        created_at: iso(now),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setAnswer(trx, ctx, actor as Actor & { kind: "person" }, inv, meeting, "proxy", { delegate: d, proxyId: row.id });
    await enqueueMessage(trx, now, {
      template: "meetings:proxy_request",
      params: { proxyId: row.id },
      to: { personId: meeting.chair_person_id },
      committeeId: meeting.committee_id,
      dedupeKey: `proxy_request:${row.id}:chair`,
    });
    for (const attachmentId of await saveAttachments(trx, now, { type: "proxy", id: row.id }, documents, inv.person_id)) {
      await enqueueMessage(trx, now, {
        template: "meetings:document",
        params: { attachmentId },
        to: { personId: meeting.chair_person_id },
        committeeId: meeting.committee_id,
        dedupeKey: `attachment:${attachmentId}:to:${meeting.chair_person_id}`,
      });
    }
    return { proxyId: row.id };
  });
}

export type RequestKind = "absence" | "proxy";

/**
 * Only the meeting's chair decides, or the committee's standing deputy acting for the chair (Art. 5.1) —
 * and never on their own request.
 */
export async function mayDecide(trx: Trx, actor: Actor, meeting: MeetingRow, requesterId: number): Promise<boolean> {
  if (actor.kind !== "person" || actor.personId === requesterId) return false;
  if (actor.personId === meeting.chair_person_id) return true;
  return actor.seats.some((s) => s.committeeId === meeting.committee_id && s.role === "standing_deputy");
}

/** The chair approves or declines an absence or a proxy; the member is told the outcome through the outbox. */
export async function decideRequest(
  ctx: CoreContext,
  actor: Actor,
  kind: RequestKind,
  requestId: number,
  approve: boolean,
  comment?: string,
): Promise<{ changed: boolean; status: "approved" | "declined" }> {
  const table = kind === "absence" ? "absence_requests" : "proxies";
  return ctx.db.transaction().execute(async (trx) => {
    const req = await trx.selectFrom(table).select(["id", "invitation_id", "status"]).where("id", "=", requestId).executeTakeFirst();
    if (!req) throw new DomainError("meetings:errors.request_not_found");
    const inv = await trx.selectFrom("invitations").selectAll().where("id", "=", req.invitation_id).executeTakeFirstOrThrow();
    const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", inv.meeting_id).executeTakeFirstOrThrow();
    if (!(await mayDecide(trx, actor, meeting, inv.person_id))) throw new DomainError("meetings:errors.not_chair");
    const status = approve ? "approved" : "declined";
    if (req.status === status) return { changed: false, status };
    if (req.status !== "pending") throw new DomainError(`meetings:errors.request_${req.status}`);
    if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
    const now = ctx.clock();
    if (meeting.starts_at <= iso(now)) throw new DomainError("meetings:errors.past");
    const note = comment?.trim() || null;
    if (note) checkDecisionComment(note);
    await trx
      .updateTable(table)
      .set({ status, decided_at: iso(now), decided_by_person_id: (actor as Actor & { kind: "person" }).personId, comment: note })
      .where("id", "=", requestId)
      .execute();
    await recordAudit(trx, actor, now, {
      action: `${kind}.${status}`,
      objectType: kind === "absence" ? "absence_request" : "proxy",
      objectId: requestId,
      committeeId: meeting.committee_id,
      before: { status: "pending" },
      after: { status, comment: note },
    });
    await enqueueMessage(trx, now, {
      template: "meetings:decision",
      params: { kind, requestId },
      to: { personId: inv.person_id },
      committeeId: meeting.committee_id,
      dedupeKey: `decision:${kind}:${requestId}`,
    });
    return { changed: true, status };
  });
}

/**
 * After the deadline only the secretariat changes an answer, on someone's behalf, and says why (a phone call,
 * a letter). An absence recorded this way still goes to the chair for consent.
 */
export async function overrideAnswer(
  ctx: CoreContext,
  actor: Actor,
  meetingId: number,
  personId: number,
  answer: "attend" | "absent" | "none",
  reason: string,
): Promise<void> {
  const why = reason.trim();
  if (!why) throw new DomainError("meetings:errors.override_reason_required");
  if (why.length > REASON_MAX) throw new DomainError("meetings:errors.reason_too_long", { max: REASON_MAX, length: why.length });
  await ctx.db.transaction().execute(async (trx) => {
    const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
    if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
    if (actor.kind === "person" && !actor.seats.some((s) => s.committeeId === meeting.committee_id && s.role === "secretariat")) throw new DomainError("errors:forbidden");
    if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
    const now = ctx.clock();
    if (meeting.starts_at <= iso(now)) throw new DomainError("meetings:errors.past");
    const inv = await trx.selectFrom("invitations").selectAll().where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();
    if (!inv) throw new DomainError("meetings:errors.not_invitee");
    await withdrawPending(trx, inv.id);
    await trx
      .updateTable("invitations")
      .set({ answer, answered_at: iso(now), answered_by_person_id: actor.kind === "person" ? actor.personId : null })
      .where("id", "=", inv.id)
      .execute();
    await recordAudit(trx, actor, now, {
      action: "invitation.override",
      objectType: "invitation",
      objectId: inv.id,
      committeeId: meeting.committee_id,
      before: { answer: inv.answer },
      after: { answer, reason: why, onBehalfOf: personId },
    });
    if (answer === "absent") await fileAbsenceRequest(trx, now, inv.id, meeting, why);
  });
}
