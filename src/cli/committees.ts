import { Option, type Command } from "commander";
import { cliActor } from "../core/actor.js";
import type { CommitteeRow, CommitteeLevel } from "../db/schema.js";
import type { CliMessages } from "./messages.js";
import { withDatabase, type CliDbContext, type CliIo } from "./session.js";

/** The levels an operator may type, the old district level last. */
export const COMMITTEE_LEVELS: readonly CommitteeLevel[] = ["province", "commune", "ward", "district"];

/** The options of a committee's document fields, as commander hands them over. */
export interface CommitteeFieldOptions {
  governingBody?: string;
  placeName?: string;
  codePrefix?: string;
  focalBody?: string;
}

/** The document fields the options gave, for core (absent options stay absent). */
export function committeeFields(opts: CommitteeFieldOptions): CommitteeFieldOptions {
  return { governingBody: opts.governingBody, placeName: opts.placeName, codePrefix: opts.codePrefix, focalBody: opts.focalBody };
}

/** The committee's fields, one a line, for the operator to check what was saved. */
export async function describeCommittee(ctx: CliDbContext, c: CommitteeRow): Promise<string> {
  const { m } = ctx;
  const parent = c.parent_id === null ? undefined : (await ctx.core.committees.list()).find((p) => p.id === c.parent_id);
  const shown = (v: string | null | undefined) => v || m.committeeFields.unset;
  return m.committeeFields.lines({
    code: c.code,
    name: c.name,
    level: m.levels[c.level],
    parent: shown(parent?.code),
    governingBody: shown(c.governing_body),
    placeName: shown(c.place_name),
    codePrefix: shown(c.code_prefix),
    focalBody: shown(c.focal_body),
  });
}

interface EditOptions extends CommitteeFieldOptions {
  name?: string;
  level?: CommitteeLevel;
  parent?: string;
}

/**
 * committee:edit: changes what the options name and prints the committee as it now is. An empty text clears an
 * optional field; the committee code is matched without regard to case.
 */
export function registerCommitteeEdit(
  program: Command,
  deps: { m: CliMessages; io: CliIo; run: (promise: Promise<number>) => Promise<void>; lang: (cmd: Command) => "vi" | "en" | undefined },
): void {
  const { m, io, run, lang } = deps;
  program
    .command("committee:edit")
    .description(m.committeeEdit.description)
    .argument("<committeeCode>", m.committeeEdit.committee)
    .option("--name <name>", m.committeeEdit.name)
    .addOption(new Option("--level <level>", m.committeeEdit.level).choices(COMMITTEE_LEVELS))
    .option("--parent <code>", m.committeeEdit.parent)
    .option("--governing-body <text>", m.committeeFields.governingBody)
    .option("--place-name <text>", m.committeeFields.placeName)
    .option("--code-prefix <text>", m.committeeFields.codePrefix)
    .option("--focal-body <text>", m.committeeFields.focalBody)
    .action((code: string, opts: EditOptions, c: Command) =>
    run(
      withDatabase(io, lang(c), async (ctx) => {
        if (Object.values(opts).every((v) => v === undefined)) {
          ctx.err(ctx.m.committeeEdit.nothing);
          return 2;
        }
        const row = await ctx.core.committees.edit(cliActor, code, {
          name: opts.name,
          level: opts.level,
          parentCode: opts.parent,
          ...committeeFields(opts),
        });
        ctx.out(ctx.m.committeeEdit.done(row.code));
        ctx.out(await describeCommittee(ctx, row));
        return 0;
      }),
    ),
  );
}
