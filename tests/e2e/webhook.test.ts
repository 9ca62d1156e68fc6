import { randomBytes } from "node:crypto";
import { connect, createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { E2E, users } from "../support/e2e.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const secret = "webhook-secret-0123456789";
const startWebhook = (port: number, bodyTimeoutMs?: number) =>
  E2E.start(
    { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/telegram", WEBHOOK_PORT: String(port), WEBHOOK_SECRET: secret },
    "sqlite",
    bodyTimeoutMs ? { webhookLimits: { bodyTimeoutMs } } : {},
  );

/** The member's /start with their invite, as Telegram would post it. */
const startUpdate = (e2e: E2E, updateId: number) => ({
  update_id: updateId,
  message: {
    message_id: 1,
    date: Math.floor(Date.now() / 1000),
    chat: { id: users.member.id, type: "private", first_name: "Đức" },
    from: { id: users.member.id, is_bot: false, first_name: "Đức" },
    text: `/start ${e2e.inviteOf("Lương Văn Đức")}`,
    entities: [{ type: "bot_command", offset: 0, length: 6 }],
  },
});

/** The head of a POST to the webhook path, with these header lines. */
const head = (headers: Record<string, string | number>, path = "/telegram") =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;

interface Answer {
  /** The response's status, if one came back. */
  status: number | undefined;
  headers: Record<string, string>;
}

/**
 * One request over its own TCP connection, written by hand so a test can send what no well-behaved client
 * would: a body shorter than its Content-Length, a stall, a dropped connection. `write` gets the connected
 * socket. Resolves with whatever response came back once the connection is closed (by either side); fails
 * if it is still open after 5 s.
 */
function exchange(port: number, write: (socket: Socket) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket = connect(port, "127.0.0.1", () => write(socket));
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", () => undefined); // a reset after the server hung up: what came before still counts
    const deadline = setTimeout(() => {
      reject(new Error("the server left the connection open for 5 s"));
      socket.destroy();
    }, 5000);
    socket.once("close", () => {
      clearTimeout(deadline);
      const [statusLine = "", ...lines] = Buffer.concat(received).toString("latin1").split("\r\n\r\n")[0]!.split("\r\n");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: status ? Number(status) : undefined, headers });
    });
  });
}

/** Posts a whole body (string or bytes) with the right secret. */
const postRaw = (port: number, body: string | Buffer) =>
  exchange(port, (socket) => {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json", "Content-Length": bytes.length }));
    socket.write(bytes);
  });

describe("webhook mode", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  it("registers the webhook with its secret and accepts only updates that carry it", async () => {
    const port = await freePort();
    e2e = await startWebhook(port);
    expect(e2e.tg.webhook).toMatchObject({ url: "https://bot.example.gov.vn/telegram", secret_token: secret });
    await e2e.seedRoster();

    const update = startUpdate(e2e, 5001);
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/telegram`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(update) });

    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong-secret-000000000" })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect(e2e.tg.transcript(users.member.id)).toHaveLength(0);

    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    const reply = await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id));
    expect(reply.text).toContain("Kính chào đồng chí Lương Văn Đức");

    // Telegram retrying the same update gets it acknowledged but not handled again.
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(e2e.tg.transcript(users.member.id)).toHaveLength(1);
  });

  it("answers a wrong secret with 401 before reading the body, and closes the connection", async () => {
    const port = await freePort();
    e2e = await startWebhook(port);
    // Content-Length promises a body that never comes: the answer must not wait for it.
    const answer = await exchange(port, (socket) => {
      socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": "wrong-secret-000000000", "Content-Type": "application/json", "Content-Length": 1000 }));
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe("close");
  });

  it("survives bad requests carrying the right secret, and still handles the next good update", async () => {
    const port = await freePort();
    // The receive limit is 10 s in production; the stalled body below would take that long.
    e2e = await startWebhook(port, 300);
    await e2e.seedRoster();

    for (const body of ["{not json", "", "null", "[]", '[{"update_id":1}]', '"text"', "42", "{}", '{"update_id":"7"}', '{"update_id":1.5}']) {
      const answer = await postRaw(port, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
    expect((await postRaw(port, randomBytes(512))).status).toBe(400);
    expect((await postRaw(port, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]))).status).toBe(400);

    // More than 1 MB announced by Content-Length: refused before a byte of the body is read.
    const declared = await exchange(port, (socket) => {
      socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json", "Content-Length": 1024 * 1024 + 1 }));
      socket.write('{"update_id":1,"message":{"text":"');
    });
    expect(declared).toMatchObject({ status: 413, headers: { connection: "close" } });

    // More than 1 MB streamed without a Content-Length (and never finished): refused once the bytes pass the
    // cap, without waiting for the end. The client writes it all at once and then only listens: one that keeps
    // writing after the server has hung up may fail its write before it reads the answer.
    const streamed = await exchange(port, (socket) => {
      socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json", "Transfer-Encoding": "chunked" }));
      const chunk = Buffer.alloc(16 * 1024, "a");
      for (let sent = 0; sent < 1024 * 1024 + 64 * 1024; sent += chunk.length) socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
    });
    expect(streamed).toMatchObject({ status: 413, headers: { connection: "close" } });

    // A client that drops the connection in the middle of the body: nobody to answer, nothing to crash.
    const dropped = await exchange(port, (socket) => {
      socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json", "Content-Length": 1000 }));
      socket.write('{"update_id":');
      setTimeout(() => socket.destroy(), 50);
    });
    expect(dropped.status).toBeUndefined();
    await e2e.until(async () => e2e.logs.some((l) => l.includes("connection closed before the body was complete")));

    // A body that stalls past the receive limit.
    const stalled = await exchange(port, (socket) => {
      socket.write(head({ "X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json", "Content-Length": 100 }));
      socket.write('{"update_id":');
    });
    expect(stalled).toMatchObject({ status: 408, headers: { connection: "close" } });

    // Still up: a good update is handled, the health check answers, other paths are 404.
    const good = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
      body: JSON.stringify(startUpdate(e2e, 6001)),
    });
    expect(good.status).toBe(200);
    const reply = await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id));
    expect(reply.text).toContain("Kính chào đồng chí Lương Văn Đức");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/telegram`)).status).toBe(404);

    // Each refusal was logged at warn, and no log line carries the secret.
    const refusals = e2e.logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.msg === "Webhook request refused");
    expect(refusals).toHaveLength(16);
    expect(refusals.every((l) => l.level === 40)).toBe(true);
    expect(e2e.logs.join("\n")).not.toContain(secret);
  });
});
