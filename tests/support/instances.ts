import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FakeTelegram } from "./fake-telegram.js";
import { startMain } from "./process.js";

/** A TCP port nobody listens on right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export const WEBHOOK_SECRET = "webhook-secret-0123456789";

/** One instance of the program (src/main.ts in a child process), in webhook mode on a port of its own. */
export interface Instance {
  port: number;
  run: ReturnType<typeof startMain>;
  /** `/healthz`'s answer, or undefined while it does not answer. */
  health(): Promise<{ status: string; sendingFor?: string[] } | undefined>;
  /** Posts an update to its webhook as Telegram would; resolves with the HTTP status once handled. */
  post(update: object): Promise<number>;
}

/**
 * Starts an instance against the fake Bot API and a database shared with the others, and waits until its
 * `/healthz` answers (on the webhook server, or in polling mode on HEALTH_PORT). `env` adds settings
 * (OUTBOX_RATE_PER_SECOND…).
 */
export async function startInstance(fake: FakeTelegram, databaseUrl: string, env: Record<string, string> = {}, mode: "webhook" | "polling" = "webhook"): Promise<Instance> {
  const port = await freePort();
  const receiving: Record<string, string> =
    mode === "webhook"
      ? { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/telegram", WEBHOOK_PORT: String(port), WEBHOOK_SECRET }
      : // Polling: /healthz on a server of its own.
        { HEALTH_PORT: String(port) };
  const run = startMain({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: databaseUrl,
    WEBHOOK_HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ...receiving,
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    port,
    run,
    async health() {
      try {
        const res = await fetch(`${base}/healthz`);
        return (await res.json()) as { status: string; sendingFor?: string[] };
      } catch {
        return undefined;
      }
    },
    async post(update) {
      const res = await fetch(`${base}/telegram`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      return res.status;
    },
  };
  const deadline = Date.now() + 60_000;
  while (!(await instance.health())) {
    if (run.child.exitCode !== null) throw new Error(`the instance exited: ${run.output().stderr}`);
    if (Date.now() > deadline) throw new Error("the instance did not start within 60 s");
    await sleep(200);
  }
  return instance;
}

/** Waits for `check` to hold, polling every 100 ms; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
