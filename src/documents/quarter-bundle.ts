import { toPlainText } from "../core/markup.js";
import { localDateOf } from "../core/cycle/local-time.js";
import type { QuarterExport } from "../core/summary/quarter-export.js";
import type { Locale } from "../db/schema.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import { renderStackedBars } from "../media/chart.js";
import { attendanceXlsx } from "./attendance-xlsx.js";
import { conclusionsXlsx } from "./conclusions-xlsx.js";
import { minutesDocx } from "./minutes-docx.js";
import { noticeReportXlsx } from "./notice-report-xlsx.js";
import { opinionsXlsx } from "./opinions.js";
import { progressXlsx } from "./progress-xlsx.js";
import { periodLabel } from "./report-terms.js";
import { progressChart } from "./summary-chart.js";
import { summaryDocx, type ReportMeeting } from "./summary-docx.js";
import { asciiFileName, writeZipBundle, type BundleEntry, type BundlePart } from "./zip-bundle.js";

/** What every part of the quarter's bundle is made with: the quarter's data, and the reader's language and time. */
export interface BundleInput {
  exp: QuarterExport;
  /** The translator bound to the reader (markup; documents take their plain text). */
  t: TFunction;
  locale: Locale;
  /** When the bundle is made: the date of the summary report and of the figures. */
  now: Date;
}

/** The parts one kind of file gives for the quarter; `none` names the kind in the contents list when it gives none. */
export type PartSource = (b: BundleInput) => { parts: BundlePart[]; none?: string };

const plain = (b: BundleInput, key: string, params?: Record<string, string | number>) => toPlainText(b.t(key, params));
const fileName = (b: BundleInput, key: string, params: Record<string, string | number>) => asciiFileName(plain(b, `export:files.${key}`, params));
const periodOf = (b: BundleInput) => periodLabel(b.t, { code: b.exp.scope.quarter.code, kind: "quarter", name: b.exp.scope.quarter.code }, b.locale);
const localDay = (b: BundleInput, at: string) => localDateOf(new Date(at), b.exp.scope.committee.timeZone);
const shownDay = (b: BundleInput, at: string) => formatDateTime(at, b.exp.scope.committee.timeZone).slice(0, 10);

/** The summary report with the chart: the quarter's figures, its meetings, notices and requests for opinions. */
const summaryPart: PartSource = (b) => ({
  parts: [
    {
      name: fileName(b, "summary", { quarter: b.exp.scope.quarter.code }),
      title: plain(b, "export:parts.summary", { period: periodOf(b) }),
      produce: async () => {
        const { exp } = b;
        const summary = await exp.summary();
        // Each object is read and cut down to its counts in turn: the report needs only the figures.
        const meetings: ReportMeeting[] = [];
        for (const m of exp.scope.meetings) {
          const s = await exp.meetingSheet(m.id);
          const c = s.counts;
          meetings.push({
            title: s.meeting.title,
            startsAt: s.meeting.startsAt,
            endsAt: s.meeting.endsAt,
            invited: c.invited,
            attending: c.attending,
            absent: c.absentApproved + c.absentPending + c.absentDeclined,
            proxy: c.proxyApproved + c.proxyPending,
            noAnswer: c.noAnswer,
            attendance: s.attendance,
          });
        }
        const notices = [];
        for (const n of exp.scope.notices) {
          const r = await exp.notice(n.id);
          notices.push({ id: r.noticeId, createdAt: r.createdAt, acknowledged: r.counts.acknowledged, total: r.counts.total });
        }
        const opinions = [];
        for (const o of exp.scope.opinionRequests) {
          const c = await exp.opinions(o.id);
          opinions.push({ title: c.title, deadline: c.deadline, answered: c.counts.answered, recipients: c.counts.recipients });
        }
        const chart = summary.organizations.length ? renderStackedBars(progressChart(b.t, b.locale, summary)) : null;
        return summaryDocx(b.t, b.locale, { committee: exp.scope.committee, quarter: exp.scope.quarter, summary, meetings, notices, opinions, chart, at: b.now });
      },
    },
  ],
});

/** Each meeting's invitations, answers and attendance (XLSX). */
const attendanceParts: PartSource = (b) => ({
  parts: b.exp.scope.meetings.map((m) => ({
    name: fileName(b, "attendance", { date: localDay(b, m.startsAt) }),
    title: plain(b, "export:parts.attendance", { title: m.title, date: shownDay(b, m.startsAt) }),
    produce: async () => attendanceXlsx(b.t, await b.exp.meetingSheet(m.id)),
  })),
  none: plain(b, "export:none.meetings"),
});

/** Each meeting's minutes draft (DOCX). */
const minutesParts: PartSource = (b) => ({
  parts: b.exp.scope.meetings.map((m) => ({
    name: fileName(b, "minutes", { date: localDay(b, m.startsAt) }),
    title: plain(b, "export:parts.minutes", { title: m.title, date: shownDay(b, m.startsAt) }),
    produce: async () => minutesDocx(b.t, await b.exp.minutes(m.id)),
  })),
});

/** The period's progress reports, shaped like the reporting form (XLSX). */
const progressPart: PartSource = (b) => ({
  parts: [
    {
      name: fileName(b, "progress", { quarter: b.exp.scope.quarter.code }),
      title: plain(b, "export:parts.progress", { period: periodOf(b) }),
      produce: async () => {
        const status = await b.exp.progress();
        return status ? progressXlsx(b.t, b.locale, status, b.now) : null;
      },
    },
  ],
});

/** Each request for opinions of the quarter, compiled (XLSX). */
const opinionsParts: PartSource = (b) => ({
  parts: b.exp.scope.opinionRequests.map((o) => ({
    name: fileName(b, "opinions", { id: o.id }),
    title: plain(b, "export:parts.opinions", { title: o.title }),
    produce: async () => opinionsXlsx(b.t, await b.exp.opinions(o.id)),
  })),
  none: plain(b, "export:none.opinions"),
});

/** Each notice of the quarter with its deliveries and acknowledgements (XLSX). */
const noticeParts: PartSource = (b) => ({
  parts: b.exp.scope.notices.map((n) => ({
    name: fileName(b, "notice", { id: n.id }),
    title: plain(b, "export:parts.notice", { id: n.id, date: shownDay(b, n.createdAt) }),
    produce: async () => noticeReportXlsx(b.t, await b.exp.notice(n.id)),
  })),
  none: plain(b, "export:none.notices"),
});

/** The chair's conclusions followed up in the quarter: organization in charge, deadline, where each stands (XLSX). */
const conclusionsPart: PartSource = (b) => ({
  parts: [
    {
      name: fileName(b, "conclusions", { quarter: b.exp.scope.quarter.code }),
      title: plain(b, "export:parts.conclusions", { period: periodOf(b) }),
      produce: async () => {
        const report = await b.exp.conclusions();
        return report ? conclusionsXlsx(b.t, report) : null;
      },
    },
  ],
});

/** The kinds of file in the bundle, in the order they are numbered; another kind is one more source here. */
export const QUARTER_PART_SOURCES: readonly PartSource[] = [summaryPart, attendanceParts, minutesParts, progressPart, conclusionsPart, opinionsParts, noticeParts];

/** The bundle's own name: "ho-so-LS-2026-Q4.zip" (English "files-LS-2026-Q4.zip"). */
export const quarterBundleName = (b: BundleInput): string => fileName(b, "bundle", { committee: b.exp.scope.committee.code, quarter: b.exp.scope.quarter.code });

/**
 * Writes the quarter's bundle (see writeZipBundle) to `sink`: every part of `sources` in order, then the contents
 * list ("00-danh-muc.txt": UTF-8 with a byte-order mark and CRLF line ends, so Notepad shows it right) naming each
 * file and what the quarter had none of. Returns the files written.
 */
export async function writeQuarterBundle(b: BundleInput, sink: (chunk: Uint8Array) => void, sources: readonly PartSource[] = QUARTER_PART_SOURCES): Promise<BundleEntry[]> {
  const made = sources.map((source) => source(b));
  const none = made.filter((m) => m.parts.length === 0 && m.none).map((m) => m.none!);
  const contents = (entries: readonly BundleEntry[]) =>
    "\uFEFF" +
    [
      plain(b, "export:contents.title", { period: periodOf(b).toUpperCase() }),
      b.exp.scope.committee.name,
      plain(b, "export:contents.made", { time: formatDateTime(b.now, b.exp.scope.committee.timeZone) }),
      "",
      ...entries.map((e) => plain(b, "export:contents.line", { file: e.name, title: e.title })),
      ...(none.length ? ["", plain(b, "export:contents.none", { list: none.join("; ") })] : []),
      "",
    ].join("\r\n");
  return writeZipBundle(
    made.flatMap((m) => m.parts),
    { name: fileName(b, "contents", {}), text: contents },
    sink,
    b.now,
  );
}

/** The quarter's bundle in memory, for sending in chat. */
export async function quarterBundleBytes(b: BundleInput, sources?: readonly PartSource[]): Promise<{ name: string; bytes: Buffer; entries: BundleEntry[] }> {
  const chunks: Uint8Array[] = [];
  const entries = await writeQuarterBundle(b, (c) => chunks.push(c), sources);
  return { name: quarterBundleName(b), bytes: Buffer.concat(chunks), entries };
}
