import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "kysely";
import type { Command } from "commander";
import { checkTelegram } from "../channels/telegram/preflight.js";
import { createZaloClient, ZALO_API_ROOT, ZaloApiError } from "../channels/zalo/client.js";
import { readZaloTokenFile, TokenFileError } from "../channels/zalo/token-file.js";
import { appSecrets, ConfigError, createConfig, type Config, type ZaloAppConfig } from "../config.js";
import { openDatabase, sqlitePath, type DatabaseHandle } from "../db/database.js";
import { pendingMigrations } from "../db/migrate.js";
import type { Locale } from "../db/schema.js";
import { createTranslator } from "../i18n/index.js";
import { createLogger, redact } from "../logger.js";
import { proxyFor, proxyLabel } from "../net/proxy.js";
import { StartupError } from "../startup-error.js";
import { cliMessages, type CliMessages } from "./messages.js";
import type { CliIo, EarlyCommandDeps } from "./session.js";

/** One check's verdict: ✓ or ✗, then what was found or what to fix. */
interface Check {
  ok: boolean;
  label: string;
  text: string;
}

/** A Telegram check gets one try this short, so a blocked network answers within seconds. */
const TELEGRAM_TIMEOUT_SECONDS = 5;
/** A message due this long ago and still not sent means nothing is delivering. */
const STUCK_AFTER_MS = 15 * 60_000;

/**
 * doctor: the configuration (read as `npm start` reads it), the database (reachable, every migration
 * applied), each enabled platform (reached through the proxy, once) and the delivery queue. One line per
 * check; exit code 1 when any failed. Nothing is changed: no migration is applied, no file created.
 */
export function registerDoctorCommand(program: Command, m: CliMessages, { io, run, lang, locale }: EarlyCommandDeps): void {
  program
    .command("doctor")
    .description(m.doctor.description)
    .action((_opts: object, cmd: Command) => run(doctor(io, lang(cmd) ?? locale)));
}

async function doctor(io: CliIo, locale: Locale): Promise<number> {
  const m = cliMessages(locale);
  const d = m.doctor;
  let secrets: string[] = [];
  let failed = false;
  const print = ({ ok, label, text }: Check) => {
    failed ||= !ok;
    io.stdout(`${ok ? "✓" : "✗"} ${label}: ${redact(text, secrets)}\n`);
  };

  let config: Config;
  try {
    config = createConfig(io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    print({ ok: false, label: d.labels.config, text: e.message });
    return 1;
  }
  secrets = appSecrets(config);
  const startupText = (e: StartupError) => createTranslator(locale).plain(locale, `startup:${e.code}`, e.params);
  const apps = Object.keys(config.apps);
  print({
    ok: true,
    label: d.labels.config,
    text: d.configOk({ mode: config.mode.kind, database: databaseLabel(config.databaseUrl), apps: apps.length ? apps.join(", ") : d.noApps }),
  });

  const database = await checkDatabase(config, m, startupText, print);
  try {
    // Zalo alone needs no Telegram token: Telegram is checked when it is set, or when no app is.
    if (config.apps.telegram || !config.apps.zalo) await checkTelegramApp(config, m, startupText, print);
    if (config.apps.zalo) await checkZaloApp(config.apps.zalo, m, startupText, print);
    if (database) await checkCommitteeBots(database, config, m, print);
    if (database) print(await checkQueue(database, m));
  } finally {
    await database?.close();
  }
  return failed ? 1 : 0;
}

/** The database as it may be shown: a PostgreSQL URL without its user and password. */
function databaseLabel(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return "postgres://…";
  }
}

/** Connects and lists pending migrations; returns the open database for the queue check, or undefined. */
async function checkDatabase(
  config: Config,
  m: CliMessages,
  startupText: (e: StartupError) => string,
  print: (check: Check) => void,
): Promise<DatabaseHandle | undefined> {
  const label = m.doctor.labels.database;
  const where = databaseLabel(config.databaseUrl);
  const path = sqlitePath(config.databaseUrl);
  // Opening a missing SQLite file would create an empty one: say so instead.
  if (path !== undefined && path !== ":memory:" && !existsSync(resolve(path))) {
    print({ ok: false, label, text: m.doctor.databaseMissing(path) });
    return undefined;
  }
  const database = openDatabase(config.databaseUrl, { poolSize: 1 });
  try {
    await sql`select 1`.execute(database.db);
  } catch (e) {
    await database.close();
    const reason = redact(e instanceof Error ? e.message : String(e));
    print({ ok: false, label, text: startupText(new StartupError("database_unreachable", { database: where, reason })) });
    return undefined;
  }
  try {
    const { total, pending } = await pendingMigrations(database.db);
    print(
      pending.length === 0
        ? { ok: true, label, text: m.doctor.databaseOk({ database: where, count: total }) }
        : { ok: false, label, text: m.doctor.pending({ database: where, count: pending.length, names: pending.join(", ") }) },
    );
  } catch (e) {
    print({ ok: false, label, text: m.doctor.unreadable(e instanceof Error ? e.message : String(e)) });
  }
  return database;
}

/** Telegram, when its token is set: getMe once, through the proxy the bot would use. */
async function checkTelegramApp(config: Config, m: CliMessages, startupText: (e: StartupError) => string, print: (check: Check) => void): Promise<void> {
  const label = m.doctor.labels.telegram;
  const telegram = config.apps.telegram;
  if (!telegram) {
    print({ ok: false, label, text: m.doctor.noToken });
    return;
  }
  const root = telegram.apiRoot ?? "https://api.telegram.org";
  const proxy = proxyLabel(proxyFor(root));
  try {
    const me = await checkTelegram({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      logger: createLogger({ level: "silent", pretty: false, secrets: [telegram.token] }),
      tries: 1,
      timeoutSeconds: TELEGRAM_TIMEOUT_SECONDS,
    });
    print({ ok: true, label, text: m.doctor.telegramOk({ username: me.username, root, route: proxy ? m.doctor.viaProxy(proxy) : m.doctor.direct }) });
  } catch (e) {
    const text = e instanceof StartupError ? startupText(e) : m.unexpected(e instanceof Error ? e.message : String(e));
    print({ ok: false, label, text: proxy ? `${text} (${m.doctor.viaProxy(proxy)})` : text });
  }
}

/** Zalo, when its token is set: getMe once, through the proxy the bot would use. */
async function checkZaloApp(zalo: ZaloAppConfig, m: CliMessages, startupText: (e: StartupError) => string, print: (check: Check) => void): Promise<void> {
  const label = m.doctor.labels.zalo;
  const root = zalo.apiRoot ?? ZALO_API_ROOT;
  const proxy = proxyLabel(proxyFor(root));
  const route = proxy ? m.doctor.viaProxy(proxy) : m.doctor.direct;
  try {
    const me = await createZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot, timeoutMs: TELEGRAM_TIMEOUT_SECONDS * 1000 }).getMe();
    print({ ok: true, label, text: m.doctor.zaloOk({ account: me.account_name ?? me.id, root, route }) });
  } catch (e) {
    const text = startupText(
      e instanceof ZaloApiError ? new StartupError("zalo_token", { code: e.errorCode }) : new StartupError("zalo_unreachable", { root, tries: 1, reason: (e as Error).message }),
    );
    print({ ok: false, label, text: proxy ? `${text} (${route})` : text });
  }
}

/**
 * Each committee's own Zalo bot (zalo:connect): its token file as the bot reads it at start (readable, its owner's
 * only, one token), then getMe once, which must answer as the bot connected. The token is never printed.
 */
async function checkCommitteeBots(database: DatabaseHandle, config: Config, m: CliMessages, print: (check: Check) => void): Promise<void> {
  let bots: { bot_id: string; name: string; token_file: string; code: string }[];
  try {
    bots = await database.db.selectFrom("zalo_bots as b").innerJoin("committees as c", "c.id", "b.committee_id").select(["b.bot_id", "b.name", "b.token_file", "c.code"]).orderBy("c.code").execute();
  } catch {
    return; // An unmigrated database is already reported above.
  }
  const settings = config.zalo instanceof ConfigError ? undefined : config.zalo;
  const root = settings?.apiRoot ?? ZALO_API_ROOT;
  const proxy = proxyLabel(proxyFor(root));
  const route = proxy ? m.doctor.viaProxy(proxy) : m.doctor.direct;
  for (const b of bots) {
    const label = m.doctor.committeeBot(b.code);
    let token: string;
    try {
      token = await readZaloTokenFile(b.token_file);
    } catch (e) {
      print({ ok: false, label, text: m.zalo(`list.file_${e instanceof TokenFileError ? e.problem : "unreadable"}`, { file: b.token_file }) });
      continue;
    }
    try {
      const me = await createZaloClient({ token, apiRoot: settings?.apiRoot, timeoutMs: TELEGRAM_TIMEOUT_SECONDS * 1000 }).getMe();
      print(
        me.id === b.bot_id
          ? { ok: true, label, text: m.doctor.committeeBotOk({ account: me.account_name ?? me.id, root, route }) }
          : { ok: false, label, text: m.doctor.committeeBotOther({ file: b.token_file, bot: me.id, expected: b.bot_id, committee: b.code }) },
      );
    } catch (e) {
      const reason = e instanceof ZaloApiError ? m.doctor.committeeBotRefused({ code: e.errorCode, committee: b.code }) : m.doctor.committeeBotUnreachable({ root, reason: (e as Error).message });
      print({ ok: false, label, text: proxy ? `${reason} (${route})` : reason });
    }
  }
}

/** "12 phút" up to two hours, then hours. */
function age(m: CliMessages, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return minutes < 120 ? m.doctor.minutes(minutes) : m.doctor.hours(Math.floor(minutes / 60));
}

/** The outbox: messages waiting, failed and unreachable, and how long the oldest due one has waited. */
async function checkQueue(database: DatabaseHandle, m: CliMessages): Promise<Check> {
  const label = m.doctor.labels.queue;
  try {
    const rows = await database.db
      .selectFrom("outbox")
      .select(["status", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("held_since", "is", null)
      .groupBy("status")
      .execute();
    const count = (...statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.n), 0);
    // Held rows wait for their person to link an app: not stuck, counted apart.
    const held = await database.db
      .selectFrom("outbox")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("status", "=", "pending")
      .where("held_since", "is not", null)
      .executeTakeFirst();
    const now = new Date();
    const oldest = await database.db
      .selectFrom("outbox")
      .select((eb) => eb.fn.min<string | null>("not_before").as("at"))
      .where("status", "in", ["pending", "sending"])
      .where("not_before", "<=", now.toISOString())
      .where("held_since", "is", null)
      .executeTakeFirst();
    const counts = { queued: count("pending", "sending"), failed: count("failed"), unreachable: count("unreachable"), held: Number(held?.n ?? 0) };
    const waited = oldest?.at ? now.getTime() - new Date(oldest.at).getTime() : 0;
    if (waited > STUCK_AFTER_MS) return { ok: false, label, text: m.doctor.queueStuck({ ...counts, age: age(m, waited) }) };
    return { ok: true, label, text: oldest?.at ? m.doctor.queueOk({ ...counts, age: age(m, waited) }) : m.doctor.queueIdle(counts) };
  } catch (e) {
    return { ok: false, label, text: m.doctor.unreadable(redact(e instanceof Error ? e.message : String(e))) };
  }
}
