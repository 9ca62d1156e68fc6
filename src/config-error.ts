import type { Locale } from "./db/schema.js";
import { createTranslator } from "./i18n/index.js";

/**
 * What a configuration variable expects, as keys of `startup:expected.*` in locales/<lng>/startup.json. The
 * configuration schema gives these keys as its messages, so a bad value is explained in the operator's language.
 */
export const EXPECTED = [
  "bot_token",
  "api_root",
  "database_url",
  "locale",
  "time_zone",
  "log_level",
  "node_env",
  "number",
  "positive_number",
  "opinion_length",
  "share",
  "days",
  "cron",
  "milliseconds",
  "port",
  "host",
  "public_base_url",
  "link_secret",
  "webhook_url",
  "webhook_path",
  "webhook_secret",
  "zalo_token",
  "zalo_mode",
  "zalo_webhook_url",
  "zalo_bot_link",
  "see_example",
] as const;

/** One of {@link EXPECTED}. */
export type Expected = (typeof EXPECTED)[number];

/** Why the configuration cannot run the bot. */
export type ConfigProblem =
  /** A required variable is not set, or one is set to a value it does not accept. */
  | { kind: "missing" | "invalid"; variable: string; expected: Expected }
  /** BOT_MODE is neither polling nor webhook (the schema is chosen by it, so it is checked first). */
  | { kind: "bot_mode"; value: string }
  /** The bot has no app to run: no TELEGRAM_BOT_TOKEN. */
  | { kind: "no_token" };

const isExpected = (s: string): s is Expected => (EXPECTED as readonly string[]).includes(s);

/**
 * Raised when the environment does not describe a runnable bot. Its message is the one line to print in
 * English; `lineIn` gives it in another language (main.ts prints it in DEFAULT_LOCALE's, or in Vietnamese
 * when DEFAULT_LOCALE itself is wrong). Never carries a value that could be a secret.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problem: ConfigProblem) {
    super(configErrorLine(problem, "en"));
  }

  /** The same line in the operator's language. */
  lineIn(locale: Locale): string {
    return configErrorLine(this.problem, locale);
  }

  /**
   * A variable's problem from the schema's message, an {@link Expected} key. A check written without one
   * still gives a line (pointing at .env.example) rather than a stack trace.
   */
  static of(kind: "missing" | "invalid", variable: string, message: string): ConfigError {
    return new ConfigError({ kind, variable, expected: isExpected(message) ? message : "see_example" });
  }
}

/** The problem as one line of text, in a language. */
function configErrorLine(problem: ConfigProblem, locale: Locale): string {
  const t = createTranslator(locale);
  switch (problem.kind) {
    case "missing":
    case "invalid":
      return t.plain(locale, `startup:config.${problem.kind}`, { variable: problem.variable, expected: t.plain(locale, `startup:expected.${problem.expected}`) });
    case "bot_mode":
      // Not a secret, but shown only in part and without control characters: it is printed on a terminal.
      return t.plain(locale, "startup:config.bot_mode", { value: problem.value.replace(/[^\x20-\x7e]/g, "?").slice(0, 40) });
    case "no_token":
      return t.plain(locale, "startup:config.no_token");
  }
}

/** The operator's language before the configuration is known: DEFAULT_LOCALE when it is valid, else Vietnamese. */
export function operatorLocale(env: Record<string, string | undefined>): Locale {
  const value = env.DEFAULT_LOCALE?.trim();
  return value === "en" || value === "vi" ? value : "vi";
}
