import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import type { ChatApp } from "./channels/app.js";
import { createTelegramApp, type TelegramBotInfo } from "./channels/telegram/app.js";
import type { ZaloAppDeps } from "./channels/zalo/app.js";
import { createZaloFleet } from "./channels/zalo/fleet.js";
import type { PreflightOptions } from "./channels/telegram/preflight.js";
import type { WebhookLimits } from "./channels/telegram/runtime.js";
import { storedInviteLink } from "./channels/telegram/settings.js";
import { createFlows } from "./conversation/flows.js";
import { ConfigError, coreSettings, requireBotToken, type Config } from "./config.js";
import { StartupError } from "./startup-error.js";
import { proxyFor, proxyLabel } from "./net/proxy.js";
import { systemClock, type Clock } from "./core/clock.js";
import { createCore, type Core } from "./core/index.js";
import { openDatabase, sqlitePath, type DatabaseHandle } from "./db/database.js";
import type { ChannelName } from "./db/schema.js";
import { migrateToLatest } from "./db/migrate.js";
import { advisoryKey, lockPool, withAdvisoryLock } from "./db/advisory.js";
import { createOutboxStore } from "./delivery/outbox-store.js";
import { createDeliveryWorker, type DeliveryApp, type DeliveryWorker } from "./delivery/worker.js";
import { deliveryLeases } from "./delivery/leases.js";
import { createTokenLease } from "./delivery/token-lease.js";
import { createTranslator } from "./i18n/index.js";
import { redact, type Logger } from "./logger.js";
import { ZALO_API_ROOT } from "./channels/zalo/client.js";
import { createHealth, createHealthRequestHandler, startHealthServer, type Health } from "./health.js";
import { createFileRequestHandler, startFileServer, type FileRequestHandler } from "./media/http.js";
import { createFileLinks, fileLinkSecret, type FileLinks } from "./media/links.js";
import { PROJECT_ROOT } from "./paths.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";

/** The version in package.json, for the start-up log line. */
const APP_VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Where the database is, for the log: the SQLite path, or the PostgreSQL host and database without credentials. */
function databaseLabel(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  const u = new URL(url);
  return `postgres://${u.host}${u.pathname}`;
}

export interface App {
  core: Core;
  database: DatabaseHandle;
  worker: DeliveryWorker;
  scheduler: Scheduler;
  /** The apps (modules) running in this process, in start order. */
  apps: ChatApp[];
  /** Signed, expiring links to stored files; undefined unless PUBLIC_BASE_URL is set. */
  fileLinks: FileLinks | undefined;
  /** What `/healthz` reports from: the last successful platform call. */
  health: Health;
  /** Graceful shutdown: stop taking updates, let in-flight work finish, then close the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  clock?: Clock;
  /** Start the node-cron tick (tests tick by hand). */
  cron?: boolean;
  /** Skip getMe when the bot's identity is already known. */
  botInfo?: TelegramBotInfo;
  /** The start-up check of Telegram: tries and waits (tests shorten them). */
  preflight?: Pick<PreflightOptions, "tries" | "timeoutSeconds" | "firstDelayMs">;
  /** Time budgets (tests shorten them): one outbox row's preparation and send, one due job. */
  sendBudgetMs?: number;
  jobBudgetMs?: number;
  /** The webhook server's body limits (tests shorten the receive time). */
  webhookLimits?: Partial<WebhookLimits>;
  /**
   * More apps for the delivery worker beside Telegram, by name: a message to a person goes on whichever
   * of their linked apps runs here. Until the Zalo module exists, tests stand one in.
   */
  deliveryApps?: Partial<Record<ChannelName, DeliveryApp>>;
  /** Zalo: skip getMe with a known identity; shorter polls and pauses (tests). */
  zalo?: Pick<ZaloAppDeps, "botInfo" | "polling">;
  /** `/healthz`: how long without a successful platform call is still healthy, and how often a quiet webhook bot checks (tests shorten them). */
  healthLimits?: { maxPlatformSilenceMs?: number; webhookProbeMs?: number };
  /**
   * App modules that need no token, built from what every app shares (the web playground's). With one,
   * the bot starts without a Telegram or Zalo token.
   */
  moreApps?: (shared: SharedAppDeps) => ChatApp[];
}

/** What the composition root builds once and every app module is made with. */
export interface SharedAppDeps {
  core: Core;
  translator: ReturnType<typeof createTranslator>;
  flows: ReturnType<typeof createFlows>;
  clock: Clock;
  logger: Logger;
  /** Wakes the delivery worker when a turn has queued messages. */
  nudgeDelivery(): void;
}

/**
 * The composition root's body: opens and migrates the database, builds core, the app modules configuration
 * enables, the delivery worker and the scheduler, and starts them. main.ts calls it with the real config; the
 * end-to-end tests call it with a fake Bot API server and a temporary database.
 */
export async function startApp(config: Config, opts: AppOptions): Promise<App> {
  // Without a token in the environment, Zalo bots connected to committees (in the database) may still make an app;
  // a database not created yet (or in memory) holds none, so that is said at once, before anything is created.
  // The playground brings an app of its own (moreApps) and needs no token.
  const file = sqlitePath(config.databaseUrl);
  if (!opts.moreApps && (config.apps.telegram || config.apps.zalo || (file !== undefined && (file === ":memory:" || !existsSync(file))))) requireBotToken(config);
  const { logger } = opts;
  const database = openDatabase(config.databaseUrl);
  try {
    await sql`select 1`.execute(database.db).catch((e: unknown) => {
      throw new StartupError("database_unreachable", { database: databaseLabel(config.databaseUrl), reason: redact(String((e as Error)?.message ?? e)) });
    });
    await migrateToLatest(database.db);
  } catch (e) {
    await database.close();
    throw e;
  }
  const clock = opts.clock ?? systemClock;
  // Several instances on PostgreSQL: one chat's updates are handled one at a time across them (core/updates.ts).
  const locks = database.dialect === "postgres" ? lockPool(config.databaseUrl) : undefined;
  const core = createCore({
    db: database.db,
    dialect: database.dialect,
    clock,
    settings: coreSettings(config),
    chatTurns: locks ? (key, work) => withAdvisoryLock(locks, advisoryKey(`chat:${key}`), work) : undefined,
  });
  // The Zalo bots committees connected (zalo:connect) run beside the installation's own.
  const committeeBots = await core.zaloBots.list();
  let appsConfig: ReturnType<typeof requireBotToken>;
  try {
    appsConfig = opts.moreApps ? config.apps : requireBotToken(config, committeeBots.length);
    if (committeeBots.length > 0 && config.zalo instanceof ConfigError) throw config.zalo;
  } catch (e) {
    await database.close();
    throw e;
  }
  const translator = createTranslator(config.defaultLocale);
  const health = createHealth();
  const healthz = createHealthRequestHandler({
    health,
    pingDatabase: () => sql`select 1`.execute(database.db),
    logger,
    maxPlatformSilenceMs: opts.healthLimits?.maxPlatformSilenceMs,
    sendingFor: database.dialect === "postgres" ? () => worker.sending() : undefined,
  });

  // Signed links to stored files, served over HTTP when there is a public address to put in them.
  let fileLinks: FileLinks | undefined;
  let fileRequests: FileRequestHandler | undefined;
  if (config.files.publicBaseUrl) {
    const secret = await fileLinkSecret(database.db, clock(), config.files.linkSecret);
    fileLinks = createFileLinks({ baseUrl: config.files.publicBaseUrl, secret, now: clock });
    fileRequests = createFileRequestHandler({ links: fileLinks, content: (id) => core.files.content(id), logger });
  }

  const store = createOutboxStore(database.db, database.dialect, { locale: config.defaultLocale, timeZone: config.timeZone });
  // The apps configuration enables, one module each: Telegram, Zalo, or both.
  // Turns wake the worker; it is built just below, before any app starts receiving.
  const nudgeDelivery = () => worker.nudge();
  // Zalo runs with the installation's bot, or with the committees' own bots alone.
  const zaloSettings = config.zalo instanceof ConfigError ? undefined : config.zalo;
  const zaloRuns = zaloSettings !== undefined && (appsConfig.zalo !== undefined || committeeBots.length > 0);
  const installationZaloLink = appsConfig.zalo?.botLink;
  // The conversations, built once for every app: an invite names Telegram's t.me link when Telegram runs, and how
  // to link on Zalo when Zalo runs: the share link of the invite's committee's own bot, else ZALO_BOT_LINK.
  const flows = createFlows({
    core,
    translator,
    nudgeDelivery,
    inviteLink: appsConfig.telegram ? storedInviteLink(core.settings) : undefined,
    zaloBotLink: zaloRuns ? (committeeId: number) => core.zaloBots.linkFor(committeeId, installationZaloLink) : undefined,
  });
  const apps: ChatApp[] = [];
  if (appsConfig.telegram) {
    apps.push(createTelegramApp({
      config: appsConfig.telegram,
      mode: config.mode,
      outbox: config.outbox,
      defaultLocale: config.defaultLocale,
      timeZone: config.timeZone,
      core,
      translator,
      clock,
      logger,
      nudgeDelivery,
      fileRequests,
      botInfo: opts.botInfo,
      preflight: opts.preflight,
      webhookLimits: opts.webhookLimits,
      health,
      healthz,
      webhookProbeMs: opts.healthLimits?.webhookProbeMs,
      flows,
      // Several instances on PostgreSQL: one polls Telegram at a time (Telegram refuses a second poller).
      pollLease:
        database.dialect === "postgres" && config.mode.kind === "polling"
          ? createTokenLease({ url: config.databaseUrl, name: `polling:telegram:${appsConfig.telegram.token}`, label: "polling:telegram", logger })
          : undefined,
    }));
  }
  const zalo =
    zaloSettings && zaloRuns
      ? await createZaloFleet({
          settings: zaloSettings,
          own: appsConfig.zalo,
          committeeBots,
          flows,
          defaultLocale: config.defaultLocale,
          timeZone: config.timeZone,
          core,
          translator,
          clock,
          logger,
          nudgeDelivery,
          fileLinks,
          health,
          healthz,
          webhookProbeMs: opts.healthLimits?.webhookProbeMs,
          ...opts.zalo,
        })
      : undefined;
  if (zalo) apps.push(zalo);
  apps.push(...(opts.moreApps?.({ core, translator, flows, clock, logger, nudgeDelivery }) ?? []));
  if (apps.length === 0) {
    await database.close();
    throw new ConfigError({ kind: "no_token" });
  }
  const deliveryApps: Partial<Record<ChannelName, DeliveryApp>> = Object.fromEntries(apps.map((app) => [app.name, app.delivery]));
  const worker = createDeliveryWorker(
    {
      store,
      apps: { ...deliveryApps, ...opts.deliveryApps },
      onUnreachable: (personId, channel, reason, bot) => core.people.markUnreachable(personId, channel, reason, bot),
      logger: logger.child({ component: "delivery" }),
      now: () => clock().getTime(),
      // PostgreSQL: one instance at a time sends for each bot token (README, "Several instances").
      leases: database.dialect === "postgres" ? deliveryLeases(config, logger.child({ component: "delivery" }), committeeBots.map((b) => b.botId)) : undefined,
    },
    { concurrency: config.outbox.concurrency, maxAttempts: config.outbox.maxAttempts, ...(opts.sendBudgetMs ? { sendBudgetMs: opts.sendBudgetMs } : {}) },
  );
  const scheduler = createScheduler({ core, logger: logger.child({ component: "scheduler" }), onMessagesQueued: () => worker.nudge() }, config.schedulerCron, {
    ...(opts.jobBudgetMs ? { jobBudgetMs: opts.jobBudgetMs } : {}),
  });

  const telegramRoot = appsConfig.telegram ? (appsConfig.telegram.apiRoot ?? "https://api.telegram.org") : undefined;
  const zaloRoot = zalo ? (zaloSettings!.apiRoot ?? ZALO_API_ROOT) : undefined;
  logger.info(
    {
      apps: apps.map((app) => app.name),
      ...(telegramRoot ? { apiRoot: telegramRoot } : {}),
      ...(zaloRoot ? { zaloApiRoot: zaloRoot, zaloMode: zaloSettings!.mode.kind, zaloBots: zalo!.bots.length } : {}),
      proxy: (telegramRoot ?? zaloRoot) ? (proxyLabel(proxyFor(telegramRoot ?? zaloRoot!)) ?? "none") : "none",
      database: databaseLabel(config.databaseUrl),
      mode: config.mode.kind,
      version: APP_VERSION,
    },
    "bcd-bot starting",
  );
  // Receiving comes first: whatever the queue holds, people's updates are taken from the start.
  const started: ChatApp[] = [];
  const stopApps = async () => {
    for (const app of [...started].reverse()) await app.stop();
  };
  try {
    for (const app of apps) {
      started.push(app);
      await app.start();
    }
  } catch (e) {
    await stopApps().catch(() => undefined);
    await database.close();
    throw e;
  }
  // Polling mode (or Zalo alone) has no Telegram webhook server to serve file links: they get one of their
  // own. HEALTH_PORT puts /healthz on a server of its own, unless a server the bot runs already listens there.
  const telegramWebhook = config.mode.kind === "webhook" && appsConfig.telegram !== undefined;
  const zaloPort = zalo && zaloSettings?.mode.kind === "webhook" ? zaloSettings.mode.port : undefined;
  const listening = [telegramWebhook ? config.files.port : undefined, !telegramWebhook && fileRequests ? config.files.port : undefined, zaloPort];
  let fileServer: { stop(): Promise<void> } | undefined;
  let healthServer: { stop(): Promise<void> } | undefined;
  try {
    if (fileRequests && !telegramWebhook) {
      fileServer = await startFileServer({ host: config.files.host, port: config.files.port, handler: fileRequests, healthz, logger });
    }
    if (config.health.port !== undefined && !listening.includes(config.health.port)) {
      healthServer = await startHealthServer({ host: config.health.host, port: config.health.port, handler: healthz, logger });
    }
  } catch (e) {
    await fileServer?.stop();
    await stopApps();
    await database.close();
    throw e;
  }
  await worker.start();
  if (opts.cron !== false) {
    // Each committee's quarterly planner is a due job; one created while the bot ran is scheduled by the CLI.
    await core.cycle.ensurePlanners();
    scheduler.start();
  }

  let stopping: Promise<void> | undefined;
  return {
    core,
    database,
    worker,
    scheduler,
    apps,
    fileLinks,
    health,
    stop() {
      stopping ??= (async () => {
        await stopApps();
        await healthServer?.stop();
        await fileServer?.stop();
        await scheduler.stop();
        await worker.stop();
        await locks?.end();
        await database.close();
      })();
      return stopping;
    },
  };
}
