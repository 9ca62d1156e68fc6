import type { DB, Dialect } from "../db/database.js";
import type { Locale } from "../db/schema.js";
import type { Clock } from "./clock.js";

/** Installation-wide settings core needs (from the validated config). */
export interface CoreSettings {
  defaultLocale: Locale;
  timeZone: string;
  inviteTtlDays: number;
  /** The shortest written opinion a member must give when sending a proxy (characters). */
  proxyOpinionMinLength: number;
  /** Warn the chair and the secretariat when the expected presence is below `threshold` `warningDays` before a meeting. */
  quorum: { threshold: number; warningDays: number };
}

/** What every core command receives: the database, the clock, the settings. No platform, no globals. */
export interface CoreContext {
  db: DB;
  dialect: Dialect;
  clock: Clock;
  settings: CoreSettings;
  /**
   * Runs the handling of one chat's update once no other instance handles one of that chat (several
   * instances on PostgreSQL; see core/updates.ts). Without it, one process: the work runs at once.
   */
  chatTurns?: <T>(key: string, work: () => Promise<T>) => Promise<T>;
}
