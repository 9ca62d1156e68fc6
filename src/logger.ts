import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Every app's bot token, anywhere in a string:
 * - Telegram: `<bot id>:<35 characters of [A-Za-z0-9_-]>`;
 * - Zalo Bot API: `<numeric bot id, up to 19 digits>:<about 64 characters of [A-Za-z0-9_-]>` (documented as `12345689:abc-xyz`);
 * - and an API URL's `/bot<id>:<secret>` path segment (both apps put the token there), however short its secret part.
 */
const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  [/\/bot\d+:[^/\s?#"'<>]+/g, "/bot<redacted>"],
  [/\d{5,}:[A-Za-z0-9_-]{20,}/g, "<redacted>"],
];

/** Replaces every app's bot token (and the given secrets) in a text with a placeholder. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const [pattern, placeholder] of TOKEN_PATTERNS) out = out.replace(pattern, placeholder);
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join("<redacted>");
  return out;
}

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Secrets that must never reach a log line, such as the bot token and the webhook secret. */
  secrets: readonly string[];
  destination?: pino.DestinationStream;
}

/**
 * The program's logger: JSON lines in production, readable lines in development.
 * Every string written passes through `redact`, so a token inside an error message or a URL is never logged.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const scrub = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return redact(value, opts.secrets);
    if (depth > 6 || value === null || typeof value !== "object") return value;
    if (value instanceof Error) {
      return { type: value.name, message: redact(value.message, opts.secrets), stack: value.stack ? redact(value.stack, opts.secrets) : undefined };
    }
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const options: pino.LoggerOptions = {
    level: opts.level,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
      },
    },
    serializers: { err: (e: unknown) => scrub(e) },
  };
  if (opts.destination) return pino(options, opts.destination);
  if (opts.pretty) {
    return pino({ ...options, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:standard" } } });
  }
  return pino(options);
}
