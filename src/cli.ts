import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CommanderError } from "commander";
import { buildProgram, initialLocale } from "./cli/commands.js";
import { cliMessages } from "./cli/messages.js";
import type { CliIo } from "./cli/session.js";
import { readEnvironment } from "./config.js";
import { redact } from "./logger.js";

export type { CliIo } from "./cli/session.js";

/**
 * The admin CLI (`npm run cli -- <command>`): committees, rosters, invites, migrations and backups.
 * `argv` holds the user's arguments only (process.argv.slice(2)). Returns the exit code: 0 success,
 * 1 refused or failed, 2 wrong usage or bad configuration; `--help` gives 0. Never exits the process.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const locale = initialLocale(argv, io.env);
  let exitCode = 0;
  const program = buildProgram(locale, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.stderr(`${cliMessages(locale).unexpected(redact(e instanceof Error ? e.message : String(e)))}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

/**
 * Output piped into a program that stops reading (`| head`) closes stdout: the rest of the output has nowhere
 * to go, so the CLI stops there, quietly, as Unix tools do, instead of dying with a stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

if (isEntryPoint()) {
  exitQuietlyOnClosedPipe(process.stdout);
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: readEnvironment(),
  });
}
