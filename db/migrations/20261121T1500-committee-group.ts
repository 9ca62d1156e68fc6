import type { Kysely } from "kysely";

// Frozen in time: a committee may link its Telegram group, where notices can also be posted.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("committees").addColumn("telegram_group_chat_id", "text").execute();
  await db.schema.alterTable("notices").addColumn("posted_to_group", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("notices").dropColumn("posted_to_group").execute();
  await db.schema.alterTable("committees").dropColumn("telegram_group_chat_id").execute();
}
