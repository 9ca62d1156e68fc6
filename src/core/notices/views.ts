import { excerpt } from "../markup.js";
import type { OutboxStatus } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import type { JobHandler } from "../jobs/handlers.js";
import { assertCan, seatsWith } from "../permissions.js";

/** A notice as one recipient sees it. */
export interface NoticeCard {
  recipientId: number;
  noticeId: number;
  personId: number;
  committeeName: string;
  timeZone: string;
  body: string;
  attachment: { id: number; fileId: string; fileName: string } | null;
  ackRequired: boolean;
  ackDeadline: string | null;
  acknowledgedAt: string | null;
  withdrawn: boolean;
  /** The recipient wrote it: their copy, not a request to acknowledge. */
  authored: boolean;
}

/** A notice as one recipient sees it, or undefined when there is no such recipient. */
export async function noticeCard(ctx: CoreContext, recipientId: number): Promise<NoticeCard | undefined> {
  const r = await ctx.db
    .selectFrom("notice_recipients as r")
    .innerJoin("notices as n", "n.id", "r.notice_id")
    .innerJoin("committees as c", "c.id", "n.committee_id")
    .leftJoin("attachments as a", "a.id", "n.attachment_id")
    .where("r.id", "=", recipientId)
    .select([
      "r.id",
      "r.notice_id",
      "r.person_id",
      "r.acknowledged_at",
      "c.name",
      "c.time_zone",
      "n.body",
      "n.ack_required",
      "n.ack_deadline",
      "n.status",
      "n.created_by_person_id",
      "a.id as attachmentId",
      "a.file_id",
      "a.file_name",
    ])
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    recipientId: r.id,
    noticeId: r.notice_id,
    personId: r.person_id,
    committeeName: r.name,
    timeZone: r.time_zone,
    body: r.body,
    attachment: r.file_id && r.attachmentId !== null ? { id: r.attachmentId, fileId: r.file_id, fileName: r.file_name ?? "" } : null,
    ackRequired: r.ack_required === 1,
    ackDeadline: r.ack_deadline,
    acknowledgedAt: r.acknowledged_at,
    withdrawn: r.status === "cancelled",
    authored: r.created_by_person_id === r.person_id,
  };
}

/**
 * Where each recipient stands: delivery (from the outbox row) and acknowledgement. "held": waiting for a
 * person who has not linked an app yet (see core/held.ts).
 */
export type DeliveryState = "pending" | "held" | "sent" | "failed" | "unreachable" | "cancelled";

export interface NoticeReport {
  noticeId: number;
  /** The committee's name, for a document's heading. */
  committeeName: string;
  createdAt: string;
  timeZone: string;
  excerpt: string;
  ackRequired: boolean;
  ackDeadline: string | null;
  withdrawn: boolean;
  counts: Record<DeliveryState | "acknowledged", number> & { total: number };
  lines: { fullName: string; organization: string | null; delivery: DeliveryState; sentAt: string | null; acknowledgedAt: string | null; error: string | null }[];
}

const stateOf = (s: OutboxStatus | null, heldSince: string | null): DeliveryState =>
  s === "pending" && heldSince !== null ? "held" : s === "sending" || s === null ? "pending" : s;

/** The secretariat's live delivery report of a notice, with names. */
export async function noticeReport(ctx: CoreContext, actor: Actor, noticeId: number): Promise<NoticeReport> {
  const notice = await ctx.db
    .selectFrom("notices as n")
    .innerJoin("committees as c", "c.id", "n.committee_id")
    .where("n.id", "=", noticeId)
    .select(["n.id", "n.committee_id", "n.created_at", "n.body", "n.ack_required", "n.ack_deadline", "n.status", "c.time_zone", "c.name as committeeName"])
    .executeTakeFirst();
  if (!notice) throw new DomainError("notices:errors.not_found", { id: noticeId });
  assertCan(actor, "notice.send", notice.committee_id);
  const rows = await ctx.db
    .selectFrom("notice_recipients as r")
    .innerJoin("people as p", "p.id", "r.person_id")
    .leftJoin("outbox as o", "o.id", "r.outbox_id")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "r.person_id").on("m.committee_id", "=", notice.committee_id))
    .where("r.notice_id", "=", noticeId)
    .select(["p.full_name", "m.organization", "o.status", "o.held_since", "o.sent_at", "o.last_error", "r.acknowledged_at"])
    .orderBy("r.id")
    .execute();
  const counts = { total: rows.length, pending: 0, held: 0, sent: 0, failed: 0, unreachable: 0, cancelled: 0, acknowledged: 0 };
  const lines = rows.map((r) => {
    const delivery = stateOf(r.status, r.held_since);
    counts[delivery]++;
    if (r.acknowledged_at) counts.acknowledged++;
    return { fullName: r.full_name, organization: r.organization, delivery, sentAt: r.sent_at, acknowledgedAt: r.acknowledged_at, error: r.last_error };
  });
  return {
    noticeId: notice.id,
    committeeName: notice.committeeName,
    createdAt: notice.created_at,
    timeZone: notice.time_zone,
    // A header line: the notice's first line, cut after a whole word.
    excerpt: excerpt(notice.body, 80, { firstLine: true }),
    ackRequired: notice.ack_required === 1,
    ackDeadline: notice.ack_deadline,
    withdrawn: notice.status === "cancelled",
    counts,
    lines,
  };
}

/** The secretariat's recent notices, newest first. */
export async function recentNotices(ctx: CoreContext, actor: Actor, limit = 10): Promise<NoticeReport[]> {
  const committeeIds = seatsWith(actor, "notice.send").map((s) => s.committeeId);
  if (actor.kind === "person" && committeeIds.length === 0) throw new DomainError("errors:forbidden");
  let q = ctx.db.selectFrom("notices").select("id").orderBy("id", "desc").limit(limit);
  if (actor.kind === "person") q = q.where("committee_id", "in", committeeIds);
  const ids = await q.execute();
  return Promise.all(ids.map((r) => noticeReport(ctx, actor, r.id)));
}

/**
 * The old per-notice reminder job. Notices not acknowledged are now part of the daily bundled nudge
 * (core/notices/obligations.ts), so a job queued before the change completes without sending: nobody gets two
 * messages.
 */
export const noticeAckReminder: JobHandler = async () => {};

/** A notice as posted in the committee's group: the text and file, no acknowledgement button. */
export async function noticeForGroup(ctx: CoreContext, noticeId: number): Promise<{ committeeName: string; body: string; attachmentName: string | null } | undefined> {
  const n = await ctx.db
    .selectFrom("notices as n")
    .innerJoin("committees as c", "c.id", "n.committee_id")
    .leftJoin("attachments as a", "a.id", "n.attachment_id")
    .where("n.id", "=", noticeId)
    .select(["c.name", "n.body", "a.file_name"])
    .executeTakeFirst();
  return n ? { committeeName: n.name, body: n.body, attachmentName: n.file_name } : undefined;
}
