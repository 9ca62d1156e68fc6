import type { Kysely } from "kysely";

// Frozen in time: indexes the leaders' summary needs at provincial scale (29/11/2026), found by the query-plan
// check of `npm run bench -- --only summary` (10,000 members, 30,000 notice deliveries, 20,000 opinion recipients).
// - notices_committee, opinion_requests_committee: the summary starts from the committee's notices (requests)
//   and reaches their recipients through the (notice_id, person_id) unique index; without them SQLite walked
//   every recipient of every committee.
// - committees_parent: the committees below one, for the roll-up.
// - progress_updates_period: a period's reports of a committee's tasks; PostgreSQL read all 100,000 reports
//   rather than probe (task_id, period_id, version) two thousand times.
// - notice_recipients_outbox: the foreign key from a notice delivery to its outbox row; without it SQLite checked
//   a write to the outbox (the daily nudge's 5,000 bundles) against every notice delivery.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex("notices_committee").on("notices").columns(["committee_id", "status"]).execute();
  await db.schema.createIndex("opinion_requests_committee").on("opinion_requests").columns(["committee_id", "status"]).execute();
  await db.schema.createIndex("committees_parent").on("committees").column("parent_id").execute();
  await db.schema.createIndex("progress_updates_period").on("progress_updates").columns(["period_id", "task_id", "version"]).execute();
  await db.schema.createIndex("notice_recipients_outbox").on("notice_recipients").column("outbox_id").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("notice_recipients_outbox").execute();
  await db.schema.dropIndex("progress_updates_period").execute();
  await db.schema.dropIndex("committees_parent").execute();
  await db.schema.dropIndex("opinion_requests_committee").execute();
  await db.schema.dropIndex("notices_committee").execute();
}
