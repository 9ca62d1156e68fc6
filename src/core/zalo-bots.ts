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
}

/** What zalo:connect checked with Zalo (getMe) before the bot is connected. */
export interface ZaloBotConnection {
  botId: string;
  name: string;
  tokenFile: string;
}

/** Every connected bot, by committee code. */
export async function listZaloBots(ctx: CoreContext): Promise<ZaloBot[]> {
  const rows = await ctx.db
    .selectFrom("zalo_bots as b")
    .innerJoin("committees as c", "c.id", "b.committee_id")
    .select(["b.bot_id", "b.name", "b.token_file", "b.committee_id", "b.connected_at", "c.code", "c.name as committeeName"])
    .orderBy("c.code")
    .execute();
  return rows.map((r) => ({ botId: r.bot_id, name: r.name, tokenFile: r.token_file, committeeId: r.committee_id, committeeCode: r.code, committeeName: r.committeeName, connectedAt: r.connected_at }));
}

/**
 * Connects a bot to a committee (the committee's secretariat, or the operator at the CLI). A committee has
 * one bot: connecting another replaces it. A bot serves one committee: one connected elsewhere is refused.
 */
export async function connectZaloBot(ctx: CoreContext, actor: Actor, committeeCode: string, bot: ZaloBotConnection): Promise<{ replaced: string | null }> {
  return ctx.db.transaction().execute(async (trx) => {
    const committee = await requireCommittee(trx, committeeCode);
    assertCan(actor, "roster.manage", committee.id);
    const owner = await trx.selectFrom("zalo_bots as b").innerJoin("committees as c", "c.id", "b.committee_id").select(["b.committee_id", "c.code"]).where("b.bot_id", "=", bot.botId).executeTakeFirst();
    if (owner && owner.committee_id !== committee.id) throw new DomainError("zalo:bot_taken", { committee: owner.code });
    const before = await trx.selectFrom("zalo_bots").select(["bot_id", "name", "token_file"]).where("committee_id", "=", committee.id).executeTakeFirst();
    const now = ctx.clock();
    await trx.deleteFrom("zalo_bots").where("committee_id", "=", committee.id).execute();
    await trx.insertInto("zalo_bots").values({ bot_id: bot.botId, committee_id: committee.id, name: bot.name, token_file: bot.tokenFile, connected_at: iso(now) }).execute();
    await recordAudit(trx, actor, now, {
      action: "zalo.connect",
      objectType: "committee",
      objectId: committee.id,
      committeeId: committee.id,
      before: before ? { botId: before.bot_id, name: before.name, tokenFile: before.token_file } : null,
      after: { botId: bot.botId, name: bot.name, tokenFile: bot.tokenFile },
    });
    return { replaced: before && before.bot_id !== bot.botId ? before.bot_id : null };
  });
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
