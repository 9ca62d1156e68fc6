import type { Core } from "../core/index.js";
import type { Message } from "./message.js";
import { meetingActions } from "./meetings/actions.js";
import { route, type Route } from "./router.js";
import type { Turn } from "./turn.js";

/**
 * Cancel, for whatever dialog is open on the app the person writes from (a proxy appointment, a comment,
 * a meeting being created…): the Cancel button any step offers, and the /cancel command. Nothing typed so
 * far is sent.
 */
export function dialogCancelFlow(deps: { core: Core }) {
  const { core } = deps;
  const command = async (turn: Turn): Promise<void> => {
    const cleared = await core.dialogs.clear(turn.actor.personId, turn.channel);
    await turn.say({ text: turn.t(cleared ? "meetings:dialog.cancelled" : "meetings:dialog.nothing") });
  };
  return {
    /** The Cancel button: the question it was on says the dialog is cancelled. */
    async cancel(turn: Turn): Promise<void> {
      await core.dialogs.clear(turn.actor.personId, turn.channel);
      await turn.acknowledge();
      const cancelled: Message = { text: turn.t("meetings:dialog.cancelled") };
      if (turn.originId) await turn.replace(turn.originId, cancelled);
      else await turn.say(cancelled);
    },
    /** /cancel: the open dialog is cancelled, or the person is told none was open. */
    command,
    /** On an app whose commands come as typed lines: /cancel typed. */
    async typed(turn: Turn, text: string): Promise<boolean> {
      if (!/^\/cancel(?:@\w+)?$/i.test(text.trim())) return false;
      await command(turn);
      return true;
    },
  };
}

/** The Cancel button, bound to the flow. */
export function dialogCancelRoutes(flow: ReturnType<typeof dialogCancelFlow>): Route[] {
  return [route(meetingActions.cancel, flow.cancel)];
}
