import { describe, expect, it } from "vitest";
import { ConfigError, createConfig, requireBotToken } from "../src/config.js";

const token = "123456:TEST-TOKEN-not-a-real-one";

describe("configuration", () => {
  it("has working defaults: polling, SQLite under ./data, Vietnamese, Ho Chi Minh time", () => {
    const c = createConfig({ TELEGRAM_BOT_TOKEN: token });
    expect(c).toMatchObject({
      mode: { kind: "polling" },
      databaseUrl: "file:./data/bcd-bot.sqlite",
      defaultLocale: "vi",
      timeZone: "Asia/Ho_Chi_Minh",
      logLevel: "info",
      outbox: { ratePerSecond: 28, perChatIntervalMs: 1000 },
    });
  });

  it("says how to get a token when there is none", () => {
    const c = createConfig({});
    expect(() => requireBotToken(c)).toThrow(/TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather/);
  });

  it("has a section per app, present when the app is configured", () => {
    expect(createConfig({ TELEGRAM_API_ROOT: "http://127.0.0.1:8081" }).apps).toEqual({});
    const c = createConfig({ TELEGRAM_BOT_TOKEN: "123456:ABC-DEF_ghi", TELEGRAM_API_ROOT: "http://127.0.0.1:8081" });
    expect(c.apps).toEqual({ telegram: { token: "123456:ABC-DEF_ghi", apiRoot: "http://127.0.0.1:8081" } });
    expect(requireBotToken(c).telegram.token).toBe("123456:ABC-DEF_ghi");
  });

  it.each([
    [{ TELEGRAM_BOT_TOKEN: "not a token" }, /^TELEGRAM_BOT_TOKEN: invalid value; expected a bot token/],
    [{ TIMEZONE: "Asia/Hanoi_City" }, /^TIMEZONE: invalid value; expected an IANA time zone/],
    [{ DEFAULT_LOCALE: "fr" }, /^DEFAULT_LOCALE: invalid value; expected vi or en/],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL: invalid value; expected file:<path> for SQLite or postgres:/],
    [{ BOT_MODE: "push" }, /^BOT_MODE: expected polling or webhook/],
    [{ BOT_MODE: "webhook" }, /^WEBHOOK_URL: is required/],
    [{ BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/tg", WEBHOOK_SECRET: "short" }, /^WEBHOOK_SECRET: invalid value/],
    [{ OUTBOX_RATE_PER_SECOND: "fast" }, /^OUTBOX_RATE_PER_SECOND: invalid value; expected a number/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL: invalid value/],
    [{ SCHEDULER_CRON: "every 30 seconds" }, /^SCHEDULER_CRON: invalid value; expected a cron expression/],
  ])("stops with one line naming the variable: %o", (env, message) => {
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, ...env })).toThrow(ConfigError);
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, ...env })).toThrow(message);
  });

  it("reads webhook settings", () => {
    const c = createConfig({ TELEGRAM_BOT_TOKEN: token, BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/tg", WEBHOOK_SECRET: "s3cret-s3cret-s3cret", WEBHOOK_PORT: "8443" });
    expect(c.mode).toEqual({ kind: "webhook", url: "https://bot.example.gov.vn/tg", host: "127.0.0.1", port: 8443, path: "/telegram", secret: "s3cret-s3cret-s3cret" });
  });

  it("listens on 127.0.0.1 in webhook mode unless WEBHOOK_HOST says otherwise", () => {
    const webhook = { TELEGRAM_BOT_TOKEN: token, BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/tg", WEBHOOK_SECRET: "s3cret-s3cret-s3cret" };
    expect(createConfig(webhook).mode).toMatchObject({ kind: "webhook", host: "127.0.0.1" });
    expect(createConfig({ ...webhook, WEBHOOK_HOST: "" }).mode).toMatchObject({ host: "127.0.0.1" });
    expect(createConfig({ ...webhook, WEBHOOK_HOST: "0.0.0.0" }).mode).toMatchObject({ host: "0.0.0.0" });
    expect(createConfig({ ...webhook, WEBHOOK_HOST: " ::1 " }).mode).toMatchObject({ host: "::1" });
    expect(() => createConfig({ ...webhook, WEBHOOK_HOST: "http://0.0.0.0" })).toThrow(/^WEBHOOK_HOST: invalid value; expected a host name or IP address/);
  });

  it("serves file links only with a public base URL, on the webhook address in either mode", () => {
    expect(createConfig({ TELEGRAM_BOT_TOKEN: token }).files).toEqual({ publicBaseUrl: undefined, linkSecret: undefined, host: "127.0.0.1", port: 8080 });
    const c = createConfig({ TELEGRAM_BOT_TOKEN: token, PUBLIC_BASE_URL: "https://bot.example.gov.vn/bcd/", WEBHOOK_PORT: "8081", FILES_LINK_SECRET: "x".repeat(32) });
    expect(c.files).toEqual({ publicBaseUrl: "https://bot.example.gov.vn/bcd", linkSecret: "x".repeat(32), host: "127.0.0.1", port: 8081 });
    expect(c.mode).toEqual({ kind: "polling" });
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, PUBLIC_BASE_URL: "bot.example.gov.vn" })).toThrow(/^PUBLIC_BASE_URL: invalid value; expected the public http\(s\) address/);
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, PUBLIC_BASE_URL: "ftp://bot.example.gov.vn" })).toThrow(/^PUBLIC_BASE_URL: invalid value/);
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, FILES_LINK_SECRET: "short" })).toThrow(/^FILES_LINK_SECRET: invalid value; expected a secret of at least 32 characters/);
  });

  it("never puts the token in an error message", () => {
    try {
      createConfig({ TELEGRAM_BOT_TOKEN: "123456789:bad token with spaces" });
    } catch (e) {
      expect((e as Error).message).not.toContain("bad token");
    }
  });
});
