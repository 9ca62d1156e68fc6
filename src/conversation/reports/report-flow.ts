import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type IncomingFile } from "../../core/attachments.js";
import type { Core } from "../../core/index.js";
import { DomainError } from "../../core/errors.js";
import { escapeText, toPlainText } from "../../core/markup.js";
import { formatDecimal } from "../../core/reports/numbers.js";
import { checkText, readProgress, STATUSES, TEXT_LIMITS, type ReportText } from "../../core/reports/updates.js";
import type { IndicatorKind, ProgressStatus } from "../../db/schema.js";
import { periodLabel } from "../../documents/report-terms.js";
import { formatDateTime, formatPercent } from "../../i18n/format.js";
import type { ReceivedFile } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel as label, type Button } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { reportActions } from "./actions.js";
import { historyButtons, historyView, STATE_ICON, taskButton, taskCardView } from "./views.js";

/** The dialog kind under which a progress report is being written. */
export const REPORT = "report.progress";
type Step = "status" | "progress" | "results" | "obstacles" | "proposals" | "files" | "preview";
const ORDER: Step[] = ["status", "progress", "results", "obstacles", "proposals", "files", "preview"];
type KeptStep = "status" | "progress" | "results" | "obstacles" | "proposals";
const KEPT: readonly Step[] = ["status", "progress", "results", "obstacles", "proposals"];
const TEXTS: readonly Step[] = ["results", "obstacles", "proposals"];

/** A report being written, kept in the database step by step: a restart or a refused step loses nothing. */
export interface ReportDialog {
  taskId: number;
  periodId: number;
  code: string;
  periodLabel: string;
  kind: IndicatorKind;
  unit: string | null;
  target: number | null;
  step: Step;
  /** Changing one step from the preview: go back to the preview after it. */
  back: boolean;
  status?: ProgressStatus;
  progress?: number | null;
  results?: string | null;
  obstacles?: string | null;
  proposals?: string | null;
  files: IncomingFile[];
  unchanged: boolean;
  /** The values of the version being revised, offered as "keep". */
  keep?: { status: ProgressStatus; progress: number | null; results: string | null; obstacles: string | null; proposals: string | null };
}

export interface ReportFlowDeps {
  core: Core;
  /** Wakes the delivery worker after a report queued messages (obstacles for the secretariat). */
  nudgeDelivery?: (() => void) | undefined;
}

/**
 * Progress reporting for members, on any app: /report lists their tasks in the open period; a task's card
 * leads to a six-step report (status, progress, results, obstacles, proposals, files), a preview and a
 * confirmation. "No change since last period" copies the previous report and asks only for confirmation.
 * Every value is checked by core's rules (src/core/reports/updates.ts); a refused step is asked again.
 */
export function reportFlow(deps: ReportFlowDeps) {
  const { core } = deps;
  const save = (turn: Turn, d: ReportDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: REPORT, data: d });
  const load = async (turn: Turn) => {
    const stored = await core.dialogs.get<ReportDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === REPORT ? stored.data : undefined;
  };
  const current = async (turn: Turn, step?: Step) => {
    const d = await load(turn);
    return d && (!step || d.step === step) ? d : undefined;
  };
  const num = (turn: Turn, n: number) => formatDecimal(n, turn.locale);
  const progressText = (turn: Turn, d: ReportDialog, n: number) => (d.kind === "numeric" ? `${num(turn, n)} ${d.unit ?? ""}`.trim() : formatPercent(n, turn.locale));
  const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);
  const stale = (turn: Turn) => turn.acknowledge(turn.t("common:stale_button"));
  const cancelButton = (turn: Turn): Button => ({ label: label(turn.t("meetings:buttons.cancel")), action: meetingActions.cancel.data() });

  const showTask = async (turn: Turn, taskId: number, periodId?: number) => {
    const rc = await core.reports.context(turn.actor, taskId, periodId);
    await turn.say(taskCardView(turn.t, rc, turn.locale, turn.timeZone));
  };

  /** Puts the question of the dialog's current step, with its buttons. */
  const ask = async (turn: Turn, d: ReportDialog): Promise<void> => {
    const rows: Button[][] = [];
    const keep = (value: string | null | undefined) => {
      // The value is plain text (a typed answer, or a term's plain text): the label's template escapes it once.
      if (d.keep && !d.back) rows.push([{ label: label(turn.t("reports:buttons.keep", { value: clip(value || toPlainText(turn.t("reports:preview.empty"))) })), action: reportActions.keep.data() }]);
    };
    switch (d.step) {
      case "status":
        for (const s of STATUSES) rows.push([{ label: label(turn.t(`reports:status.${s}`)), action: reportActions.status.data({ status: s }) }]);
        keep(d.keep ? toPlainText(turn.t(`reports:status.${d.keep.status}`)) : null);
        rows.push([cancelButton(turn)]);
        return turn.say({ text: turn.t("reports:ask.status", { code: d.code }), buttons: rows });
      case "progress":
        if (d.keep?.progress !== null && d.keep?.progress !== undefined) keep(progressText(turn, d, d.keep.progress));
        rows.push([cancelButton(turn)]);
        return turn.say({
          text: d.kind === "numeric" ? turn.t("reports:ask.value", { unit: d.unit ?? "", target: num(turn, d.target ?? 0) }) : turn.t("reports:ask.percent"),
          buttons: rows,
          awaitsNumber: true,
        });
      case "results":
      case "obstacles":
      case "proposals":
        keep(d.keep?.[d.step]);
        if (d.step !== "results" || d.status === "not_started") rows.push([{ label: label(turn.t("reports:buttons.none")), action: reportActions.none.data() }]);
        rows.push([cancelButton(turn)]);
        return turn.say({ text: turn.t(`reports:ask.${d.step}`, { max: TEXT_LIMITS[d.step] }), buttons: rows });
      case "files":
        rows.push([{ label: label(turn.t(d.files.length ? "reports:buttons.files_done" : "reports:buttons.no_files")), action: reportActions.filesDone.data() }]);
        rows.push([cancelButton(turn)]);
        return turn.say({ text: turn.t("reports:ask.files"), buttons: rows });
      case "preview":
        return preview(turn, d);
    }
  };

  const preview = async (turn: Turn, d: ReportDialog) => {
    const t = turn.t;
    // Put into templates that escape their values, among texts typed as they are: its plain text, not markup.
    const empty = toPlainText(t("reports:preview.empty"));
    const lines = [t("reports:preview.header", { code: d.code, period: d.periodLabel })];
    if (d.unchanged) lines.push(t("reports:preview.unchanged"));
    lines.push("", t("reports:preview.status", { value: t(`reports:status.${d.status}`) }));
    if (d.progress !== null && d.progress !== undefined) {
      lines.push(d.kind === "numeric" ? t("reports:preview.value", { value: num(turn, d.progress), unit: d.unit ?? "" }) : t("reports:preview.percent", { value: formatPercent(d.progress, turn.locale) }));
    }
    // Three long texts could outgrow one message: the preview shows the start of each, the report keeps them whole.
    const shown = (text: string | null | undefined) => (!text ? empty : text.length > 900 ? `${text.slice(0, 899)}…` : text);
    lines.push(
      t("reports:preview.results", { value: shown(d.results) }),
      t("reports:preview.obstacles", { value: shown(d.obstacles) }),
      t("reports:preview.proposals", { value: shown(d.proposals) }),
      t("reports:preview.files", { value: d.files.length ? d.files.map((f) => f.fileName).join(", ") : empty }),
      "",
      t("reports:preview.confirm"),
    );
    const edit = (step: keyof typeof EDIT_LABEL): Button => ({ label: label(t(EDIT_LABEL[step])), action: reportActions.edit.data({ step }) });
    await turn.say({
      text: lines.join("\n"),
      buttons: [
        [{ label: label(t("reports:buttons.submit")), action: reportActions.submit.data() }],
        [edit("status"), edit("progress"), edit("results")],
        [edit("obstacles"), edit("proposals"), edit("files")],
        [cancelButton(turn)],
      ],
    });
  };

  /** Moves to the next step (skipping the figure when not started), or back to the preview when correcting one step. */
  const advance = async (turn: Turn, d: ReportDialog) => {
    if (d.step === "status" && d.status === "not_started") d.progress = null;
    let next: Step;
    if (d.step === "status" && d.status !== "not_started" && (d.progress === null || d.progress === undefined)) next = "progress";
    else next = d.back ? "preview" : ORDER[ORDER.indexOf(d.step) + 1]!;
    if (next === "progress" && d.status === "not_started") next = "results";
    if (next === "preview" && !d.results && d.status !== "not_started") next = "results";
    d.step = next;
    if (next === "preview") d.back = false;
    await save(turn, d);
    await ask(turn, d);
  };

  /** A press that answers the current step: acknowledged, its buttons spent, and on to the next step. */
  const pressed = async (turn: Turn, d: ReportDialog) => {
    await turn.acknowledge();
    await turn.retire(turn.originId);
    await advance(turn, d);
  };

  /** Starts the report (or its revision, with the current values offered as "keep"), or the "no change" shortcut. */
  const startReport = (noChange: boolean) => async (turn: Turn, { taskId, periodId }: { taskId: number; periodId: number }) => {
    try {
      const rc = await core.reports.context(turn.actor, taskId, periodId);
      if (rc.blocked) throw new DomainError(rc.blocked, { code: rc.task.code });
      const d: ReportDialog = {
        taskId: rc.task.id,
        periodId: rc.period.id,
        code: rc.task.code,
        periodLabel: periodLabel(turn.t, rc.period, turn.locale),
        kind: rc.task.indicator_kind,
        unit: rc.task.unit,
        target: rc.task.target_value,
        step: "status",
        back: false,
        files: [],
        unchanged: false,
      };
      const source = noChange ? rc.previous : rc.latest;
      if (noChange && !source) throw new DomainError("reports:history.none");
      const values = source
        ? { status: source.status, progress: rc.task.indicator_kind === "numeric" ? source.value : source.percent, results: source.results, obstacles: source.obstacles, proposals: source.proposals }
        : undefined;
      if (noChange) Object.assign(d, values, { unchanged: true, step: "preview" });
      else if (values) d.keep = values;
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await ask(turn, d);
    } catch (e) {
      await turn.refuse(e);
    }
  };

  return {
    /** /report: the person's tasks per open period, a choice per task; /report CODE: that task's card. */
    async list(turn: Turn, args: string): Promise<void> {
      try {
        const code = args.trim();
        if (code) {
          const task = await core.tasks.byCode(turn.actor, code);
          return await showTask(turn, task.id);
        }
        const periods = await core.reports.mine(turn.actor);
        if (!periods.length) {
          const manager = turn.actor.seats.some((s) => s.role === "secretariat");
          return await turn.say({ text: [turn.t("reports:mine.none"), ...(manager ? [turn.t("reports:mine.none_manager")] : [])].join("\n") });
        }
        for (const p of periods) {
          const done = p.tasks.filter((x) => x.latest).length;
          const lines = [turn.t("reports:mine.header", { period: periodLabel(turn.t, p.period, turn.locale), due: formatDateTime(p.window.dueAt, p.timeZone), done, total: p.tasks.length })];
          if (p.window.extended) lines[0] += ` ${turn.t("reports:mine.extended")}`;
          if (p.window.reopened) lines.push(turn.t("reports:mine.reopened", { until: formatDateTime(p.window.closesAt, p.timeZone) }));
          const title = (x: string) => (x.length > 80 ? `${x.slice(0, 79)}…` : x);
          lines.push(
            "",
            ...p.tasks.map((x) => turn.t("reports:mine.line", { icon: STATE_ICON[x.state], code: x.task.code, title: title(x.task.title), state: turn.t(`reports:state.${x.state}`) })),
            "",
            turn.t("reports:mine.choose"),
          );
          const buttons = p.tasks.map((x) => [{ label: taskButton(STATE_ICON[x.state], x.task), action: reportActions.task.data({ taskId: x.task.id, periodId: p.period.id }) }]);
          await turn.say({ text: lines.join("\n"), buttons });
        }
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A task's card in a period. */
    async task(turn: Turn, { taskId, periodId }: { taskId: number; periodId: number }): Promise<void> {
      try {
        await showTask(turn, taskId, periodId);
        await turn.acknowledge();
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A task's every report, with the files reported with it on offer. */
    async history(turn: Turn, { taskId }: { taskId: number }): Promise<void> {
      try {
        const h = await core.tasks.history(turn.actor, taskId);
        await turn.acknowledge();
        await turn.say({ text: historyView(turn.t, h.task, h.updates, turn.locale, turn.timeZone), buttons: historyButtons(turn.t, h.task.id, h.updates) });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /**
     * The files reported with a task, each once, sent again with a caption (task, period, name); a photo
     * received as one goes out as a photo. Refused when the task is not the person's to read.
     */
    async files(turn: Turn, { taskId }: { taskId: number }): Promise<void> {
      try {
        const h = await core.tasks.history(turn.actor, taskId);
        await turn.acknowledge();
        const seen = new Set<string>();
        for (const u of h.updates) {
          for (const a of u.attachments) {
            if (seen.has(a.fileId)) continue;
            seen.add(a.fileId);
            const period = periodLabel(turn.t, { code: u.periodCode, kind: u.periodKind, name: u.periodName }, turn.locale);
            const photo = a.mimeType === "image/jpeg" && a.fileName.startsWith("anh-");
            await turn.say({ text: escapeText(`${h.task.code} · ${period} · ${a.fileName}`), file: { kind: "attachment", attachmentId: a.id, name: a.fileName, photo } });
          }
        }
      } catch (e) {
        await turn.refuse(e);
      }
    },

    start: startReport(false),
    unchanged: startReport(true),

    async status(turn: Turn, { status }: { status: string }): Promise<void> {
      const d = await current(turn, "status");
      if (!d || !STATUSES.includes(status as ProgressStatus)) return stale(turn);
      d.status = status as ProgressStatus;
      await pressed(turn, d);
    },

    /** "Keep": the value of the version being revised, for the current step. */
    async keep(turn: Turn): Promise<void> {
      const d = await current(turn);
      if (!d?.keep || !KEPT.includes(d.step)) return stale(turn);
      const step = d.step as KeptStep;
      (d as unknown as Record<string, unknown>)[step] = d.keep[step];
      await pressed(turn, d);
    },

    /** "None" for an optional text (and for the results of a task not started). */
    async none(turn: Turn): Promise<void> {
      const d = await current(turn);
      if (!d || !TEXTS.includes(d.step) || (d.step === "results" && d.status !== "not_started")) return stale(turn);
      d[d.step as ReportText] = null;
      await pressed(turn, d);
    },

    async filesDone(turn: Turn): Promise<void> {
      const d = await current(turn, "files");
      if (!d) return stale(turn);
      d.back = false;
      await pressed(turn, d);
    },

    /** From the preview, one step again; then back to the preview. */
    async edit(turn: Turn, { step }: { step: keyof typeof EDIT_LABEL }): Promise<void> {
      const d = await current(turn, "preview");
      if (!d) return stale(turn);
      if (step === "progress" && d.status === "not_started") return turn.acknowledge(turn.t("reports:ask.use_buttons"));
      d.step = step;
      d.back = true;
      d.unchanged = false;
      if (step === "files") d.files = [];
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await ask(turn, d);
    },

    async submit(turn: Turn): Promise<void> {
      try {
        const d = await current(turn, "preview");
        if (!d) return await stale(turn);
        const r = await core.reports.submit(turn.actor, {
          taskId: d.taskId,
          periodId: d.periodId,
          status: d.status!,
          progress: d.progress ?? null,
          results: d.results ?? null,
          obstacles: d.obstacles ?? null,
          proposals: d.proposals ?? null,
          attachments: d.files,
          unchanged: d.unchanged,
        });
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.acknowledge();
        await turn.retire(turn.originId);
        const rc = await core.reports.context(turn.actor, d.taskId, d.periodId);
        const lines = [turn.t(r.late ? "reports:submitted.late" : "reports:submitted.ok", { code: d.code, version: r.version, due: formatDateTime(rc.window.dueAt, turn.timeZone) })];
        if (rc.onBehalfOf) lines.push(turn.t("reports:submitted.on_behalf", { name: rc.onBehalfOf.fullName }));
        if (r.items) lines.push(turn.t("reports:submitted.items"));
        if (!rc.onBehalfOf) {
          const left = (await core.reports.mine(turn.actor)).flatMap((p) => p.tasks).filter((x) => !x.latest).length;
          lines.push(left ? turn.t("reports:submitted.left", { count: left }) : turn.t("reports:submitted.all_done"));
        }
        await turn.say({ text: lines.join("\n") });
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /**
     * A typed line while a report is being written: the answer to the current step. Returns false when no
     * report dialog is open, so the line goes to whoever else may be waiting for it.
     */
    async typed(turn: Turn, text: string): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      try {
        switch (d.step) {
          case "files":
            await turn.say({ text: turn.t("reports:ask.files") });
            return true;
          case "status":
          case "preview":
            await turn.say({ text: turn.t("reports:ask.use_buttons") });
            return true;
          case "progress":
            d.progress = readProgress({ indicator_kind: d.kind, unit: d.unit }, text);
            break;
          default: {
            const value = checkText(d.step, text);
            if (!value) {
              await ask(turn, d);
              return true;
            }
            d[d.step] = value;
          }
        }
      } catch (e) {
        // The step is asked again; everything entered so far stays in the dialog.
        await turn.refuse(e);
        return true;
      }
      await advance(turn, d);
      return true;
    },

    /**
     * A file sent while a report is being written: kept at the files step (core's rules first, then the
     * app downloads it and core stores it once), else the person is asked for text. False when no report
     * dialog is open.
     */
    async file(turn: Turn, received: ReceivedFile): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      if (d.step !== "files") {
        await turn.say({ text: turn.t("reports:ask.text_expected") });
        return true;
      }
      const { file } = received;
      try {
        core.meetings.checkAttachment(file);
        if (d.files.length >= MAX_ATTACHMENTS) throw new DomainError("reports:errors.too_many_files", { max: MAX_ATTACHMENTS });
        file.storedFileId = await core.files.receive(file, await received.download(MAX_ATTACHMENT_BYTES));
      } catch (e) {
        await turn.refuse(e);
        return true;
      }
      d.files.push(file);
      await save(turn, d);
      await turn.say({
        text: turn.t("reports:ask.file_received", { name: file.fileName, count: d.files.length }),
        buttons: [[{ label: label(turn.t("reports:buttons.files_done")), action: reportActions.filesDone.data() }]],
      });
      return true;
    },
  };
}

const EDIT_LABEL = {
  status: "reports:buttons.edit_status",
  progress: "reports:buttons.edit_progress",
  results: "reports:buttons.edit_results",
  obstacles: "reports:buttons.edit_obstacles",
  proposals: "reports:buttons.edit_proposals",
  files: "reports:buttons.edit_files",
} as const;

export type ReportFlow = ReturnType<typeof reportFlow>;

/** The buttons of a member's tasks, a task's card and the report dialog, bound to the flow. */
export function reportRoutes(flow: ReportFlow): Route[] {
  return [
    route(reportActions.task, flow.task),
    route(reportActions.history, flow.history),
    route(reportActions.files, flow.files),
    route(reportActions.start, flow.start),
    route(reportActions.unchanged, flow.unchanged),
    route(reportActions.status, flow.status),
    route(reportActions.keep, flow.keep),
    route(reportActions.none, flow.none),
    route(reportActions.filesDone, flow.filesDone),
    route(reportActions.edit, flow.edit),
    route(reportActions.submit, flow.submit),
  ];
}
