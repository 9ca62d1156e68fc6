import type { Kysely } from "kysely";

// Frozen in time: each committee's Zalo bot has its own share link (29/11/2026). A person links on Zalo by
// opening the bot's link and sending their invite code; accounts are per bot, so a member of a committee with
// its own bot must be sent to that bot, not to the installation's (ZALO_BOT_LINK).
// - zalo_bots.link: the bot's share link from Zalo Bot Creator (https), null until the operator gives it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("zalo_bots").addColumn("link", "text").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("zalo_bots").dropColumn("link").execute();
}
