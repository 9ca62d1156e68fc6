import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Presence } from "../../../db/schema.js";
import { minutesDocx } from "../../../documents/minutes-docx.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { withDomainErrors } from "../reply-error.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { onAction } from "./on-action.js";

const PAGE = 30;
const CYCLE: Record<Presence | "none", Presence> = { none: "present", present: "absent", absent: "represented", represented: "present" };
const ICON: Record<Presence | "none", string> = { none: "◻️", present: "✅", absent: "❌", represented: "🔁" };

/**
 * At and after the meeting, for the secretariat: /attendance N records who actually came (one tap per
 * person cycles present → absent → represented; one button fills everyone from their answers), and
 * /minutes N produces the DOCX minutes draft.
 */
export function meetingRecordsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");

  const sheet = async (ctx: BotContext, meetingId: number, page: number) => {
    const lines = await deps.core.meetings.attendance(ctx.actor!, meetingId);
    const pages = Math.max(1, Math.ceil(lines.length / PAGE));
    const p = Math.min(Math.max(0, page), pages - 1);
    const kb = new InlineKeyboard().text(ctx.t("meetings:attendance.prefill"), meetingActions.attendanceFill.data({ meetingId, page: p })).row();
    for (const l of lines.slice(p * PAGE, (p + 1) * PAGE)) {
      const state = l.presence ?? "none";
      const label = `${ICON[state]} ${l.fullName}${l.delegateName ? ` → ${l.delegateName}` : ""}`;
      kb.text(label.slice(0, 60), meetingActions.attendanceCycle.data({ meetingId, personId: l.personId, page: p })).row();
    }
    if (pages > 1) {
      if (p > 0) kb.text("◀️", meetingActions.attendancePage.data({ meetingId, page: p - 1 }));
      if (p < pages - 1) kb.text("▶️", meetingActions.attendancePage.data({ meetingId, page: p + 1 }));
    }
    const count = (s: Presence) => lines.filter((l) => l.presence === s).length;
    const text = ctx.t("meetings:attendance.header", {
      id: meetingId,
      present: count("present"),
      represented: count("represented"),
      absent: count("absent"),
      unrecorded: lines.filter((l) => l.presence === null).length,
      page: p + 1,
      pages,
    });
    return { text, kb };
  };

  chats.command("attendance", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = Number(ctx.match.trim().replace(/^#/, ""));
      if (!Number.isInteger(id) || id <= 0) return void (await ctx.reply(ctx.t("meetings:attendance.usage"), { parse_mode: "HTML" }));
      const { text, kb } = await sheet(ctx, id, 0);
      await ctx.reply(text, { parse_mode: "HTML", reply_markup: kb });
    }),
  );

  const redraw = async (ctx: BotContext, meetingId: number, page: number) => {
    const { text, kb } = await sheet(ctx, meetingId, page);
    await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: kb }).catch(() => undefined);
  };

  onAction(chats, meetingActions.attendanceCycle, (ctx, { meetingId, personId, page }) =>
    withDomainErrors(ctx, async () => {
      const current = (await deps.core.meetings.attendance(ctx.actor!, meetingId)).find((l) => l.personId === personId);
      if (!current) return answerCallback(ctx, ctx.t("meetings:errors.not_invitee"), { alert: true });
      let next = CYCLE[current.presence ?? "none"];
      try {
        await deps.core.meetings.recordAttendance(ctx.actor!, meetingId, personId, next);
      } catch (e) {
        // Without an approved proxy there is no delegate to name: skip "represented".
        if ((e as { code?: string }).code !== "meetings:errors.delegate_unknown") throw e;
        next = CYCLE[next];
        await deps.core.meetings.recordAttendance(ctx.actor!, meetingId, personId, next);
      }
      await answerCallback(ctx, ctx.t(`meetings:attendance.state.${next}`));
      await redraw(ctx, meetingId, page);
    }),
  );

  onAction(chats, meetingActions.attendanceFill, (ctx, { meetingId, page }) =>
    withDomainErrors(ctx, async () => {
      const n = await deps.core.meetings.prefillAttendance(ctx.actor!, meetingId);
      await answerCallback(ctx, ctx.t("meetings:attendance.prefilled", { count: n }));
      await redraw(ctx, meetingId, page);
    }),
  );

  // Turning a page: the sheet is read first (core checks the right to it), then the press is answered once.
  onAction(chats, meetingActions.attendancePage, (ctx, { meetingId, page }) =>
    withDomainErrors(ctx, async () => {
      const { text, kb } = await sheet(ctx, meetingId, page);
      await ctx.answerCallbackQuery();
      await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: kb }).catch(() => undefined);
    }),
  );

  chats.command("minutes", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = Number(ctx.match.trim().replace(/^#/, ""));
      if (!Number.isInteger(id) || id <= 0) return void (await ctx.reply(ctx.t("meetings:minutes.usage"), { parse_mode: "HTML" }));
      const view = await deps.core.meetings.minutes(ctx.actor!, id);
      const file = await minutesDocx(deps.translator.bind("vi"), view);
      await ctx.replyWithDocument(new InputFile(file, `bien-ban-hop-${id}.docx`), { caption: ctx.t("meetings:minutes.caption", { title: view.meeting.title }), parse_mode: "HTML" });
    }),
  );
  return composer;
}
