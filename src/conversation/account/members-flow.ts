import { DomainError } from "../../core/errors.js";
import { seatsWith } from "../../core/permissions.js";
import type { MemberListing } from "../../core/roster/roster.js";
import { formatDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import { inviteLinkOf, withZaloInvite } from "../invite-link.js";
import type { Turn } from "../turn.js";

/**
 * The roster in chat, on any app: /members (everyone, with link status), /unlinked (whom to chase), and for
 * the secretariat /invite N (issue or re-issue), /revoke N and /deactivate N, N being the member number.
 */
export function membersFlow(deps: Pick<FlowDeps, "core" | "inviteLink" | "zaloBotLink">) {
  const { core } = deps;

  const line = (turn: Turn, m: MemberListing) => {
    const { t } = turn;
    const status =
      m.link === "linked"
        ? t("roster:status.linked", { apps: m.apps.map((a) => t(`common:apps.${a}`)).join(", ") })
        : m.link === "unreachable"
          ? t("roster:status.unreachable")
          : m.invite === "open"
            ? t("roster:status.invited", { expiresAt: formatDateTime(m.inviteExpiresAt!, turn.timeZone) })
            : m.invite === "expired"
              ? t("roster:status.invite_expired")
              : t("roster:status.no_invite");
    const org = [m.title, m.organization].filter(Boolean).join(", ");
    const waiting = m.waiting > 0 ? t("roster:waiting", { count: m.waiting }) : "";
    return t("roster:line", { id: m.membershipId, name: m.fullName, role: t(`roles:${m.role}`), organization: org || "—", status: status + waiting });
  };

  const list = (unlinkedOnly: boolean) => async (turn: Turn) => {
    try {
      const seats = seatsWith(turn.actor, "roster.view");
      if (seats.length === 0) throw new DomainError("errors:forbidden");
      for (const seat of seats) {
        const members = await core.roster.list(turn.actor, seat.committeeId, { unlinkedOnly });
        const linked = members.filter((m) => m.link !== "not_linked").length;
        const header = unlinkedOnly
          ? turn.t("roster:unlinked_header", { committee: seat.committeeName, count: members.length })
          : turn.t("roster:header", { committee: seat.committeeName, count: members.length, linked });
        const body = members.length ? members.map((m) => line(turn, m)) : [turn.t(unlinkedOnly ? "roster:all_linked" : "roster:empty")];
        // What waits for them: held messages go out once each links an app.
        const waiting = members.reduce((sum, m) => sum + m.waiting, 0);
        if (waiting > 0) body.push("", turn.t("roster:waiting_total", { count: waiting }));
        // The hint's example is a number from this very list.
        const footer = unlinkedOnly && members.length && seat.role === "secretariat" ? ["", turn.t("roster:unlinked_hint", { id: members[0]!.membershipId })] : [];
        await turn.say({ text: [header, "", ...body, ...footer].join("\n") });
      }
    } catch (e) {
      await turn.refuse(e);
    }
  };

  /** The member number a command names ("12" or "#12"); the usage is said when there is none. */
  const memberNumber = async (turn: Turn, args: string, usageKey: string): Promise<number | undefined> => {
    const n = Number(args.trim().replace(/^#/, ""));
    if (args.trim() === "" || !Number.isSafeInteger(n) || n <= 0) {
      await turn.say({ text: turn.t(usageKey) });
      return undefined;
    }
    return n;
  };

  return {
    members: list(false),
    unlinked: list(true),

    /** /invite N: a new invite link for the member (earlier ones stop working), shown once. */
    async invite(turn: Turn, args: string): Promise<void> {
      const id = await memberNumber(turn, args, "roster:invite_usage");
      if (id === undefined) return;
      try {
        const invite = await core.invites.reissue(turn.actor, id);
        const link = await inviteLinkOf(deps, invite.code);
        const issued = turn.t("roster:invite_issued", { name: invite.fullName, link, expiresAt: formatDateTime(invite.expiresAt, turn.timeZone) });
        await turn.say({ text: await withZaloInvite(deps, turn.t, invite, issued) });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** /revoke N: the member's open invite links stop working. */
    async revoke(turn: Turn, args: string): Promise<void> {
      const id = await memberNumber(turn, args, "roster:revoke_usage");
      if (id === undefined) return;
      try {
        const { fullName } = await core.invites.revoke(turn.actor, id);
        await turn.say({ text: turn.t("roster:invite_revoked", { name: fullName }) });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** /deactivate N: the member loses access at once; every record of theirs stays. */
    async deactivate(turn: Turn, args: string): Promise<void> {
      const id = await memberNumber(turn, args, "roster:deactivate_usage");
      if (id === undefined) return;
      try {
        const { fullName } = await core.roster.deactivate(turn.actor, id);
        await turn.say({ text: turn.t("roster:deactivated", { name: fullName }) });
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}
