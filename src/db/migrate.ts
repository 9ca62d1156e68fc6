import { Migrator, type MigrationResultSet } from "kysely";
import { migrations } from "../../db/migrations/index.js";
import type { DB } from "./database.js";

const migratorFor = (db: DB) => new Migrator({ db, provider: { getMigrations: async () => migrations } });

/** Applies every pending migration in db/migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = migratorFor(db);
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return result;
}

/** The names of the migrations in db/migrations not yet applied to this database, in order; nothing is changed. */
export async function pendingMigrations(db: DB): Promise<{ total: number; pending: string[] }> {
  const all = await migratorFor(db).getMigrations();
  return { total: all.length, pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name) };
}
