import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { meetingActions } from "./actions.js";
import { requestView } from "./views.js";

/**
 * The chair decides an absence or a proxy request from its message, on any app: Approve or Decline. Core
 * checks that the one pressing chairs that meeting; the request then shows its outcome and the member is
 * told through the outbox.
 */
export function meetingDecisionFlow(deps: { core: Core; nudgeDelivery?: (() => void) | undefined }) {
  const { core } = deps;
  return {
    async decide(turn: Turn, { kind, requestId, approve }: { kind: "absence" | "proxy"; requestId: number; approve: boolean }): Promise<void> {
      try {
        const { changed, status } = await core.meetings.decide(turn.actor, kind, requestId, approve);
        await turn.acknowledge(turn.t(changed ? `meetings:decide.${status}` : "meetings:decide.already", { status: turn.t(`meetings:status.${status}`) }));
        const view = await core.meetings.request(kind, requestId);
        if (view && turn.originId) await turn.replace(turn.originId, requestView(turn.t, view));
        if (changed) deps.nudgeDelivery?.();
      } catch (e) {
        if (e instanceof DomainError && e.code === "meetings:errors.not_chair") turn.warn({}, "a decision button was pressed by someone who may not decide");
        await turn.refuse(e);
      }
    },
  };
}

/** The chair's Approve / Decline, bound to the flow. */
export function meetingDecisionRoutes(flow: ReturnType<typeof meetingDecisionFlow>): Route[] {
  return [route(meetingActions.decide, flow.decide)];
}
