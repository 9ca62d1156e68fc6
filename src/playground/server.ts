import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startApp, type App } from "../app.js";
import { createWebApp, type WebApp } from "../channels/web/app.js";
import { createWebHttp, HttpRefusal, readJson, sendJson } from "../channels/web/http.js";
import { WebTranscript } from "../channels/web/transcript.js";
import { createConfig } from "../config.js";
import type { Locale } from "../db/schema.js";
import { formatDateTime } from "../i18n/format.js";
import { LOCALES_DIR } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import { PROJECT_ROOT } from "../paths.js";
import { DemoClock } from "./demo-clock.js";
import { chatOf, DEMO_PEOPLE, seedDemo } from "./seed.js";

/** The static page: plain HTML, CSS and JavaScript, served as they are (no build step, nothing from a CDN). */
const PUBLIC_DIR = join(PROJECT_ROOT, "src", "playground", "public");
const STATIC: Record<string, string> = {
  "/": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
};
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
const TIME_ZONE = "Asia/Ho_Chi_Minh";

export interface PlaygroundOptions {
  /** The folder the demo lives in: its own SQLite database, the chats, the demo clock. Never the real database. */
  dir: string;
  host: string;
  port: number;
  logger: Logger;
}

export interface Playground {
  /** The page's address. */
  url: string;
  /** Deletes the demo and seeds it anew. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** One run of the bot on the demo database, with its web app and clock. */
interface Session {
  app: App;
  web: WebApp;
  clock: DemoClock;
}

/**
 * The playground: the whole bot (core, flows, outbox, delivery worker, scheduler) on a demo database with a
 * web app module instead of Telegram and Zalo, and the page a visitor plays it from, on one HTTP server.
 */
export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const { dir, logger } = opts;
  const streams = new Set<ServerResponse>();
  let session = await openSession(dir, logger);
  let busy: Promise<unknown> = Promise.resolve();
  /** Clock steps and resets run one at a time. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = busy.then(work, work);
    busy = run.catch(() => undefined);
    return run;
  };
  const loopback = /^(127\.|::1$|localhost$)/.test(opts.host);
  const chats = new Set<string>(DEMO_PEOPLE.map((p) => chatOf(p.key)));
  const webHttp = createWebHttp({ app: () => session.web, core: () => session.app.core, knows: (chat) => chats.has(chat), streams });

  const closeStreams = () => {
    for (const res of streams) res.end();
    streams.clear();
  };
  // The open pages reconnect to the new demo when their event streams end.
  const reset = () =>
    exclusive(async () => {
      await closeSession(session);
      closeStreams();
      rmSync(dir, { recursive: true, force: true });
      session = await openSession(dir, logger);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://playground");
    // Another site open in the same browser cannot drive the demo: every change carries a header a cross-site
    // form cannot send (and a cross-site script may not without a preflight this server never answers), and
    // on the loopback interface only a loopback name is served (no DNS rebinding).
    if (req.method === "POST" && req.headers["x-playground"] !== "1") throw new HttpRefusal(403, "missing X-Playground header");
    if (loopback && !/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i.test(req.headers.host ?? "")) throw new HttpRefusal(421, "unexpected Host");
    const file = STATIC[url.pathname];
    if (file && req.method === "GET") {
      const ext = file.split(".").pop()!;
      res.writeHead(200, { "content-type": TYPES[ext]!, "cache-control": "no-cache", "x-content-type-options": "nosniff", "content-security-policy": "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'" });
      res.end(readFileSync(join(PUBLIC_DIR, file)));
      return;
    }
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
    if (await webHttp(req, res, url)) return;
    switch (`${req.method} ${url.pathname}`) {
      case "GET /api/demo":
        return sendJson(res, 200, await demoState(session, url.searchParams.get("lang") === "en" ? "en" : "vi"));
      case "POST /api/clock": {
        const body = await readJson(req);
        const moved = await exclusive(() => step(session, String(body.step)));
        return sendJson(res, 200, { moved, now: formatDateTime(session.clock.now(), TIME_ZONE) });
      }
      case "POST /api/language": {
        const body = await readJson(req);
        const locale: Locale = body.locale === "en" ? "en" : "vi";
        for (const p of DEMO_PEOPLE) {
          const actor = await session.app.core.people.actorByChannel("web", chatOf(p.key));
          if (actor) await session.app.core.people.setLanguage(actor, locale);
        }
        return sendJson(res, 200, { locale });
      }
      case "POST /api/reset":
        await reset();
        return sendJson(res, 200, { ok: true });
    }
    throw new HttpRefusal(404, "not found");
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!(e instanceof HttpRefusal)) logger.error({ err: e, path: req.url }, "playground request failed");
      if (res.headersSent) return void res.end();
      sendJson(res, e instanceof HttpRefusal ? e.status : 500, { error: e instanceof HttpRefusal ? e.message : "internal error" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    reset,
    async stop() {
      closeStreams();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await exclusive(() => closeSession(session));
    },
  };
}

/** Starts the bot on the demo folder's database, seeding it when new. */
async function openSession(dir: string, logger: Logger): Promise<Session> {
  const database = join(dir, "demo.sqlite");
  const fresh = !existsSync(database);
  const transcript = new WebTranscript(join(dir, "chats"));
  const clock = new DemoClock(dir);
  // Only what the demo needs: nothing from the environment or .env (no token, never DATABASE_URL's database).
  const config = createConfig({ DATABASE_URL: `file:${database}`, DEFAULT_LOCALE: "vi", TIME_ZONE });
  let web: WebApp | undefined;
  const app = await startApp(config, {
    logger,
    clock: clock.now,
    moreApps: (shared) => [(web = createWebApp({ ...shared, transcript, defaultLocale: "vi" }))],
  });
  if (fresh) {
    await seedDemo(app.core);
    clock.save();
  }
  // The committees' planners (the quarter's period, the meeting draft, the daily nudge), run now.
  await app.core.cycle.ensurePlanners();
  await app.scheduler.tick();
  app.worker.nudge();
  return { app, web: web!, clock };
}

async function closeSession(s: Session): Promise<void> {
  s.clock.save();
  await s.app.stop();
}

/** The moment of the next pending due job or queued message after now, if any. */
async function nextDue(s: Session): Promise<Date | undefined> {
  const db = s.app.database.db;
  const now = s.clock.now().toISOString();
  const job = await db.selectFrom("due_jobs").select((eb) => eb.fn.min<string>("run_at").as("at")).where("status", "=", "pending").where("run_at", ">", now).executeTakeFirst();
  const row = await db.selectFrom("outbox").select((eb) => eb.fn.min<string>("not_before").as("at")).where("status", "=", "pending").where("not_before", ">", now).executeTakeFirst();
  const next = [job?.at, row?.at].filter((x): x is string => typeof x === "string").sort()[0];
  return next ? new Date(new Date(next).getTime() + 1000) : undefined;
}

const queued = async (s: Session): Promise<number> =>
  Number((await s.app.database.db.selectFrom("outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

/** How many due jobs "next reminder" runs through, at most, looking for one that has something to say. */
const MAX_REMINDER_HOPS = 120;

/**
 * Moves the demo clock a step and runs what became due, as the scheduler's tick and the delivery worker
 * would: "day" to 08:00 the next day; "quarter" to the next quarter's start; "reminder" from due job to due
 * job until one has something to say (a daily nudge with nothing owed says nothing). Returns false when there
 * was nothing to move to.
 */
async function step(s: Session, kind: string): Promise<boolean> {
  if (kind === "day" || kind === "quarter") {
    s.clock.moveTo(kind === "day" ? s.clock.nextDay(TIME_ZONE) : s.clock.nextQuarter(TIME_ZONE));
    await s.app.scheduler.tick();
    s.app.worker.nudge();
    return true;
  }
  if (kind !== "reminder") throw new HttpRefusal(400, "unknown step");
  const before = await queued(s);
  for (let hop = 0; hop < MAX_REMINDER_HOPS; hop++) {
    const to = await nextDue(s);
    if (!to) return hop > 0;
    s.clock.moveTo(to);
    await s.app.scheduler.tick();
    s.app.worker.nudge();
    if ((await queued(s)) > before || (await s.app.database.db.selectFrom("outbox").select("id").where("status", "=", "pending").where("not_before", "<=", s.clock.now().toISOString()).executeTakeFirst())) return true;
  }
  return true;
}

/** What the page shows around the chats: the people to pick, the demo time, and its own words in `locale`. */
async function demoState(s: Session, locale: Locale) {
  const strings = JSON.parse(readFileSync(join(LOCALES_DIR, locale, "playground.json"), "utf8")) as Record<string, unknown>;
  const people = [];
  for (const p of DEMO_PEOPLE) {
    const actor = await s.app.core.people.actorByChannel("web", chatOf(p.key));
    const seat = actor?.seats.find((x) => x.committeeCode === p.committee) ?? actor?.seats[0];
    people.push({ key: p.key, chat: chatOf(p.key), name: p.name, title: seat?.title ?? null, organization: seat?.organization ?? null, committee: seat?.committeeName ?? null });
  }
  return { locale, strings, people, now: formatDateTime(s.clock.now(), TIME_ZONE) };
}
