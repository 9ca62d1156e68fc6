import type { ChatApp } from "../app.js";
import type { ZaloAppConfig, ZaloSettings } from "../../config.js";
import type { ZaloBot } from "../../core/zalo-bots.js";
import type { DeliveryApp } from "../../delivery/worker.js";
import type { HealthRequestHandler } from "../../health.js";
import { createZaloApp, type ZaloApp, type ZaloAppDeps, type ZaloBotAccount } from "./app.js";
import { readZaloTokenFile, TokenFileError } from "./token-file.js";
import { startZaloWebhook, type ZaloWebhookServer } from "./webhook.js";

export interface ZaloFleetDeps extends Omit<ZaloAppDeps, "config" | "account"> {
  settings: ZaloSettings;
  /** The installation's own bot (ZALO_BOT_TOKEN), serving committees without one of their own. */
  own: ZaloAppConfig | undefined;
  /** The bots connected to committees (zalo:connect), as the database holds them at start. */
  committeeBots: readonly ZaloBot[];
  /** Answers `/healthz` on the Zalo webhook server. */
  healthz?: HealthRequestHandler | undefined;
}

/** Every Zalo bot of the installation, run as one app: one module per bot, one delivery lane each. */
export interface ZaloFleet extends ChatApp {
  readonly name: "zalo";
  readonly bots: readonly ZaloApp[];
  /** The shared webhook server, once started in webhook mode. */
  readonly webhook: ZaloWebhookServer | undefined;
}

/**
 * Builds one Zalo module per bot: the installation's own (its accounts' key '') and each committee's, whose
 * token is read from its file now. A committee bot whose file cannot be used (missing, readable by others,
 * not a token), or that is the installation's own bot again, is left out with an error in the log: the rest of
 * the installation runs, and that committee's people are reached by their other apps meanwhile. Undefined when
 * no bot is left.
 */
export async function createZaloFleet(deps: ZaloFleetDeps): Promise<ZaloFleet | undefined> {
  const { settings, logger } = deps;
  const log = logger.child({ component: "zalo" });
  const webhookOf = (suffix: string) => (settings.mode.kind === "webhook" ? { url: `${settings.mode.url.replace(/\/+$/, "")}${suffix}`, path: `${settings.mode.path.replace(/\/+$/, "")}${suffix}` } : undefined);
  const accounts: { account: ZaloBotAccount; botInfo?: ZaloAppDeps["botInfo"] }[] = [];
  const ownId = deps.own?.token.split(":")[0];
  if (deps.own) {
    const webhook = settings.mode.kind === "webhook" ? { url: settings.mode.url, path: settings.mode.path } : undefined;
    accounts.push({ account: { token: deps.own.token, bot: "", usageKey: ownId!, label: "installation", ...(webhook ? { webhook } : {}) }, botInfo: deps.botInfo });
  }
  for (const b of deps.committeeBots) {
    if (b.botId === ownId) {
      log.error({ committee: b.committeeCode, bot: b.botId }, "a committee's Zalo bot is the installation's own (ZALO_BOT_TOKEN): it runs once, as the installation's; disconnect it from the committee (zalo:disconnect)");
      continue;
    }
    let token: string;
    try {
      token = await readZaloTokenFile(b.tokenFile);
    } catch (e) {
      const problem = e instanceof TokenFileError ? e.problem : "unreadable";
      log.error({ committee: b.committeeCode, bot: b.botId, file: b.tokenFile, problem }, problem === "loose" ? `a committee's Zalo bot does not run: its token file is readable by others (chmod 600 ${b.tokenFile})` : "a committee's Zalo bot does not run: its token file cannot be used (see zalo:list)");
      continue;
    }
    if (token === deps.own?.token) continue;
    const webhook = webhookOf(`/${b.botId}`);
    // The id and name were checked with Zalo when it was connected: no getMe at each start.
    accounts.push({ account: { token, bot: b.botId, usageKey: b.botId, label: b.committeeCode, ...(webhook ? { webhook } : {}) }, botInfo: { id: b.botId, account_name: b.name } });
  }
  if (accounts.length === 0) return undefined;
  const bots = accounts.map(({ account, botInfo }) => createZaloApp({ ...deps, config: settings, account, botInfo }));
  const lanes = new Map<string, DeliveryApp>(bots.map((b) => [b.account.bot, b.delivery]));
  const first = bots[0]!.delivery;
  let webhook: ZaloWebhookServer | undefined;
  const started: ZaloApp[] = [];
  return {
    name: "zalo",
    bots,
    // The worker goes through the lanes; the app's own sender and gate are the first bot's, never used alone.
    delivery: { sender: first.sender, gate: first.gate, lanes },
    get webhook() {
      return webhook;
    },
    async start() {
      if (settings.mode.kind === "webhook") {
        const routes = bots.flatMap((b) => (b.route ? [b.route] : []));
        webhook = await startZaloWebhook({ host: settings.mode.host, port: settings.mode.port, secret: settings.mode.secret, routes, logger: log, healthz: deps.healthz, onUpdate: () => deps.health.platformCallSucceeded() });
      }
      for (const bot of bots) {
        try {
          await bot.start();
          started.push(bot);
        } catch (e) {
          // The installation's own bot failing stops the start, as before; a committee's is logged and left out.
          if (!bot.account.bot) throw e;
          lanes.delete(bot.account.bot);
          log.error({ err: e, committee: bot.account.label, bot: bot.account.bot }, "a committee's Zalo bot could not start: its people are reached by their other apps meanwhile");
        }
      }
    },
    async stop() {
      for (const bot of started.splice(0).reverse()) await bot.stop();
      await webhook?.stop();
      webhook = undefined;
    },
  };
}
