import { InvalidArgumentError, type Command } from "commander";
import { cliActor } from "../core/actor.js";
import { foldKey } from "../core/csv.js";
import { DomainError } from "../core/errors.js";
import { formatDecimal } from "../core/reports/numbers.js";
import { periodPhase } from "../core/reports/periods.js";
import type { Locale, ReportingPeriodRow, TaskRow } from "../db/schema.js";
import { progressXlsx } from "../documents/progress-xlsx.js";
import { periodLabel } from "../documents/report-terms.js";
import { formatDateTime, formatPercent, parseLocalDateTime } from "../i18n/format.js";
import { createTranslator } from "../i18n/index.js";
import { fileReason, readUtf8, writePrivateFile } from "./files.js";
import type { CliMessages } from "./messages.js";
import { CliFailure, withDatabase, type CliDbContext, type CommandDeps } from "./session.js";
import { renderTable } from "./text.js";

interface OpenOptions {
  committee: string;
  code: string;
  name: string;
  due: string;
  closes: string;
}

/**
 * tasks:import, tasks:list, periods:list, period:open and period:export: the secretariat's register of tasks
 * and its reporting periods, run as the CLI actor. Times are typed as "dd/MM/yyyy HH:mm" and read in the
 * committee's time zone.
 */
export function registerReportCommands(program: Command, { m, io, run, lang }: CommandDeps): void {
  // The form does not depend on the zone, so UTC is enough to check it before the database is opened.
  const dateTime = (value: string): string => {
    if (!parseLocalDateTime(value, "UTC")) throw new InvalidArgumentError(m.dateTimeInvalid);
    return value;
  };

  program
    .command("tasks:import")
    .description(m.tasksImport.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .argument("<file>", m.tasksImport.file)
    .action((file: string, opts: { committee: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => importTasks(ctx, opts.committee, file))));

  program
    .command("tasks:list")
    .description(m.tasksList.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .action((opts: { committee: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listTasks(ctx, opts.committee))));

  program
    .command("periods:list")
    .description(m.periodsList.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .action((opts: { committee: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listPeriods(ctx, opts.committee))));

  program
    .command("period:open")
    .description(m.periodOpen.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .requiredOption("--code <code>", m.periodOpen.code)
    .requiredOption("--name <name>", m.periodOpen.name)
    .requiredOption("--due <datetime>", m.periodOpen.due, dateTime)
    .requiredOption("--closes <datetime>", m.periodOpen.closes, dateTime)
    .action((opts: OpenOptions, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => openPeriod(ctx, opts))));

  program
    .command("period:export")
    .description(m.periodExport.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .option("--period <period>", m.periodExport.period)
    .requiredOption("--out <file>", m.periodExport.out)
    .action((opts: { committee: string; period?: string; out: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => exportPeriod(ctx, opts))));
}

/** A checked "dd/MM/yyyy HH:mm" read in the committee's time zone. */
function localTime(ctx: CliDbContext, option: string, text: string, timeZone: string): Date {
  const at = parseLocalDateTime(text, timeZone);
  if (!at) throw new CliFailure(`${option}: ${ctx.m.dateTimeInvalid}`);
  return at;
}

/**
 * Imports the register, then prints the counts, a warning for each task whose organization has nobody on the
 * roster to report on it, and each row left out with its line number and reason.
 * Exit code 1 when any row was left out (as members:import), with its own words when the file as a whole
 * could not be used (no header, no code or title column, not CSV).
 */
async function importTasks(ctx: CliDbContext, committeeCode: string, file: string): Promise<number> {
  const { core, m, t, out } = ctx;
  const committee = await core.committees.require(committeeCode);
  const text = readUtf8(file, ctx, m.tasksImport.notUtf8(file));
  const report = await core.tasks.importCsv(cliActor, committee.id, text);
  out(
    t("reports:tasks.import_summary", {
      committee: committee.name,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      errors: report.errors.length,
    }),
  );
  // Imported all the same: the roster may simply not list the organization's members yet.
  for (const u of report.unstaffed) out(m.tasksImport.unstaffed(u));
  if (report.errors.length === 0) return 0;
  out();
  out(t("roster:import.errors_header"));
  // The reason is translated to plain text first, so the line's own escaping is undone exactly once.
  for (const e of report.errors) out(t("roster:import.error_line", { line: e.line, reason: t(e.code, e.params) }));
  out();
  // Only the file-level checks speak in roster:csv.* terms; a row's own faults are reports:row.*.
  out(report.errors.some((e) => e.code.startsWith("roster:csv.")) ? m.tasksImport.unusable(file) : m.tasksImport.fixAndRerun);
  return 1;
}

/** "80%", "1.500 hồ sơ", or a milestone. */
function targetText(m: CliMessages, locale: Locale, task: TaskRow): string {
  if (task.indicator_kind === "milestone" || task.target_value === null) return m.tasksList.milestone;
  const n = formatDecimal(task.target_value, locale);
  return task.indicator_kind === "percent" ? formatPercent(task.target_value, locale) : `${n} ${task.unit ?? ""}`.trim();
}

async function listTasks(ctx: CliDbContext, committeeCode: string): Promise<number> {
  const { core, m, out, locale } = ctx;
  const committee = await core.committees.require(committeeCode);
  const tasks = await core.tasks.list(cliActor, committee.id);
  if (tasks.length === 0) {
    out(m.tasksList.empty(committee.name));
    return 0;
  }
  const rows = tasks.map((task) => [
    task.code,
    task.title,
    [task.responsible_organization, task.personName].filter(Boolean).join(" / "),
    targetText(m, locale, task),
    task.due_date ? task.due_date.split("-").reverse().join("/") : "",
    task.period === "quarterly" ? m.tasksList.quarterly : task.period,
  ]);
  out(m.tasksList.header(committee.name, tasks.length));
  out();
  out(renderTable(m.tasksList.columns, rows));
  return 0;
}

async function listPeriods(ctx: CliDbContext, committeeCode: string): Promise<number> {
  const { core, m, t, out, locale } = ctx;
  const committee = await core.committees.require(committeeCode);
  const tz = committee.time_zone;
  const periods = await core.periods.list(cliActor, committee.id);
  const now = core.ctx.clock();
  const rows: string[][] = [];
  for (const p of periods) {
    const { counts } = await core.reports.status(cliActor, p.id);
    rows.push([
      p.code,
      periodLabel(t, p, locale),
      formatDateTime(p.opens_at, tz),
      formatDateTime(p.due_at, tz),
      formatDateTime(p.closes_at, tz),
      t(`reports:periods.status_${periodPhase(p, now)}`),
      `${counts.on_time + counts.late}/${counts.total}`,
    ]);
  }
  out(m.periodsList.header(committee.name));
  out();
  out(renderTable(m.periodsList.columns, rows));
  out(m.periodsList.hint);
  return 0;
}

async function openPeriod(ctx: CliDbContext, opts: OpenOptions): Promise<number> {
  const { core, t, out } = ctx;
  const committee = await core.committees.require(opts.committee);
  const tz = committee.time_zone;
  const period = await core.periods.openExtra(cliActor, {
    committeeId: committee.id,
    code: opts.code,
    name: opts.name,
    dueAt: localTime(ctx, "--due", opts.due, tz),
    closesAt: localTime(ctx, "--closes", opts.closes, tz),
  });
  out(t("reports:periods.opened", { name: period.name, code: period.code, tasks: period.tasks, due: formatDateTime(period.due_at, tz), closes: formatDateTime(period.closes_at, tz) }));
  return 0;
}

/**
 * The period `--period` names: its number, its code or its name, in any case. Without one, the period open
 * now; when several are open (a quarter and an extra review, say) the CLI does not guess: the file goes to
 * the leadership under the period's name, so it refuses and lists them, and one more command settles it.
 */
async function choosePeriod(ctx: CliDbContext, committeeId: number, wanted: string | undefined): Promise<ReportingPeriodRow> {
  const { core, m, t, locale } = ctx;
  await core.periods.list(cliActor, committeeId); // creates the current quarter's period if need be
  const periods = await core.ctx.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", committeeId).orderBy("opens_at").orderBy("id").execute();
  if (wanted?.trim()) {
    const key = foldKey(wanted);
    const found =
      periods.find((p) => foldKey(p.code) === key) ??
      periods.find((p) => foldKey(p.name) === key || foldKey(periodLabel(t, p, locale)) === key) ??
      (/^\d+$/.test(key) ? periods.find((p) => p.id === Number(key)) : undefined);
    if (!found) throw new DomainError("reports:errors.period_not_found", { code: wanted.trim() });
    return found;
  }
  const now = core.ctx.clock().toISOString();
  const open = periods.filter((p) => p.opens_at <= now && now < p.closes_at);
  if (open.length > 1) {
    const list = open.map((p) => m.periodExport.choice({ code: p.code, name: periodLabel(t, p, locale) })).join("; ");
    throw new CliFailure(m.periodExport.several({ count: open.length, list, example: open.at(-1)!.code }));
  }
  return open[0] ?? (await core.periods.find(cliActor, committeeId));
}

/** Writes the period's reports as the usual Excel form, readable by its owner only. */
async function exportPeriod(ctx: CliDbContext, opts: { committee: string; period?: string; out: string }): Promise<number> {
  const { core, m, t, out, locale } = ctx;
  const committee = await core.committees.require(opts.committee);
  const period = await choosePeriod(ctx, committee.id, opts.period);
  const status = await core.reports.status(cliActor, period.id);
  // The document takes the translator's own (HTML-escaped) text and undoes the escaping itself.
  const buffer = await progressXlsx(createTranslator(locale).bind(locale), locale, status, core.ctx.clock());
  try {
    writePrivateFile(opts.out, buffer);
  } catch (e) {
    throw new CliFailure(m.membersImport.cannotWrite(opts.out, fileReason(e, m)));
  }
  out(m.periodExport.done({ period: periodLabel(t, period, locale), count: status.rows.length, file: opts.out }));
  out(t("reports:status_view.counts", status.counts));
  return 0;
}
