import { Composer, InlineKeyboard } from "grammy";
import { DomainError } from "../../../core/errors.js";
import { seatsWith } from "../../../core/permissions.js";
import type { MeetingKind } from "../../../db/schema.js";
import { MAX_ATTACHMENTS, type IncomingFile } from "../../../core/attachments.js";
import { formatDateTime, parseLocalDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile, storeReceivedFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import type { Action } from "../../../conversation/actions.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { onAction } from "./on-action.js";
import { refusalText, replyDomainError } from "../reply-error.js";
import { replyInParts } from "../text.js";

type Step = "kind" | "title" | "start" | "end" | "place" | "link" | "agenda" | "documents" | "chair" | "deadline" | "confirm";

/** The meeting being composed, kept in the database between steps so that nothing typed is lost. */
interface CreateDialog {
  committeeId: number;
  timeZone: string;
  step: Step;
  kind?: MeetingKind;
  title?: string;
  startsAt?: string;
  endsAt?: string;
  place?: string | null;
  onlineLink?: string | null;
  agenda?: string;
  documents?: IncomingFile[];
  chairPersonId?: number;
  chairName?: string;
  answerDeadline?: string | null;
}

const KIND = "meeting.create";
const NEXT: Record<Exclude<Step, "confirm">, Step> = {
  kind: "title",
  title: "start",
  start: "end",
  end: "place",
  place: "link",
  link: "agenda",
  agenda: "documents",
  documents: "chair",
  chair: "deadline",
  deadline: "confirm",
};
/** Which step to ask again when core refuses the finished draft. */
const STEP_OF_ERROR: Record<string, Step> = {
  "meetings:errors.title_required": "title",
  "meetings:errors.start_in_past": "start",
  "meetings:errors.end_before_start": "end",
  "meetings:errors.place_required": "place",
  "meetings:errors.bad_link": "link",
  "meetings:errors.agenda_required": "agenda",
  "meetings:errors.no_chair": "chair",
  "meetings:errors.bad_chair": "chair",
  "meetings:errors.deadline_after_start": "deadline",
  "meetings:errors.deadline_in_past": "deadline",
  "meetings:errors.file_type": "documents",
  "meetings:errors.file_too_large": "documents",
  "meetings:errors.too_many_files": "documents",
};

/**
 * /newmeeting — the secretariat calls a meeting in a guided conversation: each step is checked as it is
 * answered, a summary is shown to confirm, and /cancel (or the Cancel button) stops at any point.
 */
export function meetingCreateFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;

  const save = (ctx: BotContext, d: CreateDialog) => deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: KIND, data: d });
  const load = async (ctx: BotContext) => {
    const stored = await deps.core.dialogs.get<CreateDialog>(ctx.actor!.personId, channel);
    return stored?.kind === KIND ? stored.data : undefined;
  };
  const cancelRow = (ctx: BotContext, kb = new InlineKeyboard()) => kb.text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());

  const ask = async (ctx: BotContext, d: CreateDialog) => {
    const t = ctx.t;
    switch (d.step) {
      case "kind":
        return ctx.reply(t("meetings:create.ask_kind"), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("meetings:kind.regular"), meetingActions.createKind.data({ kind: "regular" })).text(t("meetings:kind.extraordinary"), meetingActions.createKind.data({ kind: "extraordinary" })).row()),
        });
      case "place":
      case "link":
        return ctx.reply(t(`meetings:create.ask_${d.step}`), { parse_mode: "HTML", reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("meetings:buttons.skip"), meetingActions.createSkip.data())) });
      case "chair": {
        const candidates = await deps.core.meetings.chairCandidates(ctx.actor!, d.committeeId);
        const kb = new InlineKeyboard();
        for (const c of candidates) kb.text(`${c.fullName} (${t(`roles:${c.role}`)})`, meetingActions.createChair.data({ personId: c.personId })).row();
        return ctx.reply(t("meetings:create.ask_chair"), { parse_mode: "HTML", reply_markup: cancelRow(ctx, kb) });
      }
      case "documents":
        return ctx.reply(t("meetings:create.ask_documents"), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(t(d.documents?.length ? "meetings:buttons.done" : "meetings:buttons.skip"), meetingActions.createDocumentsDone.data())),
        });
      case "deadline":
        return ctx.reply(t("meetings:create.ask_deadline"), { parse_mode: "HTML", reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("meetings:create.default_deadline"), meetingActions.createDefaultDeadline.data())) });
      case "confirm": {
        const tz = d.timeZone;
        const text = t("meetings:create.summary", {
          kind: t(`meetings:kind.${d.kind ?? "regular"}`),
          title: d.title ?? "",
          start: d.startsAt ? formatDateTime(d.startsAt, tz) : "",
          end: d.endsAt ? formatDateTime(d.endsAt, tz) : "",
          place: d.place || "—",
          link: d.onlineLink || "—",
          chair: d.chairName ?? "",
          deadline: d.answerDeadline ? formatDateTime(d.answerDeadline, tz) : t("meetings:create.default_deadline"),
          agenda: d.agenda ?? "",
          documents: d.documents?.length ? d.documents.map((f) => f.fileName).join(", ") : "—",
        });
        // An agenda of up to 4,000 characters and the other fields may outgrow one message.
        return replyInParts(ctx, text, cancelRow(ctx, new InlineKeyboard().text(t("meetings:buttons.confirm"), meetingActions.createConfirm.data())));
      }
      default:
        return ctx.reply(ctx.t(`meetings:create.ask_${d.step}`), { parse_mode: "HTML", reply_markup: cancelRow(ctx) });
    }
  };

  const advance = async (ctx: BotContext, d: CreateDialog) => {
    if (d.step !== "confirm") d.step = NEXT[d.step];
    await save(ctx, d);
    await ask(ctx, d);
  };

  chats.command("newmeeting", async (ctx) => {
    const seats = seatsWith(ctx.actor!, "meeting.manage");
    if (seats.length === 0) return replyDomainError(ctx, new DomainError("errors:forbidden"));
    const seat = seats.find((s) => s.committeeCode.toLowerCase() === ctx.match.trim().toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
    if (!seat) return void (await ctx.reply(ctx.t("meetings:create.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }), { parse_mode: "HTML" }));
    const d: CreateDialog = { committeeId: seat.committeeId, timeZone: seat.timeZone, step: "kind" };
    await save(ctx, d);
    await ctx.reply(ctx.t("meetings:create.intro", { committee: seat.committeeName }), { parse_mode: "HTML" });
    await ask(ctx, d);
  });

  const onButton = <V,>(action: Action<V>, step: Step, apply: (d: CreateDialog, values: V, ctx: BotContext) => Promise<void> | void) =>
    onAction(chats, action, async (ctx, values) => {
      const d = await load(ctx);
      if (!d || d.step !== step) return answerCallback(ctx, ctx.t("common:stale_button"));
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await apply(d, values, ctx);
      await advance(ctx, d);
    });

  onButton(meetingActions.createKind, "kind", (d, { kind }) => void (d.kind = kind));
  onAction(chats, meetingActions.createSkip, async (ctx, _values, next) => {
    const d = await load(ctx);
    if (!d || (d.step !== "place" && d.step !== "link")) return next();
    if (d.step === "place") d.place = null;
    else {
      d.onlineLink = null;
      if (!d.place) {
        await answerCallback(ctx, ctx.t("meetings:errors.place_required"), { alert: true });
        return;
      }
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await advance(ctx, d);
  });
  onButton(meetingActions.createChair, "chair", async (d, { personId }, ctx) => {
    d.chairPersonId = personId;
    d.chairName = (await deps.core.meetings.chairCandidates(ctx.actor!, d.committeeId)).find((c) => c.personId === d.chairPersonId)?.fullName ?? "";
  });
  onButton(meetingActions.createDefaultDeadline, "deadline", (d) => void (d.answerDeadline = null));
  onButton(meetingActions.createDocumentsDone, "documents", () => undefined);

  // Documents of the agenda, sent one by one while the dialog waits at that step.
  chats.on("message:document", async (ctx, next) => {
    const d = await load(ctx);
    if (!d || d.step !== "documents") return next();
    const file = documentFile(ctx.message.document, "tai-lieu");
    try {
      deps.core.meetings.checkAttachment(file);
      if ((d.documents?.length ?? 0) >= MAX_ATTACHMENTS) throw new DomainError("meetings:errors.too_many_files", { max: MAX_ATTACHMENTS });
      await storeReceivedFile(deps, ctx, file);
    } catch (e) {
      return replyDomainError(ctx, e);
    }
    d.documents = [...(d.documents ?? []), file];
    await save(ctx, d);
    await ctx.reply(ctx.t("meetings:create.document_received", { name: file.fileName, count: d.documents.length }), {
      parse_mode: "HTML",
      reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t("meetings:buttons.done"), meetingActions.createDocumentsDone.data())),
    });
  });

  onAction(chats, meetingActions.createConfirm, async (ctx) => {
    const d = await load(ctx);
    if (!d || d.step !== "confirm") return answerCallback(ctx, ctx.t("common:stale_button"));
    try {
      const { meeting, invited } = await deps.core.meetings.create(ctx.actor!, {
        committeeId: d.committeeId,
        kind: d.kind ?? "regular",
        title: d.title ?? "",
        startsAt: new Date(d.startsAt ?? NaN),
        endsAt: new Date(d.endsAt ?? NaN),
        place: d.place ?? null,
        onlineLink: d.onlineLink ?? null,
        agenda: d.agenda ?? "",
        ...(d.chairPersonId ? { chairPersonId: d.chairPersonId } : {}),
        ...(d.answerDeadline ? { answerDeadline: new Date(d.answerDeadline) } : {}),
        documents: d.documents ?? [],
      });
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(ctx.t("meetings:create.done", { id: meeting.id, invited }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    } catch (e) {
      const step = e instanceof DomainError ? STEP_OF_ERROR[e.code] : undefined;
      if (!step) return replyDomainError(ctx, e);
      await ctx.answerCallbackQuery();
      await ctx.reply(refusalText(ctx, e as DomainError), { parse_mode: "HTML" });
      d.step = step;
      await save(ctx, d);
      await ask(ctx, d);
    }
  });

  chats.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const d = await load(ctx);
    if (!d) return next();
    const value = ctx.message.text.trim();
    const again = (key: string, params: Record<string, string | number> = {}) => ctx.reply(ctx.t(key, params), { parse_mode: "HTML" });
    const now = deps.core.ctx.clock();
    switch (d.step) {
      case "title":
        if (!value) return void (await again("meetings:errors.title_required"));
        if (value.length > 200) return void (await again("meetings:errors.too_long", { max: 200 }));
        d.title = value;
        break;
      case "start": {
        const at = parseLocalDateTime(value, d.timeZone);
        if (!at) return void (await again("meetings:create.bad_datetime"));
        if (at <= now) return void (await again("meetings:errors.start_in_past"));
        d.startsAt = at.toISOString();
        break;
      }
      case "end": {
        const startLocal = formatDateTime(d.startsAt!, d.timeZone);
        const at = parseLocalDateTime(/^\d{1,2}[:hg]\d{2}$/i.test(value) ? `${startLocal.slice(0, 10)} ${value.replace(/[hg]/i, ":")}` : value, d.timeZone);
        if (!at) return void (await again("meetings:create.bad_end"));
        if (at.toISOString() <= d.startsAt!) return void (await again("meetings:errors.end_before_start"));
        d.endsAt = at.toISOString();
        break;
      }
      case "place":
        if (value.length > 300) return void (await again("meetings:errors.too_long", { max: 300 }));
        d.place = value || null;
        break;
      case "link":
        if (!/^https?:\/\/\S+$/i.test(value)) return void (await again("meetings:errors.bad_link"));
        if (value.length > 500) return void (await again("meetings:errors.too_long", { max: 500 }));
        d.onlineLink = value;
        break;
      case "agenda":
        if (!value) return void (await again("meetings:errors.agenda_required"));
        if (value.length > 4000) return void (await again("meetings:errors.too_long", { max: 4000 }));
        d.agenda = value;
        break;
      case "deadline": {
        const at = parseLocalDateTime(value, d.timeZone);
        if (!at) return void (await again("meetings:create.bad_datetime"));
        if (at <= now) return void (await again("meetings:errors.deadline_in_past"));
        if (at.toISOString() > d.startsAt!) return void (await again("meetings:errors.deadline_after_start"));
        d.answerDeadline = at.toISOString();
        break;
      }
      default:
        return void (await again("meetings:create.use_buttons"));
    }
    await advance(ctx, d);
  });

  return composer;
}
