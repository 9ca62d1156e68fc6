import type { MeetingRoster } from "../../core/meetings/views.js";
import { formatMeetingTime, formatPercent } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import type { Message } from "../message.js";

/** A share of invitees as a whole percentage: "75%". */
const percent = (share: number) => formatPercent(Math.round(share * 100));

/** /meetings: each upcoming meeting with the answers so far and its expected presence, or that there are none. */
export function upcomingMeetingsView(t: TFunction, rosters: readonly MeetingRoster[]): Message {
  if (rosters.length === 0) return { text: t("meetings:list.none") };
  const lines = [t("meetings:list.header")];
  for (const { meeting: m, counts, forecast } of rosters) {
    lines.push(
      t("meetings:list.line", {
        id: m.id,
        title: m.title,
        start: formatMeetingTime(t, m.startsAt, m.timeZone),
        attending: counts.attending,
        invited: counts.invited,
        noAnswer: counts.noAnswer,
        forecast: percent(forecast),
      }),
    );
  }
  lines.push("", t("meetings:list.hint"));
  return { text: lines.join("\n") };
}

/** /roster N: the counts, the quorum forecast, and every invitee with their answer and its reason or delegate. */
export function rosterView(t: TFunction, r: MeetingRoster): Message {
  const c = r.counts;
  const lines = [
    t("meetings:roster.header", { title: r.meeting.title, start: formatMeetingTime(t, r.meeting.startsAt, r.meeting.timeZone) }),
    t("meetings:roster.counts", {
      invited: c.invited,
      attending: c.attending,
      proxyApproved: c.proxyApproved,
      proxyPending: c.proxyPending,
      absentApproved: c.absentApproved,
      absentPending: c.absentPending,
      absentDeclined: c.absentDeclined,
      noAnswer: c.noAnswer,
    }),
    t("meetings:roster.forecast", { percent: percent(r.forecast) }),
    "",
  ];
  for (const l of r.lines) {
    // Already markup (the reason and the delegate's name escaped in it): the line template takes it verbatim.
    const state =
      l.answer === "none" || l.answer === "attend"
        ? t(`meetings:roster.state.${l.answer}`)
        : t(`meetings:roster.state.${l.answer}_${l.requestStatus ?? "pending"}`, { delegate: l.delegateName ?? "", reason: l.reason ?? "" });
    lines.push(t("meetings:roster.line", { id: l.membershipId ?? "—", name: l.fullName, organization: l.organization ?? "—", state }));
  }
  return { text: lines.join("\n") };
}
