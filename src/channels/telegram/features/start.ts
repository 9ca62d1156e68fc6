import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { installPersonalMenu } from "../commands.js";
import { withDomainErrors } from "../reply-error.js";

/**
 * /start — with an invite code (from the deep link t.me/<bot>?start=<code>) it links the Telegram account
 * to the person the invite was issued for and greets them; without one it tells a stranger how to get an
 * invite and a member what they can do.
 */
export function startFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("start", async (ctx) => {
    const code = ctx.match.trim();
    if (!code) {
      if (ctx.actor && ctx.actor.seats.length > 0) {
        await ctx.reply(ctx.t("start:welcome_back", { name: ctx.actor.fullName }), { parse_mode: "HTML" });
      } else {
        await ctx.reply(ctx.t("start:stranger"), { parse_mode: "HTML" });
      }
      return;
    }
    await withDomainErrors(ctx, async () => {
      const result = await deps.core.invites.redeem({
        channel: "telegram",
        externalId: String(ctx.from.id),
        chatId: String(ctx.chat.id),
        username: ctx.from.username ?? null,
        code,
      });
      const actor = await deps.core.people.actorByChannel("telegram", String(ctx.from.id));
      if (!actor) throw new Error("linked account not found after sign-in");
      const locale = result.membership ? deps.core.people.localeOf(actor) : (result.person.locale ?? result.committee.default_locale);
      const t = deps.translator.bind(locale);
      if (result.admission) {
        const a = result.admission;
        await ctx.reply(
          t(a.invitationKind === "delegate" ? "start:welcome_delegate" : "start:welcome_guest", {
            name: result.person.full_name,
            title: a.meetingTitle,
            committee: result.committee.name,
            member: a.representsName ?? "",
          }),
          { parse_mode: "HTML" },
        );
        deps.nudgeDelivery?.();
        return;
      }
      const membership = result.membership!;
      const seat = actor.seats.find((s) => s.committeeId === result.committee.id);
      const key = result.alreadyLinked ? "start:already_linked" : "start:welcome";
      await ctx.reply(
        t(key, {
          name: result.person.full_name,
          role: t(`roles:${membership.role}`),
          committee: result.committee.name,
          organization: seat?.organization ?? membership.organization ?? "",
        }),
        { parse_mode: "HTML" },
      );
      void installPersonalMenu(ctx.api, deps.translator, ctx.chat.id, actor, locale, deps.logger);
    });
  });
  return composer;
}
