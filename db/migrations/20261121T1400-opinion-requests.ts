import { type CreateTableBuilder, type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: written consultations ("cho ý kiến bằng văn bản"): the request with its questions and
// deadline, who it went to, and every answer given (revisions are kept; the latest counts).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("opinion_requests"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("created_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("attachment_id", "integer", (c) => c.references("attachments.id"))
    .addColumn("questions", "text", (c) => c.notNull())
    .addColumn("audience", "text", (c) => c.notNull())
    .addColumn("deadline", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("opinion_recipients"))
    .addColumn("request_id", "integer", (c) => c.notNull().references("opinion_requests.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("reminded_at", "text")
    .addUniqueConstraint("opinion_recipients_request_person", ["request_id", "person_id"])
    .execute();

  await withId(db, db.schema.createTable("opinion_answers"))
    .addColumn("recipient_id", "integer", (c) => c.notNull().references("opinion_recipients.id"))
    .addColumn("question_index", "integer", (c) => c.notNull())
    .addColumn("position", "text", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("attachment_id", "integer", (c) => c.references("attachments.id"))
    .addColumn("answered_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("opinion_answers_recipient").on("opinion_answers").columns(["recipient_id", "question_index"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of ["opinion_answers", "opinion_recipients", "opinion_requests"]) await db.schema.dropTable(t).execute();
}
