import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { cliActor } from "../core/actor.js";
import type { IssuedInvite } from "../core/invites/invites.js";
import type { MemberListing } from "../core/roster/roster.js";
import { backupSqlite } from "../db/backup.js";
import { openDatabase, sqlitePath } from "../db/database.js";
import type { CommitteeLevel, Locale } from "../db/schema.js";
import { spreadsheetCsv } from "../documents/spreadsheet-csv.js";
import { formatDateTime } from "../i18n/format.js";
import { registerZaloCommands } from "./zalo.js";
import { COMMITTEE_LEVELS, committeeFields, registerCommitteeEdit, type CommitteeFieldOptions } from "./committees.js";
import { fileReason, readUtf8, writePrivateFile } from "./files.js";
import { linkOrCode, resolveBotUsername } from "./invite-links.js";
import { PROJECT_ROOT } from "../paths.js";
import { registerDoctorCommand } from "./doctor.js";
import { registerMeetingCommands } from "./meetings.js";
import { cliMessages, localizeCommanderError } from "./messages.js";
import { registerReportCommands } from "./reports.js";
import { registerCycleCommands } from "./cycle.js";
import { registerSummaryExport } from "./summary-export.js";
import { registerConclusionCommands } from "./conclusions.js";
import { CliFailure, withConfig, withDatabase, type CliContext, type CliDbContext, type CliIo } from "./session.js";
import { renderTable, terminalIo } from "./text.js";

const LOCALES: readonly Locale[] = ["vi", "en"];

/** The version in package.json, for --version. */
const CLI_VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The language of help and usage errors, known before commander parses: --lang, else DEFAULT_LOCALE, else vi. */
export function initialLocale(argv: readonly string[], env: Record<string, string | undefined>): Locale {
  const isLocale = (v: string | undefined): v is Locale => LOCALES.includes(v as Locale);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    const value = arg === "--lang" ? argv[i + 1] : arg.startsWith("--lang=") ? arg.slice("--lang=".length) : undefined;
    if (isLocale(value)) return value;
  }
  const fromEnv = env.DEFAULT_LOCALE?.trim();
  return isLocale(fromEnv) ? fromEnv : "vi";
}

/**
 * The commander program of `npm run cli`. Help and usage errors go to `io`; commander throws instead of
 * exiting (exitOverride). Each action stores its exit code through `setExitCode`.
 */
export function buildProgram(locale: Locale, rawIo: CliIo, setExitCode: (code: number) => void): Command {
  // The one point where the CLI's text goes out: names, organizations and titles come from rosters and chats.
  const io = terminalIo(rawIo);
  const m = cliMessages(locale);
  const program = new Command("cli");
  program
    .description(m.program)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      // One line (a "did you mean" joins it); the hint to --help follows (showHelpAfterError below).
      outputError: (s, write) => write(`${oneLine(localizeCommanderError(s, locale))}\n`),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    // The descriptions name the allowed values themselves; a mandatory option says it is one.
    .configureHelp({
      styleTitle: (title) => m.titles[title] ?? title,
      optionDescription: (option) => (option.mandatory ? m.required(option.description) : option.description),
      showGlobalOptions: true,
    })
    .version(CLI_VERSION, "-V, --version", m.versionOption)
    .helpOption("-h, --help", m.helpOption)
    .helpCommand("help [command]", m.helpCommand)
    .addOption(new Option("--lang <locale>", m.langOption).choices(LOCALES))
    .addHelpText("after", `\n${m.exitCodes}`);

  const lang = (cmd: Command) => cmd.optsWithGlobals<{ lang?: Locale }>().lang;
  const run = (promise: Promise<number>) => promise.then(setExitCode);
  const memberNumber = (value: string): number => {
    const digits = value.trim().replace(/^#/, "");
    const n = Number(digits);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(m.notMemberNumber);
    return n;
  };

  program
    .command("migrate")
    .description(m.migrate.description)
    .action((_opts: object, cmd: Command) =>
      run(
        withDatabase(
          io,
          lang(cmd),
          async ({ applied, out, m }) => {
            for (const name of applied) out(m.migrate.applied(name));
            if (applied.length === 0) out(m.migrate.upToDate);
            return 0;
          },
          { announceMigrations: false },
        ),
      ),
    );

  program
    .command("committee:create")
    .description(m.committeeCreate.description)
    .requiredOption("--code <code>", m.committeeCreate.code)
    .requiredOption("--name <name>", m.committeeCreate.name)
    .addOption(new Option("--level <level>", m.committeeCreate.level).choices(COMMITTEE_LEVELS).makeOptionMandatory())
    .option("--parent <code>", m.committeeCreate.parent)
    .option("--time-zone <zone>", m.committeeCreate.timeZone)
    .addOption(new Option("--locale <locale>", m.committeeCreate.locale).choices(LOCALES))
    .option("--governing-body <text>", m.committeeFields.governingBody)
    .option("--place-name <text>", m.committeeFields.placeName)
    .option("--code-prefix <text>", m.committeeFields.codePrefix)
    .option("--focal-body <text>", m.committeeFields.focalBody)
    .action((opts: { code: string; name: string; level: CommitteeLevel; parent?: string; timeZone?: string; locale?: Locale } & CommitteeFieldOptions, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async ({ core, out, m }) => {
          const row = await core.committees.create(cliActor, {
            code: opts.code,
            name: opts.name,
            level: opts.level,
            parentCode: opts.parent,
            timeZone: opts.timeZone,
            defaultLocale: opts.locale,
            ...committeeFields(opts),
          });
          // The quarterly planner starts with the committee (a running bot also schedules it at its next start).
          await core.cycle.ensurePlanner(row.id);
          out(m.committeeCreate.created({ code: row.code, name: row.name, level: m.levels[row.level], timeZone: row.time_zone, locale: row.default_locale }));
          return 0;
        }),
      ),
    );

  registerCommitteeEdit(program, { m, io, run, lang });
  registerZaloCommands(program, { m, io, run, lang });

  program
    .command("committee:list")
    .description(m.committeeList.description)
    .action((_opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async ({ core, out, m }) => {
          const committees = await core.committees.list();
          if (committees.length === 0) {
            out(m.committeeList.empty);
            return 0;
          }
          const codeOf = new Map(committees.map((c) => [c.id, c.code]));
          const rows = committees.map((c) => [c.code, c.name, m.levels[c.level], c.parent_id === null ? "" : (codeOf.get(c.parent_id) ?? ""), c.time_zone]);
          out(renderTable(m.committeeList.columns, rows));
          return 0;
        }),
      ),
    );

  program
    .command("members:import")
    .description(m.membersImport.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .argument("<file>", m.membersImport.file)
    .option("--invites-out <file>", m.membersImport.invitesOut)
    .action((file: string, opts: { committee: string; invitesOut?: string }, cmd: Command) =>
      run(withDatabase(io, lang(cmd), (ctx) => importMembers(ctx, opts.committee, file, opts.invitesOut))),
    );

  program
    .command("members:list")
    .description(m.membersList.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .option("--unlinked", m.membersList.unlinked)
    .option("--all", m.membersList.all)
    .action((opts: { committee: string; unlinked?: boolean; all?: boolean }, cmd: Command) =>
      run(withDatabase(io, lang(cmd), (ctx) => listMembers(ctx, opts.committee, { unlinked: opts.unlinked === true, all: opts.all === true }))),
    );

  program
    .command("members:deactivate")
    .description(m.membersDeactivate.description)
    .argument("<memberNumber>", m.memberNumber, memberNumber)
    .action((id: number, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async ({ core, out, t }) => {
          const { fullName } = await core.roster.deactivate(cliActor, id);
          out(t("roster:deactivated", { name: fullName }));
          return 0;
        }),
      ),
    );

  program
    .command("invite:issue")
    .description(m.inviteIssue.description)
    .argument("<memberNumber>", m.memberNumber, memberNumber)
    .action((id: number, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async ({ core, config, out, err, t, m }) => {
          const invite = await core.invites.reissue(cliActor, id);
          const committee = await core.ctx.db
            .selectFrom("memberships as m")
            .innerJoin("committees as c", "c.id", "m.committee_id")
            .where("m.id", "=", id)
            .select("c.time_zone")
            .executeTakeFirst();
          const username = await resolveBotUsername(core, config, (reason) => err(m.links.getMeFailed(reason)));
          out(
            t("roster:invite_issued", {
              name: invite.fullName,
              link: linkOrCode(username, invite.code),
              expiresAt: formatDateTime(invite.expiresAt, committee?.time_zone ?? config.timeZone),
            }),
          );
          // The Zalo bot of the member's committee: its own when it has one, else the installation's (ZALO_BOT_LINK).
          const zaloLink = await core.zaloBots.linkFor(invite.committeeId, config.apps.zalo?.botLink);
          if (zaloLink) out(t("zalo:invite", { link: zaloLink, code: invite.code }));
          if (!username && !zaloLink) out(m.links.noUsername);
          return 0;
        }),
      ),
    );

  program
    .command("invite:revoke")
    .description(m.inviteRevoke.description)
    .argument("<memberNumber>", m.memberNumber, memberNumber)
    .action((id: number, _opts: object, cmd: Command) =>
      run(
        withDatabase(io, lang(cmd), async ({ core, out, t }) => {
          const { fullName } = await core.invites.revoke(cliActor, id);
          out(t("roster:invite_revoked", { name: fullName }));
          return 0;
        }),
      ),
    );

  registerMeetingCommands(program, { m, io, run, lang, positiveNumber: memberNumber });
  registerReportCommands(program, { m, io, run, lang });
  registerCycleCommands(program, { m, io, run, lang });
  registerSummaryExport(program, { io, run, lang, locale });
  registerConclusionCommands(program, { m, io, run, lang });

  program
    .command("backup")
    .description(m.backup.description)
    .argument("<target-file>", m.backup.target)
    .option("--force", m.backup.force)
    .action((target: string, opts: { force?: boolean }, cmd: Command) => run(withConfig(io, lang(cmd), (ctx) => backup(ctx, target, opts.force === true))));

  registerDoctorCommand(program, m, { io, run, lang, locale });

  // A usage error is its line and this hint, not the whole help: the hint names the command's own help.
  program.showHelpAfterError(m.usageHint("npm run cli -- --help"));
  for (const cmd of program.commands) cmd.showHelpAfterError(m.usageHint(`npm run cli -- ${cmd.name()} --help`));
  return program;
}

/** Commander's error as one line: its "did you mean" note joins the line instead of following it. */
const oneLine = (text: string): string =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");

/** Fails before the import when the invites file could not be written, so no invite code is lost. */
function assertWritable(file: string, ctx: CliContext): void {
  const target = resolve(file);
  try {
    if (existsSync(target)) {
      if (statSync(target).isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
      accessSync(target, constants.W_OK);
    } else {
      accessSync(dirname(target), constants.W_OK);
    }
  } catch (e) {
    throw new CliFailure(ctx.m.membersImport.cannotWrite(file, fileReason(e, ctx.m)));
  }
}

async function importMembers(ctx: CliDbContext, committeeCode: string, file: string, invitesOut: string | undefined): Promise<number> {
  const { core, config, m, t, out, err } = ctx;
  const committee = await core.committees.require(committeeCode);
  const text = readUtf8(file, ctx, `${file}: ${ctx.t("roster:import.not_utf8")}`);
  if (invitesOut) assertWritable(invitesOut, ctx);

  const report = await core.roster.importCsv(cliActor, committee.id, text);
  out(
    t("roster:import.summary", {
      committee: committee.name,
      created: report.created,
      updated: report.updated + report.reactivated,
      unchanged: report.unchanged,
      errors: report.errors.length,
    }),
  );
  if (report.errors.length) {
    out();
    out(t("roster:import.errors_header"));
    // The reason is translated to plain text first, so the line's own escaping is undone exactly once.
    for (const e of report.errors) out(t("roster:import.error_line", { line: e.line, reason: t(e.code, e.params) }));
    out();
    out(m.membersImport.fixAndRerun);
  }

  let failed = report.errors.length > 0;
  if (report.invites.length) {
    const username = await resolveBotUsername(core, config, (reason) => err(m.links.getMeFailed(reason)));
    // With a Zalo share link for the committee (its own bot's, else ZALO_BOT_LINK), a column says how to link on Zalo.
    const zaloLink = await core.zaloBots.linkFor(committee.id, config.apps.zalo?.botLink);
    const headings = [
      t("roster:invites_file.name"),
      t("roster:invites_file.organization"),
      username ? t("roster:invites_file.link") : m.membersImport.codeColumn,
      ...(zaloLink ? [t("roster:invites_file.zalo")] : []),
      t("roster:invites_file.expires"),
    ];
    const rows = report.invites.map((i) => [
      i.fullName,
      i.organization ?? "",
      linkOrCode(username, i.code),
      ...(zaloLink ? [t("zalo:invite", { link: zaloLink, code: i.code })] : []),
      formatDateTime(i.expiresAt, committee.time_zone),
    ]);
    let printed = false;
    out();
    if (invitesOut) {
      try {
        // The codes are credentials: the file is readable by its owner only.
        writePrivateFile(invitesOut, await invitesFile(ctx, report.invites, headings, rows));
        out(m.membersImport.invitesWritten(rows.length, invitesOut));
      } catch (e) {
        err(m.membersImport.cannotWrite(invitesOut, fileReason(e, m)));
        err(m.membersImport.printingInstead);
        failed = true;
        printed = true;
      }
    } else {
      out(t("roster:invites_file.caption", { count: rows.length }));
      printed = true;
    }
    if (printed) out(renderTable(headings, rows));
    if (!username && !zaloLink) out(m.links.noUsername);
  } else if (invitesOut) {
    out();
    out(m.membersImport.noInvitesToWrite(invitesOut));
  }
  return failed ? 1 : 0;
}

/** "0912 345 678": easier to read out, and a spreadsheet keeps it as text (a bare 0912345678 loses its 0). */
const phoneForPeople = (phone: string): string => phone.replace(/^(\d{4})(\d{3})(\d+)$/, "$1 $2 $3");

/**
 * The invites file for whoever sends the links: the printed columns with each person's phone and email (from
 * the roster) next to the link, for Vietnamese Excel: UTF-8 with a BOM, semicolon separated (Excel's list
 * separator where the decimal comma is in use).
 */
async function invitesFile(ctx: CliDbContext, invites: readonly IssuedInvite[], headings: readonly string[], rows: readonly string[][]): Promise<string> {
  const ids = invites.map((i) => i.personId);
  const people = ids.length ? await ctx.core.ctx.db.selectFrom("people").select(["id", "phone", "email"]).where("id", "in", ids).execute() : [];
  const contact = new Map(people.map((p) => [p.id, p]));
  // After the name and organization, before the link.
  const withContact = (row: readonly string[], phone: string, email: string) => [...row.slice(0, 2), phone, email, ...row.slice(2)];
  const { columns } = ctx.m.membersImport;
  const fileRows = invites.map((invite, i) => {
    const person = contact.get(invite.personId);
    return withContact(rows[i] ?? [], person?.phone ? phoneForPeople(person.phone) : "", person?.email ?? "");
  });
  return spreadsheetCsv([withContact(headings, columns.phone, columns.email), ...fileRows], { delimiter: ";" });
}

async function listMembers(ctx: CliDbContext, committeeCode: string, opts: { unlinked: boolean; all: boolean }): Promise<number> {
  const { core, m, t, out } = ctx;
  const committee = await core.committees.require(committeeCode);
  const members = await core.roster.list(cliActor, committee.id, { unlinkedOnly: opts.unlinked, includeInactive: opts.all });
  const linked = members.filter((x) => x.link !== "not_linked").length;
  out(
    opts.unlinked
      ? t("roster:unlinked_header", { committee: committee.name, count: members.length })
      : t("roster:header", { committee: committee.name, count: members.length, linked }),
  );
  if (members.length === 0) {
    out(opts.unlinked ? t("roster:all_linked") : m.membersList.empty);
    return 0;
  }
  const c = m.membersList.columns;
  const inviteStatus = (x: MemberListing) =>
    x.invite === "open" && x.inviteExpiresAt
      ? m.membersList.invite.open(formatDateTime(x.inviteExpiresAt, committee.time_zone))
      : x.invite === "expired"
        ? m.membersList.invite.expired
        : m.membersList.invite.none;
  // Messages held until a member links: a column (and a total) only when something waits.
  const waiting = members.reduce((sum, x) => sum + x.waiting, 0);
  const headings = [c.number, c.name, c.role, c.organization, c.title, c.telegram, c.invite, ...(opts.all ? [c.active] : []), ...(waiting ? [c.waiting] : [])];
  const rows = members.map((x) => [
    String(x.membershipId),
    x.fullName,
    t(`roles:${x.role}`),
    x.organization ?? "",
    x.title ?? "",
    m.membersList.telegram[x.link],
    inviteStatus(x),
    ...(opts.all ? [x.active ? m.membersList.active.yes : m.membersList.active.no] : []),
    ...(waiting ? [String(x.waiting)] : []),
  ]);
  out();
  out(renderTable(headings, rows));
  if (waiting) {
    out();
    out(t("roster:waiting_total", { count: waiting }));
  }
  return 0;
}

/** Online backup through SQLite's backup API, into a temporary file renamed into place when complete. */
async function backup(ctx: CliContext, targetFile: string, force: boolean): Promise<number> {
  const { config, m, out } = ctx;
  const source = sqlitePath(config.databaseUrl);
  if (source === undefined) throw new CliFailure(m.backup.postgres);
  if (source === ":memory:") throw new CliFailure(m.backup.memory);
  if (!existsSync(source)) throw new CliFailure(m.backup.notFound(source));
  const target = resolve(targetFile);
  if (existsSync(target)) {
    if (realpathSync(target) === realpathSync(source)) throw new CliFailure(m.backup.sameFile);
    if (!force) throw new CliFailure(m.backup.exists(targetFile));
  }
  const partial = `${target}.partial-${process.pid}`;
  // The copy holds every name, phone number and setting: readable by its owner only, from its first byte.
  mkdirSync(dirname(target), { recursive: true });
  const database = openDatabase(config.databaseUrl);
  try {
    writePrivateFile(partial, "");
    const { totalPages } = await backupSqlite(database, partial);
    chmodSync(partial, 0o600);
    renameSync(partial, target);
    out(m.backup.done(targetFile, totalPages));
    return 0;
  } finally {
    rmSync(partial, { force: true });
    await database.close();
  }
}
