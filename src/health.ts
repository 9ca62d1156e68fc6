import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger.js";

/**
 * What the program knows of its own health, shared by the parts that see it: each app records its
 * successful platform calls (an update received, a message sent, a long poll answered), `/healthz` reads it.
 * One object built by the composition root and passed in; never a module-level singleton.
 */
export interface Health {
  /** A call to a chat platform (Telegram's Bot API) has just succeeded, receiving or sending. */
  platformCallSucceeded(): void;
  /** When a platform call last succeeded; undefined before the first. */
  lastPlatformCallAt(): Date | undefined;
  /** Milliseconds since then (Infinity before the first). */
  platformSilenceMs(): number;
}

/** A Health tracker on real time (`now` for tests). */
/**
 * Webhook mode hears from a platform only when someone writes: while the platform has been silent for `everyMs`,
 * `check` asks it something (its webhook's state) every `everyMs`, so `/healthz` tells a quiet bot from a cut-off
 * one. Returns the function that stops it.
 */
export function probeWhenQuiet(health: Health, everyMs: number, check: () => Promise<unknown>): () => void {
  const timer = setInterval(() => {
    if (health.platformSilenceMs() >= everyMs) void check();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function createHealth(now: () => number = Date.now): Health {
  let last: number | undefined;
  return {
    platformCallSucceeded: () => void (last = now()),
    lastPlatformCallAt: () => (last === undefined ? undefined : new Date(last)),
    platformSilenceMs: () => (last === undefined ? Infinity : now() - last),
  };
}

/**
 * How long without one successful platform call the bot still counts as healthy. A long poll is answered at
 * least every 30 s; in webhook mode a quiet bot asks Telegram for its webhook's state once a minute.
 */
export const DEFAULT_MAX_PLATFORM_SILENCE_MS = 3 * 60_000;

/** How long the database may take to answer `select 1` before it counts as failing. */
const DATABASE_TIMEOUT_MS = 3000;

/** The body of a `/healthz` answer. Nothing in it is secret: no address, no error text, no configuration. */
export interface HealthReport {
  status: "ok" | "failing";
  database: "ok" | "failing";
  /** "stale": no successful platform call within the allowed silence (or none yet). */
  platform: "ok" | "stale";
  /** ISO 8601, UTC; null before the first successful call. */
  lastPlatformCallAt: string | null;
  /** Several instances on PostgreSQL: the apps this instance sends for now (each bot token is sent for by one). */
  sendingFor?: string[];
}

/** What the health check reads: the shared Health object and a way to ask the database. */
export interface HealthCheckDeps {
  health: Health;
  /** A trivial query (`select 1`); rejects when the database does not answer. */
  pingDatabase(): Promise<unknown>;
  logger: Logger;
  maxPlatformSilenceMs?: number;
  /** The apps this instance sends for now, when instances share the sending (PostgreSQL). */
  sendingFor?: () => string[];
}

/** Checks the database and the platform's recent answers: the report `/healthz` sends. */
export async function checkHealth(deps: HealthCheckDeps): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  const database = await Promise.race([
    deps.pingDatabase().then(() => "ok" as const),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS} ms`)), DATABASE_TIMEOUT_MS))),
  ])
    .catch((e: unknown) => {
      deps.logger.warn({ err: e }, "health check: the database does not answer");
      return "failing" as const;
    })
    .finally(() => clearTimeout(timer));
  const platform = deps.health.platformSilenceMs() <= (deps.maxPlatformSilenceMs ?? DEFAULT_MAX_PLATFORM_SILENCE_MS) ? "ok" : "stale";
  return {
    status: database === "ok" && platform === "ok" ? "ok" : "failing",
    database,
    platform,
    lastPlatformCallAt: deps.health.lastPlatformCallAt()?.toISOString() ?? null,
    ...(deps.sendingFor ? { sendingFor: deps.sendingFor() } : {}),
  };
}

/** Answers one HTTP request; never rejects. */
export type HealthRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The health check's path on every HTTP server the bot runs. */
export const HEALTH_PATH = "/healthz";

/** Whether a request is for the health check. */
export const isHealthRequest = (req: IncomingMessage): boolean => req.url?.split("?")[0] === HEALTH_PATH;

/**
 * `GET /healthz` (or HEAD): 200 with the report when the database answers and the platform has answered
 * recently, 503 with the same report naming the failing part otherwise. Unauthenticated and cheap (one
 * trivial query); a change of state is logged once, not every probe.
 */
export function createHealthRequestHandler(deps: HealthCheckDeps): HealthRequestHandler {
  const log = deps.logger.child({ component: "health" });
  let lastStatus: HealthReport["status"] = "ok";
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    void checkHealth({ ...deps, logger: log }).then(
      (report) => {
        if (report.status !== lastStatus) {
          if (report.status === "failing") log.warn(report, "health check failing");
          else log.info(report, "health check ok again");
          lastStatus = report.status;
        }
        const body = JSON.stringify(report);
        res
          .writeHead(report.status === "ok" ? 200 : 503, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" })
          .end(req.method === "HEAD" ? undefined : body);
      },
      (e: unknown) => {
        log.error({ err: e }, "health check failed");
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      },
    );
  };
}

/**
 * A server that answers `/healthz` and nothing else (404), for HEALTH_PORT: it lets a supervisor (Docker's
 * HEALTHCHECK, a monitoring probe) watch a bot that otherwise listens on no port, as in polling mode.
 */
export async function startHealthServer(opts: { host: string; port: number; handler: HealthRequestHandler; logger: Logger }): Promise<{ stop(): Promise<void> }> {
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 15_000, keepAliveTimeout: 65_000 }, (req, res) => {
    if (isHealthRequest(req)) return opts.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject).on("error", (e) => opts.logger.error({ err: e }, "health server error"));
      resolve();
    });
  });
  opts.logger.info({ host: opts.host, port: opts.port }, "health check served over HTTP");
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
