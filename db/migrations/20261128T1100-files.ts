import { type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: files kept once as bytes. A file is its bytes, found by their SHA-256: the same bytes
// received twice are one row. Each chat app caches its own reference to a file (Telegram's file_id), so a
// file is uploaded to an app at most once. An attachment points to its stored file; attachments made
// before this migration have no bytes (they cannot be downloaded here) and keep only the Telegram
// reference they were received with (`channel`, `file_id`), as before.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const files = db.schema.createTable("files");
  await (postgres ? files.addColumn("id", "serial", (c) => c.primaryKey()) : files.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()))
    // Lower-case hex of the bytes' SHA-256.
    .addColumn("sha256", "text", (c) => c.notNull().unique())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("mime_type", "text")
    // The name the bytes were first received under: only a default for a download link. Each attachment
    // keeps the name it was given (attachments.file_name).
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("bytes", postgres ? "bytea" : "blob", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    // Last time the bytes were received again; an unattached file is removed some days after it.
    .addColumn("touched_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("file_refs")
    .addColumn("file_id", "integer", (c) => c.notNull().references("files.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("ref", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("file_refs_pk", ["file_id", "channel"])
    .execute();

  await db.schema.alterTable("attachments").addColumn("stored_file_id", "integer", (c) => c.references("files.id")).execute();
  await db.schema.createIndex("attachments_stored_file").on("attachments").column("stored_file_id").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("attachments_stored_file").execute();
  await db.schema.alterTable("attachments").dropColumn("stored_file_id").execute();
  await db.schema.dropTable("file_refs").execute();
  await db.schema.dropTable("files").execute();
}
