import type { IncomingFile } from "../../core/attachments.js";
import { DomainError } from "../../core/errors.js";
import type { Audience } from "../../core/notices/audience.js";
import { checkOpinionBody, checkOpinionDeadline, checkOpinionQuestion, checkOpinionTitle } from "../../core/opinions/opinions.js";
import { seatsWith } from "../../core/permissions.js";
import { formatDateTime, parseLocalDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import { keepReceived, type Incoming } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel, type Button, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { opinionActions } from "./actions.js";

/** The dialog kind under which a request for written opinions is composed (kept as it was, so a dialog open across an upgrade goes on). */
export const OPINION_COMPOSE = "opinion.compose";

type Step = "title" | "body" | "questions" | "deadline" | "audience" | "confirm";

/** A request for written opinions being composed, kept in the database step by step. */
export interface OpinionComposeDialog {
  committeeId: number;
  timeZone: string;
  step: Step;
  title?: string;
  /** The draft's text in the neutral markup, with the sender's formatting. */
  body?: string;
  attachment?: IncomingFile | null;
  questions: string[];
  /** ISO time. */
  deadline?: string;
  audience?: Audience;
}

/** The audiences a request may go to, in the order they are offered. */
const AUDIENCES = ["all", "leaders", "members"] as const;

/**
 * The secretariat asks for written opinions (Art. 3, 6.1.c), on any app: /opinion [committee] asks for the
 * draft's title, its text (typed with formatting, or a file with a caption), the questions one by one
 * ("Done" after the last), the deadline, the audience, then shows a preview to send. Every value is checked
 * by core's rules (src/core/opinions/opinions.ts) as it is typed; a refused value is asked again and nothing
 * is kept of it. The dialog lives in the database, so a restart loses nothing; Cancel works at every step.
 */
export function opinionComposeFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery">) {
  const { core } = deps;
  const save = (turn: Turn, d: OpinionComposeDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: OPINION_COMPOSE, data: d });
  const load = async (turn: Turn): Promise<OpinionComposeDialog | undefined> => {
    const stored = await core.dialogs.get<OpinionComposeDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === OPINION_COMPOSE ? stored.data : undefined;
  };
  /** The dialog, when it waits at `step`; a press from another step is a stale button. */
  const at = async (turn: Turn, step: Step) => {
    const d = await load(turn);
    return d?.step === step ? d : undefined;
  };
  const stale = (turn: Turn) => turn.acknowledge(turn.t("common:stale_button"));
  const cancelButton = (turn: Turn): Button => ({ label: buttonLabel(turn.t("meetings:buttons.cancel")), action: meetingActions.cancel.data() });

  /** The question of a step (the preview is shown by `preview`). */
  const question = (turn: Turn, d: OpinionComposeDialog): Message => {
    switch (d.step) {
      case "title":
        return { text: turn.t("opinions:compose.ask_title"), buttons: [[cancelButton(turn)]] };
      case "body":
        return { text: turn.t("opinions:compose.ask_body"), buttons: [[cancelButton(turn)]] };
      case "questions": {
        // "Done" beside Cancel once there is a question to send.
        const done: Button[] = d.questions.length ? [{ label: buttonLabel(turn.t("meetings:buttons.done")), action: opinionActions.composeQuestionsDone.data() }] : [];
        return { text: turn.t("opinions:compose.ask_question", { n: d.questions.length + 1 }), buttons: [[...done, cancelButton(turn)]] };
      }
      case "deadline":
        return { text: turn.t("opinions:compose.ask_deadline"), buttons: [[cancelButton(turn)]] };
      case "audience":
      case "confirm":
        return {
          text: turn.t("notices:compose.ask_audience"),
          buttons: [...AUDIENCES.map((kind) => [{ label: buttonLabel(turn.t(`notices:audience.${kind}`)), action: opinionActions.composeAudience.data({ audience: kind }) }]), [cancelButton(turn)]],
        };
    }
  };

  /** A value refused by core's rules: the person is told why, and the dialog waits for it again, unchanged. */
  const refused = async (turn: Turn, e: unknown): Promise<true> => {
    await turn.refuse(e);
    return true;
  };

  return {
    /** /opinion [committee code]: the secretariat starts a request, for its committee or the one named. */
    async start(turn: Turn, args: string): Promise<void> {
      const seats = seatsWith(turn.actor, "notice.send");
      if (seats.length === 0) return turn.refuse(new DomainError("errors:forbidden"));
      const code = args.trim().toLowerCase();
      const seat = seats.find((s) => s.committeeCode.toLowerCase() === code) ?? (seats.length === 1 ? seats[0] : undefined);
      if (!seat) return turn.say({ text: turn.t("opinions:compose.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }) });
      const d: OpinionComposeDialog = { committeeId: seat.committeeId, timeZone: seat.timeZone, step: "title", questions: [] };
      await save(turn, d);
      await turn.say(question(turn, d));
    },

    /**
     * What the person sends while a request is being composed: the answer to the step's question (a file
     * only as the draft). False when no request is being composed.
     */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      // Only the draft may come as a file; elsewhere the question is asked again.
      if (input.file && d.step !== "body") {
        await turn.say(d.step === "audience" || d.step === "confirm" ? { text: turn.t("meetings:create.use_buttons") } : question(turn, d));
        return true;
      }
      switch (d.step) {
        case "title":
          try {
            d.title = checkOpinionTitle(input.text);
          } catch (e) {
            return refused(turn, e);
          }
          d.step = "body";
          break;
        case "body":
          try {
            checkOpinionBody(input.markup, Boolean(input.file));
            d.attachment = input.file ? await keepReceived(core, input.file) : null;
          } catch (e) {
            return refused(turn, e);
          }
          d.body = input.markup;
          d.step = "questions";
          break;
        case "questions":
          try {
            d.questions.push(checkOpinionQuestion(input.text, d.questions.length));
          } catch (e) {
            return refused(turn, e);
          }
          break;
        case "deadline": {
          const deadline = parseLocalDateTime(input.text.trim(), d.timeZone);
          if (!deadline) {
            await turn.say({ text: turn.t("meetings:create.bad_datetime") });
            return true;
          }
          try {
            checkOpinionDeadline(deadline, core.ctx.clock());
          } catch (e) {
            return refused(turn, e);
          }
          d.deadline = deadline.toISOString();
          d.step = "audience";
          break;
        }
        default:
          await turn.say({ text: turn.t("meetings:create.use_buttons") });
          return true;
      }
      await save(turn, d);
      await turn.say(question(turn, d));
      return true;
    },

    /** "Done" after the questions: on to the deadline (at least one question first). */
    async questionsDone(turn: Turn): Promise<void> {
      const d = await at(turn, "questions");
      if (!d) return stale(turn);
      if (d.questions.length === 0) return turn.acknowledge(turn.t("opinions:errors.questions_required"), { alert: true });
      d.step = "deadline";
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await turn.say(question(turn, d));
    },

    /** An audience chosen: core counts who it reaches (and who cannot be reached now), and the preview follows. */
    async audience(turn: Turn, { audience: kind }: { audience: (typeof AUDIENCES)[number] }): Promise<void> {
      const d = await at(turn, "audience");
      if (!d) return stale(turn);
      try {
        const audience: Audience = { kind };
        const reach = await core.notices.preview(turn.actor, d.committeeId, audience);
        d.audience = audience;
        d.step = "confirm";
        await save(turn, d);
        await turn.acknowledge();
        await turn.retire(turn.originId);
        await turn.say({
          text: turn.t("opinions:compose.preview", { title: d.title ?? "", questions: d.questions.length, deadline: formatDateTime(d.deadline!, d.timeZone), ...reach }),
          buttons: [[{ label: buttonLabel(turn.t("opinions:buttons.send")), action: opinionActions.composeConfirm.data() }, cancelButton(turn)]],
        });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** Send, on the preview: core checks it all again, records the request and queues it for every recipient. */
    async confirm(turn: Turn): Promise<void> {
      const d = await at(turn, "confirm");
      if (!d) return stale(turn);
      let sent: { requestId: number; recipients: number };
      try {
        sent = await core.opinions.create(turn.actor, {
          committeeId: d.committeeId,
          title: d.title ?? "",
          body: d.body ?? "",
          attachment: d.attachment ?? null,
          questions: d.questions,
          deadline: new Date(d.deadline!),
          audience: d.audience!,
        });
      } catch (e) {
        await turn.refuse(e);
        // The deadline went by while the preview waited: it is asked again, the rest is kept.
        if (e instanceof DomainError && e.code === "opinions:errors.deadline_in_past") {
          d.step = "deadline";
          await save(turn, d);
          await turn.retire(turn.originId);
          await turn.say(question(turn, d));
        }
        return;
      }
      await core.dialogs.clear(turn.actor.personId, turn.channel);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await turn.say({ text: turn.t("opinions:compose.sent", { id: sent.requestId, recipients: sent.recipients }) });
      deps.nudgeDelivery?.();
    },
  };
}

export type OpinionComposeFlow = ReturnType<typeof opinionComposeFlow>;

/** The buttons of composing a request ("Done" after the questions, the audience, Send), bound to the flow. */
export function opinionComposeRoutes(flow: OpinionComposeFlow): Route[] {
  return [route(opinionActions.composeQuestionsDone, flow.questionsDone), route(opinionActions.composeAudience, flow.audience), route(opinionActions.composeConfirm, flow.confirm)];
}
