import { type CreateTableBuilder, type Kysely, PostgresAdapter } from "kysely";

// Frozen in time: on an app without buttons, choices are numbered; what each number in a chat stands for is
// kept here, so "2" means the same thing after a restart. Imports nothing from src/.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function withId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable("choice_numbers"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("choice_numbers_chat_number", ["channel", "chat_id", "number"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("choice_numbers").execute();
}
