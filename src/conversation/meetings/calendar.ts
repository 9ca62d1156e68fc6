import { createEvent } from "ics";
import type { MeetingView } from "../../core/meetings/meetings.js";

/**
 * The meeting as an iCalendar file (.ics) people open to add it to their phone's calendar. One UID per
 * meeting and a SEQUENCE that follows the meeting's version, so a reschedule updates the same event
 * and a cancellation removes it.
 */
export function meetingCalendar(m: MeetingView, chairLabel: string): { filename: string; content: Buffer } {
  const cancelled = m.status === "cancelled";
  const { error, value } = createEvent({
    uid: `bcd-meeting-${m.id}@bcd-bot`,
    sequence: cancelled ? m.version + 1 : m.version,
    method: cancelled ? "CANCEL" : "PUBLISH",
    status: cancelled ? "CANCELLED" : "CONFIRMED",
    start: Date.parse(m.startsAt),
    end: Date.parse(m.endsAt),
    title: m.title,
    description: `${chairLabel}\n\n${m.agenda}${m.onlineLink ? `\n\n${m.onlineLink}` : ""}`,
    ...(m.place ? { location: m.place } : m.onlineLink ? { location: m.onlineLink } : {}),
    ...(m.onlineLink ? { url: m.onlineLink } : {}),
    productId: "bcd-bot",
  });
  if (error || !value) throw new Error(`calendar file could not be made: ${String(error?.message ?? error)}`);
  return { filename: `hop-${m.id}.ics`, content: Buffer.from(value, "utf8") };
}
