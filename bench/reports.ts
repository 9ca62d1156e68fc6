/**
 * Part 4 — a reporting period at provincial scale, through core over a SQLite file (no chat platform):
 * one committee with a secretariat member and `organizations` members, one per organization, each linked
 * through their invite; a task registry of `organizations × tasksPerOrganization` tasks imported by CSV (and
 * imported again unchanged); every member reports on all of their tasks (the report dialog's context, then
 * the submission); then the member's task list (/report), the secretariat's period status (/progress) and
 * the XLSX export over that status, each run `runs` times. The clock stands still inside 2026-Q4, before its
 * deadline, so the quarter's period is created on demand and every report is on time.
 */
import { performance } from "node:perf_hooks";
import ExcelJS from "exceljs";
import { cliActor, loadActorByChannel, type Actor } from "../src/core/actor.js";
import { createCore } from "../src/core/index.js";
import type { TaskImportReport } from "../src/core/reports/tasks.js";
import type { TaskState } from "../src/core/reports/updates.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import type { IndicatorKind, ProgressStatus } from "../src/db/schema.js";
import { progressXlsx } from "../src/documents/progress-xlsx.js";
import { createTranslator } from "../src/i18n/index.js";
import { percentile, tempDatabase, timed } from "./support.js";

export interface ReportsOptions {
  /** Organizations, one member each. */
  organizations: number;
  tasksPerOrganization: number;
  /** Runs of each read (member's list, period status, XLSX export); median and max are reported. */
  runs: number;
}

/** Real ms of repeated runs of one read. */
export interface Runs {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

export interface PerCall {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

export interface ReportsResult {
  organizations: number;
  members: number;
  tasks: number;
  /** Committee, roster import (CSV) and every invite redeemed, real ms. */
  seedMs: number;
  import: { ms: number; report: TaskImportReport };
  reimport: { ms: number; report: TaskImportReport };
  submissions: {
    count: number;
    /** Wall time of the whole reporting round: per member the list, then per task the context and the submission. */
    wallMs: number;
    perSecond: number;
    /** One report dialog's context (core.reports.context). */
    context: PerCall;
    /** One submission (core.reports.submit). */
    submit: PerCall;
    /** Obstacles and proposals that became items for the secretariat. */
    items: number;
  };
  mine: Runs & { tasks: number };
  findPeriod: Runs;
  status: Runs & { rows: number; counts: Record<TaskState, number> & { total: number }; organizations: number };
  xlsx: Runs & { bytes: number; sheetRows: number };
  memory: { start: MemorySample; seeded: MemorySample; reported: MemorySample; end: MemorySample };
  /** Real ms of the whole part, seeding included. */
  wallMs: number;
}

/** 2026-11-23 09:00 in Hà Nội: inside 2026-Q4, before its deadline of 15/12/2026 17:00. */
const NOW = new Date("2026-11-23T02:00:00.000Z");
const FIRST_USER_ID = 900_000;
const KINDS: IndicatorKind[] = ["percent", "numeric", "milestone"];
const STATUSES: ProgressStatus[] = ["on_track", "on_track", "at_risk", "done", "behind", "on_track", "not_started", "at_risk", "on_track", "done"];

const organizationName = (i: number) => `Sở ban ngành số ${String(i + 1).padStart(3, "0")}`;
const memory = (): MemorySample => {
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
};
const median = (xs: number[]) => percentile(xs, 50);
const runsOf = (samples: number[]): Runs => ({ samples, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) });
const perCall = (xs: number[]): PerCall => ({
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
  max: Math.max(...xs),
  mean: xs.reduce((a, b) => a + b, 0) / xs.length,
});

function rosterCsv(organizations: number): string {
  const lines = ["full_name,role,organization,title,email", "Phạm Thị Thư Ký,secretariat,Văn phòng UBND tỉnh,Chuyên viên,thuky@bench.vn"];
  for (let i = 0; i < organizations; i++) lines.push(`Thành viên ${i + 1},member,${organizationName(i)},Giám đốc,tv${i + 1}@bench.vn`);
  return lines.join("\n");
}

/** Ten tasks per organization: percentages, counts of files ("hồ sơ") with a target, and milestones, in turn. */
function tasksCsv(organizations: number, perOrganization: number): string {
  const lines = ["code,title,source_document,organization,person,kind,target,unit,due_date,period"];
  for (let o = 0; o < organizations; o++) {
    for (let j = 0; j < perOrganization; j++) {
      const code = `NV-${String(o + 1).padStart(3, "0")}-${String(j + 1).padStart(2, "0")}`;
      const kind = KINDS[(o + j) % KINDS.length]!;
      const [title, target, unit] =
        kind === "percent"
          ? [`Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình (${code})`, "80", ""]
          : kind === "numeric"
            ? [`Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính (${code})`, "1500", "hồ sơ"]
            : [`Đưa hệ thống thông tin chuyên ngành vào vận hành (${code})`, "", ""];
      lines.push(`${code},"${title}",Kế hoạch 120/KH-UBND,${organizationName(o)},,${kind},${target},${unit},31/12/2026,`);
    }
  }
  return lines.join("\n");
}

export async function benchReports(opts: ReportsOptions): Promise<ReportsResult> {
  const started = performance.now();
  const start = memory();
  const temp = tempDatabase("reports");
  const handle = openDatabase(temp.url);
  try {
    await migrateToLatest(handle.db);
    const core = createCore({
      db: handle.db,
      dialect: handle.dialect,
      clock: () => new Date(NOW),
      settings: { defaultLocale: "vi", timeZone: "Asia/Ho_Chi_Minh", inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
    });

    // The roster, everyone linked as they would be by opening their invite.
    const seeded = await timed(async () => {
      const committee = await core.committees.create(cliActor, { code: "TINH", name: "Ban Chỉ đạo chuyển đổi số tỉnh", level: "province" });
      const roster = await core.roster.importCsv(cliActor, committee.id, rosterCsv(opts.organizations));
      if (roster.invites.length !== opts.organizations + 1) throw new Error(`roster: expected ${opts.organizations + 1} invites, got ${roster.invites.length} (${JSON.stringify(roster.errors.slice(0, 3))})`);
      const actors: (Actor & { kind: "person" })[] = [];
      for (const [i, invite] of roster.invites.entries()) {
        const id = String(FIRST_USER_ID + i);
        await core.invites.redeem({ channel: "telegram", externalId: id, chatId: id, username: null, code: invite.code });
        const actor = await loadActorByChannel(handle.db, "telegram", id);
        if (!actor) throw new Error(`seeding: invite ${i} did not link`);
        actors.push(actor);
      }
      const secretary = actors.find((a) => a.seats[0]?.role === "secretariat")!;
      return { committeeId: committee.id, secretary, members: actors.filter((a) => a !== secretary) };
    });
    const { committeeId, secretary, members } = seeded.value;

    // The task registry: first import, then the same file again.
    const csv = tasksCsv(opts.organizations, opts.tasksPerOrganization);
    const imported = await timed(() => core.tasks.importCsv(secretary, committeeId, csv));
    const reimported = await timed(() => core.tasks.importCsv(secretary, committeeId, csv));
    const taskCount = opts.organizations * opts.tasksPerOrganization;
    if (imported.value.created !== taskCount || imported.value.errors.length) throw new Error(`task import: ${JSON.stringify({ ...imported.value, errors: imported.value.errors.slice(0, 3) })}`);
    const afterSeeding = memory();

    // Every member reports on all their tasks: the list, then per task the dialog's context and the submission.
    const contextMs: number[] = [];
    const submitMs: number[] = [];
    let items = 0;
    const roundStarted = performance.now();
    for (const [m, member] of members.entries()) {
      const mine = await core.reports.mine(member);
      const tasks = mine.flatMap((p) => p.tasks.map((t) => ({ task: t.task, periodId: p.period.id })));
      if (tasks.length !== opts.tasksPerOrganization) throw new Error(`member ${m + 1} sees ${tasks.length} tasks, expected ${opts.tasksPerOrganization}`);
      for (const [j, { task }] of tasks.entries()) {
        let t0 = performance.now();
        const rc = await core.reports.context(member, task.id);
        contextMs.push(performance.now() - t0);
        if (rc.blocked) throw new Error(`task ${task.code} is blocked: ${rc.blocked}`);
        const status = STATUSES[(m + j) % STATUSES.length]!;
        const progress =
          status === "not_started" ? null : status === "done" ? (task.indicator_kind === "numeric" ? 1500 : 100) : task.indicator_kind === "numeric" ? 300 + ((m * 37 + j * 91) % 1100) : 10 + ((m * 7 + j * 13) % 85);
        t0 = performance.now();
        const r = await core.reports.submit(member, {
          taskId: task.id,
          periodId: rc.period.id,
          status,
          progress,
          results: status === "not_started" ? null : `Đã triển khai ${task.code} theo kế hoạch; cập nhật số liệu đến ngày báo cáo.`,
          obstacles: (m + j) % 4 === 0 ? "Thiếu kinh phí và nhân lực chuyên trách về công nghệ thông tin." : null,
          proposals: (m + j) % 7 === 0 ? "Đề nghị Sở Tài chính bố trí kinh phí bổ sung trong quý I/2027." : null,
        });
        submitMs.push(performance.now() - t0);
        items += r.items;
      }
    }
    const roundMs = performance.now() - roundStarted;
    const afterReports = memory();

    // The reads, `runs` times each: a member's list (a different member each run), the secretariat's
    // period (as /progress finds it), its status, and the XLSX export over that status.
    const mineMs: number[] = [];
    const findMs: number[] = [];
    const statusMs: number[] = [];
    const xlsxMs: number[] = [];
    let mineTasks = 0;
    let buffer: Buffer = Buffer.alloc(0);
    const t = createTranslator("vi").bind("vi");
    for (let i = 0; i < opts.runs; i++) {
      const member = members[Math.floor((i * members.length) / opts.runs)]!;
      const mine = await timed(() => core.reports.mine(member));
      mineMs.push(mine.ms);
      mineTasks = mine.value.reduce((n, p) => n + p.tasks.length, 0);
    }
    const period = (await core.periods.find(secretary, committeeId)).id;
    for (let i = 0; i < opts.runs; i++) findMs.push((await timed(() => core.periods.find(secretary, committeeId))).ms);
    let status = await core.reports.status(secretary, period);
    for (let i = 0; i < opts.runs; i++) {
      const s = await timed(() => core.reports.status(secretary, period));
      statusMs.push(s.ms);
      status = s.value;
    }
    for (let i = 0; i < opts.runs; i++) {
      const x = await timed(() => progressXlsx(t, "vi", status, NOW));
      xlsxMs.push(x.ms);
      buffer = x.value;
    }
    const end = memory();

    // Not timed: the export opens and holds one row per task under its four heading rows.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);

    return {
      organizations: opts.organizations,
      members: members.length,
      tasks: taskCount,
      seedMs: seeded.ms,
      import: { ms: imported.ms, report: imported.value },
      reimport: { ms: reimported.ms, report: reimported.value },
      submissions: { count: submitMs.length, wallMs: roundMs, perSecond: (submitMs.length / roundMs) * 1000, context: perCall(contextMs), submit: perCall(submitMs), items },
      mine: { ...runsOf(mineMs), tasks: mineTasks },
      findPeriod: runsOf(findMs),
      status: { ...runsOf(statusMs), rows: status.rows.length, counts: status.counts, organizations: status.byOrganization.length },
      xlsx: { ...runsOf(xlsxMs), bytes: buffer.length, sheetRows: book.worksheets[0]?.rowCount ?? 0 },
      memory: { start, seeded: afterSeeding, reported: afterReports, end },
      wallMs: performance.now() - started,
    };
  } finally {
    await handle.close();
    temp.remove();
  }
}
