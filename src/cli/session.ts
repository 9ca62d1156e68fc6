import type { Command } from "commander";
import { appSecrets, ConfigError, coreSettings, createConfig, type Config } from "../config.js";
import { operatorLocale } from "../config-error.js";
import { systemClock } from "../core/clock.js";
import { DomainError } from "../core/errors.js";
import { createCore, type Core } from "../core/index.js";
import { openDatabase, type DatabaseHandle } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import type { Locale } from "../db/schema.js";
import { createTranslator, type TParams } from "../i18n/index.js";
import { redact } from "../logger.js";
import { cliMessages, type CliMessages } from "./messages.js";
import { toPlainText } from "../core/markup.js";

/** Where the CLI writes and what environment it reads; the entry point passes the process's own. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
}

/** What buildProgram gives each area's commands: the words, the process's I/O, the runner and the --lang reader. */
export interface CommandDeps {
  m: CliMessages;
  io: CliIo;
  run: (promise: Promise<number>) => Promise<void>;
  lang: (cmd: Command) => Locale | undefined;
}

/** The same for commands whose words are chosen before the configuration is read (doctor, summary:export's help). */
export type EarlyCommandDeps = Omit<CommandDeps, "m"> & {
  /** The language known before the configuration is read (--lang, else DEFAULT_LOCALE, else vi). */
  locale: Locale;
};

/** A refusal the CLI itself words (a file it cannot read, a backup it will not overwrite); exit code 1. */
export class CliFailure extends Error {
  override name = "CliFailure";
}

/** What every command's body receives: the configuration and the words of the chosen language. */
export interface CliContext {
  config: Config;
  locale: Locale;
  m: CliMessages;
  /** The translator's text for a terminal: tags dropped, entities undone. */
  t: (key: string, params?: TParams) => string;
  /** Writes one line (or several) to stdout / stderr. */
  out: (text?: string) => void;
  err: (text: string) => void;
}

export interface CliDbContext extends CliContext {
  core: Core;
  database: DatabaseHandle;
  /** Migrations this run applied before the command. */
  applied: string[];
}

/**
 * Runs a command body with the configuration loaded: a ConfigError prints its line and gives 2, a
 * DomainError prints its translation and gives 1, anything else prints its message (with the bot token
 * scrubbed out) and gives 1.
 */
export async function withConfig(io: CliIo, lang: Locale | undefined, body: (ctx: CliContext) => Promise<number>): Promise<number> {
  let config: Config;
  try {
    config = createConfig(io.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      // In the language asked for (--lang), else the operator's (DEFAULT_LOCALE when valid, else Vietnamese).
      io.stderr(`bcd-bot: ${e.lineIn(lang ?? operatorLocale(io.env))}\n`);
      return 2;
    }
    throw e;
  }
  const locale = lang ?? config.defaultLocale;
  const translator = createTranslator(locale);
  const t = (key: string, params?: TParams) => toPlainText(translator.t(locale, key, params));
  const secrets = appSecrets(config);
  const ctx: CliContext = {
    config,
    locale,
    m: cliMessages(locale),
    t,
    out: (text = "") => io.stdout(`${redact(text, secrets).replace(/\n$/, "")}\n`),
    err: (text) => io.stderr(`${redact(text, secrets).replace(/\n$/, "")}\n`),
  };
  try {
    return await body(ctx);
  } catch (e) {
    if (e instanceof DomainError) ctx.err(t(e.code, e.params));
    else if (e instanceof CliFailure) ctx.err(e.message);
    else ctx.err(ctx.m.unexpected(e instanceof Error ? e.message : String(e)));
    return 1;
  }
}

/**
 * Runs a command body against the database: opened, migrated to the latest schema (newly applied
 * migrations are announced on stderr unless the command reports them itself), and closed at the end.
 */
export async function withDatabase(
  io: CliIo,
  lang: Locale | undefined,
  body: (ctx: CliDbContext) => Promise<number>,
  opts: { announceMigrations?: boolean } = {},
): Promise<number> {
  return withConfig(io, lang, async (ctx) => {
    const { config } = ctx;
    const database = openDatabase(config.databaseUrl);
    try {
      const result = await migrateToLatest(database.db);
      const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
      if (opts.announceMigrations !== false) for (const name of applied) ctx.err(ctx.m.migrate.applied(name));
      const core = createCore({
        db: database.db,
        dialect: database.dialect,
        clock: systemClock,
        settings: coreSettings(config),
      });
      return await body({ ...ctx, core, database, applied });
    } finally {
      await database.close();
    }
  });
}
