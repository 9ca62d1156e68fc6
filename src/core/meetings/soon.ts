import type { Executor } from "../../db/database.js";
import type { MeetingRow } from "../../db/schema.js";
import { systemActor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { HOUR, iso } from "../clock.js";
import { endOfQuietHours, inQuietHours } from "../cycle/quiet.js";
import { cycleSettings } from "../cycle/settings.js";
import type { JobHandler } from "../jobs/handlers.js";
import { scheduleJob } from "../jobs/schedule.js";
import { enqueueMessage, meetingTimeParam } from "../outbox.js";

/** The due job of a meeting version: "the meeting starts soon", to those attending and to delegates. */
export const MEETING_SOON = "meeting.soon";

const jobKey = (meetingId: number, version: number) => `${MEETING_SOON}:${meetingId}:v${version}`;

/**
 * Schedules the "meeting soon" reminder of a meeting version, `reminders.meeting_hours` hours before its start
 * (DESIGN.md §4: 2 hours), or at the end of the committee's quiet hours when that moment falls in them. It is
 * not part of the daily bundle: it goes out at any hour but the quiet ones, weekends included (the meeting is
 * that day). Nothing when the moment has already passed (the invitation has just been sent) or the setting is 0.
 * A rescheduled meeting gets a new one; the old version's finds the version changed and sends nothing.
 */
export async function scheduleMeetingSoon(db: Executor, now: Date, meeting: Pick<MeetingRow, "id" | "version" | "starts_at" | "committee_id">): Promise<void> {
  const settings = await cycleSettings(db, meeting.committee_id);
  if (settings.meetingHoursBefore <= 0) return;
  const { time_zone } = await db.selectFrom("committees").select("time_zone").where("id", "=", meeting.committee_id).executeTakeFirstOrThrow();
  const start = new Date(meeting.starts_at);
  const moment = new Date(start.getTime() - settings.meetingHoursBefore * HOUR);
  if (moment <= now) return;
  const quietEnd = endOfQuietHours(settings, moment, time_zone);
  await scheduleJob(db, now, { kind: MEETING_SOON, key: jobKey(meeting.id, meeting.version), runAt: quietEnd < start ? quietEnd : moment, payload: { meetingId: meeting.id, version: meeting.version } });
}

/**
 * Sends "the meeting starts soon" to each invitee recorded as attending (delegates of approved proxies included),
 * once each (the dedupe key is the meeting version and the person). Run in the quiet hours (settings changed, or
 * late after downtime) it waits for their end if that is still before the meeting; a meeting already begun, or
 * one the quiet hours would reach, is not reminded and the skip is recorded. A cancelled or moved meeting
 * version, or a paused cycle, sends nothing.
 */
export const meetingSoon: JobHandler = async (trx, ctx, payload) => {
  const meeting = await trx.selectFrom("meetings").selectAll().where("id", "=", Number(payload.meetingId)).executeTakeFirst();
  if (!meeting || meeting.status !== "scheduled" || meeting.version !== Number(payload.version)) return;
  const now = ctx.clock();
  const settings = await cycleSettings(trx, meeting.committee_id);
  const { time_zone } = await trx.selectFrom("committees").select("time_zone").where("id", "=", meeting.committee_id).executeTakeFirstOrThrow();
  const sendAt = endOfQuietHours(settings, now, time_zone);
  const skip = (reason: string) =>
    recordAudit(trx, systemActor, now, { action: "meeting_soon.skipped", objectType: "meeting", objectId: meeting.id, committeeId: meeting.committee_id, after: { version: meeting.version, reason } });
  if (settings.paused) return skip("paused");
  if (meeting.starts_at <= iso(now)) return skip("started");
  if (iso(sendAt) >= meeting.starts_at) return skip("quiet_hours");
  const attending = await trx.selectFrom("invitations").select("person_id").where("meeting_id", "=", meeting.id).where("answer", "=", "attend").orderBy("id").execute();
  for (const { person_id } of attending) {
    await enqueueMessage(trx, now, {
      template: "cycle:soon.reminder",
      params: { title: meeting.title, start: meetingTimeParam(meeting.starts_at), place: meeting.place ?? meeting.online_link ?? "—" },
      to: { personId: person_id },
      committeeId: meeting.committee_id,
      dedupeKey: `${MEETING_SOON}:${meeting.id}:v${meeting.version}:${person_id}`,
      notBefore: inQuietHours(settings, now, time_zone) ? sendAt : now,
    });
  }
};
