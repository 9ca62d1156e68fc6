import type { UserFromGetMe } from "grammy/types";
import { coreSettings, requireBotToken, type Config } from "./config.js";
import { createBot } from "./channels/telegram/bot.js";
import { installDefaultMenus } from "./channels/telegram/commands.js";
import { runTelegram, type TelegramRuntime, type WebhookLimits } from "./channels/telegram/runtime.js";
import { createOutboxRenderer } from "./channels/telegram/outbox-render.js";
import { createTelegramSender } from "./channels/telegram/sender.js";
import { systemClock, type Clock } from "./core/clock.js";
import { createCore, type Core } from "./core/index.js";
import { SETTING_TELEGRAM_USERNAME } from "./core/settings.js";
import { openDatabase, type DatabaseHandle } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { createOutboxStore } from "./delivery/outbox-store.js";
import { RateGate } from "./delivery/rate-gate.js";
import { createDeliveryWorker, type DeliveryWorker } from "./delivery/worker.js";
import { createTranslator } from "./i18n/index.js";
import type { Logger } from "./logger.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";

export interface App {
  core: Core;
  database: DatabaseHandle;
  worker: DeliveryWorker;
  scheduler: Scheduler;
  telegram: TelegramRuntime;
  /** Graceful shutdown: stop taking updates, let in-flight work finish, then close the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  clock?: Clock;
  /** Start the node-cron tick (tests tick by hand). */
  cron?: boolean;
  /** Skip getMe when the bot's identity is already known. */
  botInfo?: UserFromGetMe;
  /** Time budgets (tests shorten them): one outbox row's preparation and send, one due job. */
  sendBudgetMs?: number;
  jobBudgetMs?: number;
  /** The webhook server's body limits (tests shorten the receive time). */
  webhookLimits?: Partial<WebhookLimits>;
}

/**
 * The composition root's body: opens and migrates the database, builds core, the Telegram channel, the
 * delivery worker and the scheduler, and starts them. main.ts calls it with the real config; the
 * end-to-end tests call it with a fake Bot API server and a temporary database.
 */
export async function startApp(config: Config, opts: AppOptions): Promise<App> {
  const token = requireBotToken(config);
  const { logger } = opts;
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
  } catch (e) {
    await database.close();
    throw e;
  }
  const clock = opts.clock ?? systemClock;
  const core = createCore({
    db: database.db,
    dialect: database.dialect,
    clock,
    settings: coreSettings(config),
  });
  const translator = createTranslator(config.defaultLocale);

  const store = createOutboxStore(database.db, database.dialect, { locale: config.defaultLocale, timeZone: config.timeZone });
  const worker = createDeliveryWorker(
    {
      store,
      gates: { telegram: new RateGate({
          ratePerSecond: config.outbox.ratePerSecond,
          perChatIntervalMs: config.outbox.perChatIntervalMs,
          groupIntervalMs: config.outbox.groupIntervalMs,
        }) },
      senders: { telegram: createTelegramSender({ token, apiRoot: config.telegram.apiRoot, render: createOutboxRenderer(core, translator, clock) }) },
      onUnreachable: (personId, channel, reason) => core.people.markUnreachable(personId, channel, reason),
      logger: logger.child({ component: "delivery" }),
      now: () => clock().getTime(),
    },
    { concurrency: config.outbox.concurrency, maxAttempts: config.outbox.maxAttempts, ...(opts.sendBudgetMs ? { sendBudgetMs: opts.sendBudgetMs } : {}) },
  );
  const scheduler = createScheduler({ core, logger: logger.child({ component: "scheduler" }), onMessagesQueued: () => worker.nudge() }, config.schedulerCron, {
    ...(opts.jobBudgetMs ? { jobBudgetMs: opts.jobBudgetMs } : {}),
  });

  const bot = createBot(
    {
      core,
      translator,
      logger: logger.child({ component: "telegram" }),
      token,
      apiRoot: config.telegram.apiRoot,
      defaultLocale: config.defaultLocale,
      timeZone: config.timeZone,
      nudgeDelivery: () => worker.nudge(),
    },
    opts.botInfo ? { botInfo: opts.botInfo } : {},
  );
  await bot.init();
  await core.settings.put(SETTING_TELEGRAM_USERNAME, bot.botInfo.username);
  installDefaultMenus(bot.api, translator, config.defaultLocale, logger);

  // Receiving comes first: whatever the queue holds, people's updates are taken from the start.
  const telegram = runTelegram(bot, config.mode, logger, opts.webhookLimits);
  await telegram.started;
  await worker.start();
  if (opts.cron !== false) scheduler.start();

  let stopping: Promise<void> | undefined;
  return {
    core,
    database,
    worker,
    scheduler,
    telegram,
    stop() {
      stopping ??= (async () => {
        await telegram.stop();
        await scheduler.stop();
        await worker.stop();
        await database.close();
      })();
      return stopping;
    },
  };
}
