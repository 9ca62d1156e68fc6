import type { Clock } from "../core/clock.js";
import type { Core } from "../core/index.js";
import { escapeText } from "../core/markup.js";
import type { Locale } from "../db/schema.js";
import type { Delivery } from "../delivery/outbox-store.js";
import { SendError } from "../delivery/send-error.js";
import { periodLabel } from "../documents/report-terms.js";
import { showDate } from "../core/cycle/local-time.js";
import { formatDateTime } from "../i18n/format.js";
import { renderStackedBars } from "../media/chart.js";
import type { Translator } from "../i18n/index.js";
import { buttonLabel, buttonRows, type Message } from "./message.js";
import { meetingActions } from "./meetings/actions.js";
import { meetingCalendar } from "./meetings/calendar.js";
import { decisionView, invitationCardView, requestView } from "./meetings/views.js";
import { noticeActions } from "./notices/actions.js";
import { noticeView } from "./notices/views.js";
import { opinionCardView } from "./opinions/views.js";
import { reportActions } from "./reports/actions.js";
import { taskButton } from "./reports/views.js";
import { summaryActions } from "./summary/actions.js";
import { progressChart, summaryButtons, summaryText } from "./summary/views.js";

/** A photo's caption within Telegram's 1,024 characters: the last lines give way first. */
const CAPTION_MAX = 1000;
function captionOf(lines: string[]): string {
  const out = [...lines];
  while (out.length > 1 && out.join("\n").length > CAPTION_MAX) out.splice(out.length - 2, 1);
  return out.join("\n").slice(0, CAPTION_MAX);
}

/** What an outbox row shows its reader now, or nothing at all (what it would say no longer applies). */
export type OutboxView = { kind: "send"; message: Message } | { kind: "skip" };

/** The reader of an outbox row: their language and their committee's time zone. */
export type Reader = Pick<Delivery, "row" | "channel" | "locale" | "timeZone">;

export type OutboxViews = (d: Reader) => Promise<OutboxView>;

const send = (message: Message): OutboxView => ({ kind: "send", message });

/**
 * Chooses what each outbox row shows, for any app: a template and its params, or for cards and requests
 * core's current view, so a card sent late shows the meeting as it is now. A card that replaces an earlier
 * one says so (`replaces`); Telegram edits it in place, other apps send it anew. An object that no longer
 * exists is a permanent failure; a card whose original is not delivered yet waits.
 */
export function createOutboxViews(core: Core, translator: Translator, clock: Clock): OutboxViews {
  const missing = (what: string) => new SendError("permanent", `${what} no longer exists`);
  return async (d) => {
    const t = translator.bind(d.locale);
    const params = JSON.parse(d.row.params) as Record<string, unknown>;
    switch (d.row.template) {
      case "meetings:invitation": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        return send(invitationCardView(t, card, clock()));
      }
      case "meetings:calendar": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        const m = card.meeting;
        const file = meetingCalendar(m, t("meetings:calendar.chair", { chair: m.chairName }));
        return send({
          text: t(m.status === "cancelled" ? "meetings:calendar.cancelled" : "meetings:calendar.caption"),
          file: { kind: "bytes", name: file.filename, content: file.content, mimeType: "text/calendar" },
        });
      }
      case "meetings:document": {
        const doc = await core.meetings.attachment(Number(params.attachmentId));
        if (!doc) throw missing("attachment");
        const key = doc.owner_type === "proxy" ? "meetings:document.opinion" : "meetings:document.agenda";
        return send({ text: t(key, { name: doc.file_name }), file: { kind: "attachment", attachmentId: doc.id, name: doc.file_name } });
      }
      case "notices:notice":
      case "notices:reminder": {
        const card = await core.notices.card(Number(params.recipientId));
        if (!card) throw missing("notice");
        return send(noticeView(t, card, { reminder: d.row.template === "notices:reminder" }));
      }
      case "notices:group": {
        const n = await core.notices.forGroup(Number(params.noticeId));
        if (!n) throw missing("notice");
        const lines = [t("notices:card.title", { committee: n.committeeName }), "", n.body];
        if (n.attachmentName) lines.push("", t("notices:card.attachment_private", { name: n.attachmentName }));
        return send({ text: lines.join("\n") });
      }
      case "notices:attachment": {
        const card = await core.notices.card(Number(params.recipientId));
        if (!card?.attachment) throw missing("notice attachment");
        const a = card.attachment;
        return send({ text: t("notices:card.attachment", { name: a.fileName }), file: { kind: "attachment", attachmentId: a.id, name: a.fileName } });
      }
      case "opinions:request":
      case "opinions:reminder": {
        const card = await core.opinions.card(Number(params.recipientId));
        if (!card) throw missing("opinion request");
        return send(opinionCardView(t, card, { reminder: d.row.template === "opinions:reminder" }));
      }
      case "opinions:attachment": {
        const card = await core.opinions.card(Number(params.recipientId));
        if (!card?.attachment) throw missing("opinion attachment");
        const a = card.attachment;
        return send({ text: t("opinions:card.attachment", { name: a.fileName }), file: { kind: "attachment", attachmentId: a.id, name: a.fileName } });
      }
      case "reports:reminder": {
        // Core decides whether the reminder still applies: tasks reported meanwhile are not owed any more.
        const owed = await core.reports.reminderDue(Number(params.periodId), Number(params.personId));
        if (!owed) return { kind: "skip" };
        const lines = [t("reports:reminder.header", { period: periodLabel(t, owed.period, d.locale as Locale), due: formatDateTime(owed.dueAt, d.timeZone) }), ""];
        for (const task of owed.tasks) lines.push(t("reports:reminder.line", { code: task.code, title: task.title }));
        lines.push("", t("reports:reminder.footer"));
        const rows = owed.tasks.map((task) => [[taskButton("✍️", task), reportActions.task.data({ taskId: task.id, periodId: owed.period.id })] as [string, string]]);
        return send({ text: lines.join("\n"), buttons: buttonRows(...rows) });
      }
      case "cycle:nudge.bundle": {
        // Core re-checks each item now: what was answered since planning drops out, and with nothing left, nothing is sent.
        const items = await core.nudges.lines(Number(d.row.person_id), String(params.items));
        if (items.length === 0) return { kind: "skip" };
        const lines = [t("cycle:nudge.header"), ""];
        const rows: [string, string][][] = [];
        items.forEach((o, i) => {
          const n = i + 1;
          if (o.kind === "approval") {
            const kind = o.ref === 2 ? "proxy" : "absence";
            lines.push(t(`cycle:nudge.approval_${kind}`, { n, name: escapeText(o.code), title: escapeText(o.title), start: formatDateTime(o.startsAt ?? o.due, d.timeZone) }));
            rows.push([
              [buttonLabel(`${n}. ${t("meetings:buttons.approve")}`), meetingActions.decide.data({ kind, requestId: o.itemId, approve: true })],
              [buttonLabel(`${n}. ${t("meetings:buttons.decline")}`), meetingActions.decide.data({ kind, requestId: o.itemId, approve: false })],
            ]);
          } else if (o.kind === "invitation") {
            lines.push(t("cycle:nudge.invitation", { n, title: escapeText(o.title), start: formatDateTime(o.startsAt ?? o.due, d.timeZone), due: formatDateTime(o.due, d.timeZone) }));
            const target = { invitationId: o.itemId, version: o.version ?? 1 };
            rows.push([
              [buttonLabel(`${n}. ${t("meetings:buttons.attend")}`), meetingActions.attend.data(target)],
              [buttonLabel(`${n}. ${t("meetings:buttons.absent")}`), meetingActions.absent.data(target)],
            ]);
          } else if (o.kind === "conclusion" || o.kind === "conclusion_overdue") {
            // A conclusion leads straight to reporting progress on its task, in the period its obligation names.
            lines.push(t(`cycle:nudge.${o.kind}`, { n, code: escapeText(o.code), title: escapeText(o.title), due: formatDateTime(o.due, d.timeZone) }));
            rows.push([[taskButton(`${n}. ✍️`, o), reportActions.task.data({ taskId: o.itemId, periodId: o.ref })]]);
          } else if (o.kind === "notice_ack") {
            lines.push(t("cycle:nudge.notice_ack", { n, id: o.code, title: escapeText(o.title), due: formatDateTime(o.due, d.timeZone) }));
            rows.push([[buttonLabel(`${n}. ${t("notices:buttons.ack")}`), noticeActions.acknowledgeInList.data({ recipientId: o.itemId })]]);
          } else if (o.kind === "opinion") {
            lines.push(t("cycle:nudge.opinion", { n, id: o.code, title: escapeText(o.title), due: formatDateTime(o.due, d.timeZone) }));
            rows.push([[buttonLabel(`${n}. ${t("cycle:nudge.buttons.opinion")}`), summaryActions.opinion.data({ recipientId: o.itemId })]]);
          } else {
            lines.push(t(o.kind === "report_overdue" ? "cycle:nudge.overdue" : "cycle:nudge.report", { n, code: escapeText(o.code), title: escapeText(o.title), due: formatDateTime(o.due, d.timeZone) }));
            rows.push([[taskButton(`${n}. ✍️`, o), reportActions.task.data({ taskId: o.itemId, periodId: o.ref })]]);
          }
        });
        lines.push("", t("cycle:nudge.footer"));
        return send({ text: lines.join("\n"), buttons: buttonRows(...rows) });
      }
      case "cycle:digest.summary": {
        // The leaders' weekly digest: the summary as /summary shows it, its drill-down buttons, and the chart as the photo.
        const s = await core.summary.digest(Number(params.committeeId));
        const head = t("cycle:digest.header", { week: showDate(String(params.week)) });
        const { png } = renderStackedBars(progressChart(t, d.locale, s));
        return send({
          text: captionOf([head, "", ...summaryText(t, d.locale, s).split("\n"), "", t("cycle:digest.footer")]),
          buttons: summaryButtons(t, s, { committeeId: s.committeeId, year: 0, quarter: 0 }),
          file: { kind: "bytes", name: `tom-tat-${s.committeeCode}-${s.periodCode}.png`.toLowerCase(), content: png, mimeType: "image/png", photo: true },
        });
      }
      case "reports:items_raised": {
        const u = await core.reports.update(Number(params.updateId));
        if (!u) throw missing("progress update");
        const period = periodLabel(t, { code: u.periodCode, kind: u.periodKind, name: u.periodName }, d.locale);
        const lines = [t("reports:items.raised", { who: u.onBehalfOfName ?? u.submittedByName ?? "—", code: u.task.code, period })];
        if (u.obstacles) lines.push(t("reports:items.raised_line", { kind: t("reports:items.obstacle"), text: u.obstacles }));
        if (u.proposals) lines.push(t("reports:items.raised_line", { kind: t("reports:items.proposal"), text: u.proposals }));
        lines.push(t("reports:items.raised_hint"));
        return send({ text: lines.join("\n") });
      }
      case "reports:item_answer": {
        const item = await core.reports.item(Number(params.itemId));
        if (!item) throw missing("report item");
        const period = periodLabel(t, { code: item.periodCode, kind: item.periodKind, name: item.periodName }, d.locale);
        return send({ text: t("reports:items.answer_to_member", { kind: t(`reports:items.${item.kind}`).toLowerCase(), code: item.taskCode, period, text: item.text, answer: item.answer ?? "" }) });
      }
      case "meetings:card_closed":
      case "meetings:card_refresh": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        const original = await core.outbox.state(Number(params.cardOutboxId));
        if (original?.status === "pending" || original?.status === "sending") throw new SendError("transient", "the card to edit is not delivered yet");
        // A card that never reached the person has nothing to replace: the current card went out instead.
        if (original?.status !== "sent" || !original.externalMessageId) return { kind: "skip" };
        const closed = d.row.template === "meetings:card_closed";
        const view = invitationCardView(t, card, clock(), { closed });
        if (original.channel === d.channel) return send({ ...view, replaces: { messageId: original.externalMessageId } });
        // The card went out on another app, where it cannot be replaced from here: a refreshed card is said
        // anew; a closed one needs no word (the new card or the cancellation follows).
        return closed ? { kind: "skip" } : send(view);
      }
      case "meetings:absence_request":
      case "meetings:proxy_request": {
        const kind = d.row.template === "meetings:absence_request" ? "absence" : "proxy";
        const view = await core.meetings.request(kind, Number(params.requestId ?? params.proxyId));
        if (!view) throw missing("request");
        return send(requestView(t, view));
      }
      case "meetings:decision": {
        const view = await core.meetings.request(params.kind === "proxy" ? "proxy" : "absence", Number(params.requestId));
        if (!view) throw missing("request");
        const inv = await core.meetings.invitationOf(view.meeting.id, view.memberPersonId);
        return send(decisionView(t, view, inv ? await core.meetings.card(inv) : undefined, clock()));
      }
      default:
        return send({ text: t(d.row.template, translator.renderParams(d.locale, d.timeZone, params as never)) });
    }
  };
}
