import { InvalidArgumentError, type Command } from "commander";
import { cliActor } from "../core/actor.js";
import { showDate } from "../core/cycle/local-time.js";
import { formatDateTime } from "../i18n/format.js";
import { createTranslator } from "../i18n/index.js";
import { readUtf8 } from "./files.js";
import { withDatabase, type CliDbContext, type CommandDeps } from "./session.js";
import { renderTable } from "./text.js";

/**
 * conclusions:add, conclusions:import and conclusions:list: the chair's conclusions after a meeting (Art. 7.4), recorded as
 * tasks, published to the committee as a notice in the CLI's language, and followed up to closure.
 */
export function registerConclusionCommands(program: Command, { m, io, run, lang }: CommandDeps): void {
  const c = m.conclusions;
  const meeting = (value: string): number => {
    if (!/^#?\d{1,9}$/.test(value.trim())) throw new InvalidArgumentError(c("meeting"));
    return Number(value.trim().replace("#", ""));
  };
  /** The notice goes out in the language of the run (--lang, else DEFAULT_LOCALE). */
  const noticeT = (ctx: CliDbContext) => createTranslator(ctx.locale).bind(ctx.locale);

  program
    .command("conclusions:add")
    .description(c("add.description"))
    .argument("<committeeCode>", m.committeeCode)
    .requiredOption("--meeting <id>", c("meeting"), meeting)
    .requiredOption("--org <organization>", c("add.org"))
    .requiredOption("--due <date>", c("add.due"))
    .requiredOption("--text <text>", c("add.text"))
    .action((code: string, opts: { meeting: number; org: string; due: string; text: string }, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          const done = await ctx.core.conclusions.record(cliActor, noticeT(ctx), { committeeId: committee.id, meetingId: opts.meeting, conclusions: [{ text: opts.text, organization: opts.org, due: opts.due }] });
          ctx.out(c("recorded", { count: done.tasks.length, codes: done.tasks.map((t) => t.code).join(", "), recipients: done.recipients }));
          return 0;
        }),
      ),
    );

  program
    .command("conclusions:import")
    .description(c("import.description"))
    .argument("<committeeCode>", m.committeeCode)
    .requiredOption("--meeting <id>", c("meeting"), meeting)
    .requiredOption("--file <csv>", c("import.file"))
    .action((code: string, opts: { meeting: number; file: string }, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          const csv = readUtf8(opts.file, ctx, c("import.notUtf8", { file: opts.file }));
          const result = await ctx.core.conclusions.importCsv(cliActor, noticeT(ctx), { committeeId: committee.id, meetingId: opts.meeting, csv });
          if (result.recorded) {
            ctx.out(c("recorded", { count: result.recorded.tasks.length, codes: result.recorded.tasks.map((t) => t.code).join(", "), recipients: result.recorded.recipients }));
            return 0;
          }
          ctx.out(ctx.t("roster:import.errors_header"));
          for (const e of result.errors) ctx.out(ctx.t("roster:import.error_line", { line: e.line, reason: ctx.t(e.code, e.params) }));
          ctx.out();
          ctx.out(c("import.nothing", { file: opts.file }));
          return 1;
        }),
      ),
    );

  program
    .command("conclusions:list")
    .description(c("list.description"))
    .argument("<committeeCode>", m.committeeCode)
    .option("--meeting <id>", c("meeting"), meeting)
    .action((code: string, opts: { meeting?: number }, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          const { conclusions, counts, timeZone } = await ctx.core.conclusions.list(cliActor, committee.id, { meetingId: opts.meeting });
          if (conclusions.length === 0) {
            ctx.out(c("list.empty", { code: committee.code }));
            return 0;
          }
          const state = (v: (typeof conclusions)[number]) => ctx.t(`conclusions:states.${v.doneLate ? "done_late" : v.state}`);
          ctx.out(
            renderTable(
              [c("list.columns.code"), c("list.columns.meeting"), c("list.columns.text"), c("list.columns.organization"), c("list.columns.due"), c("list.columns.state"), c("list.columns.latest")],
              conclusions.map((v) => [
                v.code,
                `#${v.meetingId} ${formatDateTime(v.meetingStartsAt, timeZone).slice(0, 10)}`,
                v.text,
                v.organization,
                showDate(v.due),
                state(v),
                v.latestAt ? formatDateTime(v.latestAt, timeZone) : "—",
              ]),
            ),
          );
          ctx.out(c("list.counts", { total: counts.total, done: counts.done, onTime: counts.on_time, overdue: counts.overdue }));
          return 0;
        }),
      ),
    );
}
