import type { HeldItem } from "../../core/held.js";
import type { Locale } from "../../db/schema.js";
import { periodLabel } from "../../documents/report-terms.js";
import { formatDateTime, formatMeetingTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import type { FlowDeps } from "../flows.js";
import type { EntryTurn } from "../turn.js";

/**
 * The list a person gets right after the greeting when messages were held for them while they had no
 * linked app: one line per open item. The cards themselves (with their buttons) follow from the outbox.
 */
export function heldListText(t: TFunction, items: HeldItem[], locale: Locale, timeZone: string): string {
  const at = (iso: string) => formatDateTime(iso, timeZone);
  const lines = items.map((item) => {
    switch (item.kind) {
      case "meeting":
        return item.answerBy
          ? t("start:held.meeting", { title: item.title, start: at(item.startsAt), deadline: at(item.answerBy) })
          : t("start:held.meeting_late", { title: item.title, start: at(item.startsAt) });
      case "notice":
        if (!item.ackBy) return t("start:held.notice", { committee: item.committee, excerpt: item.excerpt });
        return t("start:held.notice_ack", { committee: item.committee, excerpt: item.excerpt, deadline: at(item.ackBy) });
      case "opinion":
        return t("start:held.opinion", { title: item.title, deadline: at(item.deadline) });
      case "report":
        return t("start:held.report", { period: periodLabel(t, item.period, locale), count: item.tasks, due: at(item.dueAt) });
    }
  });
  return [t("start:held.header"), ...lines, "", t("start:held.footer")].join("\n");
}

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
        const { bot } = turn.account;
        const result = await core.invites.redeem({ channel: turn.channel, externalId: turn.account.externalId, chatId: turn.account.chatId, username: turn.account.username, code, ...(bot ? { bot } : {}) });
        const actor = await core.people.actorByChannel(turn.channel, turn.account.externalId, bot);
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
        if (result.held.length > 0) await turn.say({ text: heldListText(t, result.held, locale, result.committee.time_zone) });
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
