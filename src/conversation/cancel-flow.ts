import type { Core } from "../core/index.js";
import { meetingActions } from "./meetings/actions.js";
import { route, type Route } from "./router.js";
import type { Turn } from "./turn.js";

/**
 * Cancelling whatever dialog is open (a report, an absence, a proxy…), on any app: the "Hủy" choice under
 * a question, or /cancel typed at any point. Nothing typed so far is sent; the dialog is forgotten.
 */
export function cancelFlow(deps: { core: Core }) {
  const { core } = deps;
  return {
    /** "Hủy" under a question: the question is replaced by "cancelled". */
    async press(turn: Turn): Promise<void> {
      await core.dialogs.clear(turn.actor.personId, turn.channel);
      await turn.acknowledge();
      const cancelled = { text: turn.t("meetings:dialog.cancelled") };
      if (turn.originId) await turn.replace(turn.originId, cancelled);
      else await turn.say(cancelled);
    },
    /** /cancel: says whether there was anything to cancel. */
    async command(turn: Turn): Promise<void> {
      const cleared = await core.dialogs.clear(turn.actor.personId, turn.channel);
      await turn.say({ text: turn.t(cleared ? "meetings:dialog.cancelled" : "meetings:dialog.nothing") });
    },
  };
}

/** "Hủy", bound to the flow. */
export function cancelRoutes(flow: ReturnType<typeof cancelFlow>): Route[] {
  return [route(meetingActions.cancel, flow.press)];
}
