import { Composer } from "grammy";
import { formatDateTime } from "../../../i18n/format.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { requestView } from "../../../conversation/meetings/views.js";
import { keyboardOf } from "../printer.js";
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
