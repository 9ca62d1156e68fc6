import type { Kysely } from "kysely";

// Frozen in time: a Zalo bot's messages counted per calendar month (28/11/2026).
// - zalo_usage: one row per bot (its numeric id, never the token) and month (yyyy-MM in the installation's
//   time zone): how many messages it sent, and when the secretariat was warned (80 %) and told the quota
//   was spent, so each is said once a month.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("zalo_usage")
    .addColumn("bot", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("sent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("warned_at", "text")
    .addColumn("spent_at", "text")
    .addPrimaryKeyConstraint("zalo_usage_pk", ["bot", "month"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("zalo_usage").execute();
}
