import { appSecrets, ConfigError, createConfig, readEnvironment } from "./config.js";
import { startApp } from "./app.js";
import { createTranslator } from "./i18n/index.js";
import { createLogger, redact } from "./logger.js";
import { StartupError } from "./startup-error.js";

/** Entry point of `npm start`: configuration, then the app, then a graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = createConfig(readEnvironment());
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`bcd-bot: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const secrets = [...appSecrets(config), config.mode.kind === "webhook" ? config.mode.secret : "", config.files.linkSecret ?? ""].filter(Boolean);
  const logger = createLogger({ level: config.logLevel, pretty: config.pretty, secrets });
  let app;
  try {
    app = await startApp(config, { logger });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`bcd-bot: ${e.message}`);
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
