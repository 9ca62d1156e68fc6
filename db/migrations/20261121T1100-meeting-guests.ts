import type { Kysely } from "kysely";

// Frozen in time: guests of an extended meeting and delegates who attend in a member's place are invited
// too, without a seat on the committee; their invite links are tied to the meeting. Imports nothing from src/.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("invitations").addColumn("kind", "text", (c) => c.notNull().defaultTo("member")).execute();
  await db.schema.alterTable("invitations").addColumn("title", "text").execute();
  await db.schema.alterTable("invitations").addColumn("organization", "text").execute();
  await db.schema.alterTable("invitations").addColumn("represents_person_id", "integer", (c) => c.references("people.id")).execute();
  await db.schema.alterTable("invites").addColumn("meeting_id", "integer", (c) => c.references("meetings.id")).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("invites").dropColumn("meeting_id").execute();
  for (const column of ["represents_person_id", "organization", "title", "kind"]) {
    await db.schema.alterTable("invitations").dropColumn(column).execute();
  }
}
