import type { Kysely } from "kysely";

// Frozen in time: delivery follows the person (28/11/2026). Additive, apart from one index replaced:
// SQLite cannot change a column without rebuilding its table.
// - channel_identities.last_seen_at: when the person last used this app (linked it, or wrote to the bot
//   on it); a message to the person goes on the app they used most recently.
// - outbox_queue replaces outbox_due: rows of one status in id (queue) order, carrying what routing reads
//   (not_before, person_id, chat_id, channel). The worker walks the pending rows in queue order and stops
//   at the first ones an app running here can send, without sorting every due row first and however many
//   rows for an app that is not running come before them.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("channel_identities").addColumn("last_seen_at", "text").execute();
  await db.schema.createIndex("outbox_queue").on("outbox").columns(["status", "id", "not_before", "person_id", "chat_id", "channel"]).execute();
  await db.schema.dropIndex("outbox_due").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "not_before", "id"]).execute();
  await db.schema.dropIndex("outbox_queue").execute();
  await db.schema.alterTable("channel_identities").dropColumn("last_seen_at").execute();
}
