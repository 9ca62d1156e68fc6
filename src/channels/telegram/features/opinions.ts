import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { IncomingFile } from "../../../core/attachments.js";
import { DomainError } from "../../../core/errors.js";
import type { Audience } from "../../../core/notices/audience.js";
import { seatsWith } from "../../../core/permissions.js";
import { opinionsDocx, opinionsXlsx } from "../../../documents/opinions.js";
import { formatDateTime, parseLocalDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile, storeReceivedFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import { entitiesToMarkup } from "../entities.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { replyDomainError, withDomainErrors } from "../reply-error.js";
import { opinionActions } from "../../../conversation/opinions/actions.js";
import { onAction } from "./on-action.js";

const COMPOSE = "opinion.compose";

interface ComposeDialog {
  committeeId: number;
  timeZone: string;
  step: "title" | "body" | "questions" | "deadline" | "audience" | "confirm";
  title?: string;
  body?: string;
  attachment?: IncomingFile | null;
  questions: string[];
  deadline?: string;
  audience?: Audience;
}

/**
 * Written consultations: members answer each question from the request card (agree, agree with comments,
 * disagree with reasons — typed or as a file) and may revise until the deadline; the secretariat composes
 * a request with /opinion and reads the compiled table with /opinions N (Excel and Word).
 */
export function opinionsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;
  const cancelRow = (ctx: BotContext, kb = new InlineKeyboard()) => kb.text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());

  const fileOf = (ctx: BotContext): IncomingFile | null => {
    const d = ctx.message?.document;
    return d ? documentFile(d, "y-kien") : null;
  };

  chats.on(["message:text", "message:document"], async (ctx, next) => {
    if (ctx.message.text?.startsWith("/")) return next();
    const stored = await deps.core.dialogs.get(ctx.actor!.personId, channel);
    if (stored?.kind !== COMPOSE) return next();
    const d = stored.data as unknown as ComposeDialog;
    const text = (ctx.message.text ?? ctx.message.caption ?? "").trim();
    const save = () => deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: COMPOSE, data: d });
    switch (d.step) {
      case "title":
        if (!text) return void (await ctx.reply(ctx.t("opinions:errors.title_required"), { parse_mode: "HTML" }));
        d.title = text.slice(0, 300);
        d.step = "body";
        await save();
        return void (await ctx.reply(ctx.t("opinions:compose.ask_body"), { parse_mode: "HTML", reply_markup: cancelRow(ctx) }));
      case "body": {
        const file = fileOf(ctx);
        try {
          if (file) await storeReceivedFile(deps, ctx, file);
        } catch (e) {
          return replyDomainError(ctx, e);
        }
        d.body = entitiesToMarkup(ctx.message.text ?? ctx.message.caption ?? "", ctx.message.entities ?? ctx.message.caption_entities ?? []);
        d.attachment = file;
        d.step = "questions";
        await save();
        return void (await ctx.reply(ctx.t("opinions:compose.ask_question", { n: 1 }), { parse_mode: "HTML", reply_markup: cancelRow(ctx) }));
      }
      case "questions":
        if (!text) return;
        d.questions.push(text);
        await save();
        return void (await ctx.reply(ctx.t("opinions:compose.ask_question", { n: d.questions.length + 1 }), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t("meetings:buttons.done"), opinionActions.composeQuestionsDone.data())),
        }));
      case "deadline": {
        const at = parseLocalDateTime(text, d.timeZone);
        if (!at) return void (await ctx.reply(ctx.t("meetings:create.bad_datetime"), { parse_mode: "HTML" }));
        if (at <= deps.core.ctx.clock()) return void (await ctx.reply(ctx.t("opinions:errors.deadline_in_past"), { parse_mode: "HTML" }));
        d.deadline = at.toISOString();
        d.step = "audience";
        await save();
        const kb = new InlineKeyboard();
        for (const kind of ["all", "leaders", "members"] as const) kb.text(ctx.t(`notices:audience.${kind}`), opinionActions.composeAudience.data({ audience: kind })).row();
        return void (await ctx.reply(ctx.t("notices:compose.ask_audience"), { parse_mode: "HTML", reply_markup: cancelRow(ctx, kb) }));
      }
      default:
        return void (await ctx.reply(ctx.t("meetings:create.use_buttons"), { parse_mode: "HTML" }));
    }
  });

  chats.command("opinion", async (ctx) => {
    const seats = seatsWith(ctx.actor!, "notice.send");
    if (seats.length === 0) return replyDomainError(ctx, new DomainError("errors:forbidden"));
    const seat = seats.find((s) => s.committeeCode.toLowerCase() === ctx.match.trim().toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
    if (!seat) return void (await ctx.reply(ctx.t("meetings:create.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }), { parse_mode: "HTML" }));
    const d: ComposeDialog = { committeeId: seat.committeeId, timeZone: seat.timeZone, step: "title", questions: [] };
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: COMPOSE, data: d });
    await ctx.reply(ctx.t("opinions:compose.ask_title"), { parse_mode: "HTML", reply_markup: cancelRow(ctx) });
  });

  const composing = async (ctx: BotContext, step: ComposeDialog["step"]) => {
    const stored = await deps.core.dialogs.get(ctx.actor!.personId, channel);
    const d = stored?.kind === COMPOSE ? (stored.data as unknown as ComposeDialog) : undefined;
    return d && d.step === step ? d : undefined;
  };

  onAction(chats, opinionActions.composeQuestionsDone, async (ctx) => {
    const d = await composing(ctx, "questions");
    if (!d) return answerCallback(ctx, ctx.t("common:stale_button"));
    if (d.questions.length === 0) return answerCallback(ctx, ctx.t("opinions:errors.questions_required"), { alert: true });
    d.step = "deadline";
    await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: COMPOSE, data: d });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t("opinions:compose.ask_deadline"), { parse_mode: "HTML", reply_markup: cancelRow(ctx) });
  });

  onAction(chats, opinionActions.composeAudience, (ctx, { audience: kind }) =>
    withDomainErrors(ctx, async () => {
      const d = await composing(ctx, "audience");
      if (!d) return void (await answerCallback(ctx, ctx.t("common:stale_button")));
      const audience: Audience = { kind };
      d.audience = audience;
      const preview = await deps.core.notices.preview(ctx.actor!, d.committeeId, audience);
      d.step = "confirm";
      await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: COMPOSE, data: d });
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(
        ctx.t("opinions:compose.preview", { title: d.title ?? "", questions: d.questions.length, deadline: formatDateTime(d.deadline!, d.timeZone), ...preview }),
        { parse_mode: "HTML", reply_markup: cancelRow(ctx, new InlineKeyboard().text(ctx.t("opinions:buttons.send"), opinionActions.composeConfirm.data())) },
      );
    }),
  );

  onAction(chats, opinionActions.composeConfirm, (ctx) =>
    withDomainErrors(ctx, async () => {
      const d = await composing(ctx, "confirm");
      if (!d) return void (await answerCallback(ctx, ctx.t("common:stale_button")));
      const { requestId, recipients } = await deps.core.opinions.create(ctx.actor!, {
        committeeId: d.committeeId,
        title: d.title ?? "",
        body: d.body ?? "",
        attachment: d.attachment ?? null,
        questions: d.questions,
        deadline: new Date(d.deadline!),
        audience: d.audience!,
      });
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(ctx.t("opinions:compose.sent", { id: requestId, recipients }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );

  chats.command("opinions", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = Number(ctx.match.trim().replace(/^#/, ""));
      if (!(Number.isInteger(id) && id > 0)) {
        const recent = await deps.core.opinions.recent(ctx.actor!);
        if (!recent.length) return void (await ctx.reply(ctx.t("opinions:summary.none"), { parse_mode: "HTML" }));
        const lines = [ctx.t("opinions:summary.list_header"), ...recent.map((r) => ctx.t("opinions:summary.list_line", { id: r.id, title: r.title, deadline: formatDateTime(r.deadline, r.timeZone) })), "", ctx.t("opinions:summary.hint")];
        return void (await ctx.reply(lines.join("\n"), { parse_mode: "HTML" }));
      }
      const c = await deps.core.opinions.compile(ctx.actor!, id);
      const lines = [
        ctx.t("opinions:summary.header", { id, title: c.title, deadline: formatDateTime(c.deadline, c.timeZone), answered: c.counts.answered, recipients: c.counts.recipients }),
        ...c.questions.map((_, i) => ctx.t("opinions:summary.question", { n: i + 1, agree: c.counts.agree[i]!, comments: c.counts.agreeWithComments[i]!, disagree: c.counts.disagree[i]! })),
      ];
      await ctx.reply(lines.join("\n"), {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard()
          .text(ctx.t("opinions:buttons.xlsx"), opinionActions.compiled.data({ format: "xlsx", requestId: id }))
          .text(ctx.t("opinions:buttons.docx"), opinionActions.compiled.data({ format: "docx", requestId: id })),
      });
    }),
  );

  onAction(chats, opinionActions.compiled, (ctx, { format, requestId: id }) =>
    withDomainErrors(ctx, async () => {
      const c = await deps.core.opinions.compile(ctx.actor!, id);
      await ctx.answerCallbackQuery();
      const vi = deps.translator.bind("vi");
      if (format === "xlsx") await ctx.replyWithDocument(new InputFile(await opinionsXlsx(vi, c), `tong-hop-y-kien-${id}.xlsx`));
      else await ctx.replyWithDocument(new InputFile(await opinionsDocx(vi, c), `tong-hop-y-kien-${id}.docx`));
    }),
  );

  return composer;
}
