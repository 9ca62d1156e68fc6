import { Composer, InlineKeyboard } from "grammy";
import type { IncomingFile } from "../../../core/attachments.js";
import { DomainError } from "../../../core/errors.js";
import { formatDecimal } from "../../../core/reports/numbers.js";
import { checkText, readProgress, STATUSES, TEXT_LIMITS, type ReportText } from "../../../core/reports/updates.js";
import type { IndicatorKind, ProgressStatus } from "../../../db/schema.js";
import { formatDateTime } from "../../../i18n/format.js";
import { periodLabel } from "../../../documents/report-terms.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile, photoFile, storeReceivedFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import { historyButtons, historyView, STATE_ICON, taskButton, taskCardView } from "../../../conversation/reports/views.js";
import { keyboardOf } from "../printer.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { replyDomainError, withDomainErrors } from "../reply-error.js";
import { reportActions } from "../../../conversation/reports/actions.js";
import { onAction } from "./on-action.js";
import { replyInParts } from "../text.js";

const REPORT = "report.progress";
type Step = "status" | "progress" | "results" | "obstacles" | "proposals" | "files" | "preview";
const ORDER: Step[] = ["status", "progress", "results", "obstacles", "proposals", "files", "preview"];

/** A report being written, kept in the database step by step: a restart or a refused step loses nothing. */
interface ReportDialog {
  taskId: number;
  periodId: number;
  code: string;
  periodLabel: string;
  kind: IndicatorKind;
  unit: string | null;
  target: number | null;
  step: Step;
  /** Changing one step from the preview: go back to the preview after it. */
  back: boolean;
  status?: ProgressStatus;
  progress?: number | null;
  results?: string | null;
  obstacles?: string | null;
  proposals?: string | null;
  files: IncomingFile[];
  unchanged: boolean;
  /** The values of the version being revised, offered as "keep". */
  keep?: { status: ProgressStatus; progress: number | null; results: string | null; obstacles: string | null; proposals: string | null };
}

/**
 * Progress reporting for members: /report lists their tasks in the open period; a task's card leads to a
 * six-step report (status, progress, results, obstacles, proposals, files), a preview and a confirmation.
 * "No change since last period" copies the previous report and asks only for confirmation.
 */
export function reportsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;
  const save = (ctx: BotContext, d: ReportDialog) => deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: REPORT, data: d });
  const load = async (ctx: BotContext) => {
    const stored = await deps.core.dialogs.get<ReportDialog>(ctx.actor!.personId, channel);
    return stored?.kind === REPORT ? stored.data : undefined;
  };
  const num = (ctx: BotContext, n: number) => formatDecimal(n, ctx.locale);
  const progressText = (ctx: BotContext, d: ReportDialog, n: number) => (d.kind === "numeric" ? `${num(ctx, n)} ${d.unit ?? ""}`.trim() : `${num(ctx, n)} %`);
  const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

  /** The list of one's tasks per open period, with a button per task. */
  chats.command("report", (ctx) =>
    withDomainErrors(ctx, async () => {
      const code = ctx.match.trim();
      if (code) {
        const task = await deps.core.tasks.byCode(ctx.actor!, code);
        return showTask(ctx, task.id);
      }
      const periods = await deps.core.reports.mine(ctx.actor!);
      if (!periods.length) {
        const manager = ctx.actor!.seats.some((s) => s.role === "secretariat");
        return void (await ctx.reply([ctx.t("reports:mine.none"), ...(manager ? [ctx.t("reports:mine.none_manager")] : [])].join("\n"), { parse_mode: "HTML" }));
      }
      for (const p of periods) {
        const done = p.tasks.filter((x) => x.latest).length;
        const lines = [ctx.t("reports:mine.header", { period: periodLabel(ctx.t, p.period, ctx.locale), due: formatDateTime(p.window.dueAt, p.timeZone), done, total: p.tasks.length })];
        if (p.window.extended) lines[0] += ` ${ctx.t("reports:mine.extended")}`;
        if (p.window.reopened) lines.push(ctx.t("reports:mine.reopened", { until: formatDateTime(p.window.closesAt, p.timeZone) }));
        const title = (x: string) => (x.length > 80 ? `${x.slice(0, 79)}…` : x);
        lines.push("", ...p.tasks.map((x) => ctx.t("reports:mine.line", { icon: STATE_ICON[x.state], code: x.task.code, title: title(x.task.title), state: ctx.t(`reports:state.${x.state}`) })), "", ctx.t("reports:mine.choose"));
        const kb = new InlineKeyboard();
        for (const x of p.tasks) kb.text(taskButton(STATE_ICON[x.state], x.task), reportActions.task.data({ taskId: x.task.id, periodId: p.period.id })).row();
        await replyInParts(ctx, lines.join("\n"), kb);
      }
    }),
  );

  const showTask = async (ctx: BotContext, taskId: number, periodId?: number) => {
    const rc = await deps.core.reports.context(ctx.actor!, taskId, periodId);
    const { text, buttons } = taskCardView(ctx.t, rc, ctx.locale, ctx.timeZone);
    const keyboard = keyboardOf(buttons);
    await ctx.reply(text, { parse_mode: "HTML", reply_markup: keyboard });
  };

  onAction(chats, reportActions.task, (ctx, { taskId, periodId }) =>
    withDomainErrors(ctx, async () => {
      await showTask(ctx, taskId, periodId);
      await ctx.answerCallbackQuery();
    }),
  );

  onAction(chats, reportActions.history, (ctx, { taskId }) =>
    withDomainErrors(ctx, async () => {
      const h = await deps.core.tasks.history(ctx.actor!, taskId);
      await ctx.answerCallbackQuery();
      await replyInParts(ctx, historyView(ctx.t, h.task, h.updates, ctx.locale, ctx.timeZone), keyboardOf(historyButtons(ctx.t, h.task.id, h.updates)));
    }),
  );

  /** The files reported with a task, sent again by the platform's reference (photos as photos). */
  onAction(chats, reportActions.files, (ctx, { taskId }) =>
    withDomainErrors(ctx, async () => {
      const h = await deps.core.tasks.history(ctx.actor!, taskId);
      await ctx.answerCallbackQuery();
      const seen = new Set<string>();
      for (const u of h.updates) {
        for (const a of u.attachments) {
          if (seen.has(a.fileId)) continue;
          seen.add(a.fileId);
          const caption = `${h.task.code} · ${periodLabel(ctx.t, { code: u.periodCode, kind: u.periodKind, name: u.periodName }, ctx.locale)} · ${a.fileName}`;
          if (a.mimeType === "image/jpeg" && a.fileName.startsWith("anh-")) await ctx.replyWithPhoto(a.fileId, { caption });
          else await ctx.replyWithDocument(a.fileId, { caption });
        }
      }
    }),
  );

  /** Starts the report (or its revision, with the current values offered as "keep"), or the "no change" shortcut. */
  const startReport = (noChange: boolean) => (ctx: BotContext, { taskId, periodId }: { taskId: number; periodId: number }) =>
    withDomainErrors(ctx, async () => {
      const rc = await deps.core.reports.context(ctx.actor!, taskId, periodId);
      if (rc.blocked) throw new DomainError(rc.blocked, { code: rc.task.code });
      const d: ReportDialog = {
        taskId: rc.task.id,
        periodId: rc.period.id,
        code: rc.task.code,
        periodLabel: periodLabel(ctx.t, rc.period, ctx.locale),
        kind: rc.task.indicator_kind,
        unit: rc.task.unit,
        target: rc.task.target_value,
        step: "status",
        back: false,
        files: [],
        unchanged: false,
      };
      const source = noChange ? rc.previous : rc.latest;
      if (noChange && !source) throw new DomainError("reports:history.none");
      const values = source
        ? { status: source.status, progress: rc.task.indicator_kind === "numeric" ? source.value : source.percent, results: source.results, obstacles: source.obstacles, proposals: source.proposals }
        : undefined;
      if (noChange) {
        Object.assign(d, values, { unchanged: true, step: "preview" });
      } else if (values) d.keep = values;
      await save(ctx, d);
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ask(ctx, d);
    });
  onAction(chats, reportActions.start, startReport(false));
  onAction(chats, reportActions.unchanged, startReport(true));

  /** Puts the question of the dialog's current step, with its buttons. */
  const ask = async (ctx: BotContext, d: ReportDialog): Promise<void> => {
    const kb = new InlineKeyboard();
    const keep = (value: string | null | undefined) => {
      if (d.keep && !d.back) kb.text(ctx.t("reports:buttons.keep", { value: clip(value || ctx.t("reports:preview.empty")) }), reportActions.keep.data()).row();
    };
    const cancel = () => kb.text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());
    switch (d.step) {
      case "status":
        for (const s of STATUSES) kb.text(ctx.t(`reports:status.${s}`), reportActions.status.data({ status: s })).row();
        keep(d.keep ? ctx.t(`reports:status.${d.keep.status}`) : null);
        cancel();
        return void (await ctx.reply(ctx.t("reports:ask.status", { code: d.code }), { parse_mode: "HTML", reply_markup: kb }));
      case "progress":
        if (d.keep?.progress !== null && d.keep?.progress !== undefined) keep(progressText(ctx, d, d.keep.progress));
        cancel();
        return void (await ctx.reply(
          d.kind === "numeric" ? ctx.t("reports:ask.value", { unit: d.unit ?? "", target: num(ctx, d.target ?? 0) }) : ctx.t("reports:ask.percent"),
          { parse_mode: "HTML", reply_markup: kb },
        ));
      case "results":
      case "obstacles":
      case "proposals":
        keep(d.keep?.[d.step]);
        if (d.step !== "results" || d.status === "not_started") kb.text(ctx.t("reports:buttons.none"), reportActions.none.data()).row();
        cancel();
        return void (await ctx.reply(ctx.t(`reports:ask.${d.step}`, { max: TEXT_LIMITS[d.step] }), { parse_mode: "HTML", reply_markup: kb }));
      case "files":
        kb.text(ctx.t(d.files.length ? "reports:buttons.files_done" : "reports:buttons.no_files"), reportActions.filesDone.data()).row();
        cancel();
        return void (await ctx.reply(ctx.t("reports:ask.files"), { parse_mode: "HTML", reply_markup: kb }));
      case "preview":
        return preview(ctx, d);
    }
  };

  const preview = async (ctx: BotContext, d: ReportDialog) => {
    const empty = ctx.t("reports:preview.empty");
    const lines = [ctx.t("reports:preview.header", { code: d.code, period: d.periodLabel })];
    if (d.unchanged) lines.push(ctx.t("reports:preview.unchanged"));
    lines.push("", ctx.t("reports:preview.status", { value: ctx.t(`reports:status.${d.status}`) }));
    if (d.progress !== null && d.progress !== undefined) {
      lines.push(d.kind === "numeric" ? ctx.t("reports:preview.value", { value: num(ctx, d.progress), unit: d.unit ?? "" }) : ctx.t("reports:preview.percent", { value: num(ctx, d.progress) }));
    }
    // Three long texts could outgrow one message: the preview shows the start of each, the report keeps them whole.
    const shown = (text: string | null | undefined) => (!text ? empty : text.length > 900 ? `${text.slice(0, 899)}…` : text);
    lines.push(
      ctx.t("reports:preview.results", { value: shown(d.results) }),
      ctx.t("reports:preview.obstacles", { value: shown(d.obstacles) }),
      ctx.t("reports:preview.proposals", { value: shown(d.proposals) }),
      ctx.t("reports:preview.files", { value: d.files.length ? d.files.map((f) => f.fileName).join(", ") : empty }),
      "",
      ctx.t("reports:preview.confirm"),
    );
    const kb = new InlineKeyboard()
      .text(ctx.t("reports:buttons.submit"), reportActions.submit.data())
      .row()
      .text(ctx.t("reports:buttons.edit_status"), reportActions.edit.data({ step: "status" }))
      .text(ctx.t("reports:buttons.edit_progress"), reportActions.edit.data({ step: "progress" }))
      .text(ctx.t("reports:buttons.edit_results"), reportActions.edit.data({ step: "results" }))
      .row()
      .text(ctx.t("reports:buttons.edit_obstacles"), reportActions.edit.data({ step: "obstacles" }))
      .text(ctx.t("reports:buttons.edit_proposals"), reportActions.edit.data({ step: "proposals" }))
      .text(ctx.t("reports:buttons.edit_files"), reportActions.edit.data({ step: "files" }))
      .row()
      .text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML", reply_markup: kb });
  };

  /** Moves to the next step (skipping the figure when not started), or back to the preview when correcting one step. */
  const advance = async (ctx: BotContext, d: ReportDialog) => {
    if (d.step === "status" && d.status === "not_started") d.progress = null;
    let next: Step;
    if (d.step === "status" && d.status !== "not_started" && (d.progress === null || d.progress === undefined)) next = "progress";
    else next = d.back ? "preview" : ORDER[ORDER.indexOf(d.step) + 1]!;
    if (next === "progress" && d.status === "not_started") next = "results";
    if (next === "preview" && !d.results && d.status !== "not_started") next = "results";
    d.step = next;
    if (next === "preview") d.back = false;
    await save(ctx, d);
    await ask(ctx, d);
  };

  const current = async (ctx: BotContext, step?: Step) => {
    const d = await load(ctx);
    return d && (!step || d.step === step) ? d : undefined;
  };

  onAction(chats, reportActions.status, async (ctx, { status }) => {
    const d = await current(ctx, "status");
    if (!d || !STATUSES.includes(status as ProgressStatus)) return answerCallback(ctx, ctx.t("common:stale_button"));
    d.status = status as ProgressStatus;
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await advance(ctx, d);
  });

  onAction(chats, reportActions.keep, async (ctx) => {
    const d = await current(ctx);
    if (!d?.keep || !["status", "progress", "results", "obstacles", "proposals"].includes(d.step)) return answerCallback(ctx, ctx.t("common:stale_button"));
    const step = d.step as keyof NonNullable<ReportDialog["keep"]>;
    (d as unknown as Record<string, unknown>)[step] = d.keep[step];
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await advance(ctx, d);
  });

  onAction(chats, reportActions.none, async (ctx) => {
    const d = await current(ctx);
    if (!d || !["results", "obstacles", "proposals"].includes(d.step) || (d.step === "results" && d.status !== "not_started")) return answerCallback(ctx, ctx.t("common:stale_button"));
    d[d.step as ReportText] = null;
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await advance(ctx, d);
  });

  onAction(chats, reportActions.filesDone, async (ctx) => {
    const d = await current(ctx, "files");
    if (!d) return answerCallback(ctx, ctx.t("common:stale_button"));
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    d.back = false;
    await advance(ctx, d);
  });

  onAction(chats, reportActions.edit, async (ctx, { step }) => {
    const d = await current(ctx, "preview");
    if (!d) return answerCallback(ctx, ctx.t("common:stale_button"));
    if (step === "progress" && d.status === "not_started") return answerCallback(ctx, ctx.t("reports:ask.use_buttons"));
    d.step = step;
    d.back = true;
    d.unchanged = false;
    if (step === "files") d.files = [];
    await save(ctx, d);
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ask(ctx, d);
  });

  onAction(chats, reportActions.submit, (ctx) =>
    withDomainErrors(ctx, async () => {
      const d = await current(ctx, "preview");
      if (!d) return void (await answerCallback(ctx, ctx.t("common:stale_button")));
      const r = await deps.core.reports.submit(ctx.actor!, {
        taskId: d.taskId,
        periodId: d.periodId,
        status: d.status!,
        progress: d.progress ?? null,
        results: d.results ?? null,
        obstacles: d.obstacles ?? null,
        proposals: d.proposals ?? null,
        attachments: d.files,
        unchanged: d.unchanged,
      });
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      const rc = await deps.core.reports.context(ctx.actor!, d.taskId, d.periodId);
      const lines = [ctx.t(r.late ? "reports:submitted.late" : "reports:submitted.ok", { code: d.code, version: r.version, due: formatDateTime(rc.window.dueAt, ctx.timeZone) })];
      if (rc.onBehalfOf) lines.push(ctx.t("reports:submitted.on_behalf", { name: rc.onBehalfOf.fullName }));
      if (r.items) lines.push(ctx.t("reports:submitted.items"));
      if (!rc.onBehalfOf) {
        const left = (await deps.core.reports.mine(ctx.actor!)).flatMap((p) => p.tasks).filter((x) => !x.latest).length;
        lines.push(left ? ctx.t("reports:submitted.left", { count: left }) : ctx.t("reports:submitted.all_done"));
      }
      await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );

  const fileOf = (ctx: BotContext): IncomingFile | null => {
    if (ctx.message?.document) return documentFile(ctx.message.document, "tai-lieu");
    if (ctx.message?.photo?.length) return photoFile(ctx.message.photo, (p) => `anh-${p.file_unique_id}.jpg`);
    return null;
  };

  /** Typed answers and files for the open report dialog; anything else passes on. */
  chats.on(["message:text", "message:document", "message:photo"], async (ctx, next) => {
    if (ctx.message.text?.startsWith("/")) return next();
    const d = await load(ctx);
    if (!d) return next();
    const file = fileOf(ctx);
    try {
      if (d.step === "files") {
        if (!file) return void (await ctx.reply(ctx.t("reports:ask.files"), { parse_mode: "HTML" }));
        deps.core.meetings.checkAttachment(file);
        if (d.files.length >= 10) throw new DomainError("reports:errors.too_many_files", { max: 10 });
        await storeReceivedFile(deps, ctx, file);
        d.files.push(file);
        await save(ctx, d);
        return void (await ctx.reply(ctx.t("reports:ask.file_received", { name: file.fileName, count: d.files.length }), {
          parse_mode: "HTML",
          reply_markup: new InlineKeyboard().text(ctx.t("reports:buttons.files_done"), reportActions.filesDone.data()),
        }));
      }
      if (file || ctx.message.text === undefined) return void (await ctx.reply(ctx.t("reports:ask.text_expected"), { parse_mode: "HTML" }));
      const text = ctx.message.text;
      switch (d.step) {
        case "status":
        case "preview":
          return void (await ctx.reply(ctx.t("reports:ask.use_buttons"), { parse_mode: "HTML" }));
        case "progress":
          d.progress = readProgress({ indicator_kind: d.kind, unit: d.unit }, text);
          break;
        default: {
          const value = checkText(d.step, text);
          if (!value) return void (await ask(ctx, d));
          d[d.step] = value;
        }
      }
    } catch (e) {
      // The step is asked again; everything entered so far stays in the dialog.
      return replyDomainError(ctx, e);
    }
    await advance(ctx, d);
  });

  return composer;
}
