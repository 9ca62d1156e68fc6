import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: the quarterly cycle's foundation (28/11/2026). Imports nothing from src/.
// - cycle_settings: a committee's own cycle settings, one row per key it changed (the defaults live in code);
// - calendar_days: a committee's own days off and working days (Tết as the government sets it, the day next to
//   2/9, a Saturday worked in exchange), each with its reason;
// - meeting_drafts: the regular meeting the quarterly planner proposes, until the secretariat confirms it.
// Dates of calendar_days are local dates "yyyy-MM-dd" (a day off is a day in the committee's zone); times are
// ISO-8601 UTC text, as everywhere.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("cycle_settings")
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("cycle_settings_pk", ["committee_id", "key"])
    .execute();

  await withId(db, db.schema.createTable("calendar_days"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('off', 'work')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("calendar_days_committee_day", ["committee_id", "day"])
    .execute();

  await withId(db, db.schema.createTable("meeting_drafts"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("quarter", "text", (c) => c.notNull())
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    .addColumn("place", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('proposed', 'confirmed', 'dismissed')`))
    .addColumn("meeting_id", "integer", (c) => c.references("meetings.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("meeting_drafts_committee_quarter", ["committee_id", "quarter"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("meeting_drafts").execute();
  await db.schema.dropTable("calendar_days").execute();
  await db.schema.dropTable("cycle_settings").execute();
}
