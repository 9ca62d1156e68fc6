import { createServer, type Server } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import type { BotContext } from "./context.js";

export interface TelegramRuntime {
  /** Resolves once updates are being received. */
  started: Promise<void>;
  /** Lets in-flight updates finish, confirms the offset (polling) or closes the server (webhook). */
  stop(): Promise<void>;
}

/**
 * Long polling (the default): grammY confirms each batch's offset with Telegram on the next call, and
 * `bot.stop()` confirms the last one, so a clean restart receives nothing twice (and the update
 * dedupe table covers a crash). Webhook mode: an HTTP server checks Telegram's secret token header.
 */
export function runTelegram(bot: Bot<BotContext>, mode: Config["mode"], logger: Logger): TelegramRuntime {
  if (mode.kind === "polling") {
    let polling: Promise<void> = Promise.resolve();
    const started = new Promise<void>((resolve, reject) => {
      polling = bot
        .start({
          allowed_updates: ["message", "callback_query", "my_chat_member"],
          onStart: (me) => {
            logger.info({ username: me.username }, "Telegram long polling started");
            resolve();
          },
        })
        .catch((e) => {
          logger.error({ err: e }, "Telegram long polling stopped with an error");
          reject(e);
        });
    });
    return {
      started,
      async stop() {
        if (bot.isRunning()) await bot.stop();
        await polling.catch(() => undefined);
      },
    };
  }

  let server: Server | undefined;
  const started = (async () => {
    await bot.init();
    const handle = webhookCallback(bot, "http", { secretToken: mode.secret, onTimeout: "return", timeoutMilliseconds: 55_000 });
    server = createServer((req, res) => {
      if (req.method === "POST" && req.url?.split("?")[0] === mode.path) return void handle(req, res);
      res.writeHead(req.url === "/healthz" ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server!.listen(mode.port, resolve));
    await bot.api.setWebhook(mode.url, { secret_token: mode.secret, allowed_updates: ["message", "callback_query", "my_chat_member"] });
    logger.info({ port: mode.port, path: mode.path }, "Telegram webhook listening");
  })();
  return {
    started,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
