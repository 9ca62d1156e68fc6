import { afterEach, describe, expect, it } from "vitest";
import { tempSqliteUrl } from "../support/databases.js";
import { startMain } from "../support/process.js";
import { FakeZalo, zaloUser } from "../support/fake-zalo.js";

describe("the program with Zalo alone", () => {
  let zalo: FakeZalo | undefined;
  afterEach(async () => {
    await zalo?.stop();
    zalo = undefined;
  });

  it("starts without a Telegram token, answers on Zalo, and stops cleanly on SIGTERM", async () => {
    zalo = await FakeZalo.start();
    const { url } = tempSqliteUrl();
    const run = startMain({ ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot, DATABASE_URL: url, LOG_LEVEL: "info" });
    await zalo.waitFor(() => zalo!.calls.some((c) => c.method === "getUpdates"), 20_000, "a first getUpdates");
    const stranger = zaloUser("Khách");
    await zalo.sendText(stranger, "Xin chào");
    const reply = await zalo.waitFor(() => zalo!.texts(stranger.id)[0], 10_000, "an answer");
    expect(reply).toContain("liên kết mời");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const { stdout } = run.output();
    expect(stdout).toContain('"apps":["zalo"]');
    expect(stdout).toContain("Zalo long polling started");
    expect(stdout).toContain("stopped cleanly");
    expect(stdout).not.toContain("TEST-ZALO-not-a-real-one");
  }, 40_000);

  it("says to check ZALO_BOT_TOKEN when Zalo refuses it, in one line", async () => {
    zalo = await FakeZalo.start();
    const { url } = tempSqliteUrl();
    const run = startMain({ ZALO_BOT_TOKEN: "12345689:WRONG-zalo-token-for-tests", ZALO_API_ROOT: zalo.apiRoot, DATABASE_URL: url, DEFAULT_LOCALE: "en" });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trim()).toBe(
      "bcd-bot: Zalo refused the bot token (error 401). Check ZALO_BOT_TOKEN (the token Zalo Bot Creator sent, like 12345689:abc-xyz; a reset token replaces the old one).",
    );
    expect(run.output().stdout + run.output().stderr).not.toContain("WRONG-zalo-token");
  }, 40_000);
});
