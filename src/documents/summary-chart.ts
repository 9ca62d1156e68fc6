import type { CommitteeSummary } from "../core/summary/summary.js";
import { SUMMARY_STATUSES } from "../core/summary/summary.js";
import type { Locale } from "../db/schema.js";
import type { TFunction } from "../i18n/index.js";
import type { StackedBarChart } from "../media/chart.js";
import { periodLabel } from "./report-terms.js";

/** The colours of the progress statuses, the same in every chart (in chat and in the summary report). */
export const STATUS_COLORS: Record<(typeof SUMMARY_STATUSES)[number], string> = {
  done: "#2e7d32",
  on_track: "#1e88e5",
  at_risk: "#f9a825",
  behind: "#d32f2f",
  not_started: "#9e9e9e",
};

/** The chart of progress by organization: one bar per organization, stacked by task status. */
export function progressChart(t: TFunction, locale: Locale, s: CommitteeSummary): StackedBarChart {
  const period = periodLabel(t, { code: s.periodCode, kind: s.periodKind, name: s.periodName }, locale);
  return {
    title: t("summary:chart.title", { period }),
    series: SUMMARY_STATUSES.map((st) => ({ name: t(`reports:status.${st}`), color: STATUS_COLORS[st] })),
    rows: s.organizations.map((o) => ({ label: o.unit, values: SUMMARY_STATUSES.map((st) => o.byStatus[st]) })),
  };
}
