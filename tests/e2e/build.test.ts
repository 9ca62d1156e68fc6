import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempSqliteUrl } from "../support/databases.js";
import { FakeTelegram } from "../support/fake-telegram.js";

/** Runs a command to its end; resolves with its exit code and output. */
function run(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: { PATH: process.env.PATH ?? "", ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `npm run build` and then the built program, as an operator runs it (`npm run start:prod`): compiled into a
 * folder of its own inside the project (the built files find node_modules and locales/ above them, as in dist/),
 * started from another working directory so that nothing is found by accident relative to it.
 */
describe("the built program", () => {
  const root = process.cwd();
  const outDir = mkdtempSync(join(root, "dist-test-"));
  let tg: FakeTelegram | undefined;
  afterAll(async () => {
    await tg?.stop();
    rmSync(outDir, { recursive: true, force: true });
  });

  it("compiles, migrates with its CLI, starts against Telegram and stops cleanly", async () => {
    const built = await run([join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: root });
    expect(built.stdout + built.stderr).toBe("");
    expect(built.code).toBe(0);

    const { url, dir } = tempSqliteUrl();
    const migrated = await run([join(outDir, "src/cli.js"), "migrate", "--lang", "en"], { cwd: dir, env: { DATABASE_URL: url } });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout + migrated.stderr).toContain("20261121T0900-foundation");

    tg = await FakeTelegram.start();
    const child = spawn(process.execPath, [join(outDir, "src/main.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: url, DEFAULT_LOCALE: "en" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    let gone = false;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => ((gone = true), resolve(code))));
    try {
      await tg.waitFor(() => gone || stdout.includes('"msg":"bcd-bot is running"'), 20_000, "the start log line");
      expect(gone).toBe(false);
    } catch (e) {
      child.kill("SIGKILL");
      throw new Error(`${String(e)}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    expect(stdout).toContain('"version":"0.1.0"');
    // It answers in its own words, read from locales/.
    tg.sendText({ id: 42, first_name: "Khách", language_code: "en" }, "/start");
    const reply = await tg.nextReply(42, 0, 10_000);
    expect(reply.text).toContain("Welcome. This is the Digital Transformation Steering Committee's assistant");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
