import { Composer } from "grammy";
import { parseLocalDateTime, formatDateTime } from "../../../i18n/format.js";
import type { BotContext } from "../context.js";
import { inviteLink } from "../settings.js";
import type { TelegramDeps } from "../deps.js";
import { withDomainErrors } from "../reply-error.js";

const ANSWERS: Record<string, "attend" | "absent" | "none"> = {
  attend: "attend",
  "có": "attend",
  absent: "absent",
  "vắng": "absent",
  none: "none",
  "chưa": "none",
};

/**
 * The secretariat changes a meeting from the chat: /reschedule N <start> <end>, /cancelmeeting N <reason>,
 * and, after the deadline, /setanswer N <member no.> <attend|absent|none> <reason> on someone's behalf.
 */
export function meetingAdminFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");

  const timeZoneOf = async (ctx: BotContext, meetingId: number) => (await deps.core.meetings.roster(ctx.actor!, meetingId)).meeting.timeZone;

  chats.command("reschedule", (ctx) =>
    withDomainErrors(ctx, async () => {
      const m = ctx.match.trim().match(/^#?(\d+)\s+(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s+\d{1,2}[:h]\d{2})\s+(\d{1,2}[:h]\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s+\d{1,2}[:h]\d{2})$/i);
      if (!m) return void (await ctx.reply(ctx.t("meetings:admin.reschedule_usage"), { parse_mode: "HTML" }));
      const meetingId = Number(m[1]);
      const tz = await timeZoneOf(ctx, meetingId);
      const startsAt = parseLocalDateTime(m[2]!, tz);
      const endText = /^\d{1,2}[:h]\d{2}$/i.test(m[3]!) ? `${m[2]!.split(/\s+/)[0]} ${m[3]!.replace(/h/i, ":")}` : m[3]!;
      const endsAt = parseLocalDateTime(endText, tz);
      if (!startsAt || !endsAt) return void (await ctx.reply(ctx.t("meetings:admin.reschedule_usage"), { parse_mode: "HTML" }));
      const meeting = await deps.core.meetings.reschedule(ctx.actor!, meetingId, { startsAt, endsAt });
      await ctx.reply(ctx.t("meetings:admin.rescheduled", { id: meetingId, start: formatDateTime(meeting.starts_at, tz) }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );

  chats.command("cancelmeeting", (ctx) =>
    withDomainErrors(ctx, async () => {
      const m = ctx.match.trim().match(/^#?(\d+)(?:\s+([\s\S]*))?$/);
      if (!m) return void (await ctx.reply(ctx.t("meetings:admin.cancel_usage"), { parse_mode: "HTML" }));
      await deps.core.meetings.cancel(ctx.actor!, Number(m[1]), m[2] ?? "");
      await ctx.reply(ctx.t("meetings:admin.cancelled", { id: Number(m[1]) }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );

  chats.command("setanswer", (ctx) =>
    withDomainErrors(ctx, async () => {
      const m = ctx.match.trim().match(/^#?(\d+)\s+#?(\d+)\s+(\S+)(?:\s+([\s\S]*))?$/);
      const answer = m ? ANSWERS[m[3]!.toLowerCase()] : undefined;
      if (!m || !answer) return void (await ctx.reply(ctx.t("meetings:admin.setanswer_usage"), { parse_mode: "HTML" }));
      const meetingId = Number(m[1]);
      const line = (await deps.core.meetings.roster(ctx.actor!, meetingId)).lines.find((l) => l.membershipId === Number(m[2]));
      if (!line) return void (await ctx.reply(ctx.t("meetings:errors.not_invitee"), { parse_mode: "HTML" }));
      await deps.core.meetings.overrideAnswer(ctx.actor!, meetingId, line.personId, answer, m[4] ?? "");
      await ctx.reply(ctx.t("meetings:admin.answer_set", { name: line.fullName, answer: ctx.t(`meetings:admin.answer.${answer}`) }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );
  chats.command("editmeeting", (ctx) =>
    withDomainErrors(ctx, async () => {
      const m = ctx.match.trim().match(/^#?(\d+)\s+(title|agenda|tên|nội dung)\s+([\s\S]+)$/i);
      if (!m) return void (await ctx.reply(ctx.t("meetings:admin.edit_usage"), { parse_mode: "HTML" }));
      const field = /^(title|tên)$/i.test(m[2]!) ? "title" : "agenda";
      await deps.core.meetings.edit(ctx.actor!, Number(m[1]), { [field]: m[3]! });
      await ctx.reply(ctx.t("meetings:admin.edited", { id: Number(m[1]) }), { parse_mode: "HTML" });
      deps.nudgeDelivery?.();
    }),
  );

  chats.command("addguest", (ctx) =>
    withDomainErrors(ctx, async () => {
      const m = ctx.match.trim().match(/^#?(\d+)\s+([\s\S]+)$/);
      const parts = m ? m[2]!.split(";").map((p) => p.trim()) : [];
      if (!m || parts.length < 3) return void (await ctx.reply(ctx.t("meetings:guest.add_usage"), { parse_mode: "HTML" }));
      const meetingId = Number(m[1]);
      const invite = await deps.core.meetings.addGuest(ctx.actor!, meetingId, { name: parts[0]!, title: parts[1]!, organization: parts[2]!, contact: parts[3] ?? null });
      const tz = (await deps.core.meetings.roster(ctx.actor!, meetingId)).meeting.timeZone;
      await ctx.reply(
        ctx.t("meetings:guest.link", { name: invite.fullName, link: inviteLink(ctx.me.username, invite.code), expiresAt: formatDateTime(invite.expiresAt, tz) }),
        { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      );
    }),
  );
  return composer;
}
