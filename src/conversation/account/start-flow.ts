import { formatMeetingTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import type { EntryTurn } from "../turn.js";

/**
 * Whoever writes to the bot, on any app, linked or not: /start with an invite code links the account to the
 * person the invite was issued for and greets them; /start alone greets a member or tells a stranger how
 * to get an invite; and the gate in front of everything else lets only active members through, telling a
 * guest or a delegate what they are invited to.
 */
export function startFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery" | "translator">) {
  const { core, translator } = deps;
  return {
    /** /start [code]. */
    async start(turn: EntryTurn, code: string): Promise<void> {
      if (!code) {
        const actor = turn.actor;
        await turn.say({ text: actor && actor.seats.length > 0 ? turn.t("start:welcome_back", { name: actor.fullName }) : turn.t("start:stranger") });
        return;
      }
      try {
        const result = await core.invites.redeem({ channel: turn.channel, externalId: turn.account.externalId, chatId: turn.account.chatId, username: turn.account.username, code });
        const actor = await core.people.actorByChannel(turn.channel, turn.account.externalId);
        if (!actor) throw new Error("linked account not found after sign-in");
        const locale = result.membership ? core.people.localeOf(actor) : (result.person.locale ?? result.committee.default_locale);
        const t = translator.bind(locale);
        if (result.admission) {
          const a = result.admission;
          const key = a.invitationKind === "delegate" ? "start:welcome_delegate" : "start:welcome_guest";
          await turn.say({ text: t(key, { name: result.person.full_name, title: a.meetingTitle, committee: result.committee.name, member: a.representsName ?? "" }) });
          deps.nudgeDelivery?.();
          return;
        }
        const membership = result.membership!;
        const seat = actor.seats.find((s) => s.committeeId === result.committee.id);
        await turn.say({
          text: t(result.alreadyLinked ? "start:already_linked" : "start:welcome", {
            name: result.person.full_name,
            role: t(`roles:${membership.role}`),
            committee: result.committee.name,
            organization: seat?.organization ?? membership.organization ?? "",
            app: t(`common:apps.${turn.channel}`),
          }),
        });
        turn.refreshMenu(actor, locale);
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /**
     * In front of everything but /start: true when the person is an active member and may go on; otherwise
     * they are told politely, where they are (a press's alert, or a message), and nothing else runs.
     */
    async gate(turn: EntryTurn): Promise<boolean> {
      const actor = turn.actor;
      if (actor && actor.seats.length > 0) return true;
      let text = turn.t(actor ? "common:not_active" : "start:stranger");
      // A guest or a delegate holds no seat: they are told what they are invited to, and nothing more.
      const meetings = actor ? await core.meetings.outsiderInvitations(actor.personId) : [];
      if (meetings.length) {
        text = turn.t("meetings:guest.info", { meetings: meetings.map((m) => `«${m.title}» (${formatMeetingTime(turn.t, m.startsAt, m.timeZone)})`).join(", ") });
      }
      await turn.tell(text);
      return false;
    },
  };
}

export type StartFlow = ReturnType<typeof startFlow>;
