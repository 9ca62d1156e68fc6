import type { ProgressUpdateRow, ReportingPeriodRow, TaskRow } from "../db/schema.js";
import { toPlainText } from "../core/markup.js";
import { formatDecimal } from "../core/reports/numbers.js";
import { formatPercent } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";

const ROMAN = ["", "I", "II", "III", "IV"];

/**
 * A period as people call it: "Quý IV/2026" (or "Q4 2026") for a quarter, the secretariat's name otherwise.
 * Plain text either way (like the name): a template takes it as a value and escapes it once.
 */
export function periodLabel(t: TFunction, p: Pick<ReportingPeriodRow, "code" | "kind" | "name">, locale: "vi" | "en" = "vi"): string {
  const m = p.kind === "quarter" ? p.code.match(/^(\d{4})-Q([1-4])$/) : null;
  if (!m) return p.name;
  return toPlainText(t("reports:period.quarter", { q: locale === "vi" ? ROMAN[Number(m[2])]! : m[2]!, year: m[1]! }));
}

/** The progress figure of an update: "75%" or "1.250 hồ sơ (62,5%)" against the target. */
export function progressFigure(task: Pick<TaskRow, "indicator_kind" | "unit" | "target_value">, u: Pick<ProgressUpdateRow, "percent" | "value">, locale: "vi" | "en"): string {
  if (task.indicator_kind === "numeric") {
    if (u.value === null) return "";
    const share = task.target_value ? ` (${formatPercent((u.value / task.target_value) * 100, locale)})` : "";
    return `${formatDecimal(u.value, locale)}${task.target_value !== null ? `/${formatDecimal(task.target_value, locale)}` : ""} ${task.unit ?? ""}${share}`.trim();
  }
  return u.percent === null ? "" : formatPercent(u.percent, locale);
}

/** Status and figure in one phrase: "Đúng tiến độ, 60%". Plain text (the unit is as the secretariat typed it). */
export function progressSummary(t: TFunction, task: Pick<TaskRow, "indicator_kind" | "unit" | "target_value">, u: Pick<ProgressUpdateRow, "status" | "percent" | "value">, locale: "vi" | "en"): string {
  const status = toPlainText(t(`reports:status.${u.status}`));
  const figure = progressFigure(task, u, locale);
  return figure ? `${status}, ${figure}` : status;
}
