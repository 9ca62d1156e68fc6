import { type CreateTableBuilder, type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: notices from the secretariat and, per recipient, their delivery (through the outbox
// row) and acknowledgement. Imports nothing from src/.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("notices"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("created_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("attachment_id", "integer", (c) => c.references("attachments.id"))
    .addColumn("audience", "text", (c) => c.notNull())
    .addColumn("ack_required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("ack_deadline", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("cancelled_at", "text")
    .execute();

  await withId(db, db.schema.createTable("notice_recipients"))
    .addColumn("notice_id", "integer", (c) => c.notNull().references("notices.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("outbox_id", "integer", (c) => c.references("outbox.id"))
    .addColumn("acknowledged_at", "text")
    .addColumn("reminded_at", "text")
    .addUniqueConstraint("notice_recipients_notice_person", ["notice_id", "person_id"])
    .execute();
  await db.schema.createIndex("notice_recipients_person").on("notice_recipients").column("person_id").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("notice_recipients").execute();
  await db.schema.dropTable("notices").execute();
}
