import type { ReportContext, TaskState, UpdateView } from "../../core/reports/updates.js";
import type { PeriodStatus } from "../../core/reports/status.js";
import { periodPhase } from "../../core/reports/periods.js";
import type { ReportItemView } from "../../core/reports/items.js";
import type { ReportingPeriodRow, TaskRow } from "../../db/schema.js";
import { formatDecimal } from "../../core/reports/numbers.js";
import { conclusionSource } from "../../core/conclusions/conclusions.js";
import { toPlainText } from "../../core/markup.js";
import { periodLabel, progressSummary } from "../../documents/report-terms.js";
import { formatDateTime, formatPercent } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel as label, buttonRows, type Button, type Message } from "../message.js";
import { reportActions as A } from "./actions.js";

export const STATE_ICON: Record<TaskState, string> = { on_time: "✅", late: "🟡", missing: "🔴", pending: "⏳" };

type Locale = "vi" | "en";

/** Button text: the task's code and the start of its title, within a phone's comfortable width. */
export function taskButton(icon: string, task: Pick<TaskRow, "code" | "title">): string {
  const text = `${icon} ${task.code} · ${task.title}`;
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The task as the card and the dialog show it: code, title, source, unit, target, due. */
export function taskDetails(t: TFunction, task: TaskRow & { personName: string | null; concludedAt?: string | null }, locale: Locale, timeZone?: string): string[] {
  const lines = [t("reports:card.title", { code: task.code, title: task.title }) + (task.active ? "" : ` ${t("reports:card.inactive")}`)];
  // A chair's conclusion names its meeting in the reader's language; other tasks their source as the registry has it.
  if (task.concludedAt && timeZone) lines.push(t("reports:card.source", { source: toPlainText(conclusionSource(t, task.concludedAt, timeZone)) }));
  else if (task.source_document) lines.push(t("reports:card.source", { source: task.source_document }));
  if (task.responsible_organization) lines.push(t("reports:card.unit", { unit: task.responsible_organization }));
  if (task.personName) lines.push(t("reports:card.person", { name: task.personName }));
  if (task.indicator_kind === "numeric") lines.push(t("reports:card.target_numeric", { target: formatDecimal(task.target_value ?? 0, locale), unit: task.unit ?? "" }));
  else if (task.indicator_kind === "percent") lines.push(t("reports:card.target_percent", { target: formatPercent(task.target_value ?? 100, locale) }));
  else lines.push(t("reports:card.target_milestone"));
  if (task.due_date) {
    const [y, m, d] = task.due_date.split("-");
    lines.push(t("reports:card.due", { date: `${d}/${m}/${y}` }));
  }
  return lines;
}

/** The card a person sees before reporting on a task: details, last period's report, this period's, and the buttons that apply. */
export function taskCardView(t: TFunction, rc: ReportContext, locale: Locale, timeZone: string): Message {
  const lines = taskDetails(t, rc.task, locale, timeZone);
  lines.push(t("reports:card.period", { period: periodLabel(t, rc.period, locale), due: formatDateTime(rc.window.dueAt, timeZone) }));
  if (rc.previous) lines.push(t("reports:card.previous", { period: periodLabel(t, { code: rc.previous.periodCode, kind: rc.previous.periodKind, name: rc.previous.periodName }, locale), summary: progressSummary(t, rc.task, rc.previous, locale) }));
  if (rc.latest) lines.push(t("reports:card.current", { version: rc.latest.version, at: formatDateTime(rc.latest.submitted_at, timeZone), summary: progressSummary(t, rc.task, rc.latest, locale) }));
  if (rc.onBehalfOf) lines.push("", t("reports:card.on_behalf", { name: rc.onBehalfOf.fullName }));
  const rows: [string, string][][] = [];
  const target = { taskId: rc.task.id, periodId: rc.period.id };
  if (rc.blocked) lines.push("", t(rc.blocked, { code: rc.task.code }));
  else {
    if (rc.late && !rc.latest) lines.push("", t("reports:card.late_note"));
    rows.push([[label(t(rc.latest ? "reports:buttons.edit" : rc.onBehalfOf ? "reports:buttons.on_behalf" : "reports:buttons.report")), A.start.data(target)]]);
    if (rc.previous && !rc.latest) rows.push([[label(t("reports:buttons.unchanged")), A.unchanged.data(target)]]);
  }
  rows.push([[label(t("reports:buttons.history")), A.history.data({ taskId: rc.task.id })]]);
  return { text: lines.join("\n"), buttons: buttonRows(...rows) };
}

/** A task's every report, oldest first. */
export function historyView(t: TFunction, task: TaskRow & { personName: string | null }, updates: UpdateView[], locale: Locale, timeZone: string): string {
  const lines = [t("reports:history.header", { code: task.code, title: task.title })];
  if (!updates.length) lines.push(t("reports:history.none"));
  for (const u of updates) {
    const flags = [u.late ? t("reports:history.late") : "", u.unchanged ? t("reports:history.unchanged") : ""].filter(Boolean).join(" ");
    lines.push(
      t("reports:history.line", {
        period: periodLabel(t, { code: u.periodCode, kind: u.periodKind, name: u.periodName }, locale),
        version: u.version,
        at: formatDateTime(u.submitted_at, timeZone),
        who: u.submittedByName ?? "—",
        onBehalf: u.onBehalfOfName ? t("reports:history.on_behalf", { for: u.onBehalfOfName }) : "",
        summary: progressSummary(t, task, u, locale),
      }) + (flags ? ` ${flags}` : ""),
    );
    if (u.results) lines.push(t("reports:history.detail", { results: u.results }));
    if (u.obstacles) lines.push(t("reports:history.obstacles", { text: u.obstacles }));
    if (u.proposals) lines.push(t("reports:history.proposals", { text: u.proposals }));
    if (u.attachments.length) lines.push(t("reports:history.files", { names: u.attachments.map((a) => a.fileName).join(", ") }));
  }
  return lines.join("\n");
}

/** Under a task's history: a button that sends the files reported with it, when there are any. */
export function historyButtons(t: TFunction, taskId: number, updates: UpdateView[]): Button[][] {
  const count = new Set(updates.flatMap((u) => u.attachments.map((a) => a.fileId))).size;
  return count ? buttonRows([[label(t("reports:buttons.files", { count })), A.files.data({ taskId })]]) : [];
}

/** The secretariat's and leaders' one-screen picture of a period. */
export function periodStatusView(t: TFunction, s: PeriodStatus, locale: Locale): string {
  const lines = [
    t("reports:status_view.header", { period: periodLabel(t, s.period, locale), committee: s.committeeName, due: formatDateTime(s.period.due_at, s.timeZone), closes: formatDateTime(s.period.closes_at, s.timeZone) }),
  ];
  if (!s.rows.length) return [...lines, "", t("reports:status_view.no_tasks")].join("\n");
  lines.push(t("reports:status_view.counts", { total: s.counts.total, on_time: s.counts.on_time, late: s.counts.late, missing: s.counts.missing, pending: s.counts.pending }), "");
  for (const g of s.byOrganization) {
    const reported = g.counts.on_time + g.counts.late;
    lines.push(t("reports:status_view.org", { unit: g.unit, reported, total: g.total, lateNote: g.counts.late ? t("reports:status_view.org_late", { late: g.counts.late }) : "" }));
    if (g.missingPeople.length) lines.push(t("reports:status_view.org_missing", { people: g.missingPeople.join(", ") }));
  }
  lines.push("", t("reports:status_view.items", { count: s.openItems }), t("reports:status_view.hint"));
  return lines.join("\n");
}

/** Task by task, with each state and figure. */
export function periodDetailsView(t: TFunction, s: PeriodStatus, locale: Locale): string {
  return [
    t("reports:status_view.header", { period: periodLabel(t, s.period, locale), committee: s.committeeName, due: formatDateTime(s.period.due_at, s.timeZone), closes: formatDateTime(s.period.closes_at, s.timeZone) }),
    "",
    ...s.rows.map((r) =>
      t("reports:status_view.detail_line", {
        icon: STATE_ICON[r.state],
        code: r.task.code,
        title: r.task.title,
        unit: r.unit,
        state: t(`reports:state.${r.state}`),
        progress: r.latest ? ` · ${progressSummary(t, r.task, r.latest, locale)}` : "",
      }),
    ),
  ].join("\n");
}

/** Under the period's picture, when it has tasks: the Excel export and the task-by-task view. */
export function periodStatusButtons(t: TFunction, s: PeriodStatus): Button[][] {
  if (!s.rows.length) return [];
  return buttonRows([
    [label(t("reports:buttons.xlsx")), A.xlsx.data({ periodId: s.period.id })],
    [label(t("reports:buttons.details")), A.details.data({ periodId: s.period.id })],
  ]);
}

/** The task registry of a committee; the secretariat is also told how to import and edit it. */
export function taskListView(t: TFunction, committee: string, tasks: (TaskRow & { personName: string | null })[], manager: boolean): string {
  const lines = [t("reports:tasks.header", { committee, count: tasks.length })];
  if (!tasks.length) lines.push(t("reports:tasks.none"));
  for (const x of tasks) lines.push(t("reports:tasks.line", { code: x.code, title: x.title, unit: x.responsible_organization ?? x.personName ?? "—" }));
  if (manager) lines.push("", t("reports:tasks.hint"));
  return lines.join("\n");
}

/** A committee's periods, newest first, each with its dates and where it stands; the secretariat is also told how to change them. */
export function periodListView(t: TFunction, periods: ReportingPeriodRow[], locale: Locale, timeZone: string, now: Date, manager: boolean): string {
  const lines = [
    t("reports:periods.header"),
    ...periods.map((p) =>
      t("reports:periods.line", {
        code: p.code,
        name: periodLabel(t, p, locale),
        opens: formatDateTime(p.opens_at, timeZone),
        due: formatDateTime(p.due_at, timeZone),
        closes: formatDateTime(p.closes_at, timeZone),
        status: t(`reports:periods.status_${periodPhase(p, now)}`),
      }),
    ),
  ];
  if (manager) lines.push("", t("reports:periods.usage"));
  return lines.join("\n");
}

/** How many of the open items get an answer button under the list (the rest are answered from a later list). */
const ANSWER_BUTTONS = 30;

/** The open obstacles and proposals, with an answer button (two a row) for those the reader may answer. */
export function itemsView(t: TFunction, items: ReportItemView[], locale: Locale, mayAnswer: (committeeId: number) => boolean): Message {
  if (!items.length) return { text: t("reports:items.none") };
  const lines = [t("reports:items.header", { count: items.length })];
  const buttons: Button[] = [];
  items.forEach((i, n) => {
    lines.push(
      "",
      t("reports:items.line", {
        id: i.id,
        kind: t(`reports:items.${i.kind}`),
        code: i.taskCode,
        period: periodLabel(t, { code: i.periodCode, kind: i.periodKind, name: i.periodName }, locale),
        who: i.raisedByName ?? "—",
        org: i.organization ? `, ${i.organization}` : "",
        text: i.text,
      }),
    );
    if (mayAnswer(i.committee_id) && n < ANSWER_BUTTONS) buttons.push({ label: label(t("reports:buttons.answer", { id: i.id })), action: A.answer.data({ itemId: i.id }) });
  });
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { text: lines.join("\n"), buttons: rows };
}
