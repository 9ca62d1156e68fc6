import { sql, type Kysely } from "kysely";

// Frozen in time: messages for a person who has not linked an app yet are held, not lost (28/11/2026).
// - outbox.held_since: set on a pending row addressed to a person with no linked account (when it was
//   queued, or for rows already waiting, when this migration ran). Such a row is never due; when the person
//   links, the rows that still matter are released (held_since back to null) and the others finished as
//   cancelled with a "skipped: …" reason. A column rather than a status: SQLite cannot change the status
//   check without rebuilding the table.
// - outbox_queue gains held_since, so the worker still walks the queue from the index alone.
// - outbox_held: a person's held rows, for the release and the secretariat's counts.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("outbox").addColumn("held_since", "text").execute();
  await db.schema.dropIndex("outbox_queue").execute();
  await db.schema.createIndex("outbox_queue").on("outbox").columns(["status", "id", "not_before", "person_id", "chat_id", "channel", "held_since"]).execute();
  await db.schema.createIndex("outbox_held").on("outbox").columns(["person_id", "held_since"]).execute();
  // Rows already waiting for someone with no linked account are held from now on.
  await sql`update outbox set held_since = created_at
    where status = 'pending' and chat_id is null and person_id is not null
      and not exists (select 1 from channel_identities ci where ci.person_id = outbox.person_id)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("outbox_held").execute();
  await db.schema.dropIndex("outbox_queue").execute();
  await db.schema.createIndex("outbox_queue").on("outbox").columns(["status", "id", "not_before", "person_id", "chat_id", "channel"]).execute();
  await db.schema.alterTable("outbox").dropColumn("held_since").execute();
}
