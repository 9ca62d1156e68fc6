import type { Kysely } from "kysely";

// Frozen in time: how many times a process stopped while an outbox row was being sent. A row that stops
// the process twice is set aside as failed instead of being taken again at every start.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("outbox").addColumn("interruptions", "integer", (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("outbox").dropColumn("interruptions").execute();
}
