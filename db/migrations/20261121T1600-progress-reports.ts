import { type CreateTableBuilder, type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: progress reporting — the committee's tasks and indicators, its reporting periods with
// personal extensions, every version of every progress update, and the obstacles and proposals raised in
// them for the secretariat to answer.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("tasks"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("source_document", "text")
    .addColumn("responsible_organization", "text")
    .addColumn("responsible_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("indicator_kind", "text", (c) => c.notNull())
    .addColumn("target_value", "double precision")
    .addColumn("unit", "text")
    .addColumn("due_date", "text")
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("tasks_committee_code", ["committee_id", "code"])
    .execute();

  await withId(db, db.schema.createTable("reporting_periods"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("reporting_periods_committee_code", ["committee_id", "code"])
    .execute();

  await withId(db, db.schema.createTable("period_exceptions"))
    .addColumn("period_id", "integer", (c) => c.notNull().references("reporting_periods.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("due_at", "text")
    .addColumn("reopened_until", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("period_exceptions_period_person", ["period_id", "person_id"])
    .execute();

  await withId(db, db.schema.createTable("progress_updates"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id"))
    .addColumn("period_id", "integer", (c) => c.notNull().references("reporting_periods.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("percent", "double precision")
    .addColumn("value", "double precision")
    .addColumn("results", "text")
    .addColumn("obstacles", "text")
    .addColumn("proposals", "text")
    .addColumn("submitted_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("on_behalf_of_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("submitted_at", "text", (c) => c.notNull())
    .addColumn("late", "integer", (c) => c.notNull())
    .addColumn("unchanged", "integer", (c) => c.notNull())
    .addUniqueConstraint("progress_updates_task_period_version", ["task_id", "period_id", "version"])
    .execute();

  await withId(db, db.schema.createTable("report_items"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id"))
    .addColumn("period_id", "integer", (c) => c.notNull().references("reporting_periods.id"))
    .addColumn("update_id", "integer", (c) => c.notNull().references("progress_updates.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("raised_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("answer", "text")
    .addColumn("answered_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("answered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("report_items_committee_status").on("report_items").columns(["committee_id", "status"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of ["report_items", "progress_updates", "period_exceptions", "reporting_periods", "tasks"]) await db.schema.dropTable(t).execute();
}
