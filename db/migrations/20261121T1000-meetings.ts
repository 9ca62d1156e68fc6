import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: meetings, invitations, absence requests, proxies, actual attendance, and the state of
// multi-step chat dialogs (so nothing a person typed is lost across a restart). Imports nothing from src/.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("meetings"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('regular', 'extraordinary')`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    .addColumn("place", "text")
    .addColumn("online_link", "text")
    .addColumn("agenda", "text", (c) => c.notNull())
    .addColumn("chair_person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("answer_deadline", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('scheduled', 'cancelled')`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("cancelled_at", "text")
    .execute();
  await db.schema.createIndex("meetings_committee").on("meetings").columns(["committee_id", "starts_at"]).execute();

  await withId(db, db.schema.createTable("invitations"))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("answer", "text", (c) => c.notNull().check(sql`answer in ('none', 'attend', 'absent', 'proxy')`))
    .addColumn("answered_at", "text")
    .addColumn("answered_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("invitations_meeting_person", ["meeting_id", "person_id"])
    .execute();
  await db.schema.createIndex("invitations_person").on("invitations").column("person_id").execute();

  await withId(db, db.schema.createTable("absence_requests"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'approved', 'declined', 'withdrawn')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("decided_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("decided_at", "text")
    .addColumn("comment", "text")
    .execute();
  await db.schema.createIndex("absence_requests_invitation").on("absence_requests").column("invitation_id").execute();

  await withId(db, db.schema.createTable("proxies"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id"))
    .addColumn("delegate_name", "text", (c) => c.notNull())
    .addColumn("delegate_title", "text", (c) => c.notNull())
    .addColumn("delegate_organization", "text", (c) => c.notNull())
    .addColumn("delegate_contact", "text")
    .addColumn("opinion", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'approved', 'declined', 'withdrawn')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("decided_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("decided_at", "text")
    .addColumn("comment", "text")
    .execute();
  await db.schema.createIndex("proxies_invitation").on("proxies").column("invitation_id").execute();

  await db.schema
    .createTable("attendance")
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("presence", "text", (c) => c.notNull().check(sql`presence in ('present', 'absent', 'represented')`))
    .addColumn("delegate_name", "text")
    .addColumn("recorded_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("recorded_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("attendance_pk", ["meeting_id", "person_id"])
    .execute();

  await db.schema
    .createTable("dialogs")
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("dialogs_pk", ["person_id", "channel"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ["dialogs", "attendance", "proxies", "absence_requests", "invitations", "meetings"]) {
    await db.schema.dropTable(table).execute();
  }
}
