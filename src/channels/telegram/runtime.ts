import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Config } from "../../config.js";
import { isHealthRequest, type Health, type HealthRequestHandler } from "../../health.js";
import type { Logger } from "../../logger.js";
import { isFileRequest, type FileRequestHandler } from "../../media/http.js";
import type { BotContext } from "./context.js";
import type { TokenLease } from "../../delivery/token-lease.js";

export interface TelegramRuntime {
  /** Resolves once updates are being received. */
  started: Promise<void>;
  /** Lets in-flight updates finish, confirms the offset (polling) or closes the server (webhook). */
  stop(): Promise<void>;
}

/** What the receiver shares with the rest of the program. */
export interface RuntimeOptions {
  /** The webhook server's body limits (tests shorten the receive time). */
  limits?: Partial<WebhookLimits> | undefined;
  /** Serves signed file links (`GET /files/…`) on the webhook server, when a public base URL is configured. */
  files?: FileRequestHandler | undefined;
  /** Answers `/healthz` on the webhook server. */
  healthz: HealthRequestHandler;
  /** Told of every update the webhook receives (a successful call from Telegram). */
  health: Health;
  /**
   * Several instances on PostgreSQL in polling mode: only the holder of this lease polls (Telegram answers
   * 409 to a second poller of one token); the others stand by and take over when it goes.
   */
  pollLease?: TokenLease | undefined;
}

/** The updates we ask Telegram for, in both modes. */
const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

/**
 * Long polling (the default): grammY confirms each batch's offset with Telegram on the next call, and
 * `bot.stop()` confirms the last one, so a clean restart receives nothing twice (and the update
 * dedupe table covers a crash). Webhook mode: see `runWebhook`.
 */
export function runTelegram(bot: Bot<BotContext>, mode: Config["mode"], logger: Logger, opts: RuntimeOptions): TelegramRuntime {
  if (mode.kind === "polling" && opts.pollLease) return pollUnderLease(bot, logger, opts.pollLease);
  if (mode.kind === "polling") {
    let polling: Promise<void> = Promise.resolve();
    const started = new Promise<void>((resolve, reject) => {
      polling = bot
        .start({
          allowed_updates: [...ALLOWED_UPDATES],
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

  return runWebhook(bot, mode, logger, { ...WEBHOOK_LIMITS, ...opts.limits }, opts);
}

/**
 * Long polling by one instance at a time: it polls while it holds the lease and stops (confirming the offset)
 * when it loses it; an instance without it stands by, counted as started.
 */
function pollUnderLease(bot: Bot<BotContext>, logger: Logger, lease: TokenLease): TelegramRuntime {
  let polling: Promise<void> = Promise.resolve();
  const begin = () => {
    polling = bot
      .start({ allowed_updates: [...ALLOWED_UPDATES], onStart: (me) => logger.info({ username: me.username }, "Telegram long polling started") })
      .catch((e: unknown) => logger.error({ err: e }, "Telegram long polling stopped with an error"));
  };
  const end = async () => {
    if (bot.isRunning()) await bot.stop().catch(() => undefined);
    await polling;
  };
  lease.start((held) => {
    if (held) begin();
    else void end();
  });
  logger.info("Telegram long polling: one instance polls at a time; this one polls once it holds the lease");
  return {
    started: Promise.resolve(),
    async stop() {
      await end();
      await lease.stop();
    },
  };
}

type WebhookMode = Extract<Config["mode"], { kind: "webhook" }>;

/** What the webhook server accepts. Telegram's updates are a few kilobytes and arrive in one go. */
export interface WebhookLimits {
  /** Largest body read, in bytes; a larger one gets 413. */
  maxBodyBytes: number;
  /** Time allowed to receive the whole body once the headers are in; a slower one gets 408. */
  bodyTimeoutMs: number;
}

/** The webhook server's limits; a test may pass shorter ones (the stalled-body test does not wait 10 s). */
export const WEBHOOK_LIMITS: Readonly<WebhookLimits> = { maxBodyBytes: 1024 * 1024, bodyTimeoutMs: 10_000 };

/**
 * Webhook mode: an HTTP server (normally behind an HTTPS reverse proxy) that takes Telegram's updates.
 *
 * Every request is answered and none can take the process down: the secret header is checked before the
 * body is read (a stranger cannot make us buffer anything), the body is read with a size and a time cap,
 * and it must be a JSON object with an integer `update_id`. A refused request gets its 4xx, a warn log line
 * and a closed connection. Only then is the update handed to grammY, whose own timeout (answer Telegram
 * after 55 s even if a handler is still busy, so it does not retry) still applies.
 */
function runWebhook(bot: Bot<BotContext>, mode: WebhookMode, logger: Logger, limits: WebhookLimits, { files, healthz, health }: RuntimeOptions): TelegramRuntime {
  const log = logger.child({ component: "webhook" });
  // The secret is checked here, before grammY sees the request, so grammY is given none to check.
  const handleUpdate = webhookCallback(bot, validatedUpdate, { onTimeout: "return", timeoutMilliseconds: 55_000 });

  const onUpdateRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!secretMatches(req.headers["x-telegram-bot-api-secret-token"], mode.secret)) {
      return refuse(req, res, 401, "wrong or missing secret token");
    }
    let update: Update;
    try {
      update = parseUpdate(await readBody(req, limits));
    } catch (e) {
      if (e instanceof RequestError) return refuse(req, res, e.status, e.message);
      throw e;
    }
    health.platformCallSucceeded();
    await handleUpdate(update, res);
  };

  /** Answers with a 4xx (when the client is still there to hear it) and closes the connection. */
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string): void => {
    log.warn({ status, reason, remoteAddress: req.socket.remoteAddress }, "Webhook request refused");
    if (res.headersSent || res.destroyed || req.socket.destroyed) {
      req.socket.destroy();
      return;
    }
    res.once("finish", () => req.socket.destroy());
    res.writeHead(status, { "Content-Type": "text/plain", Connection: "close" }).end(reason);
  };

  let server: Server | undefined;
  const started = (async () => {
    await bot.init();
    server = createServer(serverTimeouts(limits), (req, res) => {
      const path = req.url?.split("?")[0];
      if (req.method === "POST" && path === mode.path) {
        onUpdateRequest(req, res).catch((e: unknown) => {
          log.error({ err: e }, "Webhook update failed");
          if (!res.headersSent && !res.destroyed) res.writeHead(500, { Connection: "close" }).end();
        });
        return;
      }
      if (files && isFileRequest(req)) return void files(req, res);
      if (isHealthRequest(req)) return healthz(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(mode.port, mode.host, () => {
        server!.off("error", reject).on("error", (e) => log.error({ err: e }, "Webhook server error"));
        resolve();
      });
    });
    await bot.api.setWebhook(mode.url, { secret_token: mode.secret, allowed_updates: [...ALLOWED_UPDATES] });
    log.info({ host: mode.host, port: mode.port, path: mode.path }, "Telegram webhook listening");
  })();
  return {
    started,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/**
 * Node's own limits, the backstop behind `readBody`'s. Node allows 5 minutes for a request and 60 s for its
 * headers by default, checked every 30 s: far more than a slow or stalled client deserves. Here the headers
 * get 10 s and the whole request the headers' time plus the body's (our body timer answers first, with a log
 * line), checked every second. Idle keep-alive connections stay open longer than the 60 s idle timeout usual
 * in reverse proxies and load balancers, so the proxy is the side that closes them and never sends a request
 * on a connection we have just closed.
 */
function serverTimeouts(limits: WebhookLimits) {
  const headersTimeout = 10_000;
  return { headersTimeout, requestTimeout: headersTimeout + limits.bodyTimeoutMs, keepAliveTimeout: 65_000, connectionsCheckingInterval: 1_000 };
}

/**
 * grammY's framework adapter for an update we have already read and checked: it answers on the Node
 * response, like grammY's own "http" adapter, but never touches the request stream (that adapter parses the
 * body itself, and a bad body rejected a promise nobody awaited: the process exited).
 */
function validatedUpdate(update: Update, res: ServerResponse) {
  return {
    update,
    header: undefined,
    end: () => res.end(),
    respond: (json: string) => res.writeHead(200, { "Content-Type": "application/json" }).end(json),
    unauthorized: () => res.writeHead(401).end(),
  };
}

/** A request refused with an HTTP status; the message says why, for the log and the response body. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Compares the secret header with the configured secret in constant time. Both are hashed first so that
 * `timingSafeEqual` gets equal lengths and the comparison does not reveal the secret's length either.
 */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(header), digest(secret));
}

/**
 * Reads a request body of at most `maxBodyBytes`, within `bodyTimeoutMs`. Rejects with a RequestError:
 * 413 when Content-Length announces more (before reading anything) or the bytes run past the cap, 408 when
 * the body is not complete in time, 400 when the client goes away mid-body. It stops listening as soon as it
 * settles; the caller closes the connection.
 */
function readBody(req: IncomingMessage, { maxBodyBytes, bodyTimeoutMs }: WebhookLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) {
      return reject(new RequestError(413, `body larger than ${maxBodyBytes} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (settle: () => void) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onClose).off("close", onClose);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) return done(() => reject(new RequestError(413, `body larger than ${maxBodyBytes} bytes`)));
      chunks.push(chunk);
    };
    const onEnd = () => done(() => resolve(Buffer.concat(chunks, size)));
    // A dropped connection shows as "error" (aborted) and then "close"; either one ends the read.
    const onClose = () => done(() => reject(new RequestError(400, "connection closed before the body was complete")));
    const timer = setTimeout(() => done(() => reject(new RequestError(408, `body not received within ${bodyTimeoutMs} ms`))), bodyTimeoutMs);
    req.on("data", onData).once("end", onEnd).once("error", onClose).once("close", onClose);
  });
}

/** The body as an update: a JSON object with an integer `update_id`. The rest is grammY's to read. */
function parseUpdate(body: Buffer): Update {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new RequestError(400, "body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RequestError(400, "body is not a JSON object");
  if (!Number.isSafeInteger((value as { update_id?: unknown }).update_id)) throw new RequestError(400, "body has no integer update_id");
  return value as Update;
}
