import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isHealthRequest, type HealthRequestHandler } from "../../health.js";
import type { Logger } from "../../logger.js";
import type { ZaloUpdate } from "./client.js";

/** One bot's webhook on the shared server: its path and what handles its updates. */
export interface ZaloWebhookRoute {
  path: string;
  handle: (update: ZaloUpdate) => Promise<void>;
}

/**
 * Where Zalo's webhooks are served: a server of its own, apart from Telegram's (WEBHOOK_HOST, ZALO_WEBHOOK_PORT),
 * one path per bot (ZALO_WEBHOOK_PATH for the installation's, `<ZALO_WEBHOOK_PATH>/<bot id>` for a committee's),
 * every one behind the same secret.
 */
export interface ZaloWebhookOptions {
  host: string;
  port: number;
  secret: string;
  /** Largest body read, in bytes (default 256 KB: an update is a few hundred bytes). */
  maxBodyBytes?: number;
  /** Time allowed for the whole body once the headers are in (default 10 s). */
  bodyTimeoutMs?: number;
}

export interface ZaloWebhookServer {
  /** The port it listens on (the configured one, or the one given for port 0). */
  readonly port: number;
  /** Closes the server and waits for the updates in hand. */
  stop(): Promise<void>;
}

/**
 * The body as one update. Zalo's documentation shows `{ ok, result: { event_name, message } }`; live calls
 * are reported flat, `{ event_name, message }`: both are taken. Undefined when it is neither.
 */
export function updateOfBody(value: unknown): ZaloUpdate | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const body = value as { ok?: unknown; result?: unknown; event_name?: unknown };
  const update = body.ok === true && typeof body.result === "object" && body.result !== null ? (body.result as { event_name?: unknown }) : body;
  return typeof update.event_name === "string" ? (update as ZaloUpdate) : undefined;
}

/**
 * Zalo's webhook: checks `X-Bot-Api-Secret-Token` in constant time before reading the body (403 otherwise),
 * reads at most `maxBodyBytes` within `bodyTimeoutMs`, answers 200 at once and handles the update afterwards,
 * so a slow turn never makes Zalo wait or retry. `/healthz` is answered too.
 */
export async function startZaloWebhook(opts: ZaloWebhookOptions & { routes: readonly ZaloWebhookRoute[]; logger: Logger; healthz?: HealthRequestHandler; onUpdate?: () => void }): Promise<ZaloWebhookServer> {
  const routes = new Map(opts.routes.map((r) => [r.path, r.handle]));
  const log = opts.logger;
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? 10_000;
  const inHand = new Set<Promise<void>>();

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    log.warn({ status, reason, remoteAddress: req.socket.remoteAddress }, "Zalo webhook request refused");
    res.once("finish", () => req.socket.destroy());
    res.writeHead(status, { "Content-Type": "text/plain", Connection: "close" }).end(reason);
  };

  const onUpdateRequest = async (req: IncomingMessage, res: ServerResponse, handle: (update: ZaloUpdate) => Promise<void>) => {
    if (!secretMatches(req.headers["x-bot-api-secret-token"], opts.secret)) return refuse(req, res, 403, "wrong or missing secret token");
    if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return refuse(req, res, 413, "body too large");
    const body = await readBody(req, maxBodyBytes, bodyTimeoutMs);
    if (typeof body === "number") return refuse(req, res, body, body === 413 ? "body too large" : "body not received");
    let update: ZaloUpdate | undefined;
    try {
      update = updateOfBody(JSON.parse(body.toString("utf8")));
    } catch {
      update = undefined;
    }
    if (!update) return refuse(req, res, 400, "body is not a Zalo update");
    opts.onUpdate?.();
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ message: "Success" }));
    const work = handle(update).catch((e: unknown) => log.error({ err: e, event: update.event_name }, "a Zalo update could not be handled"));
    inHand.add(work);
    void work.finally(() => inHand.delete(work));
  };

  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 10_000 + bodyTimeoutMs, keepAliveTimeout: 65_000 }, (req, res) => {
    const handle = routes.get(req.url?.split("?")[0] ?? "");
    if (req.method === "POST" && handle) {
      onUpdateRequest(req, res, handle).catch((e: unknown) => {
        log.error({ err: e }, "Zalo webhook request failed");
        if (!res.headersSent && !res.destroyed) res.writeHead(500, { Connection: "close" }).end();
      });
      return;
    }
    if (opts.healthz && isHealthRequest(req)) return opts.healthz(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject).on("error", (e) => log.error({ err: e }, "Zalo webhook server error"));
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  log.info({ host: opts.host, port, paths: [...routes.keys()] }, "Zalo webhook listening");
  return {
    port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all(inHand);
    },
  };
}

/** Constant-time comparison of the secret header (both sides hashed, so the length is not revealed either). */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(header), digest(secret));
}

/** The body, or the status to refuse it with: 413 past the cap, 408 when it is not complete in time (or the client left). */
function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer | number> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: Buffer | number) => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onFail).off("close", onFail);
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return done(413);
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onFail = () => done(408);
    const timer = setTimeout(onFail, timeoutMs);
    req.on("data", onData).once("end", onEnd).once("error", onFail).once("close", onFail);
  });
}
