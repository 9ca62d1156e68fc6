import { type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: the chair's conclusions after a meeting (29/11/2026). Each conclusion is a task of the
// registry (tasks) with a row here that ties it to its meeting, so its source ("Kết luận phiên họp ngày …")
// can be printed in either language from the meeting's date, and to the notice that published it.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const table = db.schema.createTable("conclusions");
  await (db.getExecutor().adapter instanceof PostgresAdapter ? table.addColumn("id", "serial", (c) => c.primaryKey()) : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id"))
    .addColumn("task_id", "integer", (c) => c.notNull().references("tasks.id").unique())
    .addColumn("notice_id", "integer", (c) => c.references("notices.id"))
    .addColumn("created_by_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("conclusions_committee_meeting").on("conclusions").columns(["committee_id", "meeting_id"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("conclusions").execute();
}
