import { InlineKeyboard } from "grammy";
import type { NoticeCard } from "../../../core/notices/views.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { TFunction } from "../../../i18n/index.js";

export const noticeCb = {
  ack: (recipientId: number) => `n:a:${recipientId}`,
};

/** A notice as its recipient reads it, with "Đã nhận" while an acknowledgement is expected. */
export function renderNotice(t: TFunction, n: NoticeCard, opts: { reminder?: boolean } = {}): { text: string; keyboard: InlineKeyboard | undefined } {
  const lines = [t(opts.reminder ? "notices:card.reminder_title" : "notices:card.title", { committee: n.committeeName }), "", n.body];
  if (n.attachment) lines.push("", t("notices:card.attachment", { name: n.attachment.fileName }));
  if (n.withdrawn) lines.push("", t("notices:card.withdrawn"));
  else if (n.acknowledgedAt) lines.push("", t("notices:card.acknowledged", { at: formatDateTime(n.acknowledgedAt, n.timeZone) }));
  else if (n.ackRequired) lines.push("", n.ackDeadline ? t("notices:card.ack_by", { deadline: formatDateTime(n.ackDeadline, n.timeZone) }) : t("notices:card.ack"));
  const keyboard = n.ackRequired && !n.acknowledgedAt && !n.withdrawn ? new InlineKeyboard().text(t("notices:buttons.ack"), noticeCb.ack(n.recipientId)) : undefined;
  return { text: lines.join("\n"), keyboard };
}
