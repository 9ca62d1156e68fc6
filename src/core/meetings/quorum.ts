import type { Transaction } from "kysely";
import type { Database, MeetingRow } from "../../db/schema.js";
import type { Executor } from "../../db/database.js";
import { DAY, iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import type { JobHandler } from "../jobs/handlers.js";
import { scheduleJob } from "../jobs/schedule.js";
import { enqueueMessage, meetingTimeParam, percentParam } from "../outbox.js";

export const QUORUM_CHECK = "meeting.quorum_check";

/**
 * Schedules the quorum check of a meeting version: `warningDays` before the start, or at the answer
 * deadline when the meeting was called later than that.
 */
export async function scheduleQuorumCheck(db: Executor, ctx: CoreContext, meeting: Pick<MeetingRow, "id" | "version" | "starts_at" | "answer_deadline">): Promise<void> {
  const now = ctx.clock();
  const before = Date.parse(meeting.starts_at) - ctx.settings.quorum.warningDays * DAY;
  const runAt = before > now.getTime() ? before : Math.max(now.getTime(), Date.parse(meeting.answer_deadline));
  await scheduleJob(db, now, {
    kind: QUORUM_CHECK,
    key: `${QUORUM_CHECK}:${meeting.id}:v${meeting.version}`,
    runAt: new Date(runAt),
    payload: { meetingId: meeting.id, version: meeting.version },
  });
}

/** Counts who will be there in person or by an approved proxy, among the meeting's invitees. */
async function forecast(trx: Transaction<Database>, meetingId: number): Promise<{ expected: number; invited: number; noAnswer: number }> {
  const invitations = await trx.selectFrom("invitations").select(["id", "answer"]).where("meeting_id", "=", meetingId).where("kind", "=", "member").execute();
  const ids = invitations.map((i) => i.id);
  const approvedProxies = ids.length
    ? await trx.selectFrom("proxies").select("invitation_id").where("invitation_id", "in", ids).where("status", "=", "approved").execute()
    : [];
  const proxied = new Set(approvedProxies.map((p) => p.invitation_id));
  return {
    expected: invitations.filter((i) => i.answer === "attend" || (i.answer === "proxy" && proxied.has(i.id))).length,
    invited: invitations.length,
    noAnswer: invitations.filter((i) => i.answer === "none").length,
  };
}

/** Warns the meeting's chair and the secretariat when the expected presence is below the threshold. */
export const quorumCheck: JobHandler = async (trx, ctx, payload) => {
  const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", Number(payload.meetingId)).executeTakeFirst();
  if (!meeting || meeting.status !== "scheduled" || meeting.version !== Number(payload.version) || meeting.starts_at <= iso(ctx.clock())) return;
  const f = await forecast(trx, meeting.id);
  const share = f.invited ? f.expected / f.invited : 0;
  if (share >= ctx.settings.quorum.threshold) return;
  const recipients = await trx
    .selectFrom("memberships")
    .select("person_id")
    .where("committee_id", "=", meeting.committee_id)
    .where("active", "=", 1)
    .where((eb) => eb.or([eb("role", "=", "secretariat"), eb("person_id", "=", meeting.chair_person_id)]))
    .execute();
  const ids = new Set([meeting.chair_person_id, ...recipients.map((r) => r.person_id)]);
  for (const personId of ids) {
    await enqueueMessage(trx, ctx.clock(), {
      template: "meetings:quorum_warning",
      params: {
        title: meeting.title,
        start: meetingTimeParam(meeting.starts_at),
        percent: percentParam(Math.round(share * 100)),
        threshold: percentParam(Math.round(ctx.settings.quorum.threshold * 100)),
        expected: f.expected,
        invited: f.invited,
        noAnswer: f.noAnswer,
        meetingId: meeting.id,
      },
      to: { personId },
      committeeId: meeting.committee_id,
      dedupeKey: `quorum_warning:${meeting.id}:v${meeting.version}:${personId}`,
    });
  }
};
