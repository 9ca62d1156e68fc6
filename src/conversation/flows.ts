import type { Core } from "../core/index.js";
import { meetingAnswerFlow, meetingAnswerRoutes } from "./meetings/answer-flow.js";
import { dialogCancelFlow, dialogCancelRoutes } from "./cancel-flow.js";
import type { Incoming, InputHandler } from "./incoming.js";
import { meetingDecisionFlow, meetingDecisionRoutes } from "./meetings/decision-flow.js";
import { meetingLeadersFlow } from "./meetings/leaders-flow.js";
import { meetingProxyFlow, meetingProxyRoutes } from "./meetings/proxy-flow.js";
import { meetingRecordsFlow, meetingRecordsRoutes } from "./meetings/records-flow.js";
import { noticeAcknowledgeFlow, noticeAcknowledgeRoutes } from "./notices/acknowledge-flow.js";
import { opinionAnswerFlow, opinionAnswerRoutes } from "./opinions/answer-flow.js";
import { reportFlow, reportRoutes } from "./reports/report-flow.js";
import type { Translator } from "../i18n/index.js";
import type { Route } from "./router.js";
import type { Turn } from "./turn.js";

export interface FlowDeps {
  core: Core;
  /** The translations, for what is written in a set language whoever asks (the minutes, in Vietnamese). */
  translator: Translator;
  /** Wakes the delivery worker after a step queued messages. */
  nudgeDelivery?: (() => void) | undefined;
  /**
   * The link a person opens to link their account with an invite code (Telegram's t.me deep link when
   * Telegram runs), or undefined when no app offers one (the person then sends "/start <code>").
   */
  inviteLink?: ((code: string) => Promise<string | undefined>) | undefined;
}

/** Only a typed line (not a file) goes to a handler written for text. */
const textOnly =
  (typed: (turn: Turn, text: string) => Promise<boolean>): InputHandler =>
  (turn, input) =>
    input.file ? Promise.resolve(false) : typed(turn, input.text);

/**
 * Every conversation written once for all apps: the routes of their buttons, the commands a person types,
 * and who takes a message (a typed line or a file) when a dialog waits for one. An app installs the routes
 * (Telegram as callback handlers, a plain-text app behind its numbered choices), its commands, and passes
 * everything else a person sends to `input`.
 */
export function createFlows(deps: FlowDeps) {
  const answers = meetingAnswerFlow(deps);
  const proxies = meetingProxyFlow(deps);
  const decisions = meetingDecisionFlow(deps);
  const leaders = meetingLeadersFlow(deps);
  const records = meetingRecordsFlow(deps);
  const notices = noticeAcknowledgeFlow(deps);
  const opinions = opinionAnswerFlow(deps);
  const reports = reportFlow(deps);
  const cancel = dialogCancelFlow(deps);
  const routes: Route[] = [
    ...meetingAnswerRoutes(answers),
    ...meetingProxyRoutes(proxies),
    ...meetingDecisionRoutes(decisions),
    ...meetingRecordsRoutes(records),
    ...noticeAcknowledgeRoutes(notices),
    ...opinionAnswerRoutes(opinions),
    ...reportRoutes(reports),
    ...dialogCancelRoutes(cancel),
  ];
  /**
   * What a person sends outside a command, offered to each open-dialog handler in order; each takes only
   * what its own dialog waits for. Typed /cancel comes first.
   */
  const inputHandlers: InputHandler[] = [
    textOnly(cancel.typed),
    textOnly(answers.typed),
    (turn, input) => (input.file ? proxies.file(turn, input.file) : proxies.typed(turn, input.text)),
    textOnly(decisions.typed),
    opinions.input,
    (turn, input) => (input.file ? reports.file(turn, input.file) : reports.typed(turn, input.text)),
  ];
  /** Commands a person types ("/report NQ49-05"): the name without its slash, and what follows it. */
  const commands: Commands = {
    report: (turn, args) => reports.list(turn, args),
    approvals: (turn) => leaders.approvals(turn),
    meetings: (turn) => leaders.meetings(turn),
    roster: (turn, args) => leaders.roster(turn, args),
    attendance: (turn, args) => records.attendance(turn, args),
    minutes: (turn, args) => records.minutes(turn, args),
    cancel: (turn) => cancel.command(turn),
  };
  return {
    answers,
    proxies,
    decisions,
    leaders,
    records,
    cancel,
    notices,
    opinions,
    reports,
    routes,
    commands,
    /** Gives what a person sent to the dialog waiting for it; false when none took it. */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      for (const handle of inputHandlers) if (await handle(turn, input)) return true;
      return false;
    },
  };
}

/** A command's flow step, by the command's name (without the slash); `args` is the rest of the line, trimmed. */
export type Commands = Record<string, (turn: Turn, args: string) => Promise<void>>;

export type Flows = ReturnType<typeof createFlows>;
