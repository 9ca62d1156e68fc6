import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import type { OpinionPosition } from "../../db/schema.js";
import { keepReceived, type Incoming, type ReceivedFile } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel, buttonRows } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { opinionActions } from "./actions.js";
import { opinionCardView } from "./views.js";

/** A comment (or the reasons for disagreeing) being typed for one question, and the card to show anew once it is recorded. */
export interface OpinionCommentDialog {
  recipientId: number;
  question: number;
  position: Exclude<OpinionPosition, "agree">;
  cardMessageId: string | number | null;
}

/** The dialog kind under which a comment is awaited. */
export const OPINION_COMMENT = "opinion.comment";

/** Refusals that end the dialog: the request itself no longer takes this answer (asking again would not help). */
const FINAL = new Set(["opinions:errors.not_yours", "opinions:errors.withdrawn", "opinions:errors.closed", "opinions:errors.bad_question", "opinions:errors.bad_position"]);

/**
 * A recipient answers a written-opinion request from its card, on any app: per question, Agree (recorded
 * at once) or Agree with comments / Disagree (the comment or reasons typed, or sent as a file). Until the
 * deadline they may answer again; core keeps every version and refuses late answers and others' cards.
 */
export function opinionAnswerFlow(deps: { core: Core; nudgeDelivery?: (() => void) | undefined }) {
  const { core } = deps;

  /** The card as it is now, instead of the one the person answered from (a plain-text app says it anew). */
  const showCard = async (turn: Turn, recipientId: number, messageId: string | number | null) => {
    if (messageId === null) return;
    const card = await core.opinions.card(recipientId);
    if (card) await turn.replace(String(messageId), opinionCardView(turn.t, card));
  };

  const refuse = async (turn: Turn, e: unknown) => {
    if (e instanceof DomainError && e.code === "opinions:errors.not_yours") turn.warn({}, "an opinion button of someone else was pressed");
    await turn.refuse(e);
  };

  /** Records the awaited comment; a refusal of the comment itself keeps the dialog, so the person may try again. */
  const submit = async (turn: Turn, d: OpinionCommentDialog, text: string | null, file: ReceivedFile | null): Promise<void> => {
    try {
      const kept = file ? await keepReceived(core, file) : null;
      await core.opinions.answer(turn.actor, d.recipientId, d.question, d.position, text, kept);
    } catch (e) {
      if (e instanceof DomainError && FINAL.has(e.code)) await core.dialogs.clear(turn.actor.personId, turn.channel);
      return refuse(turn, e);
    }
    await core.dialogs.clear(turn.actor.personId, turn.channel);
    await turn.say({ text: turn.t("opinions:answer.recorded", { n: d.question + 1 }) });
    await showCard(turn, d.recipientId, d.cardMessageId);
  };

  const awaited = async (turn: Turn): Promise<OpinionCommentDialog | undefined> => {
    const stored = await core.dialogs.get<OpinionCommentDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === OPINION_COMMENT ? stored.data : undefined;
  };

  return {
    /** A position chosen for a question: Agree is recorded at once; the others ask for the comment. */
    async answer(turn: Turn, { recipientId, question, position }: { recipientId: number; question: number; position: OpinionPosition }): Promise<void> {
      try {
        if (position === "agree") {
          await core.opinions.answer(turn.actor, recipientId, question, "agree");
          await turn.acknowledge(turn.t("opinions:answer.recorded", { n: question + 1 }));
          return await showCard(turn, recipientId, turn.originId ?? null);
        }
        const card = await core.opinions.card(recipientId);
        if (!card || card.personId !== turn.actor.personId) throw new DomainError("opinions:errors.not_yours");
        if (!card.open) throw new DomainError(card.withdrawn ? "opinions:errors.withdrawn" : "opinions:errors.closed");
        const dialog: OpinionCommentDialog = { recipientId, question, position, cardMessageId: turn.originId ?? null };
        await core.dialogs.put(turn.actor.personId, turn.channel, { kind: OPINION_COMMENT, data: dialog });
        await turn.acknowledge();
        await turn.say({
          text: turn.t(position === "disagree" ? "opinions:answer.ask_reason" : "opinions:answer.ask_comment", { n: question + 1 }),
          buttons: buttonRows([[buttonLabel(turn.t("meetings:buttons.cancel")), meetingActions.cancel.data()]]),
        });
      } catch (e) {
        await refuse(turn, e);
      }
    },

    /** A typed line, or a file with its caption, while a comment is awaited: it is the comment. False when none is awaited. */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const d = await awaited(turn);
      if (!d) return false;
      await submit(turn, d, input.file && input.text === "" ? null : input.text, input.file ?? null);
      return true;
    },
  };
}

export type OpinionAnswerFlow = ReturnType<typeof opinionAnswerFlow>;

/** The answer buttons of an opinion card, bound to the flow. */
export function opinionAnswerRoutes(flow: OpinionAnswerFlow): Route[] {
  return [route(opinionActions.answer, flow.answer)];
}
