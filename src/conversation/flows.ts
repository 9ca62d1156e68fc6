import type { Core } from "../core/index.js";
import type { Translator } from "../i18n/index.js";
import { membersFlow } from "./account/members-flow.js";
import { settingsFlow, settingsRoutes } from "./account/settings-flow.js";
import { startFlow } from "./account/start-flow.js";
import { groupLinkFlow } from "./notices/group-link-flow.js";
import { meetingAnswerFlow, meetingAnswerRoutes } from "./meetings/answer-flow.js";
import { dialogCancelFlow, dialogCancelRoutes } from "./cancel-flow.js";
import type { Incoming, InputHandler } from "./incoming.js";
import { meetingAdminFlow } from "./meetings/admin-flow.js";
import { meetingCreateFlow, meetingCreateRoutes } from "./meetings/create-flow.js";
import { meetingDecisionFlow, meetingDecisionRoutes } from "./meetings/decision-flow.js";
import { meetingLeadersFlow } from "./meetings/leaders-flow.js";
import { meetingProxyFlow, meetingProxyRoutes } from "./meetings/proxy-flow.js";
import { meetingRecordsFlow, meetingRecordsRoutes } from "./meetings/records-flow.js";
import { noticeAcknowledgeFlow, noticeAcknowledgeRoutes } from "./notices/acknowledge-flow.js";
import { noticeComposeFlow, noticeComposeRoutes } from "./notices/compose-flow.js";
import { noticeReportFlow, noticeReportRoutes } from "./notices/report-flow.js";
import { opinionAnswerFlow, opinionAnswerRoutes } from "./opinions/answer-flow.js";
import { opinionComposeFlow, opinionComposeRoutes } from "./opinions/compose-flow.js";
import { opinionSummaryFlow, opinionSummaryRoutes } from "./opinions/summary-flow.js";
import { reportFlow, reportRoutes } from "./reports/report-flow.js";
import { reportsAdminCommands, reportsAdminFlow, reportsAdminRoutes } from "./reports/admin-flow.js";
import { rosterImportFlow } from "./roster/import-flow.js";
import { summaryFlow, summaryRoutes } from "./summary/summary-flow.js";
import { exportFlow, exportRoutes } from "./summary/export-flow.js";
import { cycleFlow } from "./cycle/cycle-flow.js";
import { conclusionsFlow, conclusionsRoutes } from "./conclusions/record-flow.js";
import type { Route } from "./router.js";
import type { Turn } from "./turn.js";

export interface FlowDeps {
  core: Core;
  /** The translations: another language than the turn's (a greeting after linking), and records written in Vietnamese whoever asks. */
  translator: Translator;
  /** Wakes the delivery worker after a step queued messages. */
  nudgeDelivery?: (() => void) | undefined;
  /**
   * The link a person opens to link their account with an invite code (Telegram's t.me deep link when
   * Telegram runs), or undefined when no app offers one (the person then sends "/start <code>").
   */
  inviteLink?: ((code: string) => Promise<string | undefined>) | undefined;
  /**
   * The Zalo share link a committee's invites name when Zalo runs: the committee's own bot's, else the
   * installation's (ZALO_BOT_LINK); undefined (or an undefined answer) and invites say nothing about Zalo.
   */
  zaloBotLink?: ((committeeId: number) => Promise<string | undefined>) | undefined;
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
  const noticeCompose = noticeComposeFlow(deps);
  const noticeReports = noticeReportFlow(deps);
  const opinions = opinionAnswerFlow(deps);
  const opinionCompose = opinionComposeFlow(deps);
  const opinionSummary = opinionSummaryFlow({ core: deps.core, recordsT: deps.translator.bind("vi") });
  const reports = reportFlow(deps);
  const reportsAdmin = reportsAdminFlow(deps);
  const rosterImport = rosterImportFlow(deps);
  const cancel = dialogCancelFlow(deps);
  const settings = settingsFlow(deps);
  const members = membersFlow(deps);
  const meetingCreate = meetingCreateFlow(deps);
  const meetingAdmin = meetingAdminFlow(deps);
  const cycle = cycleFlow(deps);
  const summary = summaryFlow(deps);
  const quarterFiles = exportFlow(deps);
  const conclusions = conclusionsFlow(deps);
  const routes: Route[] = [
    ...settingsRoutes(settings),
    ...meetingAnswerRoutes(answers),
    ...meetingProxyRoutes(proxies),
    ...meetingDecisionRoutes(decisions),
    ...meetingRecordsRoutes(records),
    ...noticeAcknowledgeRoutes(notices),
    ...noticeComposeRoutes(noticeCompose),
    ...noticeReportRoutes(noticeReports),
    ...opinionAnswerRoutes(opinions),
    ...opinionComposeRoutes(opinionCompose),
    ...opinionSummaryRoutes(opinionSummary),
    ...reportRoutes(reports),
    ...reportsAdminRoutes(reportsAdmin),
    ...meetingCreateRoutes(meetingCreate),
    ...summaryRoutes(summary),
    ...exportRoutes(quarterFiles),
    ...conclusionsRoutes(conclusions),
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
    opinionCompose.input,
    noticeCompose.input,
    (turn, input) => (input.file ? reports.file(turn, input.file) : reports.typed(turn, input.text)),
    (turn, input) => (input.file ? meetingCreate.file(turn, input.file) : meetingCreate.typed(turn, input.text)),
    reportsAdmin.input,
    conclusions.input,
    // Last: a CSV sent outside any dialog is a roster or task registry import.
    rosterImport.input,
  ];
  /** Commands a person types ("/report NQ49-05"): the name without its slash, and what follows it. */
  const commands: Commands = {
    help: (turn) => settings.help(turn),
    lang: (turn, args) => settings.language(turn, args),
    members: (turn) => members.members(turn),
    unlinked: (turn) => members.unlinked(turn),
    invite: (turn, args) => members.invite(turn, args),
    revoke: (turn, args) => members.revoke(turn, args),
    deactivate: (turn, args) => members.deactivate(turn, args),
    report: (turn, args) => reports.list(turn, args),
    ...reportsAdminCommands(reportsAdmin),
    approvals: (turn) => leaders.approvals(turn),
    meetings: (turn) => leaders.meetings(turn),
    roster: (turn, args) => leaders.roster(turn, args),
    attendance: (turn, args) => records.attendance(turn, args),
    minutes: (turn, args) => records.minutes(turn, args),
    cancel: (turn) => cancel.command(turn),
    opinion: (turn, args) => opinionCompose.start(turn, args),
    opinions: (turn, args) => opinionSummary.command(turn, args),
    notice: (turn, args) => noticeCompose.start(turn, args),
    notices: (turn, args) => noticeReports.list(turn, args),
    newmeeting: (turn, args) => meetingCreate.command(turn, args),
    editmeeting: meetingAdmin.edit,
    reschedule: meetingAdmin.reschedule,
    cancelmeeting: meetingAdmin.cancel,
    setanswer: meetingAdmin.setAnswer,
    addguest: meetingAdmin.addGuest,
    cycle: cycle.cycle,
    holidays: cycle.holidays,
    confirmmeeting: cycle.confirmMeeting,
    summary: (turn, args) => summary.command(turn, args),
    status: (turn) => summary.status(turn),
    export: (turn, args) => quarterFiles.command(turn, args),
    reminders: cycle.reminders,
    conclusions: (turn, args) => conclusions.command(turn, args),
  };
  return {
    /** For whoever writes, linked or not: /start (with an invite code) and the gate in front of the rest. */
    entry: startFlow(deps),
    /** /linkgroup, typed inside a committee's group chat. */
    groupLink: groupLinkFlow(deps),
    answers,
    proxies,
    decisions,
    leaders,
    records,
    cancel,
    notices,
    noticeCompose,
    noticeReports,
    opinions,
    opinionCompose,
    opinionSummary,
    reports,
    reportsAdmin,
    rosterImport,
    meetingCreate,
    meetingAdmin,
    cycle,
    summary,
    quarterFiles,
    conclusions,
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
