import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { tempSqliteUrl } from "../support/databases.js";
import { startMain } from "../support/process.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { users } from "../support/e2e.js";

describe("the program", () => {
  let tg: FakeTelegram | undefined;
  afterEach(async () => {
    await tg?.stop();
    tg = undefined;
  });

  it("says exactly what is missing when there is no bot token, in the operator's language", async () => {
    const { url } = tempSqliteUrl();
    const english = startMain({ DATABASE_URL: url, DEFAULT_LOCALE: "en" });
    expect(await english.exited).toBe(2);
    expect(english.output().stderr.trim()).toMatch(/^bcd-bot: No bot token is set: set TELEGRAM_BOT_TOKEN \(create a bot with @BotFather.*ZALO_BOT_TOKEN.*run: npm run playground$/);
    const vietnamese = startMain({ DATABASE_URL: url });
    expect(await vietnamese.exited).toBe(2);
    expect(vietnamese.output().stderr.trim()).toMatch(/^bcd-bot: Chưa đặt mã truy cập \(token\) nào: đặt TELEGRAM_BOT_TOKEN \(tạo tài khoản cho Trợ lý với @BotFather.*ZALO_BOT_TOKEN.*chạy: npm run playground\.$/);
  });

  describe("stops on a configuration error with one line naming the variable, no stack trace", () => {
    const token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789";
    it.each([
      [{ WEBHOOK_PORT: "99999", DEFAULT_LOCALE: "vi" }, "bcd-bot: Giá trị của biến WEBHOOK_PORT không hợp lệ. Đề nghị đặt một cổng TCP từ 1 đến 65535."],
      [{ WEBHOOK_PORT: "99999", DEFAULT_LOCALE: "en" }, "bcd-bot: WEBHOOK_PORT: invalid value; expected a TCP port from 1 to 65535"],
      // DEFAULT_LOCALE itself is wrong: the line is in Vietnamese.
      [{ DEFAULT_LOCALE: "fr" }, "bcd-bot: Giá trị của biến DEFAULT_LOCALE không hợp lệ. Đề nghị đặt vi hoặc en."],
      [
        { BOT_MODE: "webhook", WEBHOOK_SECRET: "webhook-secret-0123456789", DEFAULT_LOCALE: "en" },
        "bcd-bot: WEBHOOK_URL: is required; expected the public https URL Telegram will call, e.g. https://bot.example.gov.vn/telegram (Telegram calls only https addresses)",
      ],
    ])("%o", async (env, line) => {
      const { url } = tempSqliteUrl();
      const run = startMain({ TELEGRAM_BOT_TOKEN: token, DATABASE_URL: url, ...env });
      expect(await run.exited).toBe(2);
      expect(run.output().stderr).toBe(`${line}\n`);
      expect(run.output().stdout).toBe("");
    });
  });

  it("stops on SIGTERM after finishing its work and confirms the update offset", async () => {
    tg = await FakeTelegram.start();
    const { url } = tempSqliteUrl();
    const run = startMain({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: url, LOG_LEVEL: "info" });
    await tg.waitFor(() => tg!.calls("getUpdates").length > 0, 20_000);
    const update = tg.sendText(users.stranger, "/start");
    await tg.waitFor(() => tg!.lastMessage(users.stranger.id), 10_000);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const offsets = tg.calls("getUpdates").map((c) => Number((c.payload as { offset?: number }).offset ?? 0));
    expect(Math.max(...offsets)).toBe(update.update_id + 1);
    const { stdout } = run.output();
    expect(stdout).toContain("stopped cleanly");
    expect(stdout).not.toContain(tg.token);
    expect(stdout).not.toContain("TEST-TOKEN");
  });

  it("stops within a bounded time with one clear line when Telegram cannot be reached", async () => {
    const { url } = tempSqliteUrl();
    // A port nobody listens on: every connection is refused, as when Telegram is blocked.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const run = startMain({ TELEGRAM_BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789", TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}`, DATABASE_URL: url, DEFAULT_LOCALE: "vi" });
    expect(await run.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    const lines = run.output().stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bcd-bot: Không kết nối được tới máy chủ Telegram http:\/\/127\.0\.0\.1:\d+ sau 3 lần thử .*HTTPS_PROXY.*TELEGRAM_API_ROOT/);
    expect(run.output().stdout).toContain("bcd-bot starting");
    expect(run.output().stdout + run.output().stderr).not.toContain("ABCdefGHI");
  }, 40_000);

  it("says to check the token when Telegram refuses it, without a stack trace", async () => {
    tg = await FakeTelegram.start();
    const { url } = tempSqliteUrl();
    const run = startMain({ TELEGRAM_BOT_TOKEN: "123456:WrongTokenWrongTokenWrongToken00", TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: url, DEFAULT_LOCALE: "en" });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trim()).toBe("bcd-bot: Telegram refused the bot token (error 401). Check TELEGRAM_BOT_TOKEN (the token @BotFather gave, like 123456:ABC…).");
  });

  it("says what to check in DATABASE_URL when PostgreSQL cannot be reached", async () => {
    tg = await FakeTelegram.start();
    const run = startMain({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere", DEFAULT_LOCALE: "vi" });
    expect(await run.exited).toBe(1);
    const err = run.output().stderr.trim();
    expect(err.split("\n")).toHaveLength(1);
    expect(err).toMatch(/^bcd-bot: Không kết nối được tới cơ sở dữ liệu postgres:\/\/127\.0\.0\.1:1\/nowhere .*DATABASE_URL/);
  });

  it("does not start an empty database elsewhere when the SQLite path has a typo", async () => {
    const { dir } = tempSqliteUrl();
    const run = startMain({ TELEGRAM_BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789", DATABASE_URL: `file:${dir}/dta/bcd-bot.sqlite`, DEFAULT_LOCALE: "en" });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trim()).toBe(`bcd-bot: The folder ${dir}/dta does not exist, so the database cannot be opened. Check the path in DATABASE_URL for a typo, or create the folder if a new database belongs there.`);
    expect(existsSync(`${dir}/dta`)).toBe(false);
  });
});
