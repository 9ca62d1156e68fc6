import { escapeText } from "../../core/markup.js";
import type { InvitationCard, RequestView } from "../../core/meetings/views.js";
import type { MeetingView } from "../../core/meetings/meetings.js";
import { formatDateTime, formatMeetingTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel as label, buttonRows, type Message } from "../message.js";
import { meetingActions as A } from "./actions.js";

/** Quick reasons offered for an absence; the person may also type their own. */
export const QUICK_REASONS = ["trip", "ill", "other_meeting"] as const;

/**
 * The meeting's details, as every card shows them: title, then (on an invitation, that is on every card
 * but the chair's) the committee's invitation formula, the time as an invitation gives it, place, link, chair and agenda.
 */
export function meetingDetails(t: TFunction, m: MeetingView, opts: { invite?: boolean } = {}): string {
  const lines = [t(opts.invite ? "meetings:card.title" : "meetings:card.title_chair", { kind: t(`meetings:kind.${m.kind}`), title: m.title })];
  if (opts.invite) lines.push(t("meetings:card.invitation", { committee: m.committeeName }));
  lines.push(t("meetings:card.time", { time: formatMeetingTime(t, m.startsAt, m.timeZone, m.endsAt) }));
  if (m.place) lines.push(t("meetings:card.place", { place: m.place }));
  if (m.onlineLink) lines.push(t("meetings:card.link", { link: m.onlineLink }));
  lines.push(t("meetings:card.chair", { chair: m.chairName }));
  lines.push(t("meetings:card.agenda"), escapeText(m.agenda));
  return lines.join("\n");
}

/** The invitation card: the meeting, the member's answer, and the buttons while answering is still open. */
export function invitationCardView(
  t: TFunction,
  card: InvitationCard,
  now: Date,
  opts: { closed?: boolean } = {},
): Message {
  const m = card.meeting;
  // The chair is not invited to his own meeting: his card says he chairs it.
  const details = meetingDetails(t, m, { invite: !card.chairing });
  if (opts.closed && m.status === "scheduled") {
    return { text: [details, "", t("meetings:card.replaced")].join("\n") };
  }
  const lines = [details, ""];
  if (card.kind !== "member") {
    if (m.status === "cancelled") lines.push(t("meetings:card.cancelled"));
    else lines.push(t(`meetings:card.as_${card.kind}`, { member: card.representsName ?? "" }));
    return { text: lines.join("\n") };
  }
  const open = !opts.closed && m.status === "scheduled" && m.answerDeadline > now.toISOString() && m.startsAt > now.toISOString();
  if (m.status === "cancelled") {
    lines.push(t("meetings:card.cancelled"));
    return { text: lines.join("\n") };
  }
  if (card.chairing) return chairCardView(t, card, lines, !opts.closed);
  lines.push(answerLine(t, card));
  if (open) lines.push(t("meetings:card.deadline", { deadline: formatDateTime(m.answerDeadline, m.timeZone) }));
  else if (m.status === "scheduled") lines.push(t("meetings:card.closed"));
  if (!open) return { text: lines.join("\n") };
  const mark = (answer: string, key: string) => (card.answer === answer ? `✅ ${label(t(key))}` : label(t(key)));
  const target = { invitationId: card.invitationId, version: m.version };
  return {
    text: lines.join("\n"),
    buttons: buttonRows(
      [
        [mark("attend", "meetings:buttons.attend"), A.attend.data(target)],
        [mark("absent", "meetings:buttons.absent"), A.absent.data(target)],
      ],
      [[mark("proxy", "meetings:buttons.proxy"), A.proxy.data(target)]],
    ),
  };
}

/**
 * The card of the meeting's chair: he chairs it and is counted as present, so he is asked nothing; while
 * the meeting is ahead he may hand the chair to the standing deputy.
 */
function chairCardView(t: TFunction, card: InvitationCard, lines: string[], live: boolean): Message {
  lines.push(t("meetings:card.as_chair"));
  if (!live || !card.handOverTo) return { text: lines.join("\n") };
  return {
    text: lines.join("\n"),
    buttons: buttonRows([[label(t("meetings:buttons.hand_over")), A.handOver.data({ meetingId: card.meeting.id })]]),
  };
}

function answerLine(t: TFunction, card: InvitationCard): string {
  const r = card.request;
  switch (card.answer) {
    case "none":
      return t("meetings:answer.none");
    case "attend":
      return t("meetings:answer.attend");
    case "absent":
      return t(`meetings:answer.absent_${r?.status ?? "pending"}`, { reason: r?.reason ?? "" });
    case "proxy":
      return t(`meetings:answer.proxy_${r?.status ?? "pending"}`, { delegate: r?.delegateName ?? "" });
  }
}

/** An absence or proxy request as the chair receives it, with Approve / Decline while it is pending. */
export function requestView(t: TFunction, r: RequestView): Message {
  const who = [r.title, r.organization].filter(Boolean).join(", ");
  const lines = [
    t(`meetings:request.${r.kind}_title`, { name: r.memberName, position: who || "—" }),
    t("meetings:request.meeting", { title: r.meeting.title, start: formatMeetingTime(t, r.meeting.startsAt, r.meeting.timeZone) }),
  ];
  if (r.kind === "absence") lines.push(t("meetings:request.reason", { reason: r.reason ?? "" }));
  if (r.delegate) {
    lines.push(t("meetings:request.delegate", { name: r.delegate.name, title: r.delegate.title, organization: r.delegate.organization }));
    if (r.delegate.contact) lines.push(t("meetings:request.contact", { contact: r.delegate.contact }));
    lines.push(t("meetings:request.opinion"), escapeText(r.opinion ?? ""));
  }
  lines.push("", t(`meetings:request.status_${r.status}`, { by: r.decidedByName ?? "" }));
  if (r.status !== "pending") return { text: lines.join("\n") };
  return {
    text: lines.join("\n"),
    buttons: buttonRows(
      [
        [label(t("meetings:buttons.approve")), A.decide.data({ kind: r.kind, requestId: r.id, approve: true })],
        [label(t("meetings:buttons.decline")), A.decide.data({ kind: r.kind, requestId: r.id, approve: false })],
      ],
      [[label(t("meetings:buttons.with_comment")), A.comment.data({ kind: r.kind, requestId: r.id })]],
    ),
  };
}

/** What the member is told when the chair decides; a declined member gets the card's buttons again. */
export function decisionView(t: TFunction, r: RequestView, card: InvitationCard | undefined, now: Date): Message {
  const lines = [
    t(`meetings:decision.${r.kind}_${r.status === "approved" ? "approved" : "declined"}`, {
      chair: r.decidedByName ?? "",
      title: r.meeting.title,
      start: formatMeetingTime(t, r.meeting.startsAt, r.meeting.timeZone),
      delegate: r.delegate?.name ?? "",
    }),
  ];
  if (r.comment) lines.push(t("meetings:decision.comment", { comment: r.comment }));
  if (r.status === "declined" && card) {
    lines.push(t("meetings:decision.choose_again"));
    const again = invitationCardView(t, card, now).buttons;
    return again ? { text: lines.join("\n"), buttons: again } : { text: lines.join("\n") };
  }
  if (r.kind === "proxy" && r.status === "approved") {
    return { text: lines.join("\n"), buttons: buttonRows([[label(t("meetings:buttons.delegate_link")), A.delegateLink.data({ proxyId: r.id })]]) };
  }
  return { text: lines.join("\n") };
}
