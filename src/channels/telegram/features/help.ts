import { Composer } from "grammy";
import { can } from "../../../core/permissions.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { commandsFor, installPersonalMenu } from "../commands.js";

/** /help — what this person may do, by role, in their language. Also refreshes their command menu. */
export function helpFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").command("help", async (ctx) => {
    const actor = ctx.actor!;
    const lines = [ctx.t("help:title", { name: actor.fullName })];
    for (const seat of actor.seats) {
      lines.push(ctx.t("help:seat", { role: ctx.t(`roles:${seat.role}`), committee: seat.committeeName }));
    }
    lines.push("");
    for (const command of commandsFor(actor)) lines.push(ctx.t(`commands:${command}.help`));
    if (can(actor, "roster.manage")) lines.push("", ctx.t("help:import_hint"));
    await ctx.reply(lines.join("\n"), { parse_mode: "HTML" });
    void installPersonalMenu(ctx.api, deps.translator, ctx.chat.id, actor, ctx.locale, deps.logger);
  });
  return composer;
}
