import type { MeetingEdit } from "../../core/meetings/changes.js";
import { formatDateTime, formatMeetingTime, parseLocalDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import { inviteLinkOf, withZaloInvite } from "../invite-link.js";
import type { Turn } from "../turn.js";
import { readEnd } from "./times.js";

/** The answers /setanswer takes, in English and Vietnamese. */
const ANSWERS: Record<string, "attend" | "absent" | "none"> = {
  attend: "attend",
  "có": "attend",
  absent: "absent",
  "vắng": "absent",
  none: "none",
  "chưa": "none",
};

/** The fields /editmeeting corrects, in English and Vietnamese. */
const FIELDS: Record<string, keyof MeetingEdit> = {
  title: "title",
  "tên": "title",
  agenda: "agenda",
  "nội dung": "agenda",
  place: "place",
  "địa điểm": "place",
  link: "onlineLink",
  "liên kết": "onlineLink",
};

const DATE_TIME = String.raw`\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s+\d{1,2}[:h]\d{2}`;
const RESCHEDULE = new RegExp(String.raw`^#?(\d+)\s+(${DATE_TIME})\s+(\d{1,2}[:h]\d{2}|${DATE_TIME})(?:\s+(${DATE_TIME}))?$`, "i");
const EDIT = new RegExp(String.raw`^#?(\d+)\s+(${Object.keys(FIELDS).join("|")})\s+([\s\S]+)$`, "i");

/**
 * The secretariat changes a meeting with one command each, on any app: /editmeeting N title|agenda|place|link
 * <text> (answers stand, cards are updated in place), /reschedule N <start> <end> [<deadline>] (answers are
 * reset and new cards sent; the deadline is required less than a day ahead; the same time again changes nothing, core says so), /cancelmeeting N <reason>, and, after
 * the deadline, /setanswer N <member no.> <attend|absent|none> <reason>; /addguest N name; title;
 * organization[; contact] gives a guest a one-time invite link. Core checks every permission and value.
 */
export function meetingAdminFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery" | "inviteLink" | "zaloBotLink">) {
  const { core } = deps;
  const timeZoneOf = async (turn: Turn, meetingId: number) => (await core.meetings.roster(turn.actor, meetingId)).meeting.timeZone;
  /** Runs a command's step, telling the person why core refused. */
  const guarded = (step: (turn: Turn, args: string) => Promise<void>) => async (turn: Turn, args: string) => {
    try {
      await step(turn, args);
    } catch (e) {
      await turn.refuse(e);
    }
  };

  return {
    reschedule: guarded(async (turn, args) => {
      const m = RESCHEDULE.exec(args.trim());
      if (!m) return turn.say({ text: turn.t("meetings:admin.reschedule_usage") });
      const meetingId = Number(m[1]);
      const tz = await timeZoneOf(turn, meetingId);
      const startsAt = parseLocalDateTime(m[2]!, tz);
      const endsAt = startsAt && readEnd(m[3]!, startsAt, tz);
      const answerDeadline = m[4] === undefined ? undefined : parseLocalDateTime(m[4], tz);
      if (!startsAt || !endsAt || (m[4] !== undefined && !answerDeadline)) return turn.say({ text: turn.t("meetings:admin.reschedule_usage") });
      const meeting = await core.meetings.reschedule(turn.actor, meetingId, { startsAt, endsAt, ...(answerDeadline ? { answerDeadline } : {}) });
      await turn.say({ text: turn.t("meetings:admin.rescheduled", { id: meetingId, start: formatMeetingTime(turn.t, meeting.starts_at, tz) }) });
      deps.nudgeDelivery?.();
    }),

    cancel: guarded(async (turn, args) => {
      const m = /^#?(\d+)(?:\s+([\s\S]*))?$/.exec(args.trim());
      if (!m) return turn.say({ text: turn.t("meetings:admin.cancel_usage") });
      await core.meetings.cancel(turn.actor, Number(m[1]), m[2] ?? "");
      await turn.say({ text: turn.t("meetings:admin.cancelled", { id: Number(m[1]) }) });
      deps.nudgeDelivery?.();
    }),

    setAnswer: guarded(async (turn, args) => {
      const m = /^#?(\d+)\s+#?(\d+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
      const answer = m ? ANSWERS[m[3]!.toLowerCase()] : undefined;
      if (!m || !answer) return turn.say({ text: turn.t("meetings:admin.setanswer_usage") });
      const meetingId = Number(m[1]);
      const line = (await core.meetings.roster(turn.actor, meetingId)).lines.find((l) => l.membershipId === Number(m[2]));
      if (!line) return turn.say({ text: turn.t("meetings:errors.not_invitee") });
      await core.meetings.overrideAnswer(turn.actor, meetingId, line.personId, answer, m[4] ?? "");
      await turn.say({ text: turn.t("meetings:admin.answer_set", { name: line.fullName, answer: turn.t(`meetings:admin.answer.${answer}`) }) });
      deps.nudgeDelivery?.();
    }),

    edit: guarded(async (turn, args) => {
      const m = EDIT.exec(args.trim());
      const field = m ? FIELDS[m[2]!.toLowerCase()] : undefined;
      if (!m || !field) return turn.say({ text: turn.t("meetings:admin.edit_usage") });
      await core.meetings.edit(turn.actor, Number(m[1]), { [field]: m[3]! });
      await turn.say({ text: turn.t("meetings:admin.edited", { id: Number(m[1]) }) });
      deps.nudgeDelivery?.();
    }),

    addGuest: guarded(async (turn, args) => {
      const m = /^#?(\d+)\s+([\s\S]+)$/.exec(args.trim());
      const parts = m ? m[2]!.split(";").map((p) => p.trim()) : [];
      if (!m || parts.length < 3) return turn.say({ text: turn.t("meetings:guest.add_usage") });
      const meetingId = Number(m[1]);
      const invite = await core.meetings.addGuest(turn.actor, meetingId, { name: parts[0]!, title: parts[1]!, organization: parts[2]!, contact: parts[3] ?? null });
      const tz = await timeZoneOf(turn, meetingId);
      const link = await inviteLinkOf(deps, invite.code);
      await turn.say({ text: await withZaloInvite(deps, turn.t, invite, turn.t("meetings:guest.link", { name: invite.fullName, link, expiresAt: formatDateTime(invite.expiresAt, tz) })) });
    }),
  };
}

export type MeetingAdminFlow = ReturnType<typeof meetingAdminFlow>;
