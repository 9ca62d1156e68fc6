import { type CreateTableBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: this file describes the schema as it was on 21/11/2026 and imports nothing from src/.
// Portable between SQLite and PostgreSQL: text for times (ISO-8601 UTC), JSON and 64-bit chat ids;
// integer 0/1 for flags.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("committees"))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) => c.notNull().check(sql`level in ('province', 'district')`))
    .addColumn("parent_id", "integer", (c) => c.references("committees.id"))
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("default_locale", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("people"))
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("phone", "text")
    .addColumn("email", "text")
    .addColumn("locale", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("people_email").on("people").column("email").execute();
  await db.schema.createIndex("people_phone").on("people").column("phone").execute();

  await withId(db, db.schema.createTable("memberships"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('chair', 'standing_deputy', 'deputy', 'member', 'secretariat')`),
    )
    .addColumn("organization", "text")
    .addColumn("title", "text")
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("deactivated_at", "text")
    .addUniqueConstraint("memberships_committee_person", ["committee_id", "person_id"])
    .execute();
  await db.schema.createIndex("memberships_person").on("memberships").column("person_id").execute();

  await withId(db, db.schema.createTable("channel_identities"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("username", "text")
    .addColumn("linked_at", "text", (c) => c.notNull())
    .addColumn("unreachable_at", "text")
    .addColumn("unreachable_reason", "text")
    .addUniqueConstraint("channel_identities_external", ["channel", "external_id"])
    .addUniqueConstraint("channel_identities_person", ["person_id", "channel"])
    .execute();

  await withId(db, db.schema.createTable("invites"))
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("committee_id", "integer", (c) => c.notNull().references("committees.id"))
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("used_by_external_id", "text")
    .addColumn("revoked_at", "text")
    .addColumn("issued_by_person_id", "integer", (c) => c.references("people.id"))
    .execute();
  await db.schema.createIndex("invites_person").on("invites").columns(["person_id", "committee_id"]).execute();

  await db.schema
    .createTable("signin_failures")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .addPrimaryKeyConstraint("signin_failures_pk", ["channel", "external_id"])
    .execute();

  await db.schema
    .createTable("processed_updates")
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("update_id", "text", (c) => c.notNull())
    .addColumn("processed_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("processed_updates_pk", ["channel", "update_id"])
    .execute();
  await db.schema.createIndex("processed_updates_at").on("processed_updates").column("processed_at").execute();

  await withId(db, db.schema.createTable("outbox"))
    .addColumn("committee_id", "integer", (c) => c.references("committees.id"))
    .addColumn("person_id", "integer", (c) => c.references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("chat_id", "text")
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("params", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed', 'unreachable', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("not_before", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("claimed_at", "text")
    .addColumn("claimed_by", "text")
    .addColumn("sent_at", "text")
    .addColumn("last_error", "text")
    .addColumn("external_message_id", "text")
    .execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "not_before", "id"]).execute();
  await db.schema.createIndex("outbox_person").on("outbox").column("person_id").execute();

  await withId(db, db.schema.createTable("due_jobs"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("run_at", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed', 'cancelled')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_at", "text")
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("done_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("due_jobs_due").on("due_jobs").columns(["status", "run_at"]).execute();

  await withId(db, db.schema.createTable("audit_log"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_kind", "text", (c) => c.notNull())
    .addColumn("actor_person_id", "integer", (c) => c.references("people.id"))
    .addColumn("committee_id", "integer", (c) => c.references("committees.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    .execute();
  await db.schema.createIndex("audit_log_object").on("audit_log").columns(["object_type", "object_id"]).execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    "settings",
    "audit_log",
    "due_jobs",
    "outbox",
    "processed_updates",
    "signin_failures",
    "invites",
    "channel_identities",
    "memberships",
    "people",
    "committees",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
