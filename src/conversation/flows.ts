import type { Core } from "../core/index.js";
import { meetingAnswerFlow, meetingAnswerRoutes } from "./meetings/answer-flow.js";
import { dialogCancelFlow, dialogCancelRoutes } from "./cancel-flow.js";
import { meetingDecisionFlow, meetingDecisionRoutes } from "./meetings/decision-flow.js";
import { meetingProxyFlow, meetingProxyRoutes } from "./meetings/proxy-flow.js";
import { noticeAcknowledgeFlow, noticeAcknowledgeRoutes } from "./notices/acknowledge-flow.js";
import { opinionAnswerFlow, opinionAnswerRoutes } from "./opinions/answer-flow.js";
import { reportFlow, reportRoutes } from "./reports/report-flow.js";
import type { Route } from "./router.js";
import type { Turn } from "./turn.js";

export interface FlowDeps {
  core: Core;
  /** Wakes the delivery worker after a step queued messages. */
  nudgeDelivery?: (() => void) | undefined;
}

/**
 * Every conversation written once for all apps: the routes of their buttons, and who takes a typed line
 * when a dialog waits for one. An app installs the routes (Telegram as callback handlers, a plain-text app
 * behind its numbered choices) and passes typed lines to `typed`.
 */
export function createFlows(deps: FlowDeps) {
  const answers = meetingAnswerFlow(deps);
  const proxies = meetingProxyFlow(deps);
  const decisions = meetingDecisionFlow(deps);
  const notices = noticeAcknowledgeFlow(deps);
  const opinions = opinionAnswerFlow(deps);
  const reports = reportFlow(deps);
  const cancel = dialogCancelFlow(deps);
  const routes: Route[] = [
    ...meetingAnswerRoutes(answers),
    ...meetingProxyRoutes(proxies),
    ...meetingDecisionRoutes(decisions),
    ...noticeAcknowledgeRoutes(notices),
    ...opinionAnswerRoutes(opinions),
    ...reportRoutes(reports),
    ...dialogCancelRoutes(cancel),
  ];
  /** Typed-line handlers, asked in order; each says whether the line was its. /cancel comes first. */
  const typedHandlers: ((turn: Turn, text: string) => Promise<boolean>)[] = [cancel.typed, answers.typed, proxies.typed, decisions.typed, opinions.typed, reports.typed];
  /** Commands a person types ("/report NQ49-05"): the name without its slash, and what follows it. */
  const commands: Commands = {
    report: (turn, args) => reports.list(turn, args),
    cancel: (turn) => cancel.command(turn),
  };
  return {
    answers,
    proxies,
    decisions,
    cancel,
    notices,
    opinions,
    reports,
    routes,
    commands,
    /** Gives a typed line to the dialog waiting for it; false when none is. */
    async typed(turn: Turn, text: string): Promise<boolean> {
      for (const handle of typedHandlers) if (await handle(turn, text)) return true;
      return false;
    },
  };
}

/** A command's flow step, by the command's name (without the slash); `args` is the rest of the line, trimmed. */
export type Commands = Record<string, (turn: Turn, args: string) => Promise<void>>;

export type Flows = ReturnType<typeof createFlows>;
