import { sql, type Kysely } from "kysely";

// Frozen in time: several instances on one PostgreSQL database (29/11/2026).
// - processed_updates: the chat an update belongs to, its place in the platform's order (Telegram's update_id)
//   and when its handling ended, so an instance that takes a chat's turn can let an earlier update of the
//   same chat, received by another instance a moment before, go first (core/updates.ts).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("processed_updates").addColumn("chat_key", "text").execute();
  await db.schema.alterTable("processed_updates").addColumn("seq", "bigint").execute();
  await db.schema.alterTable("processed_updates").addColumn("handled_at", "text").execute();
  await db.schema
    .createIndex("processed_updates_waiting")
    .on("processed_updates")
    .columns(["channel", "chat_key", "seq"])
    .where(sql.ref("handled_at"), "is", null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("processed_updates_waiting").execute();
  await db.schema.alterTable("processed_updates").dropColumn("handled_at").execute();
  await db.schema.alterTable("processed_updates").dropColumn("seq").execute();
  await db.schema.alterTable("processed_updates").dropColumn("chat_key").execute();
}
