import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage, meetingTimeParam } from "../outbox.js";
import { refreshSentCards } from "./changes.js";

type Trx = Transaction<Database>;

/** The committee's active standing deputy chair, who chairs a meeting the chair hands over (Art. 5.1). */
export async function standingDeputyOf(db: Trx | CoreContext["db"], committeeId: number): Promise<{ personId: number; fullName: string } | undefined> {
  return db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .where("m.committee_id", "=", committeeId)
    .where("m.role", "=", "standing_deputy")
    .where("m.active", "=", 1)
    .select(["p.id as personId", "p.full_name as fullName"])
    .orderBy("m.id")
    .executeTakeFirst();
}

/**
 * The meeting's chair hands the chair to the committee's standing deputy. Only the meeting's chair may,
 * while the meeting is still ahead. The deputy becomes the chair and is counted as present; the former
 * chair is asked like any member; requests still waiting go to the deputy, who is told; every card shows
 * the new chair. Handing it to the one who already chairs changes nothing.
 */
export async function handOverChair(ctx: CoreContext, actor: Actor, meetingId: number): Promise<{ changed: boolean; chairName: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
    if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
    if (actor.kind !== "person") throw new DomainError("errors:forbidden");
    const deputy = await standingDeputyOf(trx, meeting.committee_id);
    const committeeChair = actor.seats.some((s) => s.committeeId === meeting.committee_id && s.role === "chair");
    // A second press by the chair who has already handed it over.
    if (deputy && committeeChair && meeting.chair_person_id === deputy.personId) return { changed: false, chairName: deputy.fullName };
    if (actor.personId !== meeting.chair_person_id) throw new DomainError("meetings:errors.not_meeting_chair");
    if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
    const now = ctx.clock();
    if (meeting.starts_at <= iso(now)) throw new DomainError("meetings:errors.past");
    if (!deputy || deputy.personId === actor.personId) throw new DomainError("meetings:errors.no_standing_deputy");

    await trx.updateTable("meetings").set({ chair_person_id: deputy.personId, updated_at: iso(now) }).where("id", "=", meeting.id).execute();
    const invitations = await trx.selectFrom("invitations").selectAll().where("meeting_id", "=", meeting.id).where("person_id", "in", [actor.personId, deputy.personId]).execute();
    const former = invitations.find((i) => i.person_id === actor.personId);
    if (former) await trx.updateTable("invitations").set({ answer: "none", answered_at: null, answered_by_person_id: null }).where("id", "=", former.id).execute();
    const deputyInvitation = invitations.find((i) => i.person_id === deputy.personId);
    if (deputyInvitation) {
      for (const table of ["absence_requests", "proxies"] as const) {
        await trx.updateTable(table).set({ status: "withdrawn" }).where("invitation_id", "=", deputyInvitation.id).where("status", "=", "pending").execute();
      }
      await trx.updateTable("invitations").set({ answer: "attend", answered_at: iso(now), answered_by_person_id: null }).where("id", "=", deputyInvitation.id).execute();
    } else {
      const inv = await trx
        .insertInto("invitations")
        .values({ meeting_id: meeting.id, person_id: deputy.personId, answer: "attend", answered_at: iso(now), created_at: iso(now) })
        .returning("id")
        .executeTakeFirstOrThrow();
      await enqueueMessage(trx, now, {
        template: "meetings:invitation",
        params: { invitationId: inv.id, version: meeting.version },
        to: { personId: deputy.personId },
        committeeId: meeting.committee_id,
        dedupeKey: `meeting:${meeting.id}:v${meeting.version}:invitation:${deputy.personId}`,
      });
    }
    await recordAudit(trx, actor, now, {
      action: "meeting.chair_handover",
      objectType: "meeting",
      objectId: meeting.id,
      committeeId: meeting.committee_id,
      before: { chair_person_id: meeting.chair_person_id },
      after: { chair_person_id: deputy.personId },
    });
    const from = await trx.selectFrom("people").select("full_name").where("id", "=", actor.personId).executeTakeFirstOrThrow();
    await enqueueMessage(trx, now, {
      template: "meetings:chair_handed",
      params: { from: from.full_name, title: meeting.title, start: meetingTimeParam(meeting.starts_at), meetingId: meeting.id },
      to: { personId: deputy.personId },
      committeeId: meeting.committee_id,
      dedupeKey: `meeting:${meeting.id}:chair:${deputy.personId}:${iso(now)}`,
    });
    // The requests still waiting for the chair's word go to the new chair.
    const ids = trx.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id);
    const absences = await trx.selectFrom("absence_requests").select("id").where("invitation_id", "in", ids).where("status", "=", "pending").execute();
    const proxies = await trx.selectFrom("proxies").select("id").where("invitation_id", "in", ids).where("status", "=", "pending").execute();
    for (const [template, param, rows] of [["meetings:absence_request", "requestId", absences], ["meetings:proxy_request", "proxyId", proxies]] as const) {
      for (const { id } of rows) {
        await enqueueMessage(trx, now, {
          template,
          params: { [param]: id },
          to: { personId: deputy.personId },
          committeeId: meeting.committee_id,
          dedupeKey: `${template.slice("meetings:".length)}:${id}:chair:${deputy.personId}`,
        });
      }
    }
    await refreshSentCards(trx, now, meeting);
    return { changed: true, chairName: deputy.fullName };
  });
}
