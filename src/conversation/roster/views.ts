import type { RowError } from "../../core/roster/roster-csv.js";
import type { TFunction } from "../../i18n/index.js";

/** How many bad rows an import's answer lists one by one; the rest are counted. */
const ERRORS_SHOWN = 30;

/** An import's answer: its summary, then each bad row by its line number and reason, and what to do about them. */
export function importResultView(t: TFunction, summary: string, errors: RowError[]): string {
  const lines = [summary];
  if (errors.length) {
    lines.push("", t("roster:import.errors_header"));
    for (const e of errors.slice(0, ERRORS_SHOWN)) lines.push(t("roster:import.error_line", { line: e.line, reason: t(e.code, e.params) }));
    if (errors.length > ERRORS_SHOWN) lines.push(t("roster:import.more_errors", { count: errors.length - ERRORS_SHOWN }));
    lines.push("", t("roster:import.fix_and_resend"));
  }
  return lines.join("\n");
}

/** The invites file's header row, in the reader's language; with a Zalo column when the Zalo bot's link is configured. */
export function invitesHeader(t: TFunction, zalo = false): string[] {
  return ["roster:invites_file.name", "roster:invites_file.organization", "roster:invites_file.link", ...(zalo ? ["roster:invites_file.zalo"] : []), "roster:invites_file.expires"].map((k) => t(k));
}
