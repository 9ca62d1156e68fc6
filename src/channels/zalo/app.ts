import type { ChatApp } from "../app.js";
import type { Config, ZaloSettings } from "../../config.js";
import type { Clock } from "../../core/clock.js";
import type { Core } from "../../core/index.js";
import { can } from "../../core/permissions.js";
import type { Flows } from "../../conversation/flows.js";
import { createOutboxViews } from "../../conversation/outbox-views.js";
import { createTextApp } from "../../conversation/text-app.js";
import type { Locale } from "../../db/schema.js";
import { RateGate } from "../../delivery/rate-gate.js";
import type { ChannelSender } from "../../delivery/worker.js";
import { probeWhenQuiet, type Health } from "../../health.js";
import type { Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";
import type { FileLinks } from "../../media/links.js";
import { StartupError } from "../../startup-error.js";
import { realSleep } from "../../delivery/time.js";
import { nextMonthStart, quotaAdmits, quotaPriority } from "../../core/zalo-quota.js";
import { createZaloClient, ZALO_API_ROOT, ZaloApiError, type ZaloBotInfo, type ZaloClient } from "./client.js";
import { startZaloPolling, type ZaloPolling } from "./polling.js";
import { createZaloReceiver } from "./receive.js";
import { toZaloSendError } from "./send-error.js";
import { zaloMessageSender, ZALO_TEXT_LIMIT } from "./send-message.js";
import type { ZaloWebhookRoute } from "./webhook.js";

/**
 * Zalo's pace: no per-second limit is published; its Basic plan counts 3,000 messages a month. A few
 * messages a second for the token and one a second per chat stay clear of any burst limit.
 */
export const ZALO_RATE = { ratePerSecond: 5, perChatIntervalMs: 1000 } as const;

/**
 * One Zalo bot the installation runs: its own (ZALO_BOT_TOKEN) or a committee's (zalo:connect). The token is
 * only ever put in the client's URLs.
 */
export interface ZaloBotAccount {
  token: string;
  /** Its accounts' key (channel_identities.bot, the delivery lane): '' for the installation's bot, else its id. */
  bot: string;
  /** The id its monthly use is counted under (zalo_usage.bot): its numeric id, never the token. */
  usageKey: string;
  /** For the logs: the committee it serves, or "installation". */
  label: string;
  /** Webhook mode: the https address Zalo calls and the path it is served at. */
  webhook?: { url: string; path: string };
}

export interface ZaloAppDeps {
  config: ZaloSettings;
  account: ZaloBotAccount;
  /** The conversations, built once for every app (src/conversation/flows.ts). */
  flows: Flows;
  defaultLocale: Config["defaultLocale"];
  /** The installation's time zone: the quota's months are counted in it. */
  timeZone: string;
  core: Core;
  translator: Translator;
  clock: Clock;
  logger: Logger;
  /** Wakes the delivery worker when a turn has queued messages. */
  nudgeDelivery(): void;
  /** Signed links to stored files (PUBLIC_BASE_URL): how files reach Zalo, which takes no documents. */
  fileLinks: FileLinks | undefined;
  /** Told of every successful Bot API call. */
  health: Health;
  /** Polling: one call's wait in seconds and the longest pause after failures (tests shorten them). */
  polling?: { pollSeconds?: number; maxBackoffMs?: number } | undefined;
  /** Skip getMe when the bot's identity is already known. */
  botInfo?: ZaloBotInfo | undefined;
  /** In webhook mode, how long without a successful call before a quiet bot asks Zalo for its webhook (default 60 s). */
  webhookProbeMs?: number | undefined;
}

/**
 * The Zalo module of one bot: the Bot API client, receiving (long polling, or its route on the shared webhook
 * server), the text app, and the sender with its own gate and quota.
 */
export interface ZaloApp extends ChatApp {
  readonly name: "zalo";
  readonly client: ZaloClient;
  readonly account: ZaloBotAccount;
  /** Webhook mode: its path on the shared server and its handler (the server is started before the bot). */
  readonly route: ZaloWebhookRoute | undefined;
}

export function createZaloApp(deps: ZaloAppDeps): ZaloApp {
  const { config, core, translator, account } = deps;
  const logger = deps.logger.child({ component: "zalo", ...(account.bot ? { bot: account.bot, committee: account.label } : {}) });
  // The bot's quota is counted under its numeric id, never the token.
  const bot = account.usageKey;
  const quotaFailed = (e: unknown) => logger.error({ err: e }, "could not record the Zalo quota");
  const client = createZaloClient({
    token: account.token,
    apiRoot: config.apiRoot,
    onSuccess: () => deps.health.platformCallSucceeded(),
    onSent: () => void core.zaloQuota.count(bot, 1, config.quota).then(deps.nudgeDelivery, quotaFailed),
    onQuotaExceeded: () => void core.zaloQuota.spent(bot).then(deps.nudgeDelivery, quotaFailed),
  });
  const app = createTextApp({ channel: "zalo", limit: ZALO_TEXT_LIMIT, core, translator, flows: withZaloHelp(deps.flows, translator), ...(account.bot ? { bot: account.bot } : {}) });
  const send = zaloMessageSender({ client, core, translator, fileLinks: deps.fileLinks, now: deps.clock });
  const views = createOutboxViews(core, translator, deps.clock);

  const sender: ChannelSender = {
    async send(d) {
      const view = await views(d);
      if (view.kind === "skip") return { messageId: "" };
      try {
        const parts = await app.print(d.chatId!, d.locale, view.message);
        return { messageId: await send(d.chatId!, d.locale, d.timeZone, parts, view.message.file) };
      } catch (e) {
        // Zalo says the month's quota is spent: recorded before the worker decides where the message goes next.
        if (e instanceof ZaloApiError && e.errorCode === 429 && /quota/i.test(e.description)) await core.zaloQuota.spent(bot).catch(quotaFailed);
        if (e instanceof ZaloApiError && e.errorCode === 401) logger.error({ method: e.method }, account.bot ? "Zalo refused the bot token (401): check its token file (zalo:list); it changes when the owner resets it in Zalo Bot Creator" : "Zalo refused the bot token (401): check ZALO_BOT_TOKEN; it changes when the owner resets it in Zalo Bot Creator");
        throw toZaloSendError(e);
      }
    },
  };
  const quota = {
    /** A queued message goes while the month's quota admits its priority; else from the next month. */
    async admits(template: string): Promise<true | number> {
      const usage = await core.zaloQuota.usage(bot);
      if (quotaAdmits(usage, quotaPriority(template), config.quota)) return true;
      if (usage.sent >= config.quota.monthly) await core.zaloQuota.spent(bot);
      return nextMonthStart(deps.clock(), deps.timeZone).getTime();
    },
  };
  const delivery = { sender, gate: new RateGate({ ...ZALO_RATE, groupIntervalMs: 3000 }), quota };

  let me: ZaloBotInfo | undefined = deps.botInfo;
  const handle = createZaloReceiver({ core, app, send, translator, defaultLocale: deps.defaultLocale as Locale, logger, botId: () => me?.id, bot: account.bot });
  let polling: ZaloPolling | undefined;
  let stopProbe: (() => void) | undefined;
  return {
    name: "zalo",
    delivery,
    client,
    account,
    route: account.webhook ? { path: account.webhook.path, handle } : undefined,
    async start() {
      me ??= await identify(client, config.apiRoot ?? ZALO_API_ROOT);
      logger.info({ account: me.account_name, mode: config.mode.kind }, "Zalo bot identified");
      const people = await core.zaloQuota.people(account.bot);
      if (people > config.maxPeople) logger.warn({ people, maxPeople: config.maxPeople }, "more people are linked on Zalo than the bot's plan serves (ZALO_MAX_PEOPLE): Zalo may refuse some of them");
      if (config.mode.kind === "polling" || !account.webhook) {
        // A webhook left set would keep getUpdates from working.
        const info = await client.getWebhookInfo().catch(() => undefined);
        if (info?.url) await client.deleteWebhook();
        polling = startZaloPolling({ client, handle, logger, ...deps.polling });
        return;
      }
      const mode = config.mode;
      const url = account.webhook.url;
      await client.setWebhook(url, mode.secret);
      // A webhook hears from Zalo only when someone writes: a quiet bot asks Zalo, so /healthz tells quiet from cut off.
      const every = deps.webhookProbeMs ?? 60_000;
      stopProbe = probeWhenQuiet(deps.health, every, () =>
        client.getWebhookInfo().then(
          (info) => {
            if (info.url !== url) logger.warn({ registered: info.url }, "Zalo no longer has this bot's webhook address");
          },
          (e: unknown) => logger.warn({ err: e }, "Zalo did not answer the webhook check"),
        ),
      );
    },
    async stop() {
      stopProbe?.();
      await polling?.stop();
    },
  };
}

/** /help on Zalo adds, for the secretariat, which tasks need a file and so stay on Telegram or the CLI. */
function withZaloHelp(flows: Flows, translator: Translator): Flows {
  const help = flows.commands.help;
  if (!help) return flows;
  return {
    ...flows,
    commands: {
      ...flows.commands,
      help: async (turn, args) => {
        await help(turn, args);
        if (can(turn.actor, "roster.manage") || can(turn.actor, "meeting.manage") || can(turn.actor, "notice.send")) await turn.say({ text: translator.bind(turn.locale)("zalo:help_secretariat") });
      },
    },
  };
}

/**
 * The start-up check: getMe, tried three times over the network. A refused token, or no answer at all, stops
 * the start with one line saying what to check.
 */
async function identify(client: ZaloClient, root: string, tries = 3): Promise<ZaloBotInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.getMe();
    } catch (e) {
      if (e instanceof ZaloApiError && (e.errorCode === 401 || e.errorCode === 400 || e.errorCode === 404)) throw new StartupError("zalo_token", { code: e.errorCode });
      if (attempt >= tries) throw new StartupError("zalo_unreachable", { root, tries, reason: (e as Error).message });
      await realSleep(1000 * attempt);
    }
  }
}
