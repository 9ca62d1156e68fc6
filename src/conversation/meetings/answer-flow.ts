import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import { toPlainText } from "../../core/markup.js";
import { buttonLabel, buttonRows, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { meetingActions } from "./actions.js";
import { formatMeetingTime } from "../../i18n/format.js";
import { invitationCardView, QUICK_REASONS } from "./views.js";

/**
 * A reason being typed for an absence: the invitation, the card to show anew once it is sent, and the
 * question with the quick reasons, whose buttons are retired once a reason is given.
 */
export interface AbsenceDialog {
  invitationId: number;
  version: number;
  cardMessageId: string | number | null;
  askMessageId?: string | null;
}

/** The dialog kind under which an absence reason is awaited. */
export const ABSENCE = "meeting.absence";

type Target = { invitationId: number; version: number };

export interface AnswerFlowDeps {
  core: Core;
  /** Wakes the delivery worker after a command queued messages (the chair's request). */
  nudgeDelivery?: (() => void) | undefined;
}

/**
 * A member answers a meeting invitation from its card, on any app: Attend (recorded at once) or Absent
 * (with a reason — a quick one or typed — that goes to the chair for consent). Every press is re-checked
 * by core: a stale, foreign or forged button changes nothing and is answered politely.
 */
export function meetingAnswerFlow(deps: AnswerFlowDeps) {
  const { core } = deps;

  /** The invitation card as it is now, instead of the earlier one the person answered from. */
  const showCard = async (turn: Turn, invitationId: number, messageId: string | number | null) => {
    if (messageId === null) return;
    const card = await core.meetings.card(invitationId);
    if (card) await turn.replace(String(messageId), invitationCardView(turn.t, card, core.ctx.clock()));
  };

  const refuse = async (turn: Turn, e: unknown) => {
    if (e instanceof DomainError && e.code === "meetings:errors.not_invited") turn.warn({}, "a meeting button for someone else's invitation was pressed (forged or forwarded)");
    await turn.refuse(e);
  };

  /** Sends the absence to core; false when the reason itself was refused (the person is asked again). */
  const submitAbsence = async (turn: Turn, dialog: AbsenceDialog, reason: string): Promise<boolean> => {
    try {
      await core.meetings.absent(turn.actor, dialog, reason);
    } catch (e) {
      if (e instanceof DomainError && (e.code === "meetings:errors.reason_required" || e.code === "meetings:errors.reason_too_long")) {
        await turn.refuse(e);
        return false;
      }
      await core.dialogs.clear(turn.actor.personId, turn.channel);
      throw e;
    }
    await core.dialogs.clear(turn.actor.personId, turn.channel);
    await showCard(turn, dialog.invitationId, dialog.cardMessageId);
    deps.nudgeDelivery?.();
    return true;
  };

  return {
    /** Attend: recorded at once; the card shows it. */
    async attend(turn: Turn, target: Target): Promise<void> {
      try {
        const { changed } = await core.meetings.attend(turn.actor, target);
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.acknowledge(turn.t(changed ? "meetings:attend.recorded" : "meetings:attend.already"));
        if (changed) await showCard(turn, target.invitationId, turn.originId ?? null);
      } catch (e) {
        await refuse(turn, e);
      }
    },

    /** Absent: asks for the reason, with the quick ones as choices (unless an absence was already asked for). */
    async absent(turn: Turn, target: Target): Promise<void> {
      const card = await core.meetings.card(target.invitationId);
      if (!card || card.personId !== turn.actor.personId) return refuse(turn, new DomainError("meetings:errors.not_invited"));
      try {
        await core.meetings.checkAbsenceOpen(turn.actor, target);
      } catch (e) {
        return refuse(turn, e);
      }
      const dialog: AbsenceDialog = { ...target, cardMessageId: turn.originId ?? null };
      await core.dialogs.put(turn.actor.personId, turn.channel, { kind: ABSENCE, data: dialog });
      await turn.acknowledge();
      const rows = QUICK_REASONS.map((reason) => [[buttonLabel(turn.t(`meetings:absence.quick.${reason}`)), meetingActions.reason.data({ ...target, reason })] as [string, string]]);
      const askMessageId = await turn.ask({
        text: turn.t("meetings:absence.ask", { title: card.meeting.title }),
        buttons: buttonRows(...rows, [[buttonLabel(turn.t("meetings:buttons.cancel")), meetingActions.cancel.data()]]),
      });
      // The dialog may have been answered meanwhile (a quick reason is a press of its own): keep the id only if it is still open.
      const open = await core.dialogs.get<AbsenceDialog>(turn.actor.personId, turn.channel);
      if (askMessageId !== undefined && open?.kind === ABSENCE && open.data.invitationId === target.invitationId) {
        await core.dialogs.put(turn.actor.personId, turn.channel, { kind: ABSENCE, data: { ...open.data, askMessageId } });
      }
    },

    /** A quick reason chosen. */
    async quickReason(turn: Turn, chosen: Target & { reason: string }): Promise<void> {
      if (!(QUICK_REASONS as readonly string[]).includes(chosen.reason)) return refuse(turn, new DomainError("meetings:errors.not_invited"));
      const stored = await core.dialogs.get<AbsenceDialog>(turn.actor.personId, turn.channel);
      const dialog: AbsenceDialog = {
        invitationId: chosen.invitationId,
        version: chosen.version,
        cardMessageId: stored?.kind === ABSENCE && stored.data.invitationId === chosen.invitationId ? stored.data.cardMessageId : null,
      };
      // Kept and shown as a typed reason is: plain text, escaped once wherever it is put into a message.
      const reason = toPlainText(turn.t(`meetings:absence.quick.${chosen.reason}`));
      try {
        if (await submitAbsence(turn, dialog, reason)) {
          await turn.acknowledge();
          const sent: Message = { text: turn.t("meetings:absence.sent", { reason }) };
          if (turn.originId) await turn.replace(turn.originId, sent);
          else await turn.say(sent);
        }
      } catch (e) {
        // A quick reason tapped after an absence was already asked for: its buttons are spent too.
        if (e instanceof DomainError && e.code.startsWith("meetings:errors.absence_")) await turn.retire(turn.originId);
        await refuse(turn, e);
      }
    },

    /** The chair asks to hand the chair to the standing deputy: he is asked to confirm, naming the deputy. */
    async handOver(turn: Turn, { meetingId }: { meetingId: number }): Promise<void> {
      const invitationId = await core.meetings.invitationOf(meetingId, turn.actor.personId);
      const card = invitationId === undefined ? undefined : await core.meetings.card(invitationId);
      if (!card?.chairing) return refuse(turn, new DomainError("meetings:errors.not_meeting_chair"));
      if (!card.handOverTo) return refuse(turn, new DomainError("meetings:errors.no_standing_deputy"));
      await turn.acknowledge();
      const m = card.meeting;
      await turn.say({
        text: turn.t("meetings:hand_over.ask", { name: card.handOverTo.fullName, title: m.title, start: formatMeetingTime(turn.t, m.startsAt, m.timeZone) }),
        buttons: buttonRows([
          [buttonLabel(turn.t("meetings:buttons.hand_over_confirm")), meetingActions.handOverConfirm.data({ meetingId, confirm: true })],
          [buttonLabel(turn.t("meetings:buttons.hand_over_keep")), meetingActions.handOverConfirm.data({ meetingId, confirm: false })],
        ]),
      });
    },

    /** The chair confirms (core hands the chair over and tells the deputy) or keeps the chair. */
    async handOverConfirm(turn: Turn, { meetingId, confirm }: { meetingId: number; confirm: boolean }): Promise<void> {
      const answer = async (message: Message) => {
        await turn.acknowledge();
        if (turn.originId) await turn.replace(turn.originId, message);
        else await turn.say(message);
      };
      if (!confirm) return answer({ text: turn.t("meetings:hand_over.kept") });
      try {
        const { changed, chairName } = await core.meetings.handOverChair(turn.actor, meetingId);
        await answer({ text: turn.t(changed ? "meetings:hand_over.done" : "meetings:hand_over.already", { name: chairName }) });
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.retire(turn.originId);
        await refuse(turn, e);
      }
    },

    /**
     * A typed line while an absence reason is awaited: it is the reason. Returns false when no absence
     * dialog is open, so the line goes to whoever else may be waiting for it.
     */
    async typed(turn: Turn, text: string): Promise<boolean> {
      const stored = await core.dialogs.get<AbsenceDialog>(turn.actor.personId, turn.channel);
      if (stored?.kind !== ABSENCE) return false;
      try {
        if (await submitAbsence(turn, stored.data, text)) {
          // The reason is given: the quick reasons offered with the question are spent.
          await turn.retire(stored.data.askMessageId ?? undefined);
          await turn.say({ text: turn.t("meetings:absence.sent", { reason: text.trim() }) });
        }
      } catch (e) {
        await turn.refuse(e);
      }
      return true;
    },
  };
}

export type MeetingAnswerFlow = ReturnType<typeof meetingAnswerFlow>;

/** The buttons of an invitation card, of the absence question and of handing the chair over, bound to the flow. */
export function meetingAnswerRoutes(flow: MeetingAnswerFlow): Route[] {
  return [
    route(meetingActions.attend, flow.attend),
    route(meetingActions.absent, flow.absent),
    route(meetingActions.reason, flow.quickReason),
    route(meetingActions.handOver, flow.handOver),
    route(meetingActions.handOverConfirm, flow.handOverConfirm),
  ];
}
