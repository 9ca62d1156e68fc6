import type { UserFromGetMe } from "grammy/types";

/** The bot's identity as getMe gives it (tests pass it to skip the call). */
export type TelegramBotInfo = UserFromGetMe;
import type { ChatApp } from "../app.js";
import type { Config, TelegramAppConfig } from "../../config.js";
import type { Core } from "../../core/index.js";
import type { Clock } from "../../core/clock.js";
import { createOutboxViews } from "../../conversation/outbox-views.js";
import { RateGate } from "../../delivery/rate-gate.js";
import type { Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";
import { probeWhenQuiet, type Health, type HealthRequestHandler } from "../../health.js";
import type { FileRequestHandler } from "../../media/http.js";
import { recordSuccessfulCalls } from "./health.js";
import { createBot } from "./bot.js";
import type { Flows } from "../../conversation/flows.js";
import { installDefaultMenus } from "./commands.js";
import { checkTelegram, type PreflightOptions } from "./preflight.js";
import type { TokenLease } from "../../delivery/token-lease.js";
import { runTelegram, type TelegramRuntime, type WebhookLimits } from "./runtime.js";
import { createTelegramSender } from "./sender.js";
import { TELEGRAM_USERNAME_SETTING } from "./settings.js";

export interface TelegramAppDeps {
  config: TelegramAppConfig;
  mode: Config["mode"];
  outbox: Config["outbox"];
  defaultLocale: Config["defaultLocale"];
  timeZone: string;
  core: Core;
  translator: Translator;
  clock: Clock;
  logger: Logger;
  /** Wakes the delivery worker when a turn has queued messages. */
  nudgeDelivery(): void;
  /** Served on the webhook server (webhook mode) when signed file links are on. */
  fileRequests?: FileRequestHandler | undefined;
  /** Skip getMe when the bot's identity is already known. */
  botInfo?: UserFromGetMe | undefined;
  /** The start-up check of Telegram: tries and waits (tests shorten them). */
  preflight?: Pick<PreflightOptions, "tries" | "timeoutSeconds" | "firstDelayMs"> | undefined;
  /** The webhook server's body limits (tests shorten the receive time). */
  webhookLimits?: Partial<WebhookLimits> | undefined;
  /** Told of every successful Bot API call, receiving or sending. */
  health: Health;
  /** Answers `/healthz` on the webhook server. */
  healthz: HealthRequestHandler;
  /** The conversations, built once for every app (src/conversation/flows.ts). */
  flows: Flows;
  /** Several instances on PostgreSQL in polling mode: one polls at a time (see runtime.ts). */
  pollLease?: TokenLease | undefined;
  /** In webhook mode, how long without a successful call before a quiet bot asks Telegram for its webhook's state (default 60 s). */
  webhookProbeMs?: number | undefined;
}

/** How often a quiet bot in webhook mode checks that Telegram still answers, so `/healthz` tells a silent bot from a cut-off one. */
const WEBHOOK_PROBE_MS = 60_000;

/** The Telegram module: grammY receiving (polling or webhook), the Bot API sender and its rate gate. */
export interface TelegramApp extends ChatApp {
  readonly name: "telegram";
  /** The running receiver, once started. */
  readonly runtime: TelegramRuntime | undefined;
}

export function createTelegramApp(deps: TelegramAppDeps): TelegramApp {
  const { config, core, translator, logger } = deps;
  const { token, apiRoot } = config;
  const delivery = {
    sender: createTelegramSender({ token, apiRoot, views: createOutboxViews(core, translator, deps.clock), files: core.files, health: deps.health }),
    gate: new RateGate({
      ratePerSecond: deps.outbox.ratePerSecond,
      perChatIntervalMs: deps.outbox.perChatIntervalMs,
      groupIntervalMs: deps.outbox.groupIntervalMs,
    }),
  };
  let runtime: TelegramRuntime | undefined;
  let stopProbe: (() => void) | undefined;
  return {
    name: "telegram",
    delivery,
    get runtime() {
      return runtime;
    },
    async start() {
      let botInfo = deps.botInfo;
      if (!botInfo) {
        botInfo = await checkTelegram({ token, apiRoot, logger, ...deps.preflight });
        deps.health.platformCallSucceeded();
      }
      const bot = createBot(
        {
          core,
          translator,
          logger: logger.child({ component: "telegram" }),
          token,
          apiRoot,
          defaultLocale: deps.defaultLocale,
          timeZone: deps.timeZone,
          nudgeDelivery: deps.nudgeDelivery,
          flows: deps.flows,
        },
        { botInfo },
      );
      recordSuccessfulCalls(bot.api, deps.health);
      await bot.init();
      await core.settings.put(TELEGRAM_USERNAME_SETTING, bot.botInfo.username);
      installDefaultMenus(bot.api, translator, deps.defaultLocale, logger);
      runtime = runTelegram(bot, deps.mode, logger, { limits: deps.webhookLimits, files: deps.fileRequests, healthz: deps.healthz, health: deps.health, pollLease: deps.pollLease });
      await runtime.started;
      if (deps.mode.kind === "polling" && deps.pollLease) {
        // An instance standing by hears nothing from Telegram: while quiet it asks getMe, so /healthz stays true.
        stopProbe = probeWhenQuiet(deps.health, deps.webhookProbeMs ?? WEBHOOK_PROBE_MS, () => bot.api.getMe().catch((e: unknown) => logger.warn({ err: e }, "Telegram did not answer getMe")));
      }
      if (deps.mode.kind === "webhook") {
        // Long polling hears from Telegram every 30 s; a webhook only when someone writes. A quiet bot asks.
        const every = deps.webhookProbeMs ?? WEBHOOK_PROBE_MS;
        stopProbe = probeWhenQuiet(deps.health, every, () =>
          bot.api.getWebhookInfo().then(
            (info) => {
              const recent = info.last_error_date !== undefined && Date.now() / 1000 - info.last_error_date < (2 * every) / 1000;
              if (recent && info.last_error_message) logger.warn({ lastError: info.last_error_message, pending: info.pending_update_count }, "Telegram reports a problem delivering to the webhook");
            },
            (e: unknown) => logger.warn({ err: e }, "Telegram did not answer the webhook check"),
          ),
        );
      }
    },
    async stop() {
      stopProbe?.();
      await runtime?.stop();
    },
  };
}
