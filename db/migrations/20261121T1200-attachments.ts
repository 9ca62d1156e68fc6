import { type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: documents attached to a meeting's agenda or to a member's written opinion. The file
// itself stays with the chat platform; we keep its reference and what a person needs to recognise it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const table = db.schema.createTable("attachments");
  await (db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()))
    .addColumn("owner_type", "text", (c) => c.notNull())
    .addColumn("owner_id", "integer", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("file_id", "text", (c) => c.notNull())
    .addColumn("file_name", "text", (c) => c.notNull())
    .addColumn("mime_type", "text")
    .addColumn("file_size", "integer")
    .addColumn("created_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_owner").on("attachments").columns(["owner_type", "owner_id"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("attachments").execute();
}
