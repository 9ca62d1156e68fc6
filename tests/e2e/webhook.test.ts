import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { E2E, users } from "../support/e2e.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe("webhook mode", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  it("registers the webhook with its secret and accepts only updates that carry it", async () => {
    const port = await freePort();
    const secret = "webhook-secret-0123456789";
    e2e = await E2E.start({ BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/telegram", WEBHOOK_PORT: String(port), WEBHOOK_SECRET: secret });
    expect(e2e.tg.webhook).toMatchObject({ url: "https://bot.example.gov.vn/telegram", secret_token: secret });
    await e2e.seedRoster();

    const update = {
      update_id: 5001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: users.member.id, type: "private", first_name: "Đức" },
        from: { id: users.member.id, is_bot: false, first_name: "Đức" },
        text: `/start ${e2e.inviteOf("Lương Văn Đức")}`,
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/telegram`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(update) });

    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong-secret-000000000" })).status).toBe(401);
    expect(e2e.tg.transcript(users.member.id)).toHaveLength(0);

    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    const reply = await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id));
    expect(reply.text).toContain("Kính chào đồng chí Lương Văn Đức");

    // Telegram retrying the same update gets it acknowledged but not handled again.
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(e2e.tg.transcript(users.member.id)).toHaveLength(1);
  });
});
