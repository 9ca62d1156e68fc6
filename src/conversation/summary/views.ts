import type { CommitteeSummary } from "../../core/summary/summary.js";
import type { Locale } from "../../db/schema.js";
import { escapeText } from "../../core/markup.js";
import { showDate } from "../../core/cycle/local-time.js";
import { formatDecimal } from "../../core/reports/numbers.js";
import { formatDateTime, formatMeetingTime, formatPercent } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { periodLabel } from "../../documents/report-terms.js";
import { buttonLabel, type Button } from "../message.js";
import { summaryActions, type SummaryPart } from "./actions.js";
import { exportActions } from "./export-flow.js";

/** The progress chart and its colours live with the documents, which draw it too (the summary report). */
export { progressChart, STATUS_COLORS } from "../../documents/summary-chart.js";

/** Where the summary is read: a period (year 0: the current quarter) of a committee. */
export interface SummaryPlace {
  committeeId: number;
  year: number;
  quarter: number;
}

/** The period as people say it: "Quý IV/2026" for a quarter, its name otherwise. */
export const periodOf = (t: TFunction, locale: Locale, s: CommitteeSummary): string => periodLabel(t, { code: s.periodCode, kind: s.periodKind, name: s.periodName }, locale);

/** Lines kept within an app's length: list lines past it give way to "… and N more". */
export function fitLines(t: TFunction, head: string[], items: string[], limit: number): string {
  const out = [...head];
  let length = out.join("\n").length;
  for (const [i, line] of items.entries()) {
    const more = t("summary:drill.more", { count: items.length - i });
    if (length + line.length + more.length + 2 > limit) {
      out.push(more);
      break;
    }
    out.push(line);
    length += line.length + 1;
  }
  return out.join("\n");
}

/** The one-screen summary: every part as counts, numbers in the reader's language. */
export function summaryText(t: TFunction, locale: Locale, s: CommitteeSummary): string {
  const n = (v: number) => formatDecimal(v, locale);
  const lines = [t("summary:header", { committee: s.committeeName, period: periodOf(t, locale, s) }), ""];
  const m = s.meeting;
  lines.push(
    m
      ? t("summary:meeting", {
          title: m.title,
          when: formatMeetingTime(t, m.startsAt, s.timeZone),
          attending: n(m.attending),
          absent: n(m.absent),
          proxy: n(m.proxy),
          noAnswer: n(m.noAnswer),
          invited: n(m.invited),
          approvals: n(m.approvalsWaiting),
          forecast: formatPercent(Math.round(m.forecast * 1000) / 10, locale),
        })
      : t("summary:no_meeting"),
  );
  lines.push(t("summary:reporting", { reported: n(s.reporting.reported), total: n(s.reporting.total), late: n(s.reporting.late), notStarted: n(s.reporting.notStarted) }));
  lines.push(
    t("summary:tasks", {
      done: n(s.byStatus.done),
      on_track: n(s.byStatus.on_track),
      at_risk: n(s.byStatus.at_risk),
      behind: n(s.byStatus.behind),
      not_started: n(s.byStatus.not_started),
      met: n(s.indicators.met),
      total: n(s.indicators.total),
    }),
  );
  lines.push(t("summary:items", { count: n(s.openItems.length) }));
  lines.push(t("summary:notices", { people: n(s.notices.reduce((a, x) => a + x.pending, 0)), notices: n(s.notices.length) }));
  lines.push(t("summary:opinions", { people: n(s.opinions.reduce((a, x) => a + x.pending, 0)), requests: n(s.opinions.length) }));
  if (s.conclusions.total) lines.push(t("summary:conclusions", { done: n(s.conclusions.done), onTime: n(s.conclusions.onTime), overdue: n(s.conclusions.overdue) }));
  if (s.overdue.length) lines.push(t("summary:overdue", { people: n(new Set(s.overdue.map((x) => x.personId)).size), times: s.overdueAfter }));
  if (s.subordinates.length) {
    const levels = new Set(s.subordinates.map((x) => x.level));
    const level = levels.size === 1 ? [...levels][0]! : "mixed";
    lines.push(t("summary:subordinates", { level: t(`summary:levels.${level}`), complete: n(s.subordinates.filter((x) => x.complete).length), total: n(s.subordinates.length) }));
  }
  return lines.join("\n");
}

/** The drill-down buttons under the summary. */
export function summaryButtons(t: TFunction, s: CommitteeSummary, at: SummaryPlace): Button[][] {
  const b = (key: string, part: SummaryPart): Button => ({ label: buttonLabel(t(`summary:buttons.${key}`, { times: s.overdueAfter })), action: summaryActions.part.data({ ...at, part }) });
  const rows: Button[][] = [
    [b("reporting", "reporting"), b("behind", "behind")],
    [b("meeting", "meeting"), b("items", "items")],
    [b("notices", "notices"), b("opinions", "opinions")],
    ...(s.conclusions.total ? [[b("conclusions", "conclusions")]] : []),
    [
      { label: buttonLabel(t("summary:buttons.chart")), action: summaryActions.chart.data(at) },
      { label: buttonLabel(t("export:button")), action: exportActions.bundle.data(at) },
    ],
    [b("overdue", "overdue")],
  ];
  if (s.subordinates.length) rows.push([b("subordinates", "subordinates")]);
  return rows;
}

/** One part in detail, within `limit` characters, and the way back to the summary (and into a committee below). */
export function partView(t: TFunction, locale: Locale, s: CommitteeSummary, part: SummaryPart, at: SummaryPlace, limit: number): { text: string; buttons: Button[][] } {
  const n = (v: number) => formatDecimal(v, locale);
  const back: Button[] = [{ label: buttonLabel(t("summary:buttons.back")), action: summaryActions.open.data(at) }];
  const view = (head: string, items: string[], none: string, extra: Button[][] = []) => ({
    text: items.length ? fitLines(t, [head], items, limit) : [head, t(none)].join("\n"),
    buttons: [...extra, back],
  });
  switch (part) {
    case "reporting": {
      const orgs = s.organizations.filter((o) => o.reported < o.total);
      const items = orgs.map((o) =>
        t("summary:drill.reporting_org", { unit: o.unit, reported: n(o.reported), total: n(o.total), people: o.missingPeople?.length ? `: ${o.missingPeople.join(", ")}` : "" }),
      );
      return view(t("summary:drill.reporting", { period: periodOf(t, locale, s) }), items, "summary:drill.reporting_none");
    }
    case "behind":
      return view(
        t("summary:drill.behind"),
        s.behind.map((x) => t("summary:drill.behind_line", { code: x.code, title: x.title, status: t(`reports:status.${x.status}`), unit: x.unit })),
        "summary:drill.behind_none",
      );
    case "meeting":
      if (!s.meeting) return view(t("summary:drill.meeting_none"), [], "summary:drill.meeting_none");
      return { text: fitLines(t, [t("summary:drill.meeting", { count: n(s.meeting.noAnswer) })], (s.meeting.noAnswerPeople ?? []).map((p) => `• ${escapeText(p)}`), limit), buttons: [back] };
    case "items":
      return view(
        t("summary:drill.items"),
        s.openItems.map((i) => t("summary:drill.item_line", { id: i.id, task: i.taskCode, kind: t(`summary:drill.item_kind.${i.kind}`), text: i.text.length > 200 ? `${i.text.slice(0, 199)}…` : i.text })),
        "summary:drill.items_none",
      );
    case "notices":
      return view(
        t("summary:drill.notices"),
        s.notices.map((x) => t("summary:drill.notice_line", { id: x.noticeId, count: n(x.pending), people: (x.people ?? []).join(", ") })),
        "summary:drill.notices_none",
      );
    case "opinions":
      return view(
        t("summary:drill.opinions"),
        s.opinions.map((x) => t("summary:drill.opinion_line", { id: x.requestId, title: x.title, deadline: formatDateTime(x.deadline, s.timeZone), count: n(x.pending), people: (x.people ?? []).join(", ") })),
        "summary:drill.opinions_none",
      );
    case "conclusions":
      return view(
        t("summary:drill.conclusions"),
        s.conclusions.overdueList.map((c) => t("summary:drill.conclusion_line", { code: c.code, title: c.title, organization: c.organization, due: showDate(c.due) })),
        "summary:drill.conclusions_none",
      );
    case "overdue":
      return view(
        t("summary:drill.overdue", { times: s.overdueAfter }),
        s.overdue.map((x) =>
          t("summary:drill.overdue_line", { name: x.fullName, unit: x.organization ?? "—", code: x.taskCode, title: x.taskTitle, days: n(x.daysOverdue), due: formatDateTime(x.dueAt, s.timeZone) }),
        ),
        "summary:drill.overdue_none",
      );
    case "subordinates":
      return view(
        t("summary:drill.subordinates", { period: periodOf(t, locale, s) }),
        s.subordinates.map((x) => t("summary:drill.subordinate_line", { name: x.name, reported: n(x.reported), total: n(x.total) })),
        "summary:drill.subordinates_none",
        // Telegram allows 100 buttons; a province has far fewer communes per message than that in practice.
        s.subordinates.slice(0, 40).map((x) => [{ label: x.name, action: summaryActions.open.data({ ...at, committeeId: x.committeeId }) }]),
      );
  }
}
