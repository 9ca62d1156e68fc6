import { describe, expect, it } from "vitest";
import { ConfigError, createConfig, operatorLocale, requireBotToken } from "../src/config.js";
import { EXPECTED } from "../src/config-error.js";
import { createTranslator } from "../src/i18n/index.js";

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
      outbox: { ratePerSecond: 29.7, perChatIntervalMs: 1000 },
    });
  });

  it("says how to get a token when there is none", () => {
    const c = createConfig({});
    expect(() => requireBotToken(c)).toThrow(/No bot token is set: set TELEGRAM_BOT_TOKEN \(create a bot with @BotFather.*or ZALO_BOT_TOKEN/);
    expect(() => requireBotToken(c)).toThrow(/run: npm run playground/);
  });

  it("has a section per app, present when the app is configured", () => {
    expect(createConfig({ TELEGRAM_API_ROOT: "http://127.0.0.1:8081" }).apps).toEqual({});
    const c = createConfig({ TELEGRAM_BOT_TOKEN: "123456:ABC-DEF_ghi", TELEGRAM_API_ROOT: "http://127.0.0.1:8081" });
    expect(c.apps).toEqual({ telegram: { token: "123456:ABC-DEF_ghi", apiRoot: "http://127.0.0.1:8081" } });
    expect(requireBotToken(c).telegram?.token).toBe("123456:ABC-DEF_ghi");
  });

  it("runs Zalo alone, Telegram alone or both; Zalo's webhook has its own address, port and secret", () => {
    const zalo = createConfig({ ZALO_BOT_TOKEN: "12345689:abc-xyz", ZALO_BOT_LINK: "https://zalo.me/123" });
    expect(zalo.apps).toEqual({ zalo: { token: "12345689:abc-xyz", apiRoot: undefined, botLink: "https://zalo.me/123", mode: { kind: "polling" }, quota: { monthly: 3000, warnPercent: 80, reservePercent: 10 }, maxPeople: 50 } });
    expect(requireBotToken(zalo).zalo?.token).toBe("12345689:abc-xyz");
    const both = createConfig({ TELEGRAM_BOT_TOKEN: "123456:ABC-DEF_ghi", ZALO_BOT_TOKEN: "12345689:abc-xyz" });
    expect(Object.keys(both.apps)).toEqual(["telegram", "zalo"]);
    const hook = createConfig({
      ZALO_BOT_TOKEN: "12345689:abc-xyz",
      ZALO_MODE: "webhook",
      ZALO_WEBHOOK_URL: "https://bot.example.gov.vn/zalo",
      ZALO_WEBHOOK_SECRET: "a-zalo-secret-of-24-chars",
    });
    expect(hook.apps.zalo?.mode).toEqual({ kind: "webhook", url: "https://bot.example.gov.vn/zalo", host: "127.0.0.1", port: 8081, path: "/zalo", secret: "a-zalo-secret-of-24-chars" });
    expect(hook.mode).toEqual({ kind: "polling" });
    expect(() => createConfig({ ZALO_BOT_TOKEN: "12345689:abc-xyz", ZALO_MODE: "webhook" })).toThrow(/ZALO_WEBHOOK_URL/);
    expect(() => createConfig({ ZALO_BOT_TOKEN: "12345689:abc-xyz", ZALO_MODE: "webhook", ZALO_WEBHOOK_URL: "https://x.example/zalo" })).toThrow(/ZALO_WEBHOOK_SECRET/);
    expect(() => createConfig({ ZALO_BOT_TOKEN: "not a token" })).toThrow(/ZALO_BOT_TOKEN/);
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
    [{ WEBHOOK_PORT: "70000" }, /^WEBHOOK_PORT: invalid value; expected a TCP port from 1 to 65535$/],
    [{ WEBHOOK_PORT: "80.5" }, /^WEBHOOK_PORT: invalid value; expected a TCP port from 1 to 65535$/],
    [{ HEALTH_PORT: "0" }, /^HEALTH_PORT: invalid value; expected a TCP port from 1 to 65535$/],
    [{ PROXY_OPINION_MIN_LENGTH: "0" }, /^PROXY_OPINION_MIN_LENGTH: invalid value; expected a whole number of characters from 1 to 4000$/],
    [{ QUORUM_WARNING_DAYS: "90" }, /^QUORUM_WARNING_DAYS: invalid value; expected a number of days from 0 to 60$/],
    [{ OUTBOX_PER_CHAT_INTERVAL_MS: "-5" }, /^OUTBOX_PER_CHAT_INTERVAL_MS: invalid value; expected a number of milliseconds/],
    [{ BOT_MODE: "webhook", WEBHOOK_URL: "http://bot.example.gov.vn/tg", WEBHOOK_SECRET: "s3cret-s3cret-s3cret" }, /^WEBHOOK_URL: invalid value; expected the public https URL/],
  ])("stops with one line naming the variable: %o", (env, message) => {
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, ...env })).toThrow(ConfigError);
    expect(() => createConfig({ TELEGRAM_BOT_TOKEN: token, ...env })).toThrow(message);
  });

  it("says the same line in Vietnamese, naming the variable and what it expects", () => {
    const line = (env: Record<string, string>) => {
      try {
        createConfig({ TELEGRAM_BOT_TOKEN: token, ...env });
      } catch (e) {
        return (e as ConfigError).lineIn("vi");
      }
      throw new Error("no error");
    };
    expect(line({ WEBHOOK_PORT: "70000" })).toBe("Giá trị của biến WEBHOOK_PORT không hợp lệ. Đề nghị đặt một cổng TCP từ 1 đến 65535.");
    expect(line({ BOT_MODE: "webhook" })).toBe(
      "Chưa đặt biến WEBHOOK_URL. Đề nghị đặt địa chỉ https công khai mà Telegram sẽ gọi tới, ví dụ https://bot.example.gov.vn/telegram (Telegram chỉ gọi địa chỉ https).",
    );
    expect(line({ BOT_MODE: "push" })).toBe('Giá trị của biến BOT_MODE ("push") không hợp lệ. Đề nghị đặt polling hoặc webhook.');
    expect(() => requireBotToken(createConfig({}))).toThrow(ConfigError);
  });

  it("has every expectation worded in both languages", () => {
    for (const locale of ["vi", "en"] as const) {
      const t = createTranslator(locale);
      for (const key of EXPECTED) expect(t.instance.exists(`startup:expected.${key}`, { lng: locale }), `${locale} ${key}`).toBe(true);
    }
  });

  it("still gives one line, pointing at .env.example, for a check written without its wording", () => {
    const e = ConfigError.of("invalid", "SOME_SETTING", "Too small: expected number to be >=1");
    expect(e.message).toBe("SOME_SETTING: invalid value; expected a valid value (each variable is described in .env.example)");
    expect(e.lineIn("vi")).toBe("Giá trị của biến SOME_SETTING không hợp lệ. Đề nghị đặt giá trị hợp lệ (mỗi biến được mô tả trong tệp .env.example).");
  });

  it("speaks to the operator in DEFAULT_LOCALE's language, or Vietnamese when that is wrong too", () => {
    expect(operatorLocale({ DEFAULT_LOCALE: " en " })).toBe("en");
    expect(operatorLocale({ DEFAULT_LOCALE: "fr" })).toBe("vi");
    expect(operatorLocale({})).toBe("vi");
  });

  it("serves /healthz on a port of its own only when HEALTH_PORT is set", () => {
    expect(createConfig({ TELEGRAM_BOT_TOKEN: token }).health).toEqual({ host: "127.0.0.1", port: undefined });
    expect(createConfig({ TELEGRAM_BOT_TOKEN: token, HEALTH_PORT: "8081", WEBHOOK_HOST: "0.0.0.0" }).health).toEqual({ host: "0.0.0.0", port: 8081 });
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
