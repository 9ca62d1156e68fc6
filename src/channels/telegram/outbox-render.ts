import { InlineKeyboard } from "grammy";
import type { Clock } from "../../core/clock.js";
import type { Core } from "../../core/index.js";
import type { Delivery } from "../../delivery/outbox-store.js";
import { periodLabel } from "../../documents/report-terms.js";
import { SendError } from "../../delivery/send-error.js";
import type { Translator } from "../../i18n/index.js";
import { meetingCalendar } from "./render/calendar.js";
import { renderDecision, renderInvitationCard, renderRequest } from "./render/meetings.js";
import { renderNotice } from "./render/notices.js";
import { renderOpinionCard } from "./render/opinions.js";
import { rcb, taskButton } from "./render/reports.js";
import { formatDateTime } from "../../i18n/format.js";

export interface RenderedMessage {
  text: string;
  keyboard?: InlineKeyboard | undefined;
  /** Edit this earlier message in place instead of sending a new one. */
  editMessageId?: number;
  /** Nothing to send after all (e.g. the message to edit was never delivered). */
  skip?: boolean;
  /** Send a file, with `text` as its caption: made here, or one the platform already holds. */
  document?: { filename: string; content: Buffer } | { fileId: string };
}

export type OutboxRenderer = (d: Delivery) => Promise<RenderedMessage>;

/**
 * Turns an outbox row into what Telegram shows, in the reader's language. Most rows are a template and its
 * params; meeting cards and requests are rendered from core's current view, so a card sent late shows
 * the meeting as it is now.
 */
export function createOutboxRenderer(core: Core, translator: Translator, clock: Clock): OutboxRenderer {
  const missing = (what: string) => new SendError("permanent", `${what} no longer exists`);
  return async (d) => {
    const t = translator.bind(d.locale);
    const params = JSON.parse(d.row.params) as Record<string, unknown>;
    switch (d.row.template) {
      case "meetings:invitation": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        return renderInvitationCard(t, card, clock());
      }
      case "meetings:calendar": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        const m = card.meeting;
        return {
          text: t(m.status === "cancelled" ? "meetings:calendar.cancelled" : "meetings:calendar.caption"),
          document: meetingCalendar(m, t("meetings:calendar.chair", { chair: m.chairName })),
        };
      }
      case "meetings:document": {
        const doc = await core.meetings.attachment(Number(params.attachmentId));
        if (!doc) throw missing("attachment");
        const key = doc.owner_type === "proxy" ? "meetings:document.opinion" : "meetings:document.agenda";
        return { text: t(key, { name: doc.file_name }), document: { fileId: doc.file_id } };
      }
      case "notices:notice":
      case "notices:reminder": {
        const card = await core.notices.card(Number(params.recipientId));
        if (!card) throw missing("notice");
        return renderNotice(t, card, { reminder: d.row.template === "notices:reminder" });
      }
      case "notices:group": {
        const n = await core.notices.forGroup(Number(params.noticeId));
        if (!n) throw missing("notice");
        const lines = [t("notices:card.title", { committee: n.committeeName }), "", n.body];
        if (n.attachmentName) lines.push("", t("notices:card.attachment_private", { name: n.attachmentName }));
        return { text: lines.join("\n") };
      }
      case "notices:attachment": {
        const card = await core.notices.card(Number(params.recipientId));
        if (!card?.attachment) throw missing("notice attachment");
        return { text: t("notices:card.attachment", { name: card.attachment.fileName }), document: { fileId: card.attachment.fileId } };
      }
      case "opinions:request":
      case "opinions:reminder": {
        const card = await core.opinions.card(Number(params.recipientId));
        if (!card) throw missing("opinion request");
        return renderOpinionCard(t, card, { reminder: d.row.template === "opinions:reminder" });
      }
      case "opinions:attachment": {
        const card = await core.opinions.card(Number(params.recipientId));
        if (!card?.attachment) throw missing("opinion attachment");
        return { text: t("opinions:card.attachment", { name: card.attachment.fileName }), document: { fileId: card.attachment.fileId } };
      }
      case "reports:reminder": {
        const owed = await core.reports.owedBy(Number(params.periodId), Number(params.personId));
        const lines = [t("reports:reminder.header", { period: periodLabel(t, owed.period, d.locale), due: formatDateTime(owed.dueAt, d.timeZone) }), ""];
        const keyboard = new InlineKeyboard();
        for (const task of owed.tasks) {
          lines.push(t("reports:reminder.line", { code: task.code, title: task.title }));
          keyboard.text(taskButton("✍️", task), rcb.task(task.id, owed.period.id)).row();
        }
        lines.push("", t("reports:reminder.footer"));
        // Reported meanwhile: nothing left to remind of.
        if (!owed.tasks.length) return { text: "", skip: true };
        return { text: lines.join("\n"), keyboard };
      }
      case "reports:items_raised": {
        const u = await core.reports.update(Number(params.updateId));
        if (!u) throw missing("progress update");
        const period = periodLabel(t, { code: u.periodCode, kind: u.periodKind, name: u.periodName }, d.locale);
        const lines = [t("reports:items.raised", { who: u.onBehalfOfName ?? u.submittedByName ?? "—", code: u.task.code, period })];
        if (u.obstacles) lines.push(t("reports:items.raised_line", { kind: t("reports:items.obstacle"), text: u.obstacles }));
        if (u.proposals) lines.push(t("reports:items.raised_line", { kind: t("reports:items.proposal"), text: u.proposals }));
        lines.push(t("reports:items.raised_hint"));
        return { text: lines.join("\n") };
      }
      case "reports:item_answer": {
        const item = await core.reports.item(Number(params.itemId));
        if (!item) throw missing("report item");
        const period = periodLabel(t, { code: item.periodCode, kind: item.periodKind, name: item.periodName }, d.locale);
        return { text: t("reports:items.answer_to_member", { kind: t(`reports:items.${item.kind}`).toLowerCase(), code: item.taskCode, period, text: item.text, answer: item.answer ?? "" }) };
      }
      case "meetings:card_closed":
      case "meetings:card_refresh": {
        const card = await core.meetings.card(Number(params.invitationId));
        if (!card) throw missing("invitation");
        const original = await core.outbox.state(Number(params.cardOutboxId));
        if (original?.status === "pending" || original?.status === "sending") throw new SendError("transient", "the card to edit is not delivered yet");
        const { text, keyboard } = renderInvitationCard(t, card, clock(), { closed: d.row.template === "meetings:card_closed" });
        if (original?.status !== "sent" || !original.externalMessageId) return { text, skip: true };
        return { text, keyboard, editMessageId: Number(original.externalMessageId) };
      }
      case "meetings:absence_request":
      case "meetings:proxy_request": {
        const kind = d.row.template === "meetings:absence_request" ? "absence" : "proxy";
        const view = await core.meetings.request(kind, Number(params.requestId ?? params.proxyId));
        if (!view) throw missing("request");
        return renderRequest(t, view);
      }
      case "meetings:decision": {
        const view = await core.meetings.request(params.kind === "proxy" ? "proxy" : "absence", Number(params.requestId));
        if (!view) throw missing("request");
        const inv = await core.meetings.invitationOf(view.meeting.id, view.memberPersonId);
        return renderDecision(t, view, inv ? await core.meetings.card(inv) : undefined, clock());
      }
      default:
        return { text: t(d.row.template, translator.renderParams(d.locale, d.timeZone, params as never)) };
    }
  };
}
