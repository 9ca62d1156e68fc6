import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { IncomingFile } from "../../../core/attachments.js";
import { DomainError } from "../../../core/errors.js";
import type { Audience } from "../../../core/notices/audience.js";
import { seatsWith } from "../../../core/permissions.js";
import { noticeReportXlsx } from "../../../documents/notice-report-xlsx.js";
import { formatDateTime, parseLocalDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import { documentFile, photoFile, storeReceivedFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import { entitiesToMarkup } from "../entities.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { replyDomainError, withDomainErrors } from "../reply-error.js";
import type { Action } from "../../../conversation/actions.js";
import { noticeActions } from "../../../conversation/notices/actions.js";
import { onAction } from "./on-action.js";
import { splitMessage } from "../text.js";

type Step = "body" | "audience" | "organizations" | "people" | "ack" | "deadline" | "group" | "confirm";

/** The notice being composed, kept in the database between steps. */
interface ComposeDialog {
  committeeId: number;
  timeZone: string;
  hasDistricts: boolean;
  hasGroup: boolean;
  step: Step;
  postToGroup?: boolean;
  body?: string;
  attachment?: IncomingFile | null;
  audience?: Audience;
  organizations?: string[];
  chosen?: number[];
  ackRequired?: boolean;
  ackDeadline?: string | null;
}

const KIND = "notice.compose";
const SIMPLE = ["all", "leaders", "members", "secretariat", "districts"] as const;
const DEFAULT_ACK_DAYS = 3;

/**
 * Notices from the secretariat: /notice composes one (text with formatting and an optional file, the
 * audience, whether acknowledgement is required and by when, a preview with the number of recipients,
 * confirm); recipients press "Đã nhận"; /notices lists recent ones with their delivery report, stop and
 * Excel export.
 */
export function noticesFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const channel = "telegram" as const;

  const load = async (ctx: BotContext) => {
    const stored = await deps.core.dialogs.get<ComposeDialog>(ctx.actor!.personId, channel);
    return stored?.kind === KIND ? stored.data : undefined;
  };
  const save = (ctx: BotContext, d: ComposeDialog) => deps.core.dialogs.put(ctx.actor!.personId, channel, { kind: KIND, data: d });
  const cancelRow = (ctx: BotContext, kb = new InlineKeyboard()) => kb.text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data());

  const ask = async (ctx: BotContext, d: ComposeDialog) => {
    const t = ctx.t;
    switch (d.step) {
      case "body":
        return ctx.reply(t("notices:compose.ask_body"), { parse_mode: "HTML", reply_markup: cancelRow(ctx) });
      case "audience": {
        const kb = new InlineKeyboard();
        for (const kind of SIMPLE) if (kind !== "districts" || d.hasDistricts) kb.text(t(`notices:audience.${kind}`), noticeActions.composeAudience.data({ audience: kind })).row();
        kb.text(t("notices:audience.organizations"), noticeActions.composeAudience.data({ audience: "organizations" }))
          .row()
          .text(t("notices:audience.people"), noticeActions.composeAudience.data({ audience: "people" }))
          .row();
        return ctx.reply(t("notices:compose.ask_audience"), { parse_mode: "HTML", reply_markup: cancelRow(ctx, kb) });
      }
      case "organizations": {
        const all = await deps.core.notices.organizations(d.committeeId);
        const kb = new InlineKeyboard();
        all.forEach((org, i) => kb.text(`${d.organizations?.includes(org) ? "☑️" : "⬜"} ${org}`.slice(0, 60), noticeActions.composeOrganization.data({ index: i })).row());
        kb.text(t("meetings:buttons.done"), noticeActions.composeOrganizationsDone.data());
        return ctx.reply(t("notices:compose.ask_organizations"), { parse_mode: "HTML", reply_markup: cancelRow(ctx, kb) });
      }
      case "people":
        return ctx.reply(t("notices:compose.ask_people"), { parse_mode: "HTML", reply_markup: cancelRow(ctx) });
      case "ack":
        return ctx.reply(t("notices:compose.ask_ack"), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("notices:compose.ack_yes"), noticeActions.composeAck.data({ required: true })).text(t("notices:compose.ack_no"), noticeActions.composeAck.data({ required: false })).row()),
        });
      case "deadline":
        return ctx.reply(t("notices:compose.ask_deadline", { days: DEFAULT_ACK_DAYS }), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("notices:compose.default_deadline", { days: DEFAULT_ACK_DAYS }), noticeActions.composeDefaultDeadline.data()).row()),
        });
      case "group":
        return ctx.reply(t("notices:compose.ask_group"), {
          parse_mode: "HTML",
          reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("notices:compose.group_yes"), noticeActions.composeGroup.data({ post: true })).text(t("notices:compose.group_no"), noticeActions.composeGroup.data({ post: false })).row()),
        });
      case "confirm": {
        const preview = await deps.core.notices.preview(ctx.actor!, d.committeeId, d.audience!);
        const text = t("notices:compose.preview", {
          recipients: preview.recipients,
          unreachable: preview.unreachable,
          audience: t(`notices:audience.${d.audience!.kind}`),
          group: d.postToGroup ? t("notices:compose.group_yes") : t("notices:compose.group_no"),
          ack: d.ackRequired ? (d.ackDeadline ? t("notices:compose.ack_until", { deadline: formatDateTime(d.ackDeadline, d.timeZone) }) : t("notices:compose.ack_yes")) : t("notices:compose.ack_no"),
        });
        await ctx.reply(d.body || "—", { parse_mode: "HTML" });
        return ctx.reply(text, { parse_mode: "HTML", reply_markup: cancelRow(ctx, new InlineKeyboard().text(t("notices:compose.send"), noticeActions.composeConfirm.data())) });
      }
    }
  };
  const advance = async (ctx: BotContext, d: ComposeDialog, step: Step) => {
    d.step = step;
    await save(ctx, d);
    await ask(ctx, d);
  };

  chats.command("notice", async (ctx) => {
    const seats = seatsWith(ctx.actor!, "notice.send");
    if (seats.length === 0) return replyDomainError(ctx, new DomainError("errors:forbidden"));
    const seat = seats.find((s) => s.committeeCode.toLowerCase() === ctx.match.trim().toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
    if (!seat) return void (await ctx.reply(ctx.t("meetings:create.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }), { parse_mode: "HTML" }));
    const committees = await deps.core.committees.list();
    const districts = committees.some((c) => c.parent_id === seat.committeeId);
    const hasGroup = Boolean(committees.find((c) => c.id === seat.committeeId)?.group_chat_id);
    const d: ComposeDialog = { committeeId: seat.committeeId, timeZone: seat.timeZone, hasDistricts: districts, hasGroup, step: "body" };
    await save(ctx, d);
    await ask(ctx, d);
  });

  // The text (with its formatting) or a file with a caption.
  chats.on(["message:text", "message:document", "message:photo"], async (ctx, next) => {
    if (ctx.message.text?.startsWith("/")) return next();
    const d = await load(ctx);
    if (!d || (d.step !== "body" && d.step !== "people" && d.step !== "deadline")) return next();
    const msg = ctx.message;
    if (d.step === "people") {
      const numbers = (msg.text ?? "").split(/[\s,;]+/).filter(Boolean).map(Number);
      if (!numbers.length || numbers.some((n) => !Number.isInteger(n) || n <= 0)) return void (await ctx.reply(ctx.t("notices:compose.ask_people"), { parse_mode: "HTML" }));
      d.audience = { kind: "people", membershipIds: numbers };
      return advanceChecked(ctx, d);
    }
    if (d.step === "deadline") {
      const at = parseLocalDateTime(msg.text ?? "", d.timeZone);
      if (!at) return void (await ctx.reply(ctx.t("meetings:create.bad_datetime"), { parse_mode: "HTML" }));
      if (at <= deps.core.ctx.clock()) return void (await ctx.reply(ctx.t("notices:errors.deadline_in_past"), { parse_mode: "HTML" }));
      d.ackDeadline = at.toISOString();
      return advance(ctx, d, d.hasGroup ? "group" : "confirm");
    }
    const text = msg.text ?? msg.caption ?? "";
    const entities = msg.entities ?? msg.caption_entities ?? [];
    let attachment: IncomingFile | null = null;
    if (msg.document) {
      attachment = documentFile(msg.document, "tai-lieu");
    } else if (msg.photo?.length) {
      attachment = photoFile(msg.photo, () => "anh.jpg");
    }
    try {
      if (attachment) await storeReceivedFile(deps, ctx, attachment);
      if (!text.trim() && !attachment) throw new DomainError("notices:errors.empty");
    } catch (e) {
      return replyDomainError(ctx, e);
    }
    d.body = entitiesToMarkup(text, entities);
    d.attachment = attachment;
    await advance(ctx, d, "audience");
  });

  /** Checks the audience reaches someone before going on; otherwise asks again for it. */
  const advanceChecked = async (ctx: BotContext, d: ComposeDialog) => {
    try {
      await deps.core.notices.preview(ctx.actor!, d.committeeId, d.audience!);
    } catch (e) {
      await replyDomainError(ctx, e);
      return advance(ctx, d, "audience");
    }
    return advance(ctx, d, "ack");
  };

  const onStep = <V,>(action: Action<V>, steps: Step[], body: (ctx: BotContext, d: ComposeDialog, values: V) => Promise<unknown>) =>
    onAction(chats, action, async (ctx, values) => {
      const d = await load(ctx);
      if (!d || !steps.includes(d.step)) return answerCallback(ctx, ctx.t("common:stale_button"));
      await ctx.answerCallbackQuery();
      await body(ctx, d, values);
    });

  onStep(noticeActions.composeAudience, ["audience"], async (ctx, d, { audience: kind }) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if (kind === "organizations") return advance(ctx, { ...d, organizations: [] }, "organizations");
    if (kind === "people") return advance(ctx, d, "people");
    if (!(SIMPLE as readonly string[]).includes(kind)) return;
    d.audience = { kind } as Audience;
    return advanceChecked(ctx, d);
  });
  onStep(noticeActions.composeOrganizationsDone, ["organizations"], async (ctx, d) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    d.audience = { kind: "organizations", organizations: d.organizations ?? [] };
    return advanceChecked(ctx, d);
  });
  onStep(noticeActions.composeOrganization, ["organizations"], async (ctx, d, { index }) => {
    const org = (await deps.core.notices.organizations(d.committeeId))[index];
    if (!org) return;
    d.organizations = d.organizations?.includes(org) ? d.organizations.filter((o) => o !== org) : [...(d.organizations ?? []), org];
    await save(ctx, d);
    const all = await deps.core.notices.organizations(d.committeeId);
    const kb = new InlineKeyboard();
    all.forEach((o, i) => kb.text(`${d.organizations!.includes(o) ? "☑️" : "⬜"} ${o}`.slice(0, 60), noticeActions.composeOrganization.data({ index: i })).row());
    kb.text(ctx.t("meetings:buttons.done"), noticeActions.composeOrganizationsDone.data());
    await ctx.editMessageReplyMarkup({ reply_markup: cancelRow(ctx, kb) }).catch(() => undefined);
  });
  onStep(noticeActions.composeAck, ["ack"], async (ctx, d, { required }) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    d.ackRequired = required;
    return advance(ctx, d, d.ackRequired ? "deadline" : d.hasGroup ? "group" : "confirm");
  });
  onStep(noticeActions.composeDefaultDeadline, ["deadline"], async (ctx, d) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    d.ackDeadline = new Date(deps.core.ctx.clock().getTime() + DEFAULT_ACK_DAYS * 24 * 3600_000).toISOString();
    return advance(ctx, d, d.hasGroup ? "group" : "confirm");
  });
  onStep(noticeActions.composeGroup, ["group"], async (ctx, d, { post }) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    d.postToGroup = post;
    return advance(ctx, d, "confirm");
  });
  onStep(noticeActions.composeConfirm, ["confirm"], async (ctx, d) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    try {
      const { noticeId, recipients } = await deps.core.notices.send(ctx.actor!, {
        committeeId: d.committeeId,
        body: d.body ?? "",
        attachment: d.attachment ?? null,
        audience: d.audience!,
        ackRequired: Boolean(d.ackRequired),
        ackDeadline: d.ackDeadline ? new Date(d.ackDeadline) : null,
        postToGroup: Boolean(d.postToGroup),
      });
      await deps.core.dialogs.clear(ctx.actor!.personId, channel);
      await ctx.reply(ctx.t("notices:compose.sent", { id: noticeId, recipients }), { parse_mode: "HTML", reply_markup: reportKeyboard(ctx, noticeId) });
      deps.nudgeDelivery?.();
    } catch (e) {
      await replyDomainError(ctx, e);
    }
  });

  // Acknowledgement by the recipient.
  // "Đã nhận": the acknowledgement flow, written once for every app.

  const reportKeyboard = (ctx: BotContext, id: number, withdrawn = false) => {
    const kb = new InlineKeyboard()
      .text(ctx.t("notices:buttons.refresh"), noticeActions.report.data({ op: "refresh", noticeId: id }))
      .text(ctx.t("notices:buttons.export"), noticeActions.report.data({ op: "export", noticeId: id }));
    return withdrawn ? kb : kb.row().text(ctx.t("notices:buttons.stop"), noticeActions.report.data({ op: "stop", noticeId: id }));
  };

  const reportText = async (ctx: BotContext, id: number) => {
    const r = await deps.core.notices.report(ctx.actor!, id);
    const lines = [
      ctx.t("notices:report.header", { id, at: formatDateTime(r.createdAt, r.timeZone), excerpt: r.excerpt }),
      ctx.t("notices:report.counts", { ...r.counts }),
    ];
    if (r.withdrawn) lines.push(ctx.t("notices:report.withdrawn"));
    for (const l of r.lines) {
      const ack = l.acknowledgedAt ? ctx.t("notices:report.ack_at", { at: formatDateTime(l.acknowledgedAt, r.timeZone) }) : r.ackRequired ? ctx.t("notices:report.not_acked") : "";
      lines.push(ctx.t("notices:report.line", { name: l.fullName, organization: l.organization ?? "—", delivery: ctx.t(`notices:delivery.${l.delivery}`), ack }));
    }
    return { text: lines.join("\n"), report: r };
  };

  chats.command("notices", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = Number(ctx.match.trim().replace(/^#/, ""));
      if (Number.isInteger(id) && id > 0) {
        const { text, report } = await reportText(ctx, id);
        const chunks = splitMessage(text);
        for (const [i, chunk] of chunks.entries()) {
          await ctx.reply(chunk, { parse_mode: "HTML", ...(i === chunks.length - 1 ? { reply_markup: reportKeyboard(ctx, id, report.withdrawn) } : {}) });
        }
        return;
      }
      const recent = await deps.core.notices.recent(ctx.actor!);
      if (!recent.length) return void (await ctx.reply(ctx.t("notices:list.none"), { parse_mode: "HTML" }));
      const lines = [ctx.t("notices:list.header")];
      for (const r of recent) lines.push(ctx.t("notices:list.line", { id: r.noticeId, at: formatDateTime(r.createdAt, r.timeZone), excerpt: r.excerpt, ...r.counts }));
      lines.push("", ctx.t("notices:list.hint"));
      await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
    }),
  );

  // Core checks the person's right first (report, cancel); the press is answered once, with the refusal if refused.
  onAction(chats, noticeActions.report, (ctx, { op, noticeId: id }) =>
    withDomainErrors(ctx, async () => {
      if (op === "export") {
        const report = await deps.core.notices.report(ctx.actor!, id);
        await ctx.answerCallbackQuery();
        await ctx.replyWithDocument(new InputFile(await noticeReportXlsx(deps.translator.bind(ctx.locale), report), `thong-bao-${id}.xlsx`));
        return;
      }
      let stopped: number | undefined;
      if (op === "stop") stopped = (await deps.core.notices.cancel(ctx.actor!, id)).stopped;
      const { text, report } = await reportText(ctx, id);
      if (stopped === undefined) await ctx.answerCallbackQuery();
      else await answerCallback(ctx, ctx.t("notices:report.stopped", { count: stopped }), { alert: true });
      await ctx.editMessageText(splitMessage(text)[0]!, { parse_mode: "HTML", reply_markup: reportKeyboard(ctx, id, report.withdrawn) }).catch(() => undefined);
    }),
  );

  return composer;
}

/**
 * In the committee's Telegram group, a member of its secretariat types /linkgroup (with the committee's
 * code if they keep several) so that notices can also be posted there. Everything else in groups is ignored.
 */
export function groupLinkFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType(["group", "supergroup"]).command("linkgroup", async (ctx) => {
    const seats = ctx.actor ? ctx.actor.seats.filter((s) => s.role === "secretariat") : [];
    if (seats.length === 0) return void (await ctx.reply(ctx.t("errors:forbidden")));
    const seat = seats.find((s) => s.committeeCode.toLowerCase() === ctx.match.trim().toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
    if (!seat) return void (await ctx.reply(ctx.t("notices:group.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }), { parse_mode: "HTML" }));
    await deps.core.committees.linkGroup(ctx.actor!, seat.committeeId, { channel: "telegram", chatId: String(ctx.chat.id) });
    await ctx.reply(ctx.t("notices:group.linked", { committee: seat.committeeName }), { parse_mode: "HTML" });
  });
  return composer;
}
