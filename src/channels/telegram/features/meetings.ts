import { Composer, InlineKeyboard } from "grammy";
import { OPINION_MAX, type Delegate } from "../../../core/meetings/answers.js";
import type { IncomingFile } from "../../../core/attachments.js";
import { DomainError } from "../../../core/errors.js";
import { formatDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile, storeReceivedFile } from "../files.js";
import { inviteLink } from "./members.js";
import type { TelegramDeps } from "../deps.js";
import { invitationCardView } from "../../../conversation/meetings/views.js";
import { keyboardOf } from "../printer.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { onAction } from "./on-action.js";
import { meetingAnswerFlow, meetingAnswerRoutes } from "../../../conversation/meetings/answer-flow.js";
import { installRoutes, telegramTurn } from "../turn.js";
import { replyDomainError } from "../reply-error.js";
import { replyInParts } from "../text.js";

/** A proxy appointment being filled in, step by step; what was typed is kept in the database. */
interface ProxyDialog {
  invitationId: number;
  version: number;
  cardMessageId: number | null;
  step: "name" | "title" | "organization" | "contact" | "opinion" | "attachment" | "confirm";
  delegate: Partial<Delegate>;
  opinion?: string;
  documents?: IncomingFile[];
}

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
    const { text, buttons } = invitationCardView(ctx.t, card, deps.core.ctx.clock());
    const keyboard = keyboardOf(buttons);
    await ctx.api
      .editMessageText(ctx.chat!.id, messageId, text, { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) })
      .catch((e) => deps.logger.debug({ err: e }, "card not refreshed"));
  };

  const cancelKeyboard = (ctx: BotContext) => new InlineKeyboard().text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());

  // Attend, Absent and a quick reason: the answer flow, written once for every app.
  const answers = meetingAnswerFlow({ core: deps.core, nudgeDelivery: deps.nudgeDelivery });
  installRoutes(chats, meetingAnswerRoutes(answers), deps.logger);

  // Send a proxy: the delegate's name, title, organization, an optional contact, then the written opinion.
  onAction(chats, meetingActions.proxy, async (ctx, target) => {
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
    const skip = new InlineKeyboard().text(ctx.t("meetings:buttons.skip"), meetingActions.skip.data()).text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());
    if (d.step === "confirm") {
      const text = ctx.t("meetings:proxy.summary", {
        name: d.delegate.name ?? "",
        title: d.delegate.title ?? "",
        organization: d.delegate.organization ?? "",
        contact: d.delegate.contact || "—",
        opinion: d.opinion ?? "",
        documents: d.documents?.length ? d.documents.map((f) => f.fileName).join(", ") : "—",
      });
      const keyboard = new InlineKeyboard().text(ctx.t("meetings:buttons.confirm"), meetingActions.confirmProxy.data()).text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());
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

  onAction(chats, meetingActions.skip, async (ctx) => {
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

  onAction(chats, meetingActions.confirmProxy, async (ctx) => {
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
  onAction(chats, meetingActions.delegateLink, async (ctx, { proxyId }) => {
    try {
      const invite = await deps.core.meetings.delegateInvite(ctx.actor!, proxyId);
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
      await storeReceivedFile(deps, ctx, file);
    } catch (e) {
      return replyDomainError(ctx, e);
    }
    const d: ProxyDialog = { ...stored.data, documents: [...(stored.data.documents ?? []), file], step: "confirm" };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: PROXY, data: d });
    await askNext(ctx, d);
  });

  onAction(chats, meetingActions.cancel, async (ctx) => {
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
    if (await answers.typed(telegramTurn(ctx, deps.logger), text)) return;
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
