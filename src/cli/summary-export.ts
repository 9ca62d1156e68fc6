import { chmodSync, closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { cliActor } from "../core/actor.js";
import { toPlainText } from "../core/markup.js";
import { periodLabel } from "../documents/report-terms.js";
import { writeQuarterBundle } from "../documents/quarter-bundle.js";
import { createTranslator } from "../i18n/index.js";
import { fileReason } from "./files.js";
import { CliFailure, withDatabase, type CliDbContext, type EarlyCommandDeps } from "./session.js";

/**
 * summary:export <committee> --quarter 2026-Q4 --out <file>.zip [--lang vi|en]: the quarter's files in one ZIP, as
 * leaders get them in chat (src/documents/quarter-bundle.ts), in the chosen language.
 */
export function registerSummaryExport(program: Command, { io, run, lang, locale }: EarlyCommandDeps): void {
  const translator = createTranslator(locale);
  const help = (key: string) => toPlainText(translator.t(locale, `export:cli.${key}`));
  program
    .command("summary:export")
    .description(help("description"))
    .argument("<committeeCode>", help("committee"))
    .option("--quarter <quarter>", help("quarter"))
    .requiredOption("--out <file>", help("out"))
    .action((code: string, opts: { quarter?: string; out: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => exportQuarter(ctx, code, opts))));
}

/**
 * Reads the quarter (refusing an unknown committee or a malformed quarter before anything is written), then writes
 * the ZIP part by part to a temporary file beside `out` and renames it into place: a refusal or a failure half-way
 * leaves no file, and an existing `out` is replaced only by a whole bundle. Readable by its owner only.
 */
async function exportQuarter(ctx: CliDbContext, code: string, opts: { quarter?: string; out: string }): Promise<number> {
  const { core, locale, out } = ctx;
  const exp = await core.summary.quarterExport(cliActor, code, opts.quarter);
  const t = createTranslator(locale).bind(locale);
  const tmp = join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.part`);
  const cannotWrite = (e: unknown) => new CliFailure(ctx.t("export:cli.cannot_write", { file: opts.out, reason: fileReason(e, ctx.m) }));
  let fd: number;
  try {
    fd = openSync(tmp, "w", 0o600);
  } catch (e) {
    throw cannotWrite(e);
  }
  let size = 0;
  let entries;
  try {
    entries = await writeQuarterBundle({ exp, t, locale, now: core.ctx.clock() }, (chunk) => {
      size += chunk.byteLength;
      writeSync(fd, chunk);
    });
    closeSync(fd);
    fd = -1;
    chmodSync(tmp, 0o600);
    renameSync(tmp, opts.out);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code) throw cannotWrite(e);
    throw e;
  }
  const period = periodLabel(t, { code: exp.scope.quarter.code, kind: "quarter", name: exp.scope.quarter.code }, locale);
  out(ctx.t("export:cli.done", { count: entries.length + 1, period, committee: exp.scope.committee.name, file: opts.out, size: Math.max(1, Math.round(size / 1024)) }));
  for (const e of entries) out(`  ${e.name} — ${e.title}`);
  return 0;
}
