import { type Kysely, sql } from "kysely";

// Frozen in time: what the generated documents need to know of a committee and a meeting (Decree 30/2020/NĐ-CP):
// the governing body over the committee ("UBND TỈNH LẠNG SƠN"), the place name of the date line ("Lạng Sơn"),
// the code of its documents ("BCĐ" in "Số: …/BB-BCĐ"), the body that gathers obstacles and proposals
// (regulation Art. 7.6), and who records a meeting's minutes. A committee's level may now also be a commune or a
// ward (since 1 July 2025 there is no district level; "district" stays for old data). Imports nothing from src/.
//
// The level's CHECK is replaced without rebuilding the table, the same way on SQLite and PostgreSQL: the old column
// is renamed aside (its CHECK goes with it), a new one is added with the new CHECK, filled, and the old one dropped.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function replaceLevel(db: AnyDb, levels: readonly string[]): Promise<void> {
  const allowed = sql.join(levels.map((l) => sql.lit(l)));
  await db.schema.alterTable("committees").renameColumn("level", "level_before").execute();
  await db.schema
    .alterTable("committees")
    .addColumn("level", "text", (c) => c.notNull().defaultTo("province").check(sql`level in (${allowed})`))
    .execute();
  await db.updateTable("committees").set({ level: sql.ref("level_before") }).execute();
  await db.schema.alterTable("committees").dropColumn("level_before").execute();
}

export async function up(db: AnyDb): Promise<void> {
  await replaceLevel(db, ["province", "commune", "ward", "district"]);
  await db.schema.alterTable("committees").addColumn("governing_body", "text").execute();
  await db.schema.alterTable("committees").addColumn("place_name", "text").execute();
  await db.schema.alterTable("committees").addColumn("code_prefix", "text").execute();
  await db.schema.alterTable("committees").addColumn("focal_body", "text").execute();
  await db.schema.alterTable("meetings").addColumn("secretary_person_id", "integer", (c) => c.references("people.id")).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("meetings").dropColumn("secretary_person_id").execute();
  for (const column of ["focal_body", "code_prefix", "place_name", "governing_body"]) await db.schema.alterTable("committees").dropColumn(column).execute();
  // The old schema knew only two levels: a commune or ward committee was a subordinate ("district") one.
  await db.updateTable("committees").set({ level: "district" }).where("level", "in", ["commune", "ward"]).execute();
  await replaceLevel(db, ["province", "district"]);
}
