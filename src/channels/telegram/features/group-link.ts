import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";

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
