import { existsSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { readFileSync } from "node:fs";
import cron from "node-cron";
import { z } from "zod";
import type { CoreSettings } from "./core/context.js";

/** The embedded default: an SQLite file under ./data, created (folder included) on first run. */
export const DEFAULT_DATABASE_URL = "file:./data/bcd-bot.sqlite";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const positiveNumber = (fallback: number) =>
  z.coerce.number({ message: "a number" }).positive({ message: "a positive number" }).default(fallback);

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
  { message: "an IANA time zone such as Asia/Ho_Chi_Minh" },
);

const baseSchema = z.object({
  TELEGRAM_BOT_TOKEN: optionalText.pipe(
    z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, { message: "a bot token of the form 123456:ABC-DEF… as given by @BotFather" }).optional(),
  ),
  TELEGRAM_API_ROOT: optionalText.pipe(z.url({ message: "an http(s) URL of a Bot API server" }).optional()),
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v) || v === ":memory:", {
      message: "file:<path> for SQLite or postgres://user@host:port/db for PostgreSQL",
    }),
  DEFAULT_LOCALE: z.enum(["vi", "en"], { message: "vi or en" }).default("vi"),
  TIMEZONE: timeZone.default("Asia/Ho_Chi_Minh"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    message: "one of fatal, error, warn, info, debug, trace, silent",
  }).default("info"),
  NODE_ENV: z.enum(["development", "production", "test"], { message: "development, production or test" }).default("production"),
  INVITE_TTL_DAYS: positiveNumber(14),
  PROXY_OPINION_MIN_LENGTH: z.coerce.number({ message: "a number of characters" }).int().min(1).max(4000).default(50),
  QUORUM_THRESHOLD: z.coerce.number({ message: "a share between 0 and 1, e.g. 0.67" }).gt(0, { message: "a share between 0 and 1, e.g. 0.67" }).max(1, { message: "a share between 0 and 1, e.g. 0.67" }).default(2 / 3),
  QUORUM_WARNING_DAYS: z.coerce.number({ message: "a number of days" }).min(0).max(60).default(3),
  SCHEDULER_CRON: z
    .string()
    .trim()
    .default("*/30 * * * * *")
    .refine((v) => cron.validate(v), { message: "a cron expression (with seconds), e.g. */30 * * * * * for every 30 seconds" }),
  OUTBOX_RATE_PER_SECOND: positiveNumber(28),
  OUTBOX_PER_CHAT_INTERVAL_MS: z.coerce.number({ message: "a number of milliseconds" }).min(0).default(1000),
  OUTBOX_GROUP_INTERVAL_MS: z.coerce.number({ message: "a number of milliseconds" }).min(0).default(3000),
  OUTBOX_CONCURRENCY: positiveNumber(8),
  OUTBOX_MAX_ATTEMPTS: positiveNumber(8),
  // The bot's HTTP server: Telegram's webhook (webhook mode) and signed file links (when PUBLIC_BASE_URL is set).
  WEBHOOK_PORT: z.coerce.number({ message: "a TCP port" }).int().min(1).max(65535).default(8080),
  WEBHOOK_HOST: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:%_-]+$/, { message: "a host name or IP address to listen on, e.g. 127.0.0.1 (or 0.0.0.0 for every interface)" })
    .default("127.0.0.1"),
  PUBLIC_BASE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: "the public http(s) address of this bot's HTTP server, e.g. https://bot.example.gov.vn" }).optional(),
  ),
  FILES_LINK_SECRET: optionalText.pipe(z.string().min(32, { message: "a secret of at least 32 characters" }).optional()),
});

const pollingSchema = baseSchema.extend({ BOT_MODE: z.literal("polling").default("polling") });
const webhookSchema = baseSchema.extend({
  BOT_MODE: z.literal("webhook"),
  WEBHOOK_URL: z.url({ message: "the public https URL Telegram will call, e.g. https://bot.example.gov.vn/telegram" }),
  WEBHOOK_PATH: z.string().trim().startsWith("/", { message: "a path starting with /" }).default("/telegram"),
  WEBHOOK_SECRET: z
    .string({ message: "a secret of 16–256 characters from [A-Za-z0-9_-]" })
    .regex(/^[A-Za-z0-9_-]{16,256}$/, { message: "a secret of 16–256 characters from [A-Za-z0-9_-]" }),
});

type Raw = z.infer<typeof pollingSchema> | z.infer<typeof webhookSchema>;

/** The Telegram module's section: present when TELEGRAM_BOT_TOKEN is set. */
export interface TelegramAppConfig {
  token: string;
  apiRoot: string | undefined;
}

/** One section per app; an app runs when its section is present. */
export interface AppsConfig {
  telegram?: TelegramAppConfig;
}

/** The validated configuration. One object, built once at start and passed to every factory. */
export interface Config {
  /**
   * The apps this installation runs, one section each. None is required here so the CLI can work on the
   * database alone; `requireBotToken` enforces one for the bot.
   */
  apps: AppsConfig;
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
}

/** Raised when the environment does not describe a runnable bot; its message is the one line to print. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Validates an environment (process.env merged with .env, or a plain object in tests) into a Config.
 * Throws ConfigError naming the first bad variable and what it expects.
 */
export function createConfig(env: Record<string, string | undefined>): Config {
  const mode = env.BOT_MODE?.trim() || "polling";
  if (mode !== "polling" && mode !== "webhook") {
    throw new ConfigError(`BOT_MODE: expected polling or webhook, got "${mode}"`);
  }
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = (mode === "webhook" ? webhookSchema : pollingSchema).safeParse({ ...cleaned, BOT_MODE: mode });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    const missing = cleaned[name] === undefined;
    throw new ConfigError(`${name}: ${missing ? "is required" : "invalid value"}; expected ${issue.message.replace(/^Invalid input: /, "")}`);
  }
  const raw = result.data;
  return {
    apps: raw.TELEGRAM_BOT_TOKEN ? { telegram: { token: raw.TELEGRAM_BOT_TOKEN, apiRoot: raw.TELEGRAM_API_ROOT } } : {},
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
  };
}

/** Reads process.env over an optional .env file (the environment wins), as `npm start` and the CLI do. */
export function readEnvironment(envFile = ".env"): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}

/** The bot cannot start without an app: say so, and say how to get a Telegram bot's token. */
export function requireBotToken(config: Config): AppsConfig & { telegram: TelegramAppConfig } {
  if (!config.apps.telegram) {
    throw new ConfigError(
      "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (send /newbot), then put its token in the environment or in .env (see .env.example)",
    );
  }
  return config.apps as AppsConfig & { telegram: TelegramAppConfig };
}

/** Every app's secret, to keep out of the logs. */
export const appSecrets = (config: Config): string[] => [config.apps.telegram?.token].filter((s): s is string => Boolean(s));

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
