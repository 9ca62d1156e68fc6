import { AlignmentType, Document, ImageRun, Packer, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlign, WidthType } from "docx";
import { toPlainText } from "../core/markup.js";
import { formatDecimal } from "../core/reports/numbers.js";
import type { ExportQuarter, QuarterExportScope } from "../core/summary/quarter-export.js";
import { SUMMARY_STATUSES, type CommitteeSummary } from "../core/summary/summary.js";
import type { Locale } from "../db/schema.js";
import { formatDateTime, formatMeetingTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import type { ChartPng } from "../media/chart.js";
import { A4, centred, decreeDateParts, documentHeader, FONT, localDate, MARGINS, pageNumberHeaders, para, rule, run, TEXT_WIDTH, twoColumns } from "./decree30.js";
import { periodLabel } from "./report-terms.js";

const ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
/** Half-points: the organizations' table at 11 pt, its header at 9 pt, so nine columns fit the portrait page. */
const TABLE_SIZE = 22;
const TABLE_HEADER_SIZE = 18;
/** Twips: a figure's column, wide enough for "Completed" or "Đã hoàn thành" on one or two lines at 9 pt bold. */
const FIGURE_COLUMN = 1000;
/** The chart's width on the page in pixels (docx counts 96 per inch): the text width, 160 mm, less a little. */
const CHART_WIDTH = 600;

/** What the report says of each meeting of the quarter: its answers and, when recorded, its attendance. */
export interface ReportMeeting {
  title: string;
  startsAt: string;
  endsAt: string;
  invited: number;
  attending: number;
  absent: number;
  proxy: number;
  noAnswer: number;
  attendance: { present: number; represented: number; absent: number; recorded: number };
}

/** Everything the quarter's summary report states. */
export interface QuarterReport {
  committee: QuarterExportScope["committee"];
  quarter: ExportQuarter;
  summary: CommitteeSummary;
  meetings: ReportMeeting[];
  notices: { id: number; createdAt: string; acknowledged: number; total: number }[];
  opinions: { title: string; deadline: string; answered: number; recipients: number }[];
  /** The progress chart by organization; none when the period has no task. */
  chart: ChartPng | null;
  /** When the figures were taken. */
  at: Date;
}

/**
 * The quarter's summary report (báo cáo) as a Word document laid out by Decree 30/2020/NĐ-CP: the two-column header
 * with "Số: …/BC-<code>" and the place and date, the title and subject, then numbered sections — reporting by
 * organization (a table), results by status and indicators met with the progress chart embedded as a PNG, the
 * quarter's meetings, open obstacles and proposals, notices and requests for opinions, the committees below — and
 * the "Nơi nhận" and signature block. Wording from locales/<lng>/export.json, in the reader's language.
 */
export async function summaryDocx(html: TFunction, locale: Locale, r: QuarterReport): Promise<Buffer> {
  const t = (key: string, params: Record<string, string | number> = {}) => toPlainText(html(key, params));
  const n = (v: number) => formatDecimal(v, locale);
  const s = r.summary;
  const c = r.committee;
  const zone = c.timeZone;
  const period = periodLabel(html, { code: r.quarter.code, kind: "quarter", name: r.quarter.code }, locale);
  const today = localDate(r.at, zone);

  const text = (line: string, o: Parameters<typeof run>[1] = {}) => para([run(line, o)]);
  let section = 0;
  const heading = (key: string) => para([run(t(`export:report.section.${key}`, { n: ROMAN[++section] ?? String(section) }), { bold: true })], { align: AlignmentType.LEFT, indent: false, before: 120, keepNext: true });
  /** "- …;" items, the last ending with a full stop. */
  const items = (lines: string[]) => lines.map((l, i) => text(`- ${l}${i === lines.length - 1 ? "." : ";"}`));

  const body: (Paragraph | Table)[] = [
    documentHeader({
      governingBody: c.governingBody,
      issuingBody: c.name,
      number: c.codePrefix ? t("export:report.number", { prefix: c.codePrefix }) : t("export:report.number_no_prefix"),
      nation: t("minutes:nation"),
      motto: t("minutes:motto"),
      placeDate: t("minutes:place_date", { place: c.placeName ?? t("minutes:place_blank"), ...decreeDateParts(today.day, today.month, today.year) }),
    }),
    para([run(t("export:report.title"), { bold: true })], { align: AlignmentType.CENTER, indent: false, before: 360, after: 0 }),
    para([run(t("export:report.subject", { q: locale === "vi" ? ROMAN[r.quarter.quarter]! : String(r.quarter.quarter), year: r.quarter.year }), { bold: true })], { align: AlignmentType.CENTER, indent: false, after: 0 }),
    rule(TEXT_WIDTH, 1700, 240),
    text(t("export:report.intro", { committee: c.name, period, time: formatDateTime(r.at, zone) })),

    heading("reporting"),
    text(t("export:report.reporting", { reported: n(s.reporting.reported), total: n(s.reporting.total), late: n(s.reporting.late), notStarted: n(s.reporting.notStarted) })),
    ...(s.organizations.length ? [organizationsTable(t, n, s), para([], { after: 120 })] : []),

    heading("results"),
    ...(s.reporting.total
      ? [
          text(t("export:report.statuses", Object.fromEntries(SUMMARY_STATUSES.map((st) => [st, n(s.byStatus[st])])))),
          text(t("export:report.indicators", { met: n(s.indicators.met), total: n(s.indicators.total) })),
          ...(r.chart ? chartParagraphs(t, r.chart, period) : []),
          ...(s.behind.length
            ? [text(t("export:report.behind")), ...items(s.behind.map((b) => t("export:report.behind_line", { code: b.code, title: b.title, status: t(`reports:status.${b.status}`), unit: b.unit })))]
            : []),
        ]
      : [text(t("export:report.no_tasks"))]),

    heading("meetings"),
    ...(r.meetings.length
      ? items(
          r.meetings.map((m) => {
            const answers = t("export:report.meeting_line", {
              title: m.title,
              when: formatMeetingTime(html, m.startsAt, zone, m.endsAt),
              invited: n(m.invited),
              attending: n(m.attending),
              absent: n(m.absent),
              proxy: n(m.proxy),
              noAnswer: n(m.noAnswer),
            });
            const a = m.attendance;
            return a.recorded ? answers + t("export:report.meeting_recorded", { present: n(a.present), represented: n(a.represented), absent: n(a.absent) }) : answers;
          }),
        )
      : [text(t("export:report.no_meetings"))]),

    heading("items"),
    ...(s.openItems.length
      ? [
          text(t("export:report.items", { count: n(s.openItems.length) })),
          ...items(s.openItems.map((i) => t("export:report.item_line", { task: i.taskCode, kind: t(`summary:drill.item_kind.${i.kind}`), text: i.text }))),
        ]
      : [text(t("export:report.items_none"))]),

    heading("notices"),
    ...(r.notices.length
      ? items(r.notices.map((x) => t("export:report.notice_line", { id: x.id, date: formatDateTime(x.createdAt, zone).slice(0, 10), acknowledged: n(x.acknowledged), total: n(x.total) })))
      : [text(t("export:report.no_notices"))]),
    ...(r.opinions.length
      ? items(r.opinions.map((o) => t("export:report.opinion_line", { title: o.title, deadline: formatDateTime(o.deadline, zone), answered: n(o.answered), recipients: n(o.recipients) })))
      : [text(t("export:report.no_opinions"))]),

    ...(s.subordinates.length ? subordinateParagraphs(t, n, s, heading, items) : []),

    para([], { after: 120 }),
    twoColumns(
      [
        para([run(t("minutes:recipients"), { bold: true, italics: true, size: 24 })], { align: AlignmentType.LEFT, indent: false, after: 0 }),
        ...t("export:report.recipient_lines")
          .split("\n")
          .map((l) => para([run(l, { size: 22 })], { align: AlignmentType.LEFT, indent: false, after: 0 })),
      ],
      [centred(t("export:report.sign"), { bold: true }), centred(t("minutes:sign_hint"), { italics: true }, 1400)],
      [Math.round(TEXT_WIDTH / 2), TEXT_WIDTH - Math.round(TEXT_WIDTH / 2)],
    ),
  ];

  const doc = new Document({
    creator: "bcd-bot",
    title: `${t("export:report.title")} — ${c.name} — ${period}`,
    styles: { default: { document: { run: { font: FONT, size: 28 } } } },
    sections: [{ properties: { titlePage: true, page: { size: A4, margin: MARGINS } }, headers: pageNumberHeaders(), children: body }],
  });
  return Packer.toBuffer(doc);
}

/** Reporting by organization: tasks, reported, and each status, with a totals row. */
function organizationsTable(t: (key: string, params?: Record<string, string | number>) => string, n: (v: number) => string, s: CommitteeSummary): Table {
  const widths = [600, TEXT_WIDTH - 600 - FIGURE_COLUMN * 7, ...Array<number>(7).fill(FIGURE_COLUMN)];
  const cell = (value: string, i: number, o: { bold?: boolean; center?: boolean; size?: number } = {}) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 50, right: 50, top: 30, bottom: 30 },
      children: [new Paragraph({ alignment: o.center ? AlignmentType.CENTER : AlignmentType.LEFT, spacing: { after: 0 }, children: [new TextRun({ text: value, bold: o.bold, font: FONT, size: o.size ?? TABLE_SIZE })] })],
    });
  const row = (values: string[], o: { bold?: boolean; header?: boolean } = {}) =>
    new TableRow({ tableHeader: o.header, cantSplit: true, children: values.map((v, i) => cell(v, i, { bold: o.bold, center: o.header || i !== 1, size: o.header ? TABLE_HEADER_SIZE : TABLE_SIZE })) });
  const header = [t("export:report.table.no"), t("export:report.table.unit"), t("export:report.table.total"), t("export:report.table.reported"), ...SUMMARY_STATUSES.map((st) => t(`reports:status.${st}`))];
  const lines = s.organizations.map((o, i) => [String(i + 1), o.unit, n(o.total), n(o.reported), ...SUMMARY_STATUSES.map((st) => n(o.byStatus[st]))]);
  const totals = ["", t("export:report.table.totals"), n(s.reporting.total), n(s.reporting.reported), ...SUMMARY_STATUSES.map((st) => n(s.byStatus[st]))];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [row(header, { bold: true, header: true }), ...lines.map((l) => row(l)), row(totals, { bold: true })],
  });
}

/** The chart, centred at the text's width, and its caption under it. */
function chartParagraphs(t: (key: string, params?: Record<string, string | number>) => string, chart: ChartPng, period: string): Paragraph[] {
  const height = Math.round((CHART_WIDTH * chart.height) / chart.width);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 120, after: 60 },
      keepNext: true,
      children: [new ImageRun({ type: "png", data: chart.png, transformation: { width: CHART_WIDTH, height }, altText: { name: "chart", title: t("export:report.chart", { period }), description: t("export:report.chart", { period }) } })],
    }),
    centred(t("export:report.chart", { period }), { italics: true, size: 24 }, 120),
  ];
}

/** The committees below: how many have reported in full, and each one's count. */
function subordinateParagraphs(
  t: (key: string, params?: Record<string, string | number>) => string,
  n: (v: number) => string,
  s: CommitteeSummary,
  heading: (key: string) => Paragraph,
  items: (lines: string[]) => Paragraph[],
): Paragraph[] {
  const levels = new Set(s.subordinates.map((x) => x.level));
  const level = levels.size === 1 ? [...levels][0]! : "mixed";
  return [
    heading("subordinates"),
    para([run(t("export:report.subordinates", { complete: n(s.subordinates.filter((x) => x.complete).length), total: n(s.subordinates.length), level: t(`summary:levels.${level}`) }))]),
    ...items(s.subordinates.map((x) => t("export:report.subordinate_line", { name: x.name, reported: n(x.reported), total: n(x.total) }))),
  ];
}
