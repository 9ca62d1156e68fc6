import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { noticeActions } from "./actions.js";
import { noticeView } from "./views.js";

/**
 * A recipient acknowledges a notice ("Đã nhận"), on any app. Core checks the notice is theirs; the card
 * then shows when it was acknowledged, and a second press changes nothing.
 */
export function noticeAcknowledgeFlow(deps: { core: Core }) {
  const { core } = deps;
  return {
    /** Pressed on the notice itself: its card then shows when it was acknowledged. */
    acknowledge: (turn: Turn, { recipientId }: { recipientId: number }) => acknowledge(turn, recipientId, true),
    /** Pressed on a line of a list (the daily nudge): the list is left as it is, its other lines still to act on. */
    acknowledgeInList: (turn: Turn, { recipientId }: { recipientId: number }) => acknowledge(turn, recipientId, false),
  };

  async function acknowledge(turn: Turn, recipientId: number, showCard: boolean): Promise<void> {
    try {
      const { changed } = await core.notices.acknowledge(turn.actor, recipientId);
      await turn.acknowledge(turn.t(changed ? "notices:ack.recorded" : "notices:ack.already"));
      const card = showCard ? await core.notices.card(recipientId) : undefined;
      if (card && turn.originId) await turn.replace(turn.originId, noticeView(turn.t, card));
    } catch (e) {
      if (e instanceof DomainError && e.code === "notices:errors.not_yours") turn.warn({}, "a notice button of someone else was pressed");
      await turn.refuse(e);
    }
  }
}

/** "Đã nhận" on a notice, bound to the flow. */
export function noticeAcknowledgeRoutes(flow: ReturnType<typeof noticeAcknowledgeFlow>): Route[] {
  return [route(noticeActions.acknowledge, flow.acknowledge), route(noticeActions.acknowledgeInList, flow.acknowledgeInList)];
}
