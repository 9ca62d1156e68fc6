import type { NoticeCard, NoticeReport } from "../../core/notices/views.js";
import { formatDateTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel as label, buttonRows, type Button, type Message } from "../message.js";
import { noticeActions as A } from "./actions.js";

/** A notice as its recipient reads it, with "Đã nhận" while an acknowledgement is expected. */
export function noticeView(t: TFunction, n: NoticeCard, opts: { reminder?: boolean } = {}): Message {
  const lines = [t(opts.reminder ? "notices:card.reminder_title" : "notices:card.title", { committee: n.committeeName }), "", n.body];
  if (n.attachment) lines.push("", t("notices:card.attachment", { name: n.attachment.fileName }));
  if (n.withdrawn) lines.push("", t("notices:card.withdrawn"));
  else if (n.authored && n.acknowledgedAt) lines.push("", t("notices:card.authored"));
  else if (n.acknowledgedAt) lines.push("", t("notices:card.acknowledged", { at: formatDateTime(n.acknowledgedAt, n.timeZone) }));
  else if (n.ackRequired) lines.push("", n.ackDeadline ? t("notices:card.ack_by", { deadline: formatDateTime(n.ackDeadline, n.timeZone) }) : t("notices:card.ack"));
  if (!n.ackRequired || n.acknowledgedAt || n.withdrawn) return { text: lines.join("\n") };
  return { text: lines.join("\n"), buttons: buttonRows([[label(t("notices:buttons.ack")), A.acknowledge.data({ recipientId: n.recipientId })]]) };
}

/** Under a delivery report: refresh it, export it, and (while it is not withdrawn) stop the broadcast. */
export function reportButtons(t: TFunction, noticeId: number, withdrawn: boolean): Button[][] {
  const op = (o: "refresh" | "export" | "stop") => A.report.data({ op: o, noticeId });
  return buttonRows(
    [
      [label(t("notices:buttons.refresh")), op("refresh")],
      [label(t("notices:buttons.export")), op("export")],
    ],
    withdrawn ? [] : [[label(t("notices:buttons.stop")), op("stop")]],
  );
}

/** The secretariat's delivery report of a notice: who got it, who acknowledged it, with its buttons. */
export function noticeReportView(t: TFunction, r: NoticeReport): Message {
  const lines = [
    t("notices:report.header", { id: r.noticeId, at: formatDateTime(r.createdAt, r.timeZone), excerpt: r.excerpt }),
    t("notices:report.counts", { ...r.counts }),
  ];
  if (r.withdrawn) lines.push(t("notices:report.withdrawn"));
  for (const l of r.lines) {
    const ack = l.acknowledgedAt ? t("notices:report.ack_at", { at: formatDateTime(l.acknowledgedAt, r.timeZone) }) : r.ackRequired ? t("notices:report.not_acked") : "";
    lines.push(t("notices:report.line", { name: l.fullName, organization: l.organization ?? "—", delivery: t(`notices:delivery.${l.delivery}`), ack }));
  }
  return { text: lines.join("\n"), buttons: reportButtons(t, r.noticeId, r.withdrawn) };
}

/** The secretariat's recent notices, newest first, each with its delivery and acknowledgement counts. */
export function recentNoticesView(t: TFunction, recent: NoticeReport[]): Message {
  if (!recent.length) return { text: t("notices:list.none") };
  const lines = [t("notices:list.header")];
  for (const r of recent) lines.push(t("notices:list.line", { id: r.noticeId, at: formatDateTime(r.createdAt, r.timeZone), excerpt: r.excerpt, ...r.counts }));
  lines.push("", t("notices:list.hint"));
  return { text: lines.join("\n") };
}
