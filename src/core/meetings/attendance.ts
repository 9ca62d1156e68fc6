import type { Presence } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { HOUR, iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan } from "../permissions.js";
import { meetingRoster } from "./views.js";

/** Recording opens this long before the start, so the secretariat can check people in at the door. */
const OPENS_BEFORE = 2 * HOUR;

async function openForRecording(ctx: CoreContext, actor: Actor, meetingId: number) {
  const meeting = await ctx.db.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  assertCan(actor, "meeting.manage", meeting.committee_id);
  if (meeting.status === "cancelled") throw new DomainError("meetings:errors.cancelled");
  if (Date.parse(meeting.starts_at) - OPENS_BEFORE > ctx.clock().getTime()) throw new DomainError("meetings:errors.attendance_not_open");
  return meeting;
}

/**
 * The secretariat records who actually came: present, absent, or represented by a delegate. This is kept
 * apart from what people answered beforehand.
 */
export async function recordAttendance(
  ctx: CoreContext,
  actor: Actor,
  meetingId: number,
  personId: number,
  presence: Presence,
  delegateName?: string | null,
): Promise<void> {
  const meeting = await openForRecording(ctx, actor, meetingId);
  await ctx.db.transaction().execute(async (trx) => {
    const inv = await trx.selectFrom("invitations").select("id").where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();
    if (!inv) throw new DomainError("meetings:errors.not_invitee");
    let delegate = delegateName?.trim() || null;
    if (presence === "represented" && !delegate) {
      const proxy = await trx.selectFrom("proxies").select("delegate_name").where("invitation_id", "=", inv.id).where("status", "=", "approved").executeTakeFirst();
      delegate = proxy?.delegate_name ?? null;
      if (!delegate) throw new DomainError("meetings:errors.delegate_unknown");
    }
    if (presence !== "represented") delegate = null;
    const before = await trx.selectFrom("attendance").selectAll().where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();
    if (before && before.presence === presence && before.delegate_name === delegate) return;
    const now = ctx.clock();
    const values = { presence, delegate_name: delegate, recorded_by_person_id: actor.kind === "person" ? actor.personId : null, recorded_at: iso(now) };
    await trx
      .insertInto("attendance")
      .values({ meeting_id: meetingId, person_id: personId, ...values })
      .onConflict((oc) => oc.columns(["meeting_id", "person_id"]).doUpdateSet(values))
      .execute();
    await recordAudit(trx, actor, now, {
      action: "attendance.record",
      objectType: "attendance",
      objectId: `${meetingId}:${personId}`,
      committeeId: meeting.committee_id,
      before: before ? { presence: before.presence, delegate: before.delegate_name } : null,
      after: { presence, delegate },
    });
  });
}

/**
 * Fills in the attendance of everyone not yet recorded from their answers: attending → present, an
 * approved proxy → represented, anything else → absent. What was recorded by hand is left as it is.
 */
export async function prefillAttendance(ctx: CoreContext, actor: Actor, meetingId: number): Promise<number> {
  await openForRecording(ctx, actor, meetingId);
  const roster = await meetingRoster(ctx, actor, meetingId);
  const recorded = new Set(
    (await ctx.db.selectFrom("attendance").select("person_id").where("meeting_id", "=", meetingId).execute()).map((r) => r.person_id),
  );
  let n = 0;
  for (const line of roster.lines) {
    if (recorded.has(line.personId)) continue;
    const presence: Presence = line.answer === "attend" ? "present" : line.answer === "proxy" && line.requestStatus === "approved" ? "represented" : "absent";
    await recordAttendance(ctx, actor, meetingId, line.personId, presence);
    n++;
  }
  return n;
}

/** Where one tap on a person's name moves their recorded presence (from nothing recorded: present). */
const NEXT_PRESENCE: Record<Presence | "none", Presence> = { none: "present", present: "absent", absent: "represented", represented: "present" };

/**
 * Moves one invitee's recorded presence one step round present → absent → represented → present, as the
 * secretariat taps through the attendance sheet. "Represented" needs a delegate, so without an approved
 * proxy it is passed over. Returns what was recorded.
 */
export async function cycleAttendance(ctx: CoreContext, actor: Actor, meetingId: number, personId: number): Promise<Presence> {
  await openForRecording(ctx, actor, meetingId);
  // The sheet lists the members invited; a guest or a delegate is not on it.
  const inv = await ctx.db.selectFrom("invitations").select("id").where("meeting_id", "=", meetingId).where("person_id", "=", personId).where("kind", "=", "member").executeTakeFirst();
  if (!inv) throw new DomainError("meetings:errors.not_invitee");
  const row = await ctx.db.selectFrom("attendance").select("presence").where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();
  let next = NEXT_PRESENCE[row?.presence ?? "none"];
  if (next === "represented") {
    const proxy = await ctx.db.selectFrom("proxies").select("id").where("invitation_id", "=", inv.id).where("status", "=", "approved").executeTakeFirst();
    if (!proxy) next = NEXT_PRESENCE[next];
  }
  await recordAttendance(ctx, actor, meetingId, personId, next);
  return next;
}

export interface AttendanceLine {
  personId: number;
  fullName: string;
  presence: Presence | null;
  delegateName: string | null;
}

/** Actual presence per invitee (null where nothing is recorded yet). */
export async function attendanceSheet(ctx: CoreContext, actor: Actor, meetingId: number): Promise<AttendanceLine[]> {
  await openForRecording(ctx, actor, meetingId);
  const roster = await meetingRoster(ctx, actor, meetingId);
  const rows = await ctx.db.selectFrom("attendance").selectAll().where("meeting_id", "=", meetingId).execute();
  const byPerson = new Map(rows.map((r) => [r.person_id, r]));
  return roster.lines.map((l) => ({
    personId: l.personId,
    fullName: l.fullName,
    presence: byPerson.get(l.personId)?.presence ?? null,
    delegateName: byPerson.get(l.personId)?.delegate_name ?? null,
  }));
}
