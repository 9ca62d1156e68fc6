import { InvalidArgumentError, type Command } from "commander";
import { cliActor } from "../core/actor.js";
import { localDateOf, showDate, weekdayOf } from "../core/cycle/local-time.js";
import type { CommitteeRow } from "../db/schema.js";
import { formatDateTime, parseLocalDateTime } from "../i18n/format.js";
import { createTranslator } from "../i18n/index.js";
import { CliFailure, withDatabase, type CliDbContext, type CommandDeps } from "./session.js";
import { renderTable } from "./text.js";

/**
 * cycle:show, cycle:set, cycle:drafts, cycle:confirm and holidays:list/add/work/remove: the secretariat's quarterly
 * cycle (DESIGN.md §4) and the committee's working calendar, run as the CLI actor. Dates are typed dd/MM/yyyy and
 * read as the committee's local dates.
 */
export function registerCycleCommands(program: Command, { m, io, run, lang }: CommandDeps): void {
  const c = m.cycle;
  const year = (value: string): number => {
    if (!/^\d{4}$/.test(value.trim())) throw new InvalidArgumentError(c("holidays.year"));
    return Number(value);
  };
  const positive = (value: string): number => {
    if (!/^#?\d{1,9}$/.test(value.trim())) throw new InvalidArgumentError(c("confirm.draft"));
    return Number(value.trim().replace("#", ""));
  };

  program
    .command("cycle:show")
    .description(c("show.description"))
    .argument("<committeeCode>", m.committeeCode)
    .action((code: string, _opts: object, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => showCycle(ctx, code))));

  program
    .command("cycle:set")
    .description(c("set.description"))
    .argument("<committeeCode>", m.committeeCode)
    .argument("<key>", c("set.key"))
    .argument("<value>", c("set.value"))
    .action((code: string, key: string, value: string, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          const line = await ctx.core.cycle.set(cliActor, committee.id, key, value);
          ctx.out(ctx.m.cycle("set.done", { key: line.key, value: line.value, code: committee.code }));
          ctx.out(line.key === "paused" && line.value === "off" ? ctx.m.cycle("set.resumed") : ctx.m.cycle("set.note"));
          return 0;
        }),
      ),
    );

  program
    .command("cycle:drafts")
    .description(c("drafts.description"))
    .argument("<committeeCode>", m.committeeCode)
    .action((code: string, _opts: object, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listDrafts(ctx, code))));

  program
    .command("cycle:confirm")
    .description(c("confirm.description"))
    .argument("<committeeCode>", m.committeeCode)
    .argument("<draft>", c("confirm.draft"), positive)
    .option("--start <datetime>", c("confirm.start"))
    .option("--place <text>", c("confirm.place"))
    .option("--link <url>", c("confirm.link"))
    .action((code: string, draftId: number, opts: { start?: string; place?: string; link?: string }, cmd: Command) =>
      run(withDatabase(io, lang(cmd), (ctx) => confirmDraft(ctx, code, draftId, opts))),
    );

  program
    .command("holidays:list")
    .description(c("holidays.listDescription"))
    .argument("<committeeCode>", m.committeeCode)
    .option("--year <year>", c("holidays.year"), year)
    .action((code: string, opts: { year?: number }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listDays(ctx, code, opts.year))));

  for (const [name, kind] of [
    ["holidays:add", "off"],
    ["holidays:work", "work"],
  ] as const) {
    program
      .command(name)
      .description(c(kind === "off" ? "holidays.addDescription" : "holidays.workDescription"))
      .argument("<committeeCode>", m.committeeCode)
      .argument("<date>", c("holidays.date"))
      .argument("<reason>", c("holidays.reason"))
      .action((code: string, date: string, reason: string, _opts: object, cmd: Command) =>
        run(
          withDatabase(io, lang(cmd), async (ctx) => {
            const committee = await ctx.core.committees.require(code);
            const set = kind === "off" ? ctx.core.cycle.dayOff : ctx.core.cycle.workingDay;
            const done = await set(cliActor, committee.id, date, reason);
            ctx.out(ctx.m.cycle(kind === "off" ? "holidays.added" : "holidays.worked", { date: showDate(done.date), code: committee.code, reason: reason.trim() }));
            return 0;
          }),
        ),
      );
  }

  const days = (value: string): number => {
    if (!/^\d{1,2}$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(c("reminders.days"));
    return Number(value);
  };

  program
    .command("reminders:list")
    .description(c("reminders.listDescription"))
    .argument("<committeeCode>", m.committeeCode)
    .option("--days <n>", c("reminders.days"), days)
    .action((code: string, opts: { days?: number }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listReminders(ctx, code, opts.days ?? 7))));

  program
    .command("reminders:send")
    .description(c("reminders.sendDescription"))
    .argument("<committeeCode>", m.committeeCode)
    .action((code: string, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          ctx.out(ctx.t("cycle:nudge.sent_now", { count: await ctx.core.nudges.sendNow(cliActor, committee.id) }));
          return 0;
        }),
      ),
    );

  program
    .command("holidays:remove")
    .description(c("holidays.removeDescription"))
    .argument("<committeeCode>", m.committeeCode)
    .argument("<date>", c("holidays.date"))
    .action((code: string, date: string, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async (ctx) => {
          const committee = await ctx.core.committees.require(code);
          const done = await ctx.core.cycle.removeDay(cliActor, committee.id, date);
          ctx.out(ctx.m.cycle("holidays.removed", { date: showDate(done.date) }));
          return 0;
        }),
      ),
    );
}

/** The nudges of the coming working days: one line per person and thing owed, by day. */
async function listReminders(ctx: CliDbContext, code: string, days: number): Promise<number> {
  const { core, out, t } = ctx;
  const committee = await core.committees.require(code);
  const { paused, lines } = await core.nudges.upcoming(cliActor, committee.id, days);
  if (paused) out(t("cycle:nudge.list_paused"));
  if (!lines.length) {
    out(t("cycle:nudge.list_empty"));
    return 0;
  }
  out(t("cycle:nudge.list_header", { days }));
  for (const l of lines) out(t("cycle:nudge.list_line", { day: showDate(l.day), name: l.fullName, what: t(`cycle:nudge.kinds.${l.kind}`), due: formatDateTime(l.due, committee.time_zone) }));
  return 0;
}

/** Every setting with its value, whether it is the default, and what it means. */
async function showCycle(ctx: CliDbContext, code: string): Promise<number> {
  const { core, out } = ctx;
  const c = ctx.m.cycle;
  const committee = await core.committees.require(code);
  const lines = await core.cycle.show(cliActor, committee.id);
  out(c("show.header", { committee: committee.name, code: committee.code }));
  out();
  const rows = lines.map((l) => [l.key, l.value, l.isDefault ? c("show.default") : c("show.changed"), c(`keys.${l.key.replace(/\./g, "_")}`)]);
  out(renderTable(["key", "value", "source", "meaning"].map((k) => c(`show.columns.${k}`)), rows));
  out(c("show.next_digest", { at: formatDateTime(await core.cycle.nextDigest(cliActor, committee.id), committee.time_zone) }));
  if (lines.some((l) => l.key === "paused" && l.value === "on")) out(c("show.paused", { code: committee.code }));
  out(c("show.hint", { code: committee.code }));
  return 0;
}

async function listDrafts(ctx: CliDbContext, code: string): Promise<number> {
  const { core, out, t } = ctx;
  const c = ctx.m.cycle;
  const committee = await core.committees.require(code);
  const drafts = await core.cycle.drafts(cliActor, committee.id);
  if (!drafts.length) {
    out(t("cycle:drafts.none"));
    return 0;
  }
  out(c("drafts.header", { committee: committee.name }));
  out();
  const rows = drafts.map((d) => [String(d.id), quarterName(ctx, d.quarter), formatDateTime(d.starts_at, committee.time_zone), d.place ?? "", c(`drafts.status.${d.status}`, { meeting: d.meeting_id ?? "" })]);
  out(renderTable(["number", "quarter", "start", "place", "status"].map((k) => c(`drafts.columns.${k}`)), rows));
  out(c("drafts.hint"));
  return 0;
}

/** "2027-Q1" as people say it: "Quý I/2027" (or "Q1/2027"), in the CLI's language. */
function quarterName(ctx: CliDbContext, code: string): string {
  const [year, q] = code.split("-Q");
  return `${ctx.t(`cycle:quarters.${q}`)}/${year}`;
}

/** Confirms a draft: the meeting's title and agenda in the committee's own language, as its documents are. */
async function confirmDraft(ctx: CliDbContext, code: string, draftId: number, opts: { start?: string; place?: string; link?: string }): Promise<number> {
  const { core, out, t } = ctx;
  const committee = await core.committees.require(code);
  const draft = (await core.cycle.drafts(cliActor, committee.id)).find((d) => d.id === draftId);
  if (!draft) throw new CliFailure(t("cycle:drafts.not_found", { id: draftId }));
  const startsAt = opts.start === undefined ? undefined : startOf(ctx, committee, opts.start);
  const [year, q] = draft.quarter.split("-Q");
  const words = createTranslator(committee.default_locale);
  const quarter = words.plain(committee.default_locale, `cycle:quarters.${q}`);
  const { invited } = await core.cycle.confirmDraft(cliActor, draftId, {
    title: words.plain(committee.default_locale, "cycle:drafts.title", { quarter, year: year! }),
    agenda: words.plain(committee.default_locale, "cycle:drafts.agenda", { quarter, year: year! }),
    startsAt,
    place: opts.place,
    onlineLink: opts.link,
  });
  const confirmed = (await core.cycle.drafts(cliActor, committee.id)).find((d) => d.id === draftId)!;
  out(t("cycle:drafts.confirmed", { quarter: t(`cycle:quarters.${q}`), year: year!, startsAt: formatDateTime(confirmed.starts_at, committee.time_zone), invited }));
  return 0;
}

function startOf(ctx: CliDbContext, committee: CommitteeRow, text: string): Date {
  const at = parseLocalDateTime(text, committee.time_zone);
  if (!at) throw new CliFailure(`--start: ${ctx.m.dateTimeInvalid}`);
  return at;
}

/** The year's days off and working days, computed and the committee's own. */
async function listDays(ctx: CliDbContext, code: string, wanted: number | undefined): Promise<number> {
  const { core, out, t } = ctx;
  const c = ctx.m.cycle;
  const committee = await core.committees.require(code);
  const year = wanted ?? Number(localDateOf(core.ctx.clock(), committee.time_zone).slice(0, 4));
  const days = await core.cycle.days(cliActor, committee.id, year);
  out(c("holidays.header", { committee: committee.name, year }));
  out();
  const rows = days.map((d) => [
    showDate(d.date),
    t(`cycle:holidays.weekdays.${weekdayOf(d.date)}`),
    t(`cycle:holidays.day.${d.kind}`),
    d.holiday ? t(`cycle:holidays.kinds.${d.holiday}`) : "—",
    t(`cycle:holidays.status.${d.status}`),
    d.reason ?? "",
  ]);
  out(renderTable(["date", "weekday", "kind", "holiday", "status", "reason"].map((k) => c(`holidays.columns.${k}`)), rows));
  out(c("holidays.hint", { code: committee.code }));
  return 0;
}
