import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.js";
import type { CoreContext } from "../context.js";
import { runDigest, WEEKLY_DIGEST } from "../cycle/digest.js";
import { QUARTER_PLANNER, runQuarterPlanner } from "../cycle/planner.js";
import { INVITE_EXPIRY_REMINDER } from "../invites/invites.js";
import { quorumCheck, QUORUM_CHECK } from "../meetings/quorum.js";
import { MEETING_SOON, meetingSoon } from "../meetings/soon.js";
import { NUDGE_DAILY, runNudgeDay } from "../nudges/daily.js";
import { NOTICE_ACK_REMINDER } from "../notices/notices.js";
import { noticeAckReminder } from "../notices/views.js";
import { OPINION_REMINDER, opinionReminder } from "../opinions/opinions.js";
import { dateParam, enqueueMessage } from "../outbox.js";
import { REPORT_REMINDER } from "../reports/periods.js";
import { reportReminder } from "../reports/status.js";

/**
 * Runs one due job inside the transaction that marks it done: the messages it queues and its completion
 * commit together, so a crash repeats nothing and loses nothing.
 */
export type JobHandler = (trx: Transaction<Database>, ctx: CoreContext, payload: Record<string, unknown>, jobId: number) => Promise<void>;

/** Tells the secretariat that an invite is about to expire unused, naming the person and the deadline. */
const inviteExpiryReminder: JobHandler = async (trx, ctx, payload) => {
  const inviteId = Number(payload.inviteId);
  const invite = await trx
    .selectFrom("invites as i")
    .innerJoin("people as p", "p.id", "i.person_id")
    .innerJoin("memberships as m", (j) => j.onRef("m.person_id", "=", "i.person_id").onRef("m.committee_id", "=", "i.committee_id"))
    // Linked on any app: the invite has done its work.
    .leftJoin("channel_identities as ci", "ci.person_id", "i.person_id")
    .where("i.id", "=", inviteId)
    .select(["i.committee_id", "i.expires_at", "i.used_at", "i.revoked_at", "p.full_name", "m.id as membershipId", "m.organization", "m.active", "ci.id as identityId"])
    .executeTakeFirst();
  if (!invite || invite.used_at || invite.revoked_at || invite.identityId !== null || !invite.active) return;
  const now = ctx.clock();
  const secretaries = await trx
    .selectFrom("memberships")
    .select("person_id")
    .where("committee_id", "=", invite.committee_id)
    .where("role", "=", "secretariat")
    .where("active", "=", 1)
    .execute();
  for (const s of secretaries) {
    await enqueueMessage(trx, now, {
      template: "invites:expiry_reminder",
      params: {
        name: invite.full_name,
        organization: invite.organization ?? "—",
        expiresAt: dateParam(invite.expires_at),
        memberId: invite.membershipId,
      },
      to: { personId: s.person_id },
      committeeId: invite.committee_id,
      dedupeKey: `${INVITE_EXPIRY_REMINDER}:${inviteId}:${s.person_id}`,
    });
  }
};

/** Every job kind core knows how to run. */
export const jobHandlers: Record<string, JobHandler> = {
  [INVITE_EXPIRY_REMINDER]: inviteExpiryReminder,
  [QUORUM_CHECK]: quorumCheck,
  [NOTICE_ACK_REMINDER]: noticeAckReminder,
  [OPINION_REMINDER]: opinionReminder,
  [REPORT_REMINDER]: reportReminder,
  [QUARTER_PLANNER]: runQuarterPlanner,
  [NUDGE_DAILY]: runNudgeDay,
  [MEETING_SOON]: meetingSoon,
  [WEEKLY_DIGEST]: runDigest,
};
