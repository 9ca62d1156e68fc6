import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { issueInviteIn, type IssuedInvite } from "../invites/invites.js";
import { assertCan } from "../permissions.js";

export interface Guest {
  name: string;
  title: string;
  organization: string;
  contact?: string | null;
}

const FIELD_MAX = 200;
type Trx = Transaction<Database>;

async function openMeeting(trx: Trx, ctx: CoreContext, meetingId: number) {
  const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
  if (meeting.ends_at <= iso(ctx.clock())) throw new DomainError("meetings:errors.past");
  return meeting;
}

/** A guest or delegate as a person of their own, with an invitation that admits to this meeting only. */
async function inviteOutsider(
  trx: Trx,
  ctx: CoreContext,
  actor: Actor,
  meeting: { id: number; committee_id: number; ends_at: string },
  who: Guest,
  kind: "guest" | "delegate",
  representsPersonId: number | null,
): Promise<{ invitationId: number; personId: number }> {
  const now = ctx.clock();
  const existing = representsPersonId
    ? await trx
        .selectFrom("invitations")
        .select(["id", "person_id"])
        .where("meeting_id", "=", meeting.id)
        .where("kind", "=", "delegate")
        .where("represents_person_id", "=", representsPersonId)
        .executeTakeFirst()
    : undefined;
  if (existing) return { invitationId: existing.id, personId: existing.person_id };
  const person = await trx
    .insertInto("people")
    .values({ full_name: who.name, phone: who.contact ?? null, email: null, locale: null, created_at: iso(now), updated_at: iso(now) })
    .returning("id")
    .executeTakeFirstOrThrow();
  const inv = await trx
    .insertInto("invitations")
    .values({
      meeting_id: meeting.id,
      person_id: person.id,
      kind,
      title: who.title,
      organization: who.organization,
      represents_person_id: representsPersonId,
      answer: "attend",
      created_at: iso(now),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, actor, now, {
    action: `invitation.${kind}`,
    objectType: "invitation",
    objectId: inv.id,
    committeeId: meeting.committee_id,
    after: { ...who, meetingId: meeting.id, representsPersonId },
  });
  return { invitationId: inv.id, personId: person.id };
}

/**
 * The secretariat invites a guest who is not on the roster to an extended meeting (Art. 8.2). The guest
 * gets a single-use link; opening it brings them the meeting card and reminders, nothing else.
 */
export async function addGuest(ctx: CoreContext, actor: Actor, meetingId: number, guest: Guest): Promise<IssuedInvite> {
  const g = { name: guest.name.trim().replace(/\s+/g, " "), title: guest.title.trim(), organization: guest.organization.trim(), contact: guest.contact?.trim() || null };
  if (!g.name || !g.title || !g.organization) throw new DomainError("meetings:errors.guest_fields_required");
  if ([g.name, g.title, g.organization].some((v) => v.length > FIELD_MAX)) throw new DomainError("meetings:errors.too_long", { max: FIELD_MAX });
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await openMeeting(trx, ctx, meetingId);
    assertCan(actor, "meeting.manage", meeting.committee_id);
    const { personId } = await inviteOutsider(trx, ctx, actor, meeting, g, "guest", null);
    return issueInviteIn(trx, ctx, actor, { person_id: personId, committee_id: meeting.committee_id, organization: g.organization }, g.name, {
      id: meeting.id,
      endsAt: meeting.ends_at,
    });
  });
}

/**
 * Once the chair has approved a proxy, the member (or the secretariat) gets a single-use link for the
 * delegate, so that the delegate receives the meeting card and reminders too. Asking again gives a new
 * link and voids the earlier one.
 */
export async function delegateInvite(ctx: CoreContext, actor: Actor, proxyId: number): Promise<IssuedInvite> {
  return ctx.db.transaction().execute(async (trx) => {
    const proxy = await trx.selectFrom("proxies").selectAll().where("id", "=", proxyId).executeTakeFirst();
    if (!proxy) throw new DomainError("meetings:errors.request_not_found");
    const inv = await trx.selectFrom("invitations").selectAll().where("id", "=", proxy.invitation_id).executeTakeFirstOrThrow();
    const meeting = await openMeeting(trx, ctx, inv.meeting_id);
    const isMember = actor.kind === "person" && actor.personId === inv.person_id;
    const isSecretariat = actor.kind !== "person" || actor.seats.some((s) => s.committeeId === meeting.committee_id && s.role === "secretariat");
    if (!isMember && !isSecretariat) throw new DomainError("errors:forbidden");
    if (proxy.status !== "approved") throw new DomainError("meetings:errors.proxy_not_approved");
    const who = { name: proxy.delegate_name, title: proxy.delegate_title, organization: proxy.delegate_organization, contact: proxy.delegate_contact };
    const { personId } = await inviteOutsider(trx, ctx, actor, meeting, who, "delegate", inv.person_id);
    return issueInviteIn(trx, ctx, actor, { person_id: personId, committee_id: meeting.committee_id, organization: who.organization }, who.name, {
      id: meeting.id,
      endsAt: meeting.ends_at,
    });
  });
}

/** The upcoming meetings a person attends as a guest or a delegate (they hold no seat). */
export async function outsiderInvitations(ctx: CoreContext, personId: number): Promise<{ meetingId: number; title: string; startsAt: string; timeZone: string }[]> {
  return ctx.db
    .selectFrom("invitations as i")
    .innerJoin("meetings as m", "m.id", "i.meeting_id")
    .innerJoin("committees as c", "c.id", "m.committee_id")
    .where("i.person_id", "=", personId)
    .where("i.kind", "in", ["guest", "delegate"])
    .where("m.status", "=", "scheduled")
    .where("m.ends_at", ">", iso(ctx.clock()))
    .select(["m.id as meetingId", "m.title", "m.starts_at as startsAt", "c.time_zone as timeZone"])
    .orderBy("m.starts_at")
    .execute();
}
