import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { tempSqliteUrl } from "../support/databases.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { users } from "../support/e2e.js";

/** Runs `src/main.ts` as `npm start` does, in a child process with the given environment. */
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("the program", () => {
  let tg: FakeTelegram | undefined;
  afterEach(async () => {
    await tg?.stop();
    tg = undefined;
  });

  it("says exactly what is missing when there is no bot token", async () => {
    const { url } = tempSqliteUrl();
    const run = startMain({ DATABASE_URL: url });
    expect(await run.exited).toBe(2);
    expect(run.output().stderr.trim()).toMatch(/^bcd-bot: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather/);
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
});
