import type { Core } from "../../core/index.js";
import { can } from "../../core/permissions.js";
import { momentIn, readerSeat, readMemberNumber, readMoment } from "../../core/reports/periods.js";
import { readFieldEdit } from "../../core/reports/tasks.js";
import { progressXlsx } from "../../documents/progress-xlsx.js";
import { formatDateTime } from "../../i18n/format.js";
import type { Translator } from "../../i18n/index.js";
import type { Incoming } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel as label, type Button } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { reportActions } from "./actions.js";
import { historyButtons, historyView, itemsView, periodDetailsView, periodListView, periodStatusButtons, periodStatusView, taskListView } from "./views.js";

/** The dialog kind under which the secretariat's answer to an obstacle or proposal is awaited. */
export const ITEM_ANSWER = "report.answer";

export interface ReportsAdminFlowDeps {
  core: Core;
  /** The Excel export is shaped like the official reporting form, in Vietnamese whoever asks for it. */
  translator: Translator;
  /** Wakes the delivery worker after an answer queued the member's message. */
  nudgeDelivery?: (() => void) | undefined;
}

/**
 * The secretariat's and the leaders' side of progress reporting, on any app: /progress (the period at a
 * glance by organization, task by task, the Excel export), /task (a task's card and every version
 * reported; the secretariat also edits a field and reports in a member's place), /tasks (the registry),
 * /period (the periods; the secretariat opens an extra one, extends a deadline, reopens for a member) and
 * /items (obstacles and proposals, answered by typing the answer). Every right and rule is core's.
 */
export function reportsAdminFlow(deps: ReportsAdminFlowDeps) {
  const { core } = deps;
  const say = (turn: Turn, text: string, buttons?: Button[][]) => turn.say({ text, ...(buttons?.length ? { buttons } : {}) });
  /** Runs a step, answering a core refusal where the person is. */
  const step = async (turn: Turn, body: () => Promise<unknown>): Promise<void> => {
    try {
      await body();
    } catch (e) {
      await turn.refuse(e);
    }
  };
  const loadAnswer = async (turn: Turn) => {
    const stored = await core.dialogs.get<{ itemId: number }>(turn.actor.personId, turn.channel);
    return stored?.kind === ITEM_ANSWER ? stored.data : undefined;
  };

  /** /period extend <period> <dd/MM/yyyy HH:mm> [member number] */
  const extend = async (turn: Turn, committeeId: number, timeZone: string, args: string) => {
    const [code, ...more] = args.split(/\s+/);
    const rest = more.join(" ");
    const moment = momentIn(rest);
    if (!code || !moment) return say(turn, turn.t("reports:periods.usage"));
    const member = rest.replace(moment, "").trim();
    const period = await core.periods.find(turn.actor, committeeId, code);
    const membershipId = member ? readMemberNumber(member) : undefined;
    const due = readMoment(moment, timeZone);
    const r = await core.periods.extend(turn.actor, period.id, due, membershipId);
    const when = formatDateTime(due, timeZone);
    return say(turn, r.fullName ? turn.t("reports:periods.extended_one", { code: period.code, name: r.fullName, due: when }) : turn.t("reports:periods.extended_all", { code: period.code, due: when }));
  };

  /** /period reopen <period> <member number> <dd/MM/yyyy HH:mm> */
  const reopen = async (turn: Turn, committeeId: number, timeZone: string, args: string) => {
    const [code, member, ...more] = args.split(/\s+/);
    const moment = momentIn(more.join(" "));
    if (!code || !member || !moment) return say(turn, turn.t("reports:periods.usage"));
    const membershipId = readMemberNumber(member);
    const period = await core.periods.find(turn.actor, committeeId, code);
    const until = readMoment(moment, timeZone);
    const r = await core.periods.reopen(turn.actor, period.id, membershipId, until);
    return say(turn, turn.t("reports:periods.reopened", { code: period.code, name: r.fullName, until: formatDateTime(until, timeZone) }));
  };

  /** /period open <code>; <name>; <due>; <closes> */
  const open = async (turn: Turn, committeeId: number, timeZone: string, args: string) => {
    const [code, name, due, closes] = args.split(";").map((s) => s.trim());
    if (!code || !name || !due || !closes) return say(turn, turn.t("reports:periods.usage"));
    const p = await core.periods.openExtra(turn.actor, { committeeId, code, name, dueAt: readMoment(due, timeZone), closesAt: readMoment(closes, timeZone) });
    return say(turn, turn.t("reports:periods.opened", { name: p.name, code: p.code, tasks: p.tasks, due: formatDateTime(p.due_at, timeZone), closes: formatDateTime(p.closes_at, timeZone) }));
  };

  return {
    /** /progress [period]: the period at a glance, by organization, with the export and the task-by-task view. */
    progress: (turn: Turn, args: string) =>
      step(turn, async () => {
        const seat = readerSeat(turn.actor);
        const period = await core.periods.find(turn.actor, seat.committeeId, args || undefined);
        const status = await core.reports.status(turn.actor, period.id);
        await say(turn, periodStatusView(turn.t, status, turn.locale), periodStatusButtons(turn.t, status));
      }),

    /** Task by task, with each state and figure. */
    details: (turn: Turn, { periodId }: { periodId: number }) =>
      step(turn, async () => {
        const status = await core.reports.status(turn.actor, periodId);
        await turn.acknowledge();
        await say(turn, periodDetailsView(turn.t, status, turn.locale));
      }),

    /** The period's reports as an Excel workbook shaped like the reporting form. */
    xlsx: (turn: Turn, { periodId }: { periodId: number }) =>
      step(turn, async () => {
        const status = await core.reports.status(turn.actor, periodId);
        await turn.acknowledge();
        const content = await progressXlsx(turn.t, turn.locale, status, core.ctx.clock());
        await turn.say({ text: "", file: { kind: "bytes", name: `bao-cao-tien-do-${status.period.code.replace(/[^\w.-]+/g, "-")}.xlsx`, content } });
      }),

    /** /task CODE: the task and every version reported; /task CODE field value: changes one field first (secretariat). */
    task: (turn: Turn, args: string) =>
      step(turn, async () => {
        const [code, ...words] = args.split(/\s+/).filter(Boolean);
        if (!code) return say(turn, turn.t("reports:tasks.hint"));
        let task = await core.tasks.byCode(turn.actor, code);
        if (words.length) {
          const { field, value } = readFieldEdit(words);
          const before = task.updated_at;
          task = await core.tasks.edit(turn.actor, task.id, field, value);
          await say(turn, turn.t(task.updated_at === before ? "reports:tasks.unchanged" : "reports:tasks.edited", { code: task.code }));
        }
        const h = await core.tasks.history(turn.actor, task.id);
        const rows: Button[][] = [];
        if (can(turn.actor, "report.manage", task.committee_id) && task.active) {
          const rc = await core.reports.context(turn.actor, task.id).catch(() => undefined);
          if (rc && !rc.blocked) rows.push([{ label: label(turn.t("reports:buttons.on_behalf")), action: reportActions.task.data({ taskId: task.id, periodId: rc.period.id }) }]);
        }
        await say(turn, historyView(turn.t, h.task, h.updates, turn.locale, turn.timeZone), [...rows, ...historyButtons(turn.t, h.task.id, h.updates)]);
      }),

    /** /tasks [committee]: the task registry. */
    tasks: (turn: Turn, args: string) =>
      step(turn, async () => {
        const seat = readerSeat(turn.actor, args || undefined);
        const tasks = await core.tasks.list(turn.actor, seat.committeeId);
        await say(turn, taskListView(turn.t, seat.committeeName, tasks, can(turn.actor, "report.manage", seat.committeeId)));
      }),

    /** /period lists the periods; "open", "extend" and "reopen" change them (secretariat). */
    period: (turn: Turn, args: string) =>
      step(turn, async () => {
        const seat = readerSeat(turn.actor);
        const [verb, ...rest] = args.split(/\s+/);
        const more = rest.join(" ");
        switch (verb?.toLowerCase()) {
          case undefined:
          case "": {
            const periods = await core.periods.list(turn.actor, seat.committeeId);
            return say(turn, periodListView(turn.t, periods, turn.locale, seat.timeZone, core.ctx.clock(), can(turn.actor, "report.manage", seat.committeeId)));
          }
          case "open":
          case "mở":
            return open(turn, seat.committeeId, seat.timeZone, more);
          case "extend":
          case "gia-hạn":
          case "giahan":
            return extend(turn, seat.committeeId, seat.timeZone, more);
          case "reopen":
          case "mở-lại":
            return reopen(turn, seat.committeeId, seat.timeZone, more);
          default:
            return say(turn, turn.t("reports:periods.usage"));
        }
      }),

    /** /items: the open obstacles and proposals, with an answer button for those the person may answer. */
    items: (turn: Turn) =>
      step(turn, async () => {
        const items = await core.reports.items(turn.actor);
        await turn.say(itemsView(turn.t, items, turn.locale, (committeeId) => can(turn.actor, "report.manage", committeeId)));
      }),

    /** "Answer #N": the item is shown again and its answer asked for. */
    answer: (turn: Turn, { itemId }: { itemId: number }) =>
      step(turn, async () => {
        const item = await core.reports.answerable(turn.actor, itemId);
        await core.dialogs.put(turn.actor.personId, turn.channel, { kind: ITEM_ANSWER, data: { itemId: item.id } });
        await turn.acknowledge();
        await turn.say({
          text: turn.t("reports:items.ask_answer", { id: item.id, kind: turn.t(`reports:items.${item.kind}`), who: item.raisedByName ?? "—", text: item.text }),
          buttons: [[{ label: label(turn.t("meetings:buttons.cancel")), action: meetingActions.cancel.data() }]],
        });
      }),

    /**
     * What the person sends while an answer is awaited: typed, it is the answer (core's rules; a refused one
     * is asked again and the dialog stays open); a file is not an answer. False when no answer is awaited.
     */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const d = await loadAnswer(turn);
      if (!d) return false;
      if (input.file) {
        await say(turn, turn.t("reports:ask.text_expected"));
        return true;
      }
      await step(turn, async () => {
        const item = await core.reports.answerItem(turn.actor, d.itemId, input.text);
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await say(turn, turn.t("reports:items.answered", { id: item.id, who: item.raisedByName ?? "—" }));
        deps.nudgeDelivery?.();
      });
      return true;
    },
  };
}

export type ReportsAdminFlow = ReturnType<typeof reportsAdminFlow>;

/** The commands of the secretariat's and leaders' side of reporting, by name. */
export function reportsAdminCommands(flow: ReportsAdminFlow) {
  return { progress: flow.progress, task: flow.task, tasks: flow.tasks, period: flow.period, items: flow.items };
}

/** The period's export and task-by-task buttons, and "Answer #N" on an item, bound to the flow. */
export function reportsAdminRoutes(flow: ReportsAdminFlow): Route[] {
  return [route(reportActions.details, flow.details), route(reportActions.xlsx, flow.xlsx), route(reportActions.answer, flow.answer)];
}
