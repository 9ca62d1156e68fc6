import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Seat } from "../../../core/actor.js";
import { DomainError } from "../../../core/errors.js";
import { can, seatsWith } from "../../../core/permissions.js";
import { periodPhase } from "../../../core/reports/periods.js";
import { EDITABLE } from "../../../core/reports/tasks.js";
import { progressXlsx } from "../../../documents/progress-xlsx.js";
import { formatDateTime, parseLocalDateTime } from "../../../i18n/format.js";
import { periodLabel } from "../../../documents/report-terms.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { historyButtons, historyView, periodDetailsView, periodStatusView } from "../../../conversation/reports/views.js";
import { keyboardOf } from "../printer.js";
import { buttonLabel, buttonRows, type Button } from "../../../conversation/message.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { withDomainErrors } from "../reply-error.js";
import { reportActions } from "../../../conversation/reports/actions.js";
import { onAction } from "./on-action.js";
import { replyInParts } from "../text.js";

const ANSWER = "report.answer";

/**
 * The secretariat's and the leaders' side of reporting: /progress (the period at a glance, task by task,
 * Excel export), /task (a task's card and history; the secretariat also edits it and reports in a
 * member's place), /tasks (the registry), /period (open an extra period, extend, reopen) and /items
 * (obstacles and proposals, answered in chat).
 */
export function reportsAdminFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;

  /** The committee a command is about: the only one the person reads, or the one named by its code. */
  const committeeOf = (ctx: BotContext, code?: string): Seat => {
    const seats = [...seatsWith(ctx.actor!, "report.manage"), ...seatsWith(ctx.actor!, "report.view")];
    if (!seats.length) throw new DomainError("errors:forbidden");
    const seat = code ? seats.find((s) => s.committeeCode.toLowerCase() === code.toLowerCase()) : seats[0];
    if (!seat) throw new DomainError("meetings:create.choose_committee", { codes: [...new Set(seats.map((s) => s.committeeCode))].join(", ") });
    return seat;
  };

  chats.command("progress", (ctx) =>
    withDomainErrors(ctx, async () => {
      const seat = committeeOf(ctx);
      const period = await deps.core.periods.find(ctx.actor!, seat.committeeId, ctx.match.trim() || undefined);
      const status = await deps.core.reports.status(ctx.actor!, period.id);
      const kb = status.rows.length ? new InlineKeyboard().text(ctx.t("reports:buttons.xlsx"), reportActions.xlsx.data({ periodId: period.id })).text(ctx.t("reports:buttons.details"), reportActions.details.data({ periodId: period.id })) : undefined;
      await replyInParts(ctx, periodStatusView(ctx.t, status, ctx.locale), kb);
    }),
  );

  onAction(chats, reportActions.details, (ctx, { periodId }) =>
    withDomainErrors(ctx, async () => {
      const status = await deps.core.reports.status(ctx.actor!, periodId);
      await ctx.answerCallbackQuery();
      await replyInParts(ctx, periodDetailsView(ctx.t, status, ctx.locale));
    }),
  );

  onAction(chats, reportActions.xlsx, (ctx, { periodId }) =>
    withDomainErrors(ctx, async () => {
      const status = await deps.core.reports.status(ctx.actor!, periodId);
      await ctx.answerCallbackQuery();
      const file = await progressXlsx(deps.translator.bind("vi"), status, deps.core.ctx.clock());
      await ctx.replyWithDocument(new InputFile(file, `bao-cao-tien-do-${status.period.code.replace(/[^\w.-]+/g, "-")}.xlsx`));
    }),
  );

  /** /task CODE shows the task and its history; /task CODE field value changes one field (secretariat). */
  chats.command("task", (ctx) =>
    withDomainErrors(ctx, async () => {
      const [code, field, ...rest] = ctx.match.trim().split(/\s+/);
      if (!code) return void (await ctx.reply(ctx.t("reports:tasks.hint"), { parse_mode: "HTML" }));
      let task = await deps.core.tasks.byCode(ctx.actor!, code);
      if (field) {
        // A field name may be several words in Vietnamese ("văn bản", "đơn vị tính", "người phụ trách").
        const words = [field, ...rest];
        const n = [3, 2, 1].find((k) => EDITABLE[words.slice(0, k).join(" ").normalize("NFC").toLowerCase()] !== undefined) ?? 1;
        const before = task.updated_at;
        task = await deps.core.tasks.edit(ctx.actor!, task.id, words.slice(0, n).join(" "), words.slice(n).join(" "));
        await ctx.reply(ctx.t(task.updated_at === before ? "reports:tasks.unchanged" : "reports:tasks.edited", { code: task.code }), { parse_mode: "HTML" });
      }
      const h = await deps.core.tasks.history(ctx.actor!, task.id);
      const rows: Button[][] = [];
      if (can(ctx.actor!, "report.manage", task.committee_id) && task.active) {
        const rc = await deps.core.reports.context(ctx.actor!, task.id).catch(() => undefined);
        if (rc && !rc.blocked) rows.push(buttonRows([[buttonLabel(ctx.t("reports:buttons.on_behalf")), reportActions.task.data({ taskId: task.id, periodId: rc.period.id })]])[0]!);
      }
      await replyInParts(ctx, historyView(ctx.t, h.task, h.updates, ctx.locale, ctx.timeZone), keyboardOf([...rows, ...historyButtons(ctx.t, h.task.id, h.updates)]));
    }),
  );

  chats.command("tasks", (ctx) =>
    withDomainErrors(ctx, async () => {
      const seat = committeeOf(ctx, ctx.match.trim() || undefined);
      const tasks = await deps.core.tasks.list(ctx.actor!, seat.committeeId);
      const lines = [ctx.t("reports:tasks.header", { committee: seat.committeeName, count: tasks.length })];
      if (!tasks.length) lines.push(ctx.t("reports:tasks.none"));
      for (const t of tasks) lines.push(ctx.t("reports:tasks.line", { code: t.code, title: t.title, unit: t.responsible_organization ?? t.personName ?? "—" }));
      if (can(ctx.actor!, "report.manage", seat.committeeId)) lines.push("", ctx.t("reports:tasks.hint"));
      await replyInParts(ctx, lines.join("\n"));
    }),
  );

  /** /period lists the periods; "open", "extend" and "reopen" change them (secretariat). */
  chats.command("period", (ctx) =>
    withDomainErrors(ctx, async () => {
      const seat = committeeOf(ctx);
      const [verb, ...rest] = ctx.match.trim().split(/\s+/);
      const args = rest.join(" ");
      const when = (text: string | undefined) => {
        const at = text ? parseLocalDateTime(text, seat.timeZone) : undefined;
        if (!at) throw new DomainError("reports:periods.bad_datetime", { value: text ?? "" });
        return at;
      };
      const dateAt = (text: string) => text.match(/(\d{1,2}[/.-]\d{1,2}[/.-]\d{4} \d{1,2}[:hg]\d{2})/i)?.[1];
      const tz = seat.timeZone;
      switch (verb?.toLowerCase()) {
        case undefined:
        case "": {
          const periods = await deps.core.periods.list(ctx.actor!, seat.committeeId);
          const now = deps.core.ctx.clock();
          const lines = [
            ctx.t("reports:periods.header"),
            ...periods.map((p) =>
              ctx.t("reports:periods.line", { code: p.code, name: periodLabel(ctx.t, p, ctx.locale), opens: formatDateTime(p.opens_at, tz), due: formatDateTime(p.due_at, tz), closes: formatDateTime(p.closes_at, tz), status: ctx.t(`reports:periods.status_${periodPhase(p, now)}`) }),
            ),
          ];
          if (can(ctx.actor!, "report.manage", seat.committeeId)) lines.push("", ctx.t("reports:periods.usage"));
          return replyInParts(ctx, lines.join("\n"));
        }
        case "open":
        case "mở": {
          const [code, name, due, closes] = args.split(";").map((s) => s.trim());
          if (!code || !name || !due || !closes) return replyInParts(ctx, ctx.t("reports:periods.usage"));
          const p = await deps.core.periods.openExtra(ctx.actor!, { committeeId: seat.committeeId, code, name, dueAt: when(due), closesAt: when(closes) });
          return replyInParts(ctx, ctx.t("reports:periods.opened", { name: p.name, code: p.code, tasks: p.tasks, due: formatDateTime(p.due_at, tz), closes: formatDateTime(p.closes_at, tz) }));
        }
        case "extend":
        case "gia-hạn":
        case "giahan": {
          const [code, ...more] = args.split(/\s+/);
          const moment = dateAt(more.join(" "));
          if (!code || !moment) return replyInParts(ctx, ctx.t("reports:periods.usage"));
          const member = more.join(" ").replace(moment, "").trim().replace(/^#/, "");
          const period = await deps.core.periods.find(ctx.actor!, seat.committeeId, code);
          if (member && !/^\d+$/.test(member)) throw new DomainError("reports:errors.member_not_found", { id: member });
          const r = await deps.core.periods.extend(ctx.actor!, period.id, when(moment), member ? Number(member) : undefined);
          return replyInParts(ctx, r.fullName ? ctx.t("reports:periods.extended_one", { code: period.code, name: r.fullName, due: formatDateTime(when(moment), tz) }) : ctx.t("reports:periods.extended_all", { code: period.code, due: formatDateTime(when(moment), tz) }));
        }
        case "reopen":
        case "mở-lại": {
          const [code, member, ...more] = args.split(/\s+/);
          const moment = dateAt(more.join(" "));
          if (!code || !member || !moment) return replyInParts(ctx, ctx.t("reports:periods.usage"));
          if (!/^#?\d+$/.test(member)) throw new DomainError("reports:errors.member_not_found", { id: member });
          const period = await deps.core.periods.find(ctx.actor!, seat.committeeId, code);
          const r = await deps.core.periods.reopen(ctx.actor!, period.id, Number(member.replace("#", "")), when(moment));
          return replyInParts(ctx, ctx.t("reports:periods.reopened", { code: period.code, name: r.fullName, until: formatDateTime(when(moment), tz) }));
        }
        default:
          return replyInParts(ctx, ctx.t("reports:periods.usage"));
      }
    }),
  );

  const kindLabel = (ctx: BotContext, kind: string) => ctx.t(`reports:items.${kind}`);

  chats.command("items", (ctx) =>
    withDomainErrors(ctx, async () => {
      const items = await deps.core.reports.items(ctx.actor!);
      if (!items.length) return replyInParts(ctx, ctx.t("reports:items.none"));
      const lines = [ctx.t("reports:items.header", { count: items.length })];
      const kb = new InlineKeyboard();
      items.forEach((i, n) => {
        lines.push(
          "",
          ctx.t("reports:items.line", {
            id: i.id,
            kind: kindLabel(ctx, i.kind),
            code: i.taskCode,
            period: periodLabel(ctx.t, { code: i.periodCode, kind: i.periodKind, name: i.periodName }, ctx.locale),
            who: i.raisedByName ?? "—",
            org: i.organization ? `, ${i.organization}` : "",
            text: i.text,
          }),
        );
        if (can(ctx.actor!, "report.manage", i.committee_id) && n < 30) {
          kb.text(ctx.t("reports:buttons.answer", { id: i.id }), reportActions.answer.data({ itemId: i.id }));
          if (n % 2 === 1) kb.row();
        }
      });
      await replyInParts(ctx, lines.join("\n"), kb);
    }),
  );

  onAction(chats, reportActions.answer, (ctx, { itemId }) =>
    withDomainErrors(ctx, async () => {
      const item = await deps.core.reports.item(itemId);
      if (!item || !can(ctx.actor!, "report.manage", item.committee_id)) throw new DomainError("errors:forbidden");
      if (item.status === "answered") throw new DomainError("reports:errors.item_answered", { id: item.id });
      await deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: ANSWER, data: { itemId: item.id } });
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t("reports:items.ask_answer", { id: item.id, kind: kindLabel(ctx, item.kind), who: item.raisedByName ?? "—", text: item.text }), {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data()),
      });
    }),
  );

  chats.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const stored = await deps.core.dialogs.get<{ itemId: number }>(ctx.actor!.personId, channel);
    if (stored?.kind !== ANSWER) return next();
    await withDomainErrors(ctx, async () => {
      const item = await deps.core.reports.answerItem(ctx.actor!, stored.data.itemId, ctx.message.text);
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await ctx.reply(ctx.t("reports:items.answered", { id: item.id, who: item.raisedByName ?? "—" }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    });
  });

  return composer;
}
