import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { E2E } from "../support/e2e.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const secret = "webhook-secret-0123456789";

/** GET a path of the bot's HTTP server: the status and the body as text. */
const get = async (port: number, path = "/healthz") => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
};

/** Asks /healthz until it gives this status (a monitoring probe's view); returns that answer. */
const healthzUntil = async (port: number, status: number, timeoutMs = 8000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await get(port);
    if (answer.status === status) return { status, body: JSON.parse(answer.text) as Record<string, unknown> };
    if (Date.now() > deadline) throw new Error(`/healthz still answers ${answer.status} ${answer.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("/healthz", () => {
  let e2e: E2E | undefined;
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it("webhook mode: 200 while Telegram answers, 503 'platform stale' when it stops answering, 200 again when it is back", async () => {
    const port = await freePort();
    e2e = await E2E.start(
      { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/telegram", WEBHOOK_PORT: String(port), WEBHOOK_SECRET: secret },
      "sqlite",
      { healthLimits: { maxPlatformSilenceMs: 1500, webhookProbeMs: 200 } },
    );
    const ok = await healthzUntil(port, 200);
    expect(ok.body).toMatchObject({ status: "ok", database: "ok", platform: "ok" });
    expect(Date.now() - Date.parse(String(ok.body.lastPlatformCallAt))).toBeLessThan(5000);
    // A quiet bot checks Telegram itself: the probe's getWebhookInfo keeps the report fresh.
    await new Promise((r) => setTimeout(r, 2000));
    expect((await get(port)).status).toBe(200);
    expect(e2e.tg.calls("getWebhookInfo").length).toBeGreaterThan(0);

    // Telegram stops answering (a cut line, a blocked network): the check says which part fails.
    e2e.tg.failAll("getWebhookInfo", { error_code: 502, description: "Bad Gateway" });
    const failing = await healthzUntil(port, 503);
    expect(failing.body).toMatchObject({ status: "failing", database: "ok", platform: "stale" });
    const raw = (await get(port)).text;
    for (const hidden of [secret, e2e.tg.token, "bot.example.gov.vn", "sqlite"]) expect(raw).not.toContain(hidden);

    e2e.tg.clearFaults();
    expect((await healthzUntil(port, 200)).body).toMatchObject({ status: "ok", platform: "ok" });
  }, 30_000);

  it("polling mode: HEALTH_PORT answers /healthz and nothing else", async () => {
    const port = await freePort();
    e2e = await E2E.start({ HEALTH_PORT: String(port) });
    await e2e.tg.waitFor(() => e2e!.tg.calls("getUpdates").length > 0, 5000);
    expect((await healthzUntil(port, 200)).body).toMatchObject({ status: "ok", database: "ok", platform: "ok" });
    expect((await get(port, "/telegram")).status).toBe(404);
    expect((await get(port, "/files/1")).status).toBe(404);
  });

  it("polling mode with file links: HEALTH_PORT may be the file server's own port, which then answers both", async () => {
    const port = await freePort();
    e2e = await E2E.start({ HEALTH_PORT: String(port), WEBHOOK_PORT: String(port), PUBLIC_BASE_URL: "https://bot.example.gov.vn" });
    expect((await healthzUntil(port, 200)).body).toMatchObject({ status: "ok" });
    expect((await get(port, "/files/1?exp=1&sig=x")).status).toBe(403);
  });
});
