import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import { checkDecisionComment } from "../../core/meetings/answers.js";
import { buttonLabel, buttonRows } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { meetingActions } from "./actions.js";
import { requestView } from "./views.js";

type RequestKind = "absence" | "proxy";

/** A decision with a comment: the request, and the comment once typed. */
export interface CommentDialog {
  kind: RequestKind;
  id: number;
  comment?: string;
}

/** The dialog kind under which the chair's comment is awaited. */
export const DECISION_COMMENT = "meeting.decision_comment";

/**
 * The chair decides an absence or a proxy request from its message, on any app: Approve or Decline, or
 * "With a comment" (the chair types the comment, then approves or declines). Core checks that the one
 * deciding chairs that meeting; the request then shows its outcome and the member is told, with the
 * comment, through the outbox.
 */
export function meetingDecisionFlow(deps: { core: Core; nudgeDelivery?: (() => void) | undefined }) {
  const { core } = deps;
  const cancelButton = (turn: Turn): [string, string] => [buttonLabel(turn.t("meetings:buttons.cancel")), meetingActions.cancel.data()];
  const load = async (turn: Turn): Promise<CommentDialog | undefined> => {
    const stored = await core.dialogs.get<CommentDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === DECISION_COMMENT ? stored.data : undefined;
  };

  return {
    async decide(turn: Turn, { kind, requestId, approve }: { kind: RequestKind; requestId: number; approve: boolean }): Promise<void> {
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

    /** "With a comment": asks the chair for the comment, while the request is still pending. */
    async comment(turn: Turn, { kind, requestId }: { kind: RequestKind; requestId: number }): Promise<void> {
      const view = await core.meetings.request(kind, requestId);
      if (!view || view.status !== "pending") return turn.acknowledge(turn.t("common:stale_button"));
      const dialog: CommentDialog = { kind, id: requestId };
      await core.dialogs.put(turn.actor.personId, turn.channel, { kind: DECISION_COMMENT, data: dialog });
      await turn.acknowledge();
      await turn.say({ text: turn.t("meetings:decide.ask_comment", { name: view.memberName }), buttons: buttonRows([cancelButton(turn)]) });
    },

    /**
     * A typed line while a comment is awaited: the comment (core's limit applies here, so that it always
     * fits the message repeating it), then Approve / Decline. Returns false when no comment is awaited.
     */
    async typed(turn: Turn, text: string): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      const comment = text.trim();
      if (!comment) {
        await turn.say({ text: turn.t("meetings:decide.ask_comment", { name: "" }) });
        return true;
      }
      try {
        checkDecisionComment(comment);
      } catch (e) {
        await turn.refuse(e);
        return true;
      }
      await core.dialogs.put(turn.actor.personId, turn.channel, { kind: DECISION_COMMENT, data: { ...d, comment } });
      await turn.say({
        text: turn.t("meetings:decide.comment_then_decide", { comment }),
        buttons: buttonRows(
          [
            [buttonLabel(turn.t("meetings:buttons.approve")), meetingActions.decideWithComment.data({ approve: true })],
            [buttonLabel(turn.t("meetings:buttons.decline")), meetingActions.decideWithComment.data({ approve: false })],
          ],
          [cancelButton(turn)],
        ),
      });
      return true;
    },

    /** Approve / Decline after the comment: the decision goes to core with it. */
    async decideWithComment(turn: Turn, { approve }: { approve: boolean }): Promise<void> {
      const d = await load(turn);
      if (!d?.comment) return turn.acknowledge(turn.t("common:stale_button"));
      const { kind, id, comment } = d;
      try {
        const { status } = await core.meetings.decide(turn.actor, kind, id, approve, comment);
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.acknowledge(turn.t(`meetings:decide.${status}`));
        const done = { text: turn.t("meetings:decide.done_with_comment", { status: turn.t(`meetings:status.${status}`), comment }) };
        if (turn.originId) await turn.replace(turn.originId, done);
        else await turn.say(done);
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type MeetingDecisionFlow = ReturnType<typeof meetingDecisionFlow>;

/** The chair's Approve / Decline, With a comment, and the decision after it, bound to the flow. */
export function meetingDecisionRoutes(flow: MeetingDecisionFlow): Route[] {
  return [route(meetingActions.decide, flow.decide), route(meetingActions.comment, flow.comment), route(meetingActions.decideWithComment, flow.decideWithComment)];
}
