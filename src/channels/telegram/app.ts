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
import type { FileRequestHandler } from "../../media/http.js";
import { createBot } from "./bot.js";
import { createFlows } from "../../conversation/flows.js";
import { inviteLink } from "./features/members.js";
import { installDefaultMenus } from "./commands.js";
import { checkTelegram, type PreflightOptions } from "./preflight.js";
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
}

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
    sender: createTelegramSender({ token, apiRoot, views: createOutboxViews(core, translator, deps.clock), files: core.files }),
    gate: new RateGate({
      ratePerSecond: deps.outbox.ratePerSecond,
      perChatIntervalMs: deps.outbox.perChatIntervalMs,
      groupIntervalMs: deps.outbox.groupIntervalMs,
    }),
  };
  let runtime: TelegramRuntime | undefined;
  return {
    name: "telegram",
    delivery,
    get runtime() {
      return runtime;
    },
    async start() {
      const botInfo = deps.botInfo ?? (await checkTelegram({ token, apiRoot, logger, ...deps.preflight }));
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
          flows: createFlows({ core, translator, nudgeDelivery: deps.nudgeDelivery, inviteLink: async (code) => inviteLink(bot.botInfo.username, code) }),
        },
        { botInfo },
      );
      await bot.init();
      await core.settings.put(TELEGRAM_USERNAME_SETTING, bot.botInfo.username);
      installDefaultMenus(bot.api, translator, deps.defaultLocale, logger);
      runtime = runTelegram(bot, deps.mode, logger, deps.webhookLimits, deps.fileRequests);
      await runtime.started;
    },
    async stop() {
      await runtime?.stop();
    },
  };
}
