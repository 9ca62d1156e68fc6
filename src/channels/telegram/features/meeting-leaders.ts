import { Composer, InlineKeyboard } from "grammy";
import { REASON_MAX } from "../../../core/meetings/answers.js";
import { formatDateTime } from "../../../i18n/format.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { requestView } from "../../../conversation/meetings/views.js";
import { keyboardOf } from "../printer.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { onAction } from "./on-action.js";
import { meetingDecisionFlow, meetingDecisionRoutes } from "../../../conversation/meetings/decision-flow.js";
import { installRoutes } from "../turn.js";
import { withDomainErrors } from "../reply-error.js";
import { splitMessage } from "../text.js";

/**
 * The chair's and the secretariat's side of meetings: Approve / Decline on absence and proxy requests
 * (from the request message or from /approvals), /meetings with the answers so far, and /roster N with
 * every invitee and the quorum forecast.
 */
export function meetingLeadersFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");

  // Approve / Decline: the decision flow, written once for every app.
  installRoutes(chats, meetingDecisionRoutes(meetingDecisionFlow({ core: deps.core, nudgeDelivery: deps.nudgeDelivery })), deps.logger);

  // A decision with a comment: the chair types the comment, then approves or declines.
  const COMMENT = "meeting.decision_comment";
  interface CommentDialog {
    kind: "absence" | "proxy";
    id: number;
    comment?: string;
  }
  onAction(chats, meetingActions.comment, async (ctx, { kind, requestId }) => {
    const dialog: CommentDialog = { kind, id: requestId };
    const view = await deps.core.meetings.request(dialog.kind, dialog.id);
    if (!view || view.status !== "pending") return answerCallback(ctx, ctx.t("common:stale_button"));
    await deps.core.dialogs.put(ctx.actor!.personId, "telegram", { kind: COMMENT, data: dialog });
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("meetings:decide.ask_comment", { name: view.memberName }), {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data()),
    });
  });

  chats.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const stored = await deps.core.dialogs.get<CommentDialog>(ctx.actor!.personId, "telegram");
    if (stored?.kind !== COMMENT) return next();
    const comment = ctx.message.text.trim();
    if (!comment) return void (await ctx.reply(ctx.t("meetings:decide.ask_comment", { name: "" }), { parse_mode: "HTML" }));
    // Refused here rather than at the decision, so that the comment repeated below always fits one message.
    if (comment.length > REASON_MAX) return void (await ctx.reply(ctx.t("meetings:errors.reason_too_long", { max: REASON_MAX, length: comment.length }), { parse_mode: "HTML" }));
    await deps.core.dialogs.put(ctx.actor!.personId, "telegram", { kind: COMMENT, data: { ...stored.data, comment } });
    await ctx.reply(ctx.t("meetings:decide.comment_then_decide", { comment }), {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard()
        .text(ctx.t("meetings:buttons.approve"), meetingActions.decideWithComment.data({ approve: true }))
        .text(ctx.t("meetings:buttons.decline"), meetingActions.decideWithComment.data({ approve: false }))
        .row()
        .text(ctx.t("meetings:buttons.cancel"), meetingActions.cancel.data()),
    });
  });

  onAction(chats, meetingActions.decideWithComment, (ctx, { approve }) =>
    withDomainErrors(ctx, async () => {
      const stored = await deps.core.dialogs.get<CommentDialog>(ctx.actor!.personId, "telegram");
      if (stored?.kind !== COMMENT || !stored.data.comment) return void (await answerCallback(ctx, ctx.t("common:stale_button")));
      const { kind, id, comment } = stored.data;
      const { status } = await deps.core.meetings.decide(ctx.actor!, kind, id, approve, comment);
      await deps.core.dialogs.clear(ctx.actor!.personId, "telegram");
      await answerCallback(ctx, ctx.t(`meetings:decide.${status}`));
      await ctx.editMessageText(ctx.t("meetings:decide.done_with_comment", { status: ctx.t(`meetings:status.${status}`), comment }), { parse_mode: "HTML" }).catch(() => undefined);
      deps.nudgeDelivery?.();
    }),
  );

  chats.command("approvals", (ctx) =>
    withDomainErrors(ctx, async () => {
      const pending = await deps.core.meetings.pendingApprovals(ctx.actor!);
      if (pending.length === 0) return void (await ctx.reply(ctx.t("meetings:approvals.none"), { parse_mode: "HTML" }));
      await ctx.reply(ctx.t("meetings:approvals.header", { count: pending.length }), { parse_mode: "HTML" });
      for (const view of pending) {
        const { text, buttons } = requestView(ctx.t, view);
        const keyboard = keyboardOf(buttons);
        await ctx.reply(text, { parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) });
      }
    }),
  );

  chats.command("meetings", (ctx) =>
    withDomainErrors(ctx, async () => {
      const meetings = await deps.core.meetings.upcoming(ctx.actor!);
      if (meetings.length === 0) return void (await ctx.reply(ctx.t("meetings:list.none"), { parse_mode: "HTML" }));
      const lines = [ctx.t("meetings:list.header")];
      for (const m of meetings) {
        const roster = await deps.core.meetings.roster(ctx.actor!, m.id);
        lines.push(
          ctx.t("meetings:list.line", {
            id: m.id,
            title: m.title,
            start: formatDateTime(m.startsAt, m.timeZone),
            attending: roster.counts.attending,
            invited: roster.counts.invited,
            noAnswer: roster.counts.noAnswer,
            forecast: Math.round(roster.forecast * 100),
          }),
        );
      }
      lines.push("", ctx.t("meetings:list.hint"));
      for (const chunk of splitMessage(lines.join("\n"))) await ctx.reply(chunk, { parse_mode: "HTML" });
    }),
  );

  chats.command("roster", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = Number(ctx.match.trim().replace(/^#/, ""));
      if (!Number.isInteger(id) || id <= 0) return void (await ctx.reply(ctx.t("meetings:roster.usage"), { parse_mode: "HTML" }));
      const r = await deps.core.meetings.roster(ctx.actor!, id);
      const c = r.counts;
      const lines = [
        ctx.t("meetings:roster.header", { title: r.meeting.title, start: formatDateTime(r.meeting.startsAt, r.meeting.timeZone) }),
        ctx.t("meetings:roster.counts", {
          invited: c.invited,
          attending: c.attending,
          proxyApproved: c.proxyApproved,
          proxyPending: c.proxyPending,
          absentApproved: c.absentApproved,
          absentPending: c.absentPending,
          absentDeclined: c.absentDeclined,
          noAnswer: c.noAnswer,
        }),
        ctx.t("meetings:roster.forecast", { percent: Math.round(r.forecast * 100) }),
        "",
      ];
      for (const l of r.lines) {
        const state =
          l.answer === "none" || l.answer === "attend"
            ? ctx.t(`meetings:roster.state.${l.answer}`)
            : ctx.t(`meetings:roster.state.${l.answer}_${l.requestStatus ?? "pending"}`, { delegate: l.delegateName ?? "", reason: l.reason ?? "" });
        lines.push(ctx.t("meetings:roster.line", { id: l.membershipId ?? "—", name: l.fullName, organization: l.organization ?? "—", state }));
      }
      for (const chunk of splitMessage(lines.join("\n"))) await ctx.reply(chunk, { parse_mode: "HTML" });
    }),
  );
  return composer;
}
