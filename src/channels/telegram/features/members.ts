import { Composer } from "grammy";
import { DomainError } from "../../../core/errors.js";
import { seatsWith } from "../../../core/permissions.js";
import type { MemberListing } from "../../../core/roster/roster.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { BotContext } from "../context.js";
import type { TelegramDeps } from "../deps.js";
import { withDomainErrors } from "../reply-error.js";
import { replyInParts } from "../text.js";

/** Builds the t.me deep link that signs a person in. */
export const inviteLink = (botUsername: string, code: string) => `https://t.me/${botUsername}?start=${code}`;

/**
 * The roster in chat: /members (everyone, with link status), /unlinked (whom to chase), and for the
 * secretariat /invite N (issue or re-issue), /revoke N and /deactivate N, N being the member number.
 */
export function membersFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  const line = (ctx: BotContext, m: MemberListing) => {
    const status =
      m.telegram === "linked"
        ? ctx.t("roster:status.linked")
        : m.telegram === "unreachable"
          ? ctx.t("roster:status.unreachable")
          : m.invite === "open"
            ? ctx.t("roster:status.invited", { expiresAt: formatDateTime(m.inviteExpiresAt!, ctx.timeZone) })
            : m.invite === "expired"
              ? ctx.t("roster:status.invite_expired")
              : ctx.t("roster:status.no_invite");
    const org = [m.title, m.organization].filter(Boolean).join(", ");
    return ctx.t("roster:line", { id: m.membershipId, name: m.fullName, role: ctx.t(`roles:${m.role}`), organization: org || "—", status });
  };

  const list = (unlinkedOnly: boolean) => async (ctx: BotContext) =>
    withDomainErrors(ctx, async () => {
      const seats = seatsWith(ctx.actor!, "roster.view");
      if (seats.length === 0) throw new DomainError("errors:forbidden");
      for (const seat of seats) {
        const members = await deps.core.roster.list(ctx.actor!, seat.committeeId, { unlinkedOnly });
        const linked = members.filter((m) => m.telegram !== "not_linked").length;
        const header = unlinkedOnly
          ? ctx.t("roster:unlinked_header", { committee: seat.committeeName, count: members.length })
          : ctx.t("roster:header", { committee: seat.committeeName, count: members.length, linked });
        const body = members.length ? members.map((m) => line(ctx, m)) : [ctx.t(unlinkedOnly ? "roster:all_linked" : "roster:empty")];
        const footer = unlinkedOnly && members.length && seats.some((s) => s.role === "secretariat") ? ["", ctx.t("roster:unlinked_hint")] : [];
        await replyInParts(ctx, [header, "", ...body, ...footer].join("\n"));
      }
    });
  privateChats.command("members", list(false));
  privateChats.command("unlinked", list(true));

  const memberNumber = (ctx: BotContext & { match: string }, usageKey: string): number | undefined => {
    const n = Number(ctx.match.trim().replace(/^#/, ""));
    if (!Number.isInteger(n) || n <= 0) {
      void ctx.reply(ctx.t(usageKey), { parse_mode: "HTML" });
      return undefined;
    }
    return n;
  };

  privateChats.command("invite", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = memberNumber(ctx, "roster:invite_usage");
      if (id === undefined) return;
      const invite = await deps.core.invites.reissue(ctx.actor!, id);
      await ctx.reply(
        ctx.t("roster:invite_issued", {
          name: invite.fullName,
          link: inviteLink(ctx.me.username, invite.code),
          expiresAt: formatDateTime(invite.expiresAt, ctx.timeZone),
        }),
        { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      );
    }),
  );

  privateChats.command("revoke", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = memberNumber(ctx, "roster:revoke_usage");
      if (id === undefined) return;
      const { fullName } = await deps.core.invites.revoke(ctx.actor!, id);
      await ctx.reply(ctx.t("roster:invite_revoked", { name: fullName }), { parse_mode: "HTML" });
    }),
  );

  privateChats.command("deactivate", (ctx) =>
    withDomainErrors(ctx, async () => {
      const id = memberNumber(ctx, "roster:deactivate_usage");
      if (id === undefined) return;
      const { fullName } = await deps.core.roster.deactivate(ctx.actor!, id);
      await ctx.reply(ctx.t("roster:deactivated", { name: fullName }), { parse_mode: "HTML" });
    }),
  );
  return composer;
}
