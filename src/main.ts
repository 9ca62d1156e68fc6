import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { appSecrets, ConfigError, createConfig, DEFAULT_DATABASE_URL, operatorLocale, readEnvironment } from "./config.js";
import { sqlitePath } from "./db/database.js";
import { startApp } from "./app.js";
import { createTranslator } from "./i18n/index.js";
import { createLogger, redact } from "./logger.js";
import { StartupError } from "./startup-error.js";

/**
 * A typo in an SQLite path must not silently start an empty database elsewhere: the folder is created only
 * for the default path; another path's folder must exist. Returns the file when a new one will be made.
 */
function checkSqlitePath(url: string): string | undefined {
  const path = sqlitePath(url);
  if (path === undefined || path === ":memory:") return undefined;
  const file = resolve(path);
  if (existsSync(file)) return undefined;
  if (url !== DEFAULT_DATABASE_URL && !existsSync(dirname(file))) throw new StartupError("sqlite_folder_missing", { folder: dirname(file) });
  return file;
}

/** Entry point of `npm start`: configuration, then the app, then a graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const env = readEnvironment();
  let config;
  try {
    config = createConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      // One line, like a StartupError's; in DEFAULT_LOCALE's language when that variable itself is right.
      console.error(`bcd-bot: ${e.lineIn(operatorLocale(env))}`);
      process.exit(2);
    }
    throw e;
  }
  const secrets = [...appSecrets(config), config.mode.kind === "webhook" ? config.mode.secret : "", config.files.linkSecret ?? ""].filter(Boolean);
  const logger = createLogger({ level: config.logLevel, pretty: config.pretty, secrets });
  let app;
  try {
    const fresh = checkSqlitePath(config.databaseUrl);
    if (fresh) logger.warn({ database: fresh }, "no database was found there: a new, empty one is created");
    app = await startApp(config, { logger });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`bcd-bot: ${e.lineIn(config.defaultLocale)}`);
      process.exit(2);
    }
    if (e instanceof StartupError) {
      // One line, in the operator's language, saying what to check; the details are in the log above.
      console.error(`bcd-bot: ${createTranslator(config.defaultLocale).plain(config.defaultLocale, `startup:${e.code}`, e.params)}`);
      process.exit(1);
    }
    logger.fatal({ err: e }, "bcd-bot could not start");
    process.exit(1);
  }
  logger.info("bcd-bot is running");
  const shutdown = (signal: string) => {
    logger.info({ signal }, "stopping: finishing work in flight");
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    void app.stop().then(
      () => {
        logger.info("stopped cleanly");
        process.exit(0);
      },
      (e) => {
        logger.error({ err: e }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e) => {
  console.error(`bcd-bot: ${redact(String(e?.stack ?? e))}`);
  process.exit(1);
});
