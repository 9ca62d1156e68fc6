import type { Executor } from "../../db/database.js";
import type { ChannelName, CommitteeRow, MembershipRow, PersonRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { addMs, DAY, HOUR, iso, MINUTE } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { cancelJob, scheduleJob } from "../jobs/schedule.js";
import { settleHeld, type HeldItem } from "../held.js";
import { enqueueMessage } from "../outbox.js";
import { attachmentsOf } from "../attachments.js";
import { assertCan } from "../permissions.js";
import { hashInviteCode, INVITE_CODE_SHAPE, newInviteCode } from "./invite-code.js";

/** An invite as the secretariat hands it out: the plain code exists only in this object. */
export interface IssuedInvite {
  inviteId: number;
  personId: number;
  /** The committee the invite admits to: its own Zalo bot (if any) is the one the person links with. */
  committeeId: number;
  fullName: string;
  organization: string | null;
  code: string;
  expiresAt: string;
}

export const INVITE_EXPIRY_REMINDER = "invite.expiry_reminder";
/** How long before expiry the secretariat is told that an invite is still unused. */
const REMIND_BEFORE_EXPIRY = 2 * DAY;

/**
 * Issues a new invite for a person's seat, revoking any earlier open one (so only the newest link works),
 * and schedules the reminder to the secretariat before it expires. Runs inside the caller's transaction.
 */
export async function issueInviteIn(
  trx: Executor,
  ctx: CoreContext,
  actor: Actor,
  membership: Pick<MembershipRow, "person_id" | "committee_id" | "organization">,
  fullName: string,
  /** A guest's or delegate's invite: admits to this meeting and expires when it ends. */
  meeting?: { id: number; endsAt: string },
): Promise<IssuedInvite> {
  const now = ctx.clock();
  await revokeOpenInvites(trx, actor, now, membership.person_id, membership.committee_id);
  const code = newInviteCode();
  const expiresAt = meeting ? new Date(meeting.endsAt) : addMs(now, ctx.settings.inviteTtlDays * DAY);
  const row = await trx
    .insertInto("invites")
    .values({
      person_id: membership.person_id,
      committee_id: membership.committee_id,
      code_hash: hashInviteCode(code),
      created_at: iso(now),
      expires_at: iso(expiresAt),
      issued_by_person_id: actor.kind === "person" ? actor.personId : null,
      meeting_id: meeting?.id ?? null,
    })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  if (meeting) {
    await recordAudit(trx, actor, now, {
      action: "invite.issue",
      objectType: "invite",
      objectId: row.id,
      committeeId: membership.committee_id,
      after: { personId: membership.person_id, meetingId: meeting.id, expiresAt: iso(expiresAt) },
    });
    return { inviteId: row.id, personId: membership.person_id, committeeId: membership.committee_id, fullName, organization: membership.organization, code, expiresAt: iso(expiresAt) };
  }
  const remindAt = new Date(Math.max(now.getTime() + HOUR, expiresAt.getTime() - REMIND_BEFORE_EXPIRY));
  await scheduleJob(trx, now, { kind: INVITE_EXPIRY_REMINDER, key: `${INVITE_EXPIRY_REMINDER}:${row.id}`, runAt: remindAt, payload: { inviteId: row.id } });
  await recordAudit(trx, actor, now, {
    action: "invite.issue",
    objectType: "invite",
    objectId: row.id,
    committeeId: membership.committee_id,
    after: { personId: membership.person_id, expiresAt: iso(expiresAt) },
  });
  return { inviteId: row.id, personId: membership.person_id, committeeId: membership.committee_id, fullName, organization: membership.organization, code, expiresAt: iso(expiresAt) };
}

async function revokeOpenInvites(trx: Executor, actor: Actor, now: Date, personId: number, committeeId: number): Promise<number> {
  const open = await trx
    .selectFrom("invites")
    .select("id")
    .where("person_id", "=", personId)
    .where("committee_id", "=", committeeId)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
  for (const { id } of open) {
    await trx.updateTable("invites").set({ revoked_at: iso(now) }).where("id", "=", id).execute();
    await cancelJob(trx, `${INVITE_EXPIRY_REMINDER}:${id}`);
    await recordAudit(trx, actor, now, { action: "invite.revoke", objectType: "invite", objectId: id, committeeId, before: { revoked: false }, after: { revoked: true } });
  }
  return open.length;
}

async function requireMembership(db: Executor, membershipId: number) {
  const m = await db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .where("m.id", "=", membershipId)
    .select(["m.id", "m.person_id", "m.committee_id", "m.organization", "m.active", "p.full_name"])
    .executeTakeFirst();
  if (!m) throw new DomainError("invites:member_not_found", { id: membershipId });
  return m;
}

/** The secretariat issues (or re-issues) the invite of one member, named by membership number. */
export async function reissueInvite(ctx: CoreContext, actor: Actor, membershipId: number): Promise<IssuedInvite> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await requireMembership(trx, membershipId);
    assertCan(actor, "invite.manage", m.committee_id);
    if (!m.active) throw new DomainError("invites:member_inactive", { name: m.full_name });
    return issueInviteIn(trx, ctx, actor, m, m.full_name);
  });
}

/** The secretariat revokes a member's open invite; a link already sent stops working. */
export async function revokeInvite(ctx: CoreContext, actor: Actor, membershipId: number): Promise<{ fullName: string; revoked: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await requireMembership(trx, membershipId);
    assertCan(actor, "invite.manage", m.committee_id);
    const revoked = await revokeOpenInvites(trx, actor, ctx.clock(), m.person_id, m.committee_id);
    if (revoked === 0) throw new DomainError("invites:nothing_to_revoke", { name: m.full_name });
    return { fullName: m.full_name, revoked };
  });
}

// --- Sign-in -------------------------------------------------------------------------------------

/** Failures within this window count together; from the fifth on, the account waits before trying again. */
const FAILURE_WINDOW = 15 * MINUTE;
const FREE_FAILURES = 4;
const MAX_LOCK = 60 * MINUTE;

/**
 * Failed invite checks allowed per minute across every account together. The per-account wait above does
 * nothing against many accounts guessing at once (a hostile run had 500 strangers guessing 818 codes a
 * second in total); a real committee's people mistype a link a few times a day, so 60 a minute is far above
 * honest use and far below a useful guessing rate for 192-bit codes. Once it is reached every check is
 * refused, without looking the code up, until the minute is over: a real member with a correct invite who
 * arrives during such a storm is refused too and told to try again shortly; that is accepted, as the price
 * of not letting the storm guess on.
 */
export const MAX_FAILED_CHECKS_PER_MINUTE = 60;
const STORM_WINDOW = MINUTE;
/**
 * The row of signin_failures that counts everyone's failures together (failures since window_started_at,
 * reset when a new minute's count begins), so the ceiling holds across restarts and across instances
 * sharing the database. Its external id is no account's: Telegram's ids are numbers. A count in one row,
 * rather than a sum over the accounts' rows, because an account's row keeps only when its own window began,
 * not when each failure happened.
 */
const EVERYONE = { channel: "telegram", externalId: "*" } as const satisfies { channel: ChannelName; externalId: string };

export interface SignInRequest {
  channel: ChannelName;
  externalId: string;
  chatId: string;
  username: string | null;
  code: string;
  /** The Zalo bot the account writes through (see loadActorByChannel); '' or absent for the installation's own. */
  bot?: string;
}

/** What a guest's or a delegate's invite admits to: one meeting, not a seat on the committee. */
export interface MeetingAdmission {
  meetingId: number;
  meetingTitle: string;
  invitationKind: "guest" | "delegate" | "member";
  representsName: string | null;
}

export interface SignInResult {
  person: PersonRow;
  /** The seat the invite was for; null for a guest's or a delegate's invite. */
  membership: MembershipRow | null;
  admission: MeetingAdmission | null;
  committee: CommitteeRow;
  /** True when this very account had already redeemed this invite: a welcome back, not an error. */
  alreadyLinked: boolean;
  /**
   * What is still open for them among the messages held while they had no linked app, in queue order:
   * those messages are released with this link (the cards follow), the others are skipped.
   */
  held: HeldItem[];
}

type Outcome = { ok: SignInResult } | { error: DomainError; countsAsFailure: boolean };

/**
 * Links a chat account to the person an invite was issued for. Wrong, expired, used or revoked codes are
 * refused with a clear reason; repeated failures from one account are slowed down (a growing wait).
 */
export async function redeemInvite(ctx: CoreContext, req: SignInRequest): Promise<SignInResult> {
  const now = ctx.clock();
  const isEveryone = (r: { channel: string; external_id: string }) => r.channel === EVERYONE.channel && r.external_id === EVERYONE.externalId;
  // The account's own row and everyone's count, in one read.
  const rows = await ctx.db
    .selectFrom("signin_failures")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("channel", "=", req.channel), eb("external_id", "=", req.externalId)]),
        eb.and([eb("channel", "=", EVERYONE.channel), eb("external_id", "=", EVERYONE.externalId)]),
      ]),
    )
    .execute();
  const throttle = rows.find((r) => !isEveryone(r));
  const everyone = rows.find(isEveryone);
  const waitUntil = (until: number) => new DomainError("invites:too_many_attempts", { minutes: Math.max(1, Math.ceil((until - now.getTime()) / MINUTE)) });
  if (throttle?.locked_until && throttle.locked_until > iso(now)) throw waitUntil(Date.parse(throttle.locked_until));
  if (everyone && everyone.failures >= MAX_FAILED_CHECKS_PER_MINUTE) {
    const ends = Date.parse(everyone.window_started_at) + STORM_WINDOW;
    // Checks running at the same moment may each pass before any records its failure: a few over the ceiling.
    if (ends > now.getTime()) throw waitUntil(ends);
  }

  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome> => {
    const fail = (code: string, params: Record<string, string | number> = {}, countsAsFailure = true): Outcome => ({
      error: new DomainError(code, params),
      countsAsFailure,
    });
    const code = req.code.trim();
    if (!INVITE_CODE_SHAPE.test(code)) return fail("invites:invalid");
    const invite = await trx.selectFrom("invites").selectAll().where("code_hash", "=", hashInviteCode(code)).executeTakeFirst();
    if (!invite) return fail("invites:invalid");
    const membership = await trx
      .selectFrom("memberships")
      .selectAll()
      .where("person_id", "=", invite.person_id)
      .where("committee_id", "=", invite.committee_id)
      .executeTakeFirst();
    const person = await trx.selectFrom("people").selectAll().where("id", "=", invite.person_id).executeTakeFirstOrThrow();
    const committee = await trx.selectFrom("committees").selectAll().where("id", "=", invite.committee_id).executeTakeFirstOrThrow();
    const admission = invite.meeting_id === null ? null : await meetingAdmission(trx, invite.meeting_id, person.id, now);
    const admits = invite.meeting_id === null ? Boolean(membership?.active) : admission !== null;
    const seat = invite.meeting_id === null ? (membership ?? null) : null;
    if (invite.used_at) {
      if (invite.used_by_external_id === req.externalId && admits) {
        return { ok: { person, membership: seat, admission, committee, alreadyLinked: true, held: [] } };
      }
      return fail("invites:used");
    }
    if (invite.revoked_at) return fail("invites:revoked");
    if (invite.expires_at <= iso(now)) return fail("invites:expired");
    if (!admits) return fail("invites:invalid");

    const taken = await trx
      .selectFrom("channel_identities")
      .select(["person_id"])
      .where("channel", "=", req.channel)
      .where("bot", "=", req.bot ?? "")
      .where("external_id", "=", req.externalId)
      .executeTakeFirst();
    if (taken && taken.person_id !== person.id) return fail("invites:account_taken", {}, false);

    const actor: Actor = { kind: "person", personId: person.id, fullName: person.full_name, locale: person.locale, seats: [] };
    const existing = await trx
      .selectFrom("channel_identities")
      .selectAll()
      .where("person_id", "=", person.id)
      .where("channel", "=", req.channel)
      .where("bot", "=", req.bot ?? "")
      .executeTakeFirst();
    // Linking is using the app: until the person writes on another one, delivery prefers this one.
    const identity = { external_id: req.externalId, chat_id: req.chatId, username: req.username, linked_at: iso(now), unreachable_at: null, unreachable_reason: null, last_seen_at: iso(now) };
    if (existing) {
      await trx.updateTable("channel_identities").set(identity).where("id", "=", existing.id).execute();
    } else {
      await trx.insertInto("channel_identities").values({ ...identity, person_id: person.id, channel: req.channel, bot: req.bot ?? "" }).execute();
    }
    await trx.updateTable("invites").set({ used_at: iso(now), used_by_external_id: req.externalId }).where("id", "=", invite.id).execute();
    await cancelJob(trx, `${INVITE_EXPIRY_REMINDER}:${invite.id}`);
    await recordAudit(trx, actor, now, {
      action: "account.link",
      objectType: "person",
      objectId: person.id,
      committeeId: committee.id,
      before: existing ? { channel: req.channel, externalId: existing.external_id, ...(req.bot ? { bot: req.bot } : {}) } : null,
      after: { channel: req.channel, externalId: req.externalId, inviteId: invite.id, ...(req.bot ? { bot: req.bot } : {}) },
    });
    // What was held for them while they had no linked app goes out now, once: what still matters.
    const held = await settleHeld(trx, now, person.id, true);
    if (admission) {
      // The guest or delegate now gets the meeting card and calendar file like everyone invited.
      const meeting = await trx.selectFrom("meetings").select(["id", "version", "committee_id"]).where("id", "=", admission.meetingId).executeTakeFirstOrThrow();
      const inv = await trx.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", person.id).executeTakeFirstOrThrow();
      for (const template of ["meetings:invitation", "meetings:calendar"]) {
        await enqueueMessage(trx, now, {
          template,
          params: { invitationId: inv.id, version: meeting.version },
          to: { personId: person.id },
          committeeId: meeting.committee_id,
          dedupeKey: `meeting:${meeting.id}:v${meeting.version}:${template === "meetings:invitation" ? "invitation" : "calendar"}:${person.id}`,
        });
      }
      for (const doc of await attachmentsOf(trx, { type: "meeting", id: meeting.id })) {
        await enqueueMessage(trx, now, {
          template: "meetings:document",
          params: { attachmentId: doc.id },
          to: { personId: person.id },
          committeeId: meeting.committee_id,
          dedupeKey: `attachment:${doc.id}:to:${person.id}`,
        });
      }
    }
    return { ok: { person, membership: seat, admission, committee, alreadyLinked: false, held } };
  });

  if ("ok" in outcome) {
    if (throttle) {
      await ctx.db.deleteFrom("signin_failures").where("channel", "=", req.channel).where("external_id", "=", req.externalId).execute();
    }
    return outcome.ok;
  }
  if (outcome.countsAsFailure) {
    await recordFailure(ctx, req, now, throttle);
    await countFailureForEveryone(ctx, now);
  }
  throw outcome.error;
}

/** A meeting invite admits while the meeting is still ahead (or under way) and the invitation exists. */
async function meetingAdmission(trx: Executor, meetingId: number, personId: number, now: Date): Promise<MeetingAdmission | null> {
  const row = await trx
    .selectFrom("invitations as i")
    .innerJoin("meetings as m", "m.id", "i.meeting_id")
    .leftJoin("people as rep", "rep.id", "i.represents_person_id")
    .where("i.meeting_id", "=", meetingId)
    .where("i.person_id", "=", personId)
    .select(["m.id", "m.title", "m.status", "m.ends_at", "i.kind", "rep.full_name as representsName"])
    .executeTakeFirst();
  if (!row || row.status !== "scheduled" || row.ends_at <= iso(now)) return null;
  return { meetingId: row.id, meetingTitle: row.title, invitationKind: row.kind, representsName: row.representsName };
}

async function recordFailure(
  ctx: CoreContext,
  req: SignInRequest,
  now: Date,
  previous: { failures: number; window_started_at: string } | undefined,
): Promise<void> {
  const fresh = !previous || Date.parse(previous.window_started_at) + FAILURE_WINDOW < now.getTime();
  const failures = fresh ? 1 : previous.failures + 1;
  const lockedUntil = failures > FREE_FAILURES ? iso(addMs(now, Math.min(MAX_LOCK, MINUTE * 2 ** (failures - FREE_FAILURES - 1)))) : null;
  const values = { failures, window_started_at: fresh ? iso(now) : previous.window_started_at, locked_until: lockedUntil };
  await ctx.db
    .insertInto("signin_failures")
    .values({ channel: req.channel, external_id: req.externalId, ...values })
    .onConflict((oc) => oc.columns(["channel", "external_id"]).doUpdateSet(values))
    .execute();
}

/** Adds one to everyone's count of the current minute, or starts a new minute's count at one. */
async function countFailureForEveryone(ctx: CoreContext, now: Date): Promise<void> {
  const windowOpen = iso(addMs(now, -STORM_WINDOW));
  await ctx.db
    .insertInto("signin_failures")
    .values({ channel: EVERYONE.channel, external_id: EVERYONE.externalId, failures: 1, window_started_at: iso(now), locked_until: null })
    .onConflict((oc) =>
      oc.columns(["channel", "external_id"]).doUpdateSet((eb) => {
        const current = eb("signin_failures.window_started_at", ">", windowOpen);
        return {
          failures: eb.case().when(current).then(eb("signin_failures.failures", "+", 1)).else(1).end(),
          window_started_at: eb.case().when(current).then(eb.ref("signin_failures.window_started_at")).else(iso(now)).end(),
        };
      }),
    )
    .execute();
}

/**
 * Forgets the failures throttling no longer needs: a row whose window is over and whose wait (if any) has
 * passed changes nothing, since the account's next failure starts a new window. Everyone's count, a minute
 * long, goes the same way. Run hourly with the other pruning.
 */
export async function pruneSigninFailures(ctx: CoreContext): Promise<number> {
  const now = ctx.clock();
  const result = await ctx.db
    .deleteFrom("signin_failures")
    .where("window_started_at", "<", iso(addMs(now, -FAILURE_WINDOW)))
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", iso(now))]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
