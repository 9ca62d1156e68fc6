import { resolve } from "node:path";
import type { Command } from "commander";
import { ZaloApiError, createZaloClient } from "../channels/zalo/client.js";
import { readZaloTokenFile, TokenFileError } from "../channels/zalo/token-file.js";
import { ConfigError, type ZaloSettings } from "../config.js";
import { cliActor } from "../core/actor.js";
import { checkZaloBotLink } from "../core/zalo-bots.js";
import { CliFailure, withDatabase, type CliDbContext, type CommandDeps } from "./session.js";

/** The installation's own bot's id for quota counting: the token's part before the colon (never the token). */
const defaultBotId = (token: string) => token.split(":")[0]!;

/** Zalo's settings, or the configuration's refusal worded for the operator. */
function zaloSettings(ctx: CliDbContext): ZaloSettings {
  if (ctx.config.zalo instanceof ConfigError) throw new CliFailure(ctx.config.zalo.lineIn(ctx.locale));
  return ctx.config.zalo;
}

/** The refusal of a token file, in the operator's words: never the token, always what to do. */
function tokenFileFailure(ctx: CliDbContext, e: TokenFileError): CliFailure {
  const z = ctx.m.zalo;
  if (e.problem === "loose") return new CliFailure(z("connect.loose", { file: e.path }));
  if (e.problem === "shape") return new CliFailure(z("connect.shape", { file: e.path }));
  return new CliFailure(z("connect.unreadable", { file: e.path, reason: e.reason }));
}

/**
 * zalo:connect, zalo:link, zalo:list and zalo:disconnect: one Zalo bot per committee (a Basic-plan bot serves 50 people
 * and 3,000 messages a month). The token is read from a file only its owner can read, checked with Zalo
 * (getMe), and never printed, logged or stored: the database keeps the bot's id, its name and the file's path.
 * The running bot picks the change up at its next start.
 */
export function registerZaloCommands(program: Command, { m, io, run, lang }: CommandDeps): void {
  const z = m.zalo;
  program
    .command("zalo:connect")
    .description(z("connect.description"))
    .argument("<committeeCode>", m.committeeCode)
    .requiredOption("--token-file <file>", z("connect.tokenFile"))
    .option("--link <url>", z("connect.link"))
    .action((code: string, opts: { tokenFile: string; link?: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => connect(ctx, code, opts.tokenFile, opts.link))));

  program
    .command("zalo:link")
    .description(z("link.description"))
    .argument("<committeeCode>", m.committeeCode)
    .argument("<url>", z("connect.link"))
    .action((code: string, url: string, _opts: unknown, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => setLink(ctx, code, url))));

  program
    .command("zalo:list")
    .description(z("list.description"))
    .action((_opts: unknown, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => list(ctx))));

  program
    .command("zalo:disconnect")
    .description(z("disconnect.description"))
    .argument("<committeeCode>", m.committeeCode)
    .action((code: string, _opts: unknown, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => disconnect(ctx, code))));
}

async function connect(ctx: CliDbContext, code: string, file: string, link: string | undefined): Promise<number> {
  const z = ctx.m.zalo;
  const settings = zaloSettings(ctx);
  // The committee and the link first: a typo is told before the token is read or Zalo is called.
  await ctx.core.committees.require(code);
  if (link !== undefined) checkZaloBotLink(link);
  const path = resolve(file);
  let token: string;
  try {
    token = await readZaloTokenFile(path);
  } catch (e) {
    if (e instanceof TokenFileError) throw tokenFileFailure(ctx, e);
    throw e;
  }
  const own = ctx.config.apps.zalo?.token;
  if (own && (own === token || defaultBotId(own) === defaultBotId(token))) throw new CliFailure(z("connect.is_default"));
  const client = createZaloClient({ token, apiRoot: settings.apiRoot, timeoutMs: 15_000 });
  let me: Awaited<ReturnType<typeof client.getMe>>;
  try {
    me = await client.getMe();
  } catch (e) {
    // Neither error carries the token (the client scrubs it); the reason is shown as Zalo gave it.
    if (e instanceof ZaloApiError) throw new CliFailure(z("connect.refused", { code: e.errorCode, description: e.description }));
    throw new CliFailure(z("connect.unreachable", { reason: (e as Error).message }));
  }
  if (typeof me?.id !== "string" || !/^\d+$/.test(me.id)) throw new CliFailure(z("connect.refused", { code: "getMe", description: "no bot id" }));
  if (own && me.id === defaultBotId(own)) throw new CliFailure(z("connect.is_default"));
  const name = me.account_name ?? me.id;
  const { replaced } = await ctx.core.zaloBots.connect(cliActor, code, { botId: me.id, name, tokenFile: path, link });
  ctx.out(z("connect.done", { name, bot: me.id, committee: code, file: path }));
  if (replaced) ctx.out(z("connect.replaced", { bot: replaced }));
  const kept = (await ctx.core.zaloBots.list()).find((b) => b.botId === me.id)?.link;
  ctx.out(kept ? z("link.invites", { link: kept, committee: code }) : z("link.missing", { committee: code }));
  ctx.out(z("restart"));
  return 0;
}

async function list(ctx: CliDbContext): Promise<number> {
  const z = ctx.m.zalo;
  const settings = ctx.config.zalo instanceof ConfigError ? undefined : ctx.config.zalo;
  const bots = await ctx.core.zaloBots.list();
  const own = ctx.config.apps.zalo;
  if (!own && bots.length === 0) {
    ctx.out(z("list.none"));
    return 0;
  }
  const limits = settings ?? { quota: { monthly: 3000 }, maxPeople: 50 };
  /** One bot's month against its quota and the people it serves; `usageBot` keys the count, `peopleBot` the accounts. */
  const figures = async (usageBot: string, peopleBot: string) => {
    const usage = await ctx.core.zaloQuota.usage(usageBot);
    const people = await ctx.core.zaloQuota.people(peopleBot);
    const monthly = limits.quota.monthly;
    return {
      params: { month: `${usage.month.slice(5)}/${usage.month.slice(0, 4)}`, sent: usage.sent, quota: monthly, percent: `${Math.floor((usage.sent * 100) / monthly)}%`, people, maxPeople: limits.maxPeople },
      spent: usage.spent || usage.sent >= monthly,
      tooMany: people > limits.maxPeople,
    };
  };
  const notes = (f: { spent: boolean; tooMany: boolean }) => {
    if (f.spent) ctx.out(`  ${z("list.spent")}`);
    if (f.tooMany) ctx.out(`  ${z("list.too_many")}`);
  };
  if (own) {
    const bot = defaultBotId(own.token);
    const f = await figures(bot, "");
    ctx.out(z("list.default", { bot, ...f.params }));
    notes(f);
  }
  for (const b of bots) {
    const f = await figures(b.botId, b.botId);
    ctx.out(z("list.committee", { committee: b.committeeCode, bot: b.botId, name: b.name, ...f.params }));
    ctx.out(`  ${b.link ? z("list.link", { link: b.link }) : z("link.missing", { committee: b.committeeCode })}`);
    notes(f);
    // The file is checked as the bot will read it at start; its content is never shown.
    const problem = await readZaloTokenFile(b.tokenFile).then(
      () => undefined,
      (e: unknown) => (e instanceof TokenFileError ? e.problem : "unreadable"),
    );
    if (problem) ctx.out(`  ${z(`list.file_${problem}`, { file: b.tokenFile })}`);
  }
  return 0;
}

/** zalo:link: the share link of a committee's bot, which its invites then name (no restart needed). */
async function setLink(ctx: CliDbContext, code: string, url: string): Promise<number> {
  const z = ctx.m.zalo;
  const { botId } = await ctx.core.zaloBots.setLink(cliActor, code, url);
  ctx.out(z("link.done", { bot: botId, committee: code }));
  ctx.out(z("link.invites", { link: url.trim(), committee: code }));
  return 0;
}

async function disconnect(ctx: CliDbContext, code: string): Promise<number> {
  const z = ctx.m.zalo;
  const gone = await ctx.core.zaloBots.disconnect(cliActor, code);
  if (!gone) {
    ctx.out(z("disconnect.none", { committee: code }));
    return 0;
  }
  ctx.out(z("disconnect.done", { committee: code, bot: gone.botId }));
  if (gone.stranded > 0) ctx.out(z("disconnect.stranded", { count: gone.stranded }));
  ctx.out(z("restart"));
  return 0;
}
