import type { NoticeCard } from "../../core/notices/views.js";
import { formatDateTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel as label, buttonRows, type Message } from "../message.js";
import { noticeActions as A } from "./actions.js";

/** A notice as its recipient reads it, with "Đã nhận" while an acknowledgement is expected. */
export function noticeView(t: TFunction, n: NoticeCard, opts: { reminder?: boolean } = {}): Message {
  const lines = [t(opts.reminder ? "notices:card.reminder_title" : "notices:card.title", { committee: n.committeeName }), "", n.body];
  if (n.attachment) lines.push("", t("notices:card.attachment", { name: n.attachment.fileName }));
  if (n.withdrawn) lines.push("", t("notices:card.withdrawn"));
  else if (n.acknowledgedAt) lines.push("", t("notices:card.acknowledged", { at: formatDateTime(n.acknowledgedAt, n.timeZone) }));
  else if (n.ackRequired) lines.push("", n.ackDeadline ? t("notices:card.ack_by", { deadline: formatDateTime(n.ackDeadline, n.timeZone) }) : t("notices:card.ack"));
  if (!n.ackRequired || n.acknowledgedAt || n.withdrawn) return { text: lines.join("\n") };
  return { text: lines.join("\n"), buttons: buttonRows([[label(t("notices:buttons.ack")), A.acknowledge.data({ recipientId: n.recipientId })]]) };
}
