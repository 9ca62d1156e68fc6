import type { Actor } from "./actor.js";
import { recordAudit } from "./audit.js";
import { iso } from "./clock.js";
import { requireCommittee } from "./committees.js";
import type { CoreContext } from "./context.js";
import { DomainError } from "./errors.js";
import { assertCan } from "./permissions.js";

/**
 * A Zalo bot connected to a committee. A Basic-plan bot serves 50 people and 3,000 messages a month, so a
 * province with commune committees gives each committee a bot of its own; committees without one are served
 * by the installation's bot (ZALO_BOT_TOKEN). The token stays in its file: only the file's path is kept.
 */
export interface ZaloBot {
  botId: string;
  name: string;
  tokenFile: string;
  committeeId: number;
  committeeCode: string;
  committeeName: string;
  connectedAt: string;
  /** Its share link (https) that this committee's invites name; null until the operator gives it. */
  link: string | null;
}

/** What zalo:connect checked with Zalo (getMe) before the bot is connected. */
export interface ZaloBotConnection {
  botId: string;
  name: string;
  tokenFile: string;
  /** The bot's share link; left out, a reconnected bot keeps the link it had. */
  link?: string | undefined;
}

/** The longest share link kept (Zalo's are short; this only bounds what an operator may paste). */
const LINK_MAX = 300;

/**
 * A bot's share link as given (trimmed), or DomainError zalo:bad_link: an https address with a host, as
 * Zalo Bot Creator gives it (https://zalo.me/…). Exported so the CLI refuses it before calling Zalo.
 */
export function checkZaloBotLink(link: string): string {
  const given = link.trim();
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== "https:" || !url.hostname || /\s/.test(given) || given.length > LINK_MAX) throw new DomainError("zalo:bad_link", { link: given.slice(0, LINK_MAX) });
  return given;
}

/** Every connected bot, by committee code. */
export async function listZaloBots(ctx: CoreContext): Promise<ZaloBot[]> {
  const rows = await ctx.db
    .selectFrom("zalo_bots as b")
    .innerJoin("committees as c", "c.id", "b.committee_id")
    .select(["b.bot_id", "b.name", "b.token_file", "b.committee_id", "b.connected_at", "b.link", "c.code", "c.name as committeeName"])
    .orderBy("c.code")
    .execute();
  return rows.map((r) => ({ botId: r.bot_id, name: r.name, tokenFile: r.token_file, committeeId: r.committee_id, committeeCode: r.code, committeeName: r.committeeName, connectedAt: r.connected_at, link: r.link }));
}

/**
 * Connects a bot to a committee (the committee's secretariat, or the operator at the CLI). A committee has
 * one bot: connecting another replaces it. A bot serves one committee: one connected elsewhere is refused.
 */
export async function connectZaloBot(ctx: CoreContext, actor: Actor, committeeCode: string, bot: ZaloBotConnection): Promise<{ replaced: string | null }> {
  const givenLink = bot.link === undefined ? undefined : checkZaloBotLink(bot.link);
  return ctx.db.transaction().execute(async (trx) => {
    const committee = await requireCommittee(trx, committeeCode);
    assertCan(actor, "roster.manage", committee.id);
    const owner = await trx.selectFrom("zalo_bots as b").innerJoin("committees as c", "c.id", "b.committee_id").select(["b.committee_id", "c.code"]).where("b.bot_id", "=", bot.botId).executeTakeFirst();
    if (owner && owner.committee_id !== committee.id) throw new DomainError("zalo:bot_taken", { committee: owner.code });
    const before = await trx.selectFrom("zalo_bots").select(["bot_id", "name", "token_file", "link"]).where("committee_id", "=", committee.id).executeTakeFirst();
    // The same bot connected again (a new token file) keeps its link unless another is given; a new bot has its own.
    const link = givenLink ?? (before?.bot_id === bot.botId ? before.link : null);
    const now = ctx.clock();
    await trx.deleteFrom("zalo_bots").where("committee_id", "=", committee.id).execute();
    await trx.insertInto("zalo_bots").values({ bot_id: bot.botId, committee_id: committee.id, name: bot.name, token_file: bot.tokenFile, connected_at: iso(now), link }).execute();
    await recordAudit(trx, actor, now, {
      action: "zalo.connect",
      objectType: "committee",
      objectId: committee.id,
      committeeId: committee.id,
      before: before ? { botId: before.bot_id, name: before.name, tokenFile: before.token_file, link: before.link } : null,
      after: { botId: bot.botId, name: bot.name, tokenFile: bot.tokenFile, link },
    });
    return { replaced: before && before.bot_id !== bot.botId ? before.bot_id : null };
  });
}

/** Sets the share link of a committee's bot (zalo:link); DomainError zalo:no_bot when it has none. */
export async function setZaloBotLink(ctx: CoreContext, actor: Actor, committeeCode: string, link: string): Promise<{ botId: string }> {
  const checked = checkZaloBotLink(link);
  return ctx.db.transaction().execute(async (trx) => {
    const committee = await requireCommittee(trx, committeeCode);
    assertCan(actor, "roster.manage", committee.id);
    const bot = await trx.selectFrom("zalo_bots").select(["bot_id", "link"]).where("committee_id", "=", committee.id).executeTakeFirst();
    if (!bot) throw new DomainError("zalo:no_bot", { committee: committee.code });
    await trx.updateTable("zalo_bots").set({ link: checked }).where("committee_id", "=", committee.id).execute();
    await recordAudit(trx, actor, ctx.clock(), { action: "zalo.link", objectType: "committee", objectId: committee.id, committeeId: committee.id, before: { botId: bot.bot_id, link: bot.link }, after: { botId: bot.bot_id, link: checked } });
    return { botId: bot.bot_id };
  });
}

/**
 * The Zalo share link an invite of this committee names: its own bot's when it has one (accounts are per bot,
 * so the installation's bot would not know the person), else the installation's (ZALO_BOT_LINK). Undefined
 * when there is none, or when the committee's bot has no link yet: sending the person to another bot is worse
 * than saying nothing about Zalo.
 */
export async function zaloLinkFor(ctx: CoreContext, committeeId: number, installationLink: string | undefined): Promise<string | undefined> {
  const own = await ctx.db.selectFrom("zalo_bots").select("link").where("committee_id", "=", committeeId).executeTakeFirst();
  return own ? (own.link ?? undefined) : installationLink;
}

/**
 * Disconnects a committee's bot: its committee is then served by the installation's bot. The accounts linked
 * through it are kept (connecting it again brings them back); returns how many people it was their only Zalo
 * bot for, so the operator can tell them to link again.
 */
export async function disconnectZaloBot(ctx: CoreContext, actor: Actor, committeeCode: string): Promise<{ botId: string; stranded: number } | undefined> {
  return ctx.db.transaction().execute(async (trx) => {
    const committee = await requireCommittee(trx, committeeCode);
    assertCan(actor, "roster.manage", committee.id);
    const bot = await trx.selectFrom("zalo_bots").selectAll().where("committee_id", "=", committee.id).executeTakeFirst();
    if (!bot) return undefined;
    await trx.deleteFrom("zalo_bots").where("committee_id", "=", committee.id).execute();
    await recordAudit(trx, actor, ctx.clock(), { action: "zalo.disconnect", objectType: "committee", objectId: committee.id, committeeId: committee.id, before: { botId: bot.bot_id, name: bot.name, tokenFile: bot.token_file }, after: null });
    const stranded = await trx
      .selectFrom("channel_identities as ci")
      .select((eb) => eb.fn.count<number>("ci.person_id").distinct().as("n"))
      .where("ci.channel", "=", "zalo")
      .where("ci.bot", "=", bot.bot_id)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("channel_identities as o").select("o.id").whereRef("o.person_id", "=", "ci.person_id").where("o.channel", "=", "zalo").where("o.bot", "!=", bot.bot_id))))
      .executeTakeFirstOrThrow();
    return { botId: bot.bot_id, stranded: Number(stranded.n) };
  });
}
