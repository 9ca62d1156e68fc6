import type { ReportItemRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage } from "../outbox.js";
import { assertCan, seatsWith } from "../permissions.js";

const ANSWER_MAX = 3000;

/** An obstacle or proposal as the secretariat and leaders see it. */
export interface ReportItemView extends ReportItemRow {
  taskCode: string;
  taskTitle: string;
  periodCode: string;
  periodKind: "quarter" | "extra";
  periodName: string;
  raisedByName: string | null;
  organization: string | null;
  timeZone: string;
}

function itemsQuery(ctx: CoreContext) {
  return ctx.db
    .selectFrom("report_items as i")
    .innerJoin("tasks as t", "t.id", "i.task_id")
    .innerJoin("reporting_periods as rp", "rp.id", "i.period_id")
    .innerJoin("committees as c", "c.id", "i.committee_id")
    .leftJoin("people as p", "p.id", "i.raised_by_person_id")
    .leftJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "i.raised_by_person_id").onRef("m.committee_id", "=", "i.committee_id"))
    .selectAll("i")
    .select(["t.code as taskCode", "t.title as taskTitle", "rp.code as periodCode", "rp.kind as periodKind", "rp.name as periodName", "p.full_name as raisedByName", "m.organization", "c.time_zone as timeZone"]);
}

/** The open obstacles and proposals of the actor's committees, oldest first — the inbox of the committee's focal body (Art. 7.6; `committees.focal_body`). */
export async function openItems(ctx: CoreContext, actor: Actor): Promise<ReportItemView[]> {
  const committees = [...new Set([...seatsWith(actor, "report.manage"), ...seatsWith(actor, "report.view")].map((s) => s.committeeId))];
  if (actor.kind === "person" && committees.length === 0) throw new DomainError("errors:forbidden");
  let q = itemsQuery(ctx).where("i.status", "=", "open");
  if (actor.kind === "person") q = q.where("i.committee_id", "in", committees);
  return q.orderBy("i.id").limit(200).execute();
}

export async function itemById(ctx: CoreContext, itemId: number): Promise<ReportItemView | undefined> {
  return itemsQuery(ctx).where("i.id", "=", itemId).executeTakeFirst();
}

/**
 * An obstacle or proposal the actor may answer now (before the answer is asked for, and again with it):
 * hidden from other committees; a member of this one (who may have raised it) is told they may not
 * answer; one already answered is refused.
 */
export async function answerableItem(ctx: CoreContext, actor: Actor, itemId: number): Promise<ReportItemView> {
  const item = await itemById(ctx, itemId);
  if (!item || (actor.kind === "person" && !actor.seats.some((s) => s.committeeId === item.committee_id))) throw new DomainError("reports:errors.item_not_found", { id: itemId });
  assertCan(actor, "report.manage", item.committee_id);
  if (item.status === "answered") throw new DomainError("reports:errors.item_answered", { id: itemId });
  return item;
}

/** The secretariat answers an obstacle or a proposal; the member who raised it is told the answer. */
export async function answerItem(ctx: CoreContext, actor: Actor, itemId: number, answer: string): Promise<ReportItemView> {
  const item = await answerableItem(ctx, actor, itemId);
  const text = answer.normalize("NFC").trim();
  if (!text) throw new DomainError("reports:errors.answer_required");
  if (text.length > ANSWER_MAX) throw new DomainError("reports:errors.text_too_long", { max: ANSWER_MAX, length: text.length });
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable("report_items")
      .set({ status: "answered", answer: text, answered_by_person_id: actor.kind === "person" ? actor.personId : null, answered_at: iso(now) })
      .where("id", "=", itemId)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw new DomainError("reports:errors.item_answered", { id: itemId });
    if (item.raised_by_person_id !== null) {
      await enqueueMessage(trx, now, { template: "reports:item_answer", params: { itemId }, to: { personId: item.raised_by_person_id }, committeeId: item.committee_id, dedupeKey: `report_item_answer:${itemId}` });
    }
    await recordAudit(trx, actor, now, { action: "report_item.answer", objectType: "report_item", objectId: itemId, committeeId: item.committee_id, before: { status: "open" }, after: { status: "answered", answer: text } });
  });
  return { ...item, status: "answered", answer: text, answered_at: iso(now) };
}
