import { InlineKeyboard } from "grammy";
import type { InvitationCard, RequestView } from "../../../core/meetings/views.js";
import type { MeetingView } from "../../../core/meetings/meetings.js";
import { escapeText } from "../../../core/markup.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { TFunction } from "../../../i18n/index.js";

/** Callback data of the meeting buttons: short, opaque, and re-checked by core when pressed. */
export const cb = {
  attend: (invitationId: number, version: number) => `m:a:${invitationId}:${version}`,
  absent: (invitationId: number, version: number) => `m:b:${invitationId}:${version}`,
  proxy: (invitationId: number, version: number) => `m:p:${invitationId}:${version}`,
  reason: (invitationId: number, version: number, code: string) => `m:r:${invitationId}:${version}:${code}`,
  decide: (kind: "absence" | "proxy", id: number, approve: boolean) => `m:d:${kind === "absence" ? "a" : "p"}:${id}:${approve ? 1 : 0}`,
  comment: (kind: "absence" | "proxy", id: number) => `m:cm:${kind === "absence" ? "a" : "p"}:${id}`,
  decideWithComment: (approve: boolean) => `m:dc:${approve ? 1 : 0}`,
  skip: "m:skip",
  confirmProxy: "m:pc",
  delegateLink: (proxyId: number) => `m:dl:${proxyId}`,
  cancel: "m:x",
};

/** Quick reasons offered for an absence; the person may also type their own. */
export const QUICK_REASONS = ["trip", "ill", "other_meeting"] as const;

const same = (a: string, b: string, tz: string) => formatDateTime(a, tz).slice(0, 10) === formatDateTime(b, tz).slice(0, 10);

/** The meeting's details, as every card and request shows them. */
export function meetingDetails(t: TFunction, m: MeetingView): string {
  const tz = m.timeZone;
  const end = same(m.startsAt, m.endsAt, tz) ? formatDateTime(m.endsAt, tz).slice(11) : formatDateTime(m.endsAt, tz);
  const lines = [
    t("meetings:card.title", { kind: t(`meetings:kind.${m.kind}`), title: m.title }),
    t("meetings:card.time", { start: formatDateTime(m.startsAt, tz), end }),
  ];
  if (m.place) lines.push(t("meetings:card.place", { place: m.place }));
  if (m.onlineLink) lines.push(t("meetings:card.link", { link: m.onlineLink }));
  lines.push(t("meetings:card.chair", { chair: m.chairName }));
  lines.push(t("meetings:card.agenda"), escapeText(m.agenda));
  return lines.join("\n");
}

/** The invitation card: the meeting, the member's answer, and the buttons while answering is still open. */
export function renderInvitationCard(
  t: TFunction,
  card: InvitationCard,
  now: Date,
  opts: { closed?: boolean } = {},
): { text: string; keyboard: InlineKeyboard | undefined } {
  const m = card.meeting;
  if (opts.closed && m.status === "scheduled") {
    return { text: [meetingDetails(t, m), "", t("meetings:card.replaced")].join("\n"), keyboard: undefined };
  }
  const lines = [meetingDetails(t, m), ""];
  if (card.kind !== "member") {
    if (m.status === "cancelled") lines.push(t("meetings:card.cancelled"));
    else lines.push(t(`meetings:card.as_${card.kind}`, { member: card.representsName ?? "" }));
    return { text: lines.join("\n"), keyboard: undefined };
  }
  const open = !opts.closed && m.status === "scheduled" && m.answerDeadline > now.toISOString() && m.startsAt > now.toISOString();
  if (m.status === "cancelled") {
    lines.push(t("meetings:card.cancelled"));
    return { text: lines.join("\n"), keyboard: undefined };
  }
  lines.push(answerLine(t, card));
  if (open) lines.push(t("meetings:card.deadline", { deadline: formatDateTime(m.answerDeadline, m.timeZone) }));
  else if (m.status === "scheduled") lines.push(t("meetings:card.closed"));
  let keyboard: InlineKeyboard | undefined;
  if (open) {
    const mark = (answer: string, label: string) => (card.answer === answer ? `✅ ${label}` : label);
    keyboard = new InlineKeyboard()
      .text(mark("attend", t("meetings:buttons.attend")), cb.attend(card.invitationId, m.version))
      .text(mark("absent", t("meetings:buttons.absent")), cb.absent(card.invitationId, m.version))
      .row()
      .text(mark("proxy", t("meetings:buttons.proxy")), cb.proxy(card.invitationId, m.version));
  }
  return { text: lines.join("\n"), keyboard };
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
export function renderRequest(t: TFunction, r: RequestView): { text: string; keyboard: InlineKeyboard | undefined } {
  const who = [r.title, r.organization].filter(Boolean).join(", ");
  const lines = [
    t(`meetings:request.${r.kind}_title`, { name: r.memberName, position: who || "—" }),
    t("meetings:request.meeting", { title: r.meeting.title, start: formatDateTime(r.meeting.startsAt, r.meeting.timeZone) }),
  ];
  if (r.kind === "absence") lines.push(t("meetings:request.reason", { reason: r.reason ?? "" }));
  if (r.delegate) {
    lines.push(t("meetings:request.delegate", { name: r.delegate.name, title: r.delegate.title, organization: r.delegate.organization }));
    if (r.delegate.contact) lines.push(t("meetings:request.contact", { contact: r.delegate.contact }));
    lines.push(t("meetings:request.opinion"), escapeText(r.opinion ?? ""));
  }
  lines.push("", t(`meetings:request.status_${r.status}`, { by: r.decidedByName ?? "" }));
  const keyboard =
    r.status === "pending"
      ? new InlineKeyboard()
          .text(t("meetings:buttons.approve"), cb.decide(r.kind, r.id, true))
          .text(t("meetings:buttons.decline"), cb.decide(r.kind, r.id, false))
          .row()
          .text(t("meetings:buttons.with_comment"), cb.comment(r.kind, r.id))
      : undefined;
  return { text: lines.join("\n"), keyboard };
}

/** What the member is told when the chair decides; a declined member gets the card's buttons again. */
export function renderDecision(t: TFunction, r: RequestView, card: InvitationCard | undefined, now: Date): { text: string; keyboard: InlineKeyboard | undefined } {
  const lines = [
    t(`meetings:decision.${r.kind}_${r.status === "approved" ? "approved" : "declined"}`, {
      chair: r.decidedByName ?? "",
      title: r.meeting.title,
      start: formatDateTime(r.meeting.startsAt, r.meeting.timeZone),
      delegate: r.delegate?.name ?? "",
    }),
  ];
  if (r.comment) lines.push(t("meetings:decision.comment", { comment: r.comment }));
  let keyboard: InlineKeyboard | undefined;
  if (r.status === "declined" && card) {
    lines.push(t("meetings:decision.choose_again"));
    keyboard = renderInvitationCard(t, card, now).keyboard;
  } else if (r.kind === "proxy" && r.status === "approved") {
    keyboard = new InlineKeyboard().text(t("meetings:buttons.delegate_link"), cb.delegateLink(r.id));
  }
  return { text: lines.join("\n"), keyboard };
}
