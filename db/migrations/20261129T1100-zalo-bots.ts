import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: several Zalo bots, one per committee (29/11/2026). A Basic-plan bot serves 50 people and
// 3,000 messages a month, so a province with commune committees connects one bot per committee.
// - zalo_bots: the bot connected to a committee (one each): its numeric id (getMe), its display name, and
//   the path of the file holding its token (0600, read at start). The token itself never enters the database.
// - channel_identities.bot: the Zalo bot an account came through ('' for Telegram, and for the installation's
//   own bot, ZALO_BOT_TOKEN). A Zalo user id may be scoped to the bot, so one person may hold one account per
//   bot: the unique keys become (channel, bot, external_id) and (person_id, channel, bot). SQLite cannot
//   change a table's constraints, so there the table is rebuilt (ids kept); PostgreSQL alters it in place.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const COLUMNS = "id, person_id, channel, external_id, chat_id, username, linked_at, unreachable_at, unreachable_reason, last_seen_at";

export async function up(db: AnyDb): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("zalo_bots")
    .addColumn("bot_id", "text", (c) => c.primaryKey())
    .addColumn("committee_id", "integer", (c) => c.notNull().unique().references("committees.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_file", "text", (c) => c.notNull())
    .addColumn("connected_at", "text", (c) => c.notNull())
    .execute();

  if (postgres) {
    await db.schema.alterTable("channel_identities").addColumn("bot", "text", (c) => c.notNull().defaultTo("")).execute();
    await db.schema.alterTable("channel_identities").dropConstraint("channel_identities_external").execute();
    await db.schema.alterTable("channel_identities").dropConstraint("channel_identities_person").execute();
    await db.schema.alterTable("channel_identities").addUniqueConstraint("channel_identities_external", ["channel", "bot", "external_id"]).execute();
    await db.schema.alterTable("channel_identities").addUniqueConstraint("channel_identities_person", ["person_id", "channel", "bot"]).execute();
    return;
  }
  await db.schema
    .createTable("channel_identities_new")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("username", "text")
    .addColumn("linked_at", "text", (c) => c.notNull())
    .addColumn("unreachable_at", "text")
    .addColumn("unreachable_reason", "text")
    .addColumn("last_seen_at", "text")
    .addColumn("bot", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("channel_identities_external", ["channel", "bot", "external_id"])
    .addUniqueConstraint("channel_identities_person", ["person_id", "channel", "bot"])
    .execute();
  await sql.raw(`insert into channel_identities_new (${COLUMNS}, bot) select ${COLUMNS}, '' from channel_identities`).execute(db);
  await db.schema.dropTable("channel_identities").execute();
  await db.schema.alterTable("channel_identities_new").renameTo("channel_identities").execute();
}

export async function down(db: AnyDb): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Accounts through a committee's own bot have no place in the old shape.
  await db.deleteFrom("channel_identities").where("bot", "!=", "").execute();
  await db.schema.dropTable("zalo_bots").execute();
  if (postgres) {
    await db.schema.alterTable("channel_identities").dropConstraint("channel_identities_external").execute();
    await db.schema.alterTable("channel_identities").dropConstraint("channel_identities_person").execute();
    await db.schema.alterTable("channel_identities").dropColumn("bot").execute();
    await db.schema.alterTable("channel_identities").addUniqueConstraint("channel_identities_external", ["channel", "external_id"]).execute();
    await db.schema.alterTable("channel_identities").addUniqueConstraint("channel_identities_person", ["person_id", "channel"]).execute();
    return;
  }
  await db.schema
    .createTable("channel_identities_old")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("person_id", "integer", (c) => c.notNull().references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("external_id", "text", (c) => c.notNull())
    .addColumn("chat_id", "text", (c) => c.notNull())
    .addColumn("username", "text")
    .addColumn("linked_at", "text", (c) => c.notNull())
    .addColumn("unreachable_at", "text")
    .addColumn("unreachable_reason", "text")
    .addColumn("last_seen_at", "text")
    .addUniqueConstraint("channel_identities_external", ["channel", "external_id"])
    .addUniqueConstraint("channel_identities_person", ["person_id", "channel"])
    .execute();
  await sql.raw(`insert into channel_identities_old (${COLUMNS}) select ${COLUMNS} from channel_identities`).execute(db);
  await db.schema.dropTable("channel_identities").execute();
  await db.schema.alterTable("channel_identities_old").renameTo("channel_identities").execute();
}
