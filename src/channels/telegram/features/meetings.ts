import { Composer, InlineKeyboard } from "grammy";
import { OPINION_MAX, type Delegate } from "../../../core/meetings/answers.js";
import type { IncomingFile } from "../../../core/attachments.js";
import { DomainError } from "../../../core/errors.js";
import { formatDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile } from "../files.js";
import { inviteLink } from "./members.js";
import type { TelegramDeps } from "../deps.js";
import { cb, QUICK_REASONS, renderInvitationCard } from "../render/meetings.js";
import { refusalText, replyDomainError } from "../reply-error.js";
import { replyInParts } from "../text.js";

/** A reason being typed for an absence. */
interface AbsenceDialog {
  invitationId: number;
  version: number;
  cardMessageId: number | null;
}

/** A proxy appointment being filled in, step by step; what was typed is kept in the database. */
interface ProxyDialog extends AbsenceDialog {
  step: "name" | "title" | "organization" | "contact" | "opinion" | "attachment" | "confirm";
  delegate: Partial<Delegate>;
  opinion?: string;
  documents?: IncomingFile[];
}

const ABSENCE = "meeting.absence";
const PROXY = "meeting.proxy";
const FIELD_MAX = 200;

/**
 * A member answers a meeting invitation from its card: Attend (at once), Absent (with a reason, for the
 * chair's consent) or Send a proxy (delegate's details and a written opinion, for the chair's approval).
 * Every press is re-checked by core; a stale, foreign or forged button changes nothing.
 */
export function meetingsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;
  const minOpinion = deps.core.ctx.settings.proxyOpinionMinLength;

  const refusal = async (ctx: BotContext, e: unknown, data: string) => {
    if (e instanceof DomainError && e.code === "meetings:errors.not_invited") {
      deps.logger.warn({ userId: ctx.from?.id, data }, "a meeting button for someone else's invitation was pressed (forged or forwarded)");
    }
    await replyDomainError(ctx, e);
  };

  const refreshCard = async (ctx: BotContext, invitationId: number, messageId: number | null) => {
    if (!messageId) return;
    const card = await deps.core.meetings.card(invitationId);
    if (!card) return;
    const { text, keyboard } = renderInvitationCard(ctx.t, card, deps.core.ctx.clock());
    await ctx.api
      .editMessageText(ctx.chat!.id, messageId, text, { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) })
      .catch((e) => deps.logger.debug({ err: e }, "card not refreshed"));
  };

  const cancelKeyboard = (ctx: BotContext) => new InlineKeyboard().text(ctx.t("meetings:buttons.cancel"), cb.cancel);

  // Attend: recorded at once, the card edited in place.
  chats.callbackQuery(/^m:a:(\d+):(\d+)$/, async (ctx) => {
    const target = { invitationId: Number(ctx.match[1]), version: Number(ctx.match[2]) };
    try {
      const { changed } = await deps.core.meetings.attend(ctx.actor!, target);
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await answerCallback(ctx, ctx.t(changed ? "meetings:attend.recorded" : "meetings:attend.already"));
      if (changed) await refreshCard(ctx, target.invitationId, ctx.callbackQuery.message?.message_id ?? null);
    } catch (e) {
      await refusal(ctx, e, ctx.callbackQuery.data);
    }
  });

  // Absent: ask for the reason (quick choices or free text).
  chats.callbackQuery(/^m:b:(\d+):(\d+)$/, async (ctx) => {
    const target = { invitationId: Number(ctx.match[1]), version: Number(ctx.match[2]) };
    const card = await deps.core.meetings.card(target.invitationId);
    if (!card || card.personId !== ctx.actor!.personId) return refusal(ctx, new DomainError("meetings:errors.not_invited"), ctx.callbackQuery.data);
    const dialog: AbsenceDialog = { ...target, cardMessageId: ctx.callbackQuery.message?.message_id ?? null };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: ABSENCE, data: dialog });
    await ctx.answerCallbackQuery();
    const keyboard = new InlineKeyboard();
    for (const code of QUICK_REASONS) keyboard.text(ctx.t(`meetings:absence.quick.${code}`), cb.reason(target.invitationId, target.version, code)).row();
    keyboard.text(ctx.t("meetings:buttons.cancel"), cb.cancel);
    await ctx.reply(ctx.t("meetings:absence.ask", { title: card.meeting.title }), { parse_mode: "HTML", reply_markup: keyboard });
  });

  const submitAbsence = async (ctx: BotContext, dialog: AbsenceDialog, reason: string) => {
    try {
      await deps.core.meetings.absent(ctx.actor!, dialog, reason);
    } catch (e) {
      if (e instanceof DomainError && (e.code === "meetings:errors.reason_required" || e.code === "meetings:errors.reason_too_long")) {
        await ctx.reply(refusalText(ctx, e), { parse_mode: "HTML" });
        return false;
      }
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      throw e;
    }
    await deps.core.dialogs.clear(ctx.actor!.personId, channel);
    await refreshCard(ctx, dialog.invitationId, dialog.cardMessageId);
    deps.nudgeDelivery?.();
    return true;
  };

  chats.callbackQuery(/^m:r:(\d+):(\d+):([a-z_]+)$/, async (ctx) => {
    const code = ctx.match[3]!;
    if (!(QUICK_REASONS as readonly string[]).includes(code)) return refusal(ctx, new DomainError("meetings:errors.not_invited"), ctx.callbackQuery.data);
    const stored = await deps.core.dialogs.get<AbsenceDialog>(ctx.actor!.personId, channel);
    const dialog: AbsenceDialog = {
      invitationId: Number(ctx.match[1]),
      version: Number(ctx.match[2]),
      cardMessageId: stored?.kind === ABSENCE && stored.data.invitationId === Number(ctx.match[1]) ? stored.data.cardMessageId : null,
    };
    const reason = ctx.t(`meetings:absence.quick.${code}`);
    try {
      if (await submitAbsence(ctx, dialog, reason)) {
        await ctx.answerCallbackQuery();
        await ctx.editMessageText(ctx.t("meetings:absence.sent", { reason }), { parse_mode: "HTML" }).catch(() => undefined);
      }
    } catch (e) {
      await refusal(ctx, e, ctx.callbackQuery.data);
    }
  });

  // Send a proxy: the delegate's name, title, organization, an optional contact, then the written opinion.
  chats.callbackQuery(/^m:p:(\d+):(\d+)$/, async (ctx) => {
    const target = { invitationId: Number(ctx.match[1]), version: Number(ctx.match[2]) };
    const card = await deps.core.meetings.card(target.invitationId);
    if (!card || card.personId !== ctx.actor!.personId) return refusal(ctx, new DomainError("meetings:errors.not_invited"), ctx.callbackQuery.data);
    const dialog: ProxyDialog = { ...target, cardMessageId: ctx.callbackQuery.message?.message_id ?? null, step: "name", delegate: {} };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: PROXY, data: dialog });
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("meetings:proxy.intro", { title: card.meeting.title, min: minOpinion }) + "\n\n" + ctx.t("meetings:proxy.ask_name"), {
      parse_mode: "HTML",
      reply_markup: cancelKeyboard(ctx),
    });
  });

  const askNext = async (ctx: BotContext, d: ProxyDialog) => {
    const skip = new InlineKeyboard().text(ctx.t("meetings:buttons.skip"), cb.skip).text(ctx.t("meetings:buttons.cancel"), cb.cancel);
    if (d.step === "confirm") {
      const text = ctx.t("meetings:proxy.summary", {
        name: d.delegate.name ?? "",
        title: d.delegate.title ?? "",
        organization: d.delegate.organization ?? "",
        contact: d.delegate.contact || "—",
        opinion: d.opinion ?? "",
        documents: d.documents?.length ? d.documents.map((f) => f.fileName).join(", ") : "—",
      });
      const keyboard = new InlineKeyboard().text(ctx.t("meetings:buttons.confirm"), cb.confirmProxy).text(ctx.t("meetings:buttons.cancel"), cb.cancel);
      // The opinion alone may take most of a message: the summary goes in as many as it needs.
      await replyInParts(ctx, text, keyboard);
      return;
    }
    await ctx.reply(ctx.t(`meetings:proxy.ask_${d.step}`, { min: minOpinion }), {
      parse_mode: "HTML",
      reply_markup: d.step === "contact" || d.step === "attachment" ? skip : cancelKeyboard(ctx),
    });
  };

  const NEXT: Record<Exclude<ProxyDialog["step"], "confirm">, ProxyDialog["step"]> = {
    name: "title",
    title: "organization",
    organization: "contact",
    contact: "opinion",
    opinion: "attachment",
    attachment: "confirm",
  };

  chats.callbackQuery(cb.skip, async (ctx) => {
    const stored = await deps.core.dialogs.get<ProxyDialog>(ctx.actor!.personId, channel);
    if (stored?.kind !== PROXY || (stored.data.step !== "contact" && stored.data.step !== "attachment")) {
      return answerCallback(ctx, ctx.t("common:stale_button"));
    }
    const d: ProxyDialog =
      stored.data.step === "contact"
        ? { ...stored.data, step: "opinion", delegate: { ...stored.data.delegate, contact: null } }
        : { ...stored.data, step: "confirm" };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: PROXY, data: d });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await askNext(ctx, d);
  });

  chats.callbackQuery(cb.confirmProxy, async (ctx) => {
    const stored = await deps.core.dialogs.get<ProxyDialog>(ctx.actor!.personId, channel);
    if (stored?.kind !== PROXY || stored.data.step !== "confirm") return answerCallback(ctx, ctx.t("common:stale_button"));
    const d = stored.data;
    try {
      await deps.core.meetings.proxy(ctx.actor!, d, d.delegate as Delegate, d.opinion ?? "", d.documents ?? []);
    } catch (e) {
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      return refusal(ctx, e, ctx.callbackQuery.data);
    }
    await deps.core.dialogs.clear(ctx.actor!.personId, channel);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("meetings:proxy.sent", { name: d.delegate.name ?? "" }), { parse_mode: "HTML" }).catch(() => undefined);
    await refreshCard(ctx, d.invitationId, d.cardMessageId);
    deps.nudgeDelivery?.();
  });

  // The member takes the delegate's invite link to forward it; it is shown once and stored only hashed.
  chats.callbackQuery(/^m:dl:(\d+)$/, async (ctx) => {
    try {
      const invite = await deps.core.meetings.delegateInvite(ctx.actor!, Number(ctx.match[1]));
      await ctx.answerCallbackQuery();
      await ctx.reply(
        ctx.t("meetings:guest.link", { name: invite.fullName, link: inviteLink(ctx.me.username, invite.code), expiresAt: formatDateTime(invite.expiresAt, ctx.timeZone) }),
        { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      );
    } catch (e) {
      await refusal(ctx, e, ctx.callbackQuery.data);
    }
  });

  // The written opinion may come as a document too, at the step that asks for it.
  chats.on("message:document", async (ctx, next) => {
    const stored = await deps.core.dialogs.get<ProxyDialog>(ctx.actor!.personId, channel);
    if (stored?.kind !== PROXY || stored.data.step !== "attachment") return next();
    const file = documentFile(ctx.message.document, "y-kien");
    try {
      deps.core.meetings.checkAttachment(file);
    } catch (e) {
      return replyDomainError(ctx, e);
    }
    const d: ProxyDialog = { ...stored.data, documents: [...(stored.data.documents ?? []), file], step: "confirm" };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: PROXY, data: d });
    await askNext(ctx, d);
  });

  chats.callbackQuery(cb.cancel, async (ctx) => {
    await deps.core.dialogs.clear(ctx.actor!.personId, channel);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("meetings:dialog.cancelled"), { parse_mode: "HTML" }).catch(() => undefined);
  });

  chats.command("cancel", async (ctx) => {
    const cleared = await deps.core.dialogs.clear(ctx.actor!.personId, channel);
    await ctx.reply(ctx.t(cleared ? "meetings:dialog.cancelled" : "meetings:dialog.nothing"), { parse_mode: "HTML" });
  });

  // Typed answers to the open dialog's question. Commands are left to their own handlers.
  chats.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const stored = await deps.core.dialogs.get<ProxyDialog>(ctx.actor!.personId, channel);
    if (!stored) return next();
    const text = ctx.message.text;
    if (stored.kind === ABSENCE) {
      try {
        if (await submitAbsence(ctx, stored.data, text)) await ctx.reply(ctx.t("meetings:absence.sent", { reason: text.trim() }), { parse_mode: "HTML" });
      } catch (e) {
        await replyDomainError(ctx, e);
      }
      return;
    }
    if (stored.kind !== PROXY) return next();
    const d = stored.data;
    const value = text.trim();
    if (d.step === "confirm" || d.step === "attachment") {
      await ctx.reply(ctx.t(d.step === "confirm" ? "meetings:proxy.press_confirm" : "meetings:proxy.ask_attachment"), { parse_mode: "HTML" });
      return;
    }
    if (d.step === "opinion") {
      if (value.length < minOpinion) {
        await ctx.reply(ctx.t("meetings:errors.opinion_too_short", { min: minOpinion, length: value.length }), { parse_mode: "HTML" });
        return;
      }
      if (value.length > OPINION_MAX) {
        await ctx.reply(ctx.t("meetings:errors.opinion_too_long", { max: OPINION_MAX, length: value.length }), { parse_mode: "HTML" });
        return;
      }
      d.opinion = value;
    } else {
      if (!value) return void (await ctx.reply(ctx.t(`meetings:proxy.ask_${d.step}`, { min: minOpinion }), { parse_mode: "HTML" }));
      if (value.length > FIELD_MAX) {
        await ctx.reply(ctx.t("meetings:errors.delegate_field_too_long", { field: ctx.t(`meetings:proxy.field_${d.step}`), max: FIELD_MAX }), { parse_mode: "HTML" });
        return;
      }
      d.delegate = { ...d.delegate, [d.step]: value };
    }
    d.step = NEXT[d.step];
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: PROXY, data: d });
    await askNext(ctx, d);
  });

  return composer;
}
