import { existsSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { readFileSync } from "node:fs";
import cron from "node-cron";
import { z } from "zod";
import type { CoreSettings } from "./core/context.js";
import { ConfigError, type Expected } from "./config-error.js";

export { ConfigError, operatorLocale } from "./config-error.js";

/** The embedded default: an SQLite file under ./data, created (folder included) on first run. */
export const DEFAULT_DATABASE_URL = "file:./data/bcd-bot.sqlite";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** The schema's message for a bad value: a key of `startup:expected.*`, worded in the operator's language by ConfigError. */
const expected = (key: Expected) => ({ message: key });

const positiveNumber = (fallback: number) => z.coerce.number(expected("number")).positive(expected("positive_number")).default(fallback);

const milliseconds = (fallback: number) => z.coerce.number(expected("milliseconds")).min(0, expected("milliseconds")).default(fallback);

/** A TCP port to listen on. */
const port = z.coerce.number(expected("port")).int(expected("port")).min(1, expected("port")).max(65535, expected("port"));

/** Time zones are checked against the runtime's IANA database so a typo fails at start, not at the first reminder. */
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  expected("time_zone"),
);

const baseSchema = z.object({
  TELEGRAM_BOT_TOKEN: optionalText.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, expected("bot_token")).optional(),
  ),
  TELEGRAM_API_ROOT: optionalText.pipe(z.url(expected("api_root")).optional()),
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v) || v === ":memory:", expected("database_url")),
  DEFAULT_LOCALE: z.enum(["vi", "en"], expected("locale")).default("vi"),
  TIMEZONE: timeZone.default("Asia/Ho_Chi_Minh"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], expected("log_level")).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"], expected("node_env")).default("production"),
  INVITE_TTL_DAYS: positiveNumber(14),
  PROXY_OPINION_MIN_LENGTH: z.coerce
    .number(expected("opinion_length"))
    .int(expected("opinion_length"))
    .min(1, expected("opinion_length"))
    .max(4000, expected("opinion_length"))
    .default(50),
  QUORUM_THRESHOLD: z.coerce.number(expected("share")).gt(0, expected("share")).max(1, expected("share")).default(2 / 3),
  QUORUM_WARNING_DAYS: z.coerce.number(expected("days")).min(0, expected("days")).max(60, expected("days")).default(3),
  SCHEDULER_CRON: z
    .string()
    .trim()
    .default("*/30 * * * * *")
    .refine((v) => cron.validate(v), expected("cron")),
  OUTBOX_RATE_PER_SECOND: positiveNumber(29.7),
  OUTBOX_PER_CHAT_INTERVAL_MS: milliseconds(1000),
  OUTBOX_GROUP_INTERVAL_MS: milliseconds(3000),
  OUTBOX_CONCURRENCY: positiveNumber(8),
  OUTBOX_MAX_ATTEMPTS: positiveNumber(8),
  // The bot's HTTP server: Telegram's webhook (webhook mode) and signed file links (when PUBLIC_BASE_URL is set).
  WEBHOOK_PORT: port.default(8080),
  // A port answering /healthz alone (see `Config.health`).
  HEALTH_PORT: port.optional(),
  WEBHOOK_HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:%_-]+$/, expected("host"))
    .default("127.0.0.1"),
  PUBLIC_BASE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, ...expected("public_base_url") }).optional(),
  ),
  FILES_LINK_SECRET: optionalText.pipe(z.string().min(32, expected("link_secret")).optional()),
  // Zalo's Bot API: runs when ZALO_BOT_TOKEN is set. Its mode is its own (ZALO_MODE), apart from Telegram's BOT_MODE.
  ZALO_BOT_TOKEN: optionalText.pipe(z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, expected("zalo_token")).optional()),
  ZALO_API_ROOT: optionalText.pipe(z.url(expected("api_root")).optional()),
  ZALO_BOT_LINK: optionalText.pipe(z.url({ protocol: /^https?$/, ...expected("zalo_bot_link") }).optional()),
  ZALO_MODE: z.enum(["polling", "webhook"], expected("zalo_mode")).default("polling"),
  ZALO_WEBHOOK_URL: optionalText.pipe(z.url({ protocol: /^https$/, ...expected("zalo_webhook_url") }).optional()),
  ZALO_WEBHOOK_PATH: z.string().trim().startsWith("/", expected("webhook_path")).default("/zalo"),
  ZALO_WEBHOOK_PORT: port.default(8081),
  // A Zalo bot's plan (Basic: 3,000 messages a month, 50 people): configuration, as the plans change.
  ZALO_MONTHLY_QUOTA: positiveNumber(3000),
  ZALO_QUOTA_WARN_PERCENT: positiveNumber(80),
  ZALO_QUOTA_RESERVE_PERCENT: positiveNumber(10),
  ZALO_MAX_PEOPLE: positiveNumber(50),
  ZALO_WEBHOOK_SECRET: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, expected("webhook_secret")).optional()),
});

const pollingSchema = baseSchema.extend({ BOT_MODE: z.literal("polling").default("polling") });
const webhookSchema = baseSchema.extend({
  BOT_MODE: z.literal("webhook"),
  // Telegram calls only https addresses.
  WEBHOOK_URL: z.url({ protocol: /^https$/, ...expected("webhook_url") }),
  WEBHOOK_PATH: z.string().trim().startsWith("/", expected("webhook_path")).default("/telegram"),
  WEBHOOK_SECRET: z.string(expected("webhook_secret")).regex(/^[A-Za-z0-9_-]{16,256}$/, expected("webhook_secret")),
});

type Raw = z.infer<typeof pollingSchema> | z.infer<typeof webhookSchema>;

/** The Telegram module's section: present when TELEGRAM_BOT_TOKEN is set. */
export interface TelegramAppConfig {
  token: string;
  apiRoot: string | undefined;
}

/**
 * Zalo's settings, shared by every Zalo bot the installation runs: its own (ZALO_BOT_TOKEN) and those
 * connected to committees (zalo:connect). A committee's bot is served at `<ZALO_WEBHOOK_URL>/<bot id>` in
 * webhook mode.
 */
export interface ZaloSettings {
  apiRoot: string | undefined;
  /** The bot's share link (ZALO_BOT_LINK), for invite messages: "open <link> and send the code". */
  botLink: string | undefined;
  /**
   * Long polling (the default), or a webhook served on a port of its own (ZALO_WEBHOOK_PORT on
   * WEBHOOK_HOST, path ZALO_WEBHOOK_PATH) behind the HTTPS address ZALO_WEBHOOK_URL.
   */
  mode: { kind: "polling" } | { kind: "webhook"; url: string; host: string; port: number; path: string; secret: string };
  /**
   * The bot's plan: messages a month (ZALO_MONTHLY_QUOTA), the share at which the secretariat is warned
   * (ZALO_QUOTA_WARN_PERCENT) and the last share kept for what people wait for (ZALO_QUOTA_RESERVE_PERCENT).
   */
  quota: { monthly: number; warnPercent: number; reservePercent: number };
  /** The most people one bot serves (ZALO_MAX_PEOPLE; Basic: 50). */
  maxPeople: number;
}

/** The installation's own Zalo bot: present when ZALO_BOT_TOKEN is set. */
export interface ZaloAppConfig extends ZaloSettings {
  token: string;
}

/** One section per app; an app runs when its section is present. */
export interface AppsConfig {
  telegram?: TelegramAppConfig;
  zalo?: ZaloAppConfig;
}

/** The validated configuration. One object, built once at start and passed to every factory. */
export interface Config {
  /**
   * The apps this installation runs, one section each. None is required here so the CLI can work on the
   * database alone; `requireBotToken` enforces one for the bot.
   */
  apps: AppsConfig;
  /**
   * Zalo's settings, also without ZALO_BOT_TOKEN: committees' own bots (zalo:connect) run with them. In
   * webhook mode they require ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET only when a bot runs.
   */
  zalo: ZaloSettings | ConfigError;
  mode:
    | { kind: "polling" }
    | { kind: "webhook"; url: string; host: string; port: number; path: string; secret: string };
  databaseUrl: string;
  defaultLocale: "vi" | "en";
  timeZone: string;
  logLevel: Raw["LOG_LEVEL"];
  pretty: boolean;
  inviteTtlDays: number;
  proxyOpinionMinLength: number;
  quorum: { threshold: number; warningDays: number };
  schedulerCron: string;
  outbox: { ratePerSecond: number; perChatIntervalMs: number; groupIntervalMs: number; concurrency: number; maxAttempts: number };
  /**
   * Signed links to stored files, served at `<publicBaseUrl>/files/…` when a public base URL is set: by the
   * webhook server in webhook mode, by a server of their own on `host`:`port` (WEBHOOK_HOST, WEBHOOK_PORT) when polling.
   */
  files: { publicBaseUrl: string | undefined; linkSecret: string | undefined; host: string; port: number };
  /**
   * `/healthz`: always answered on the webhook server and on the polling file-link server; HEALTH_PORT adds
   * a server of its own on `host` (WEBHOOK_HOST) that answers nothing else, so a polling bot can be watched
   * (unless the port is the one of a server the bot runs anyway, which then answers it).
   */
  health: { host: string; port: number | undefined };
}

/**
 * Validates an environment (process.env merged with .env, or a plain object in tests) into a Config.
 * Throws ConfigError naming the first bad variable and what it expects.
 */
export function createConfig(env: Record<string, string | undefined>): Config {
  const mode = env.BOT_MODE?.trim() || "polling";
  if (mode !== "polling" && mode !== "webhook") {
    throw new ConfigError({ kind: "bot_mode", value: mode });
  }
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = (mode === "webhook" ? webhookSchema : pollingSchema).safeParse({ ...cleaned, BOT_MODE: mode });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    throw ConfigError.of(cleaned[name] === undefined ? "missing" : "invalid", name, issue.message);
  }
  const raw = result.data;
  let zalo: ZaloSettings | ConfigError;
  try {
    zalo = zaloSection(raw, cleaned);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    zalo = e;
  }
  if (raw.ZALO_BOT_TOKEN && zalo instanceof ConfigError) throw zalo;
  return {
    apps: {
      ...(raw.TELEGRAM_BOT_TOKEN ? { telegram: { token: raw.TELEGRAM_BOT_TOKEN, apiRoot: raw.TELEGRAM_API_ROOT } } : {}),
      ...(raw.ZALO_BOT_TOKEN && !(zalo instanceof ConfigError) ? { zalo: { ...zalo, token: raw.ZALO_BOT_TOKEN } } : {}),
    },
    zalo,
    mode:
      raw.BOT_MODE === "webhook"
        ? { kind: "webhook", url: raw.WEBHOOK_URL, host: raw.WEBHOOK_HOST, port: raw.WEBHOOK_PORT, path: raw.WEBHOOK_PATH, secret: raw.WEBHOOK_SECRET }
        : { kind: "polling" },
    databaseUrl: raw.DATABASE_URL,
    defaultLocale: raw.DEFAULT_LOCALE,
    timeZone: raw.TIMEZONE,
    logLevel: raw.LOG_LEVEL,
    pretty: raw.NODE_ENV === "development",
    inviteTtlDays: raw.INVITE_TTL_DAYS,
    proxyOpinionMinLength: raw.PROXY_OPINION_MIN_LENGTH,
    quorum: { threshold: raw.QUORUM_THRESHOLD, warningDays: raw.QUORUM_WARNING_DAYS },
    schedulerCron: raw.SCHEDULER_CRON,
    outbox: {
      ratePerSecond: raw.OUTBOX_RATE_PER_SECOND,
      perChatIntervalMs: raw.OUTBOX_PER_CHAT_INTERVAL_MS,
      groupIntervalMs: raw.OUTBOX_GROUP_INTERVAL_MS,
      concurrency: Math.floor(raw.OUTBOX_CONCURRENCY),
      maxAttempts: Math.floor(raw.OUTBOX_MAX_ATTEMPTS),
    },
    files: { publicBaseUrl: raw.PUBLIC_BASE_URL?.replace(/\/+$/, ""), linkSecret: raw.FILES_LINK_SECRET, host: raw.WEBHOOK_HOST, port: raw.WEBHOOK_PORT },
    health: { host: raw.WEBHOOK_HOST, port: raw.HEALTH_PORT },
  };
}

/** Zalo's settings; in webhook mode its address and secret are required. */
function zaloSection(raw: Raw, cleaned: Record<string, string | undefined>): ZaloSettings {
  const base = {
    apiRoot: raw.ZALO_API_ROOT,
    botLink: raw.ZALO_BOT_LINK,
    quota: { monthly: raw.ZALO_MONTHLY_QUOTA, warnPercent: raw.ZALO_QUOTA_WARN_PERCENT, reservePercent: raw.ZALO_QUOTA_RESERVE_PERCENT },
    maxPeople: raw.ZALO_MAX_PEOPLE,
  };
  if (raw.ZALO_MODE === "polling") return { ...base, mode: { kind: "polling" } };
  if (!raw.ZALO_WEBHOOK_URL) throw ConfigError.of("missing", "ZALO_WEBHOOK_URL", "zalo_webhook_url");
  if (!raw.ZALO_WEBHOOK_SECRET) throw ConfigError.of(cleaned.ZALO_WEBHOOK_SECRET === undefined ? "missing" : "invalid", "ZALO_WEBHOOK_SECRET", "webhook_secret");
  return {
    ...base,
    mode: { kind: "webhook", url: raw.ZALO_WEBHOOK_URL, host: raw.WEBHOOK_HOST, port: raw.ZALO_WEBHOOK_PORT, path: raw.ZALO_WEBHOOK_PATH, secret: raw.ZALO_WEBHOOK_SECRET },
  };
}

/** Reads process.env over an optional .env file (the environment wins), as `npm start` and the CLI do. */
export function readEnvironment(envFile = ".env"): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}

/**
 * The bot cannot start without an app (Telegram, Zalo or both): say so, and say how to get a token.
 * `zaloBots`: how many Zalo bots are connected to committees (zalo:connect); they make a Zalo app too.
 */
export function requireBotToken(config: Config, zaloBots = 0): AppsConfig {
  if (!config.apps.telegram && !config.apps.zalo && zaloBots === 0) {
    throw new ConfigError({ kind: "no_token" });
  }
  return config.apps;
}

/** Every app's secret, to keep out of the logs. */
export const appSecrets = (config: Config): string[] =>
  [config.apps.telegram?.token, config.apps.zalo?.token, config.apps.zalo?.mode.kind === "webhook" ? config.apps.zalo.mode.secret : undefined].filter((s): s is string => Boolean(s));

/** The part of the configuration core works with. */
export function coreSettings(config: Config): CoreSettings {
  return {
    defaultLocale: config.defaultLocale,
    timeZone: config.timeZone,
    inviteTtlDays: config.inviteTtlDays,
    proxyOpinionMinLength: config.proxyOpinionMinLength,
    quorum: config.quorum,
  };
}
