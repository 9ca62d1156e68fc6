/**
 * A fake Zalo Bot API server for end-to-end tests, following §5 of the research note
 * (/work/shared/research/zalo-bot-api.md): real HTTP on 127.0.0.1 (random port), `POST /bot<token>/<method>`
 * with JSON, every error an HTTP 200 envelope `{ ok: false, error_code, description }`.
 *
 * - getUpdates gives ONE update per call (no offset), held up to `timeout` seconds, else 408 "Request timeout";
 *   it refuses while a webhook is set.
 * - setWebhook: updates are then POSTed to the URL with `X-Bot-Api-Secret-Token`, flat by default or wrapped
 *   in `{ ok, result }`; `duplicates` delivers each one twice.
 * - Sends return `{ message_id, date }`; a chat that never wrote to the bot is refused ("cannot message first").
 * - A monthly quota counter answers 429 "Quota exceeded" once spent; `fail(method, …)` injects faults.
 * - One fake is one bot (its own token, id and name): two committees' bots are two fakes.
 * - `ratePerSecond`: a per-second limit Zalo does not publish, answered by 429 above it.
 *
 * Only Node built-ins are used.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Fake-looking on purpose, in the documented shape `12345689:abc-xyz`. */
export const FAKE_ZALO_TOKEN = "12345689:TEST-ZALO-not-a-real-one";

/** The bot's id: a 19-digit numeric string, as getMe gives it. */
export const FAKE_ZALO_BOT_ID = "1459232241454765289";

/** A person on Zalo: a 20-hex id and a display name. */
export interface FakeZaloUser {
  id: string;
  display_name: string;
}

/** What the bot sent to a chat. */
export interface FakeZaloSent {
  method: "sendMessage" | "sendPhoto";
  chatId: string;
  message_id: string;
  text?: string;
  photo?: string;
  caption?: string;
}

export interface Update {
  event_name: string;
  message: Record<string, unknown>;
}

type Fault = { error_code: number; description: string } | "network" | "http500";

export interface FakeZaloOptions {
  /** Sends allowed before 429 "Quota exceeded" (Basic: 3,000 a month). */
  quota?: number;
  /** How a refused send to a chat that never wrote looks (the real wording is unknown). */
  neverWrote?: { error_code: number; description: string };
  /** The bot: its token (default FAKE_ZALO_TOKEN), numeric id (FAKE_ZALO_BOT_ID) and display name. */
  token?: string;
  botId?: string;
  botName?: string;
  /**
   * An unpublished per-second limit: sends beyond this many within any one second (a sliding window) are
   * refused with 429 and `rateLimitDescription` (the real wording is unknown; default "Too many requests").
   */
  ratePerSecond?: number;
  rateLimitDescription?: string;
}

const hex20 = () => randomBytes(10).toString("hex");

/** A made-up Zalo user (20-hex id). */
export const zaloUser = (display_name: string): FakeZaloUser => ({ id: hex20(), display_name });

export class FakeZalo {
  readonly token: string;
  readonly botId: string;
  /** Sends refused by the per-second limit (`ratePerSecond`). */
  rateLimited = 0;
  /** When each accepted send was answered (epoch ms), for rate measurements. */
  readonly sentAt: number[] = [];
  /** Every send accepted, in order. */
  readonly sent: FakeZaloSent[] = [];
  /** Every call made, by method name (refused ones included). */
  readonly calls: { method: string; body: Record<string, unknown> }[] = [];
  /** Sends counted against the quota. */
  quotaUsed = 0;
  /** Webhook mode: send each update wrapped in `{ ok, result }` (the documented shape) instead of flat. */
  wrapped = false;
  /** Webhook mode: deliver each update twice. */
  duplicates = false;
  /**
   * Where the webhook's https address is really served (what a reverse proxy does): the test's
   * 127.0.0.1 server. Unset, updates go to the registered URL itself.
   */
  proxyTo: string | undefined;
  /** The answers the webhook gave, in order (status codes). */
  readonly webhookAnswers: number[] = [];
  private readonly queue: Update[] = [];
  private readonly waiters: ((u: Update | undefined) => void)[] = [];
  private readonly knownChats = new Set<string>();
  private readonly faults = new Map<string, Fault[]>();
  private webhook: { url: string; secret: string } | undefined;
  private server!: http.Server;
  private port = 0;

  /** Times of the sends accepted within the last second (the per-second limit's window). */
  private recent: number[] = [];

  private constructor(private readonly opts: FakeZaloOptions) {
    this.token = opts.token ?? FAKE_ZALO_TOKEN;
    this.botId = opts.botId ?? FAKE_ZALO_BOT_ID;
  }

  static async start(opts: FakeZaloOptions = {}): Promise<FakeZalo> {
    const fake = new FakeZalo(opts);
    fake.server = http.createServer((req, res) => void fake.onRequest(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get webhookUrl(): string | undefined {
    return this.webhook?.url;
  }

  async stop(): Promise<void> {
    for (const w of this.waiters.splice(0)) w(undefined);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next call to `method` fails: with an API error, a dropped connection, or an HTTP 500 page. */
  fail(method: string, fault: Fault): void {
    const list = this.faults.get(method) ?? [];
    list.push(fault);
    this.faults.set(method, list);
  }

  private readonly delays = new Map<string, number[]>();

  /** The next call to `method` is answered only after `ms` (a slow platform). */
  slow(method: string, ms: number): void {
    const list = this.delays.get(method) ?? [];
    list.push(ms);
    this.delays.set(method, list);
  }

  /** What the bot sent to a chat, in order. */
  transcript(chatId: string): FakeZaloSent[] {
    return this.sent.filter((s) => s.chatId === chatId);
  }

  /** Texts (and photo captions or URLs) the bot sent to a chat. */
  texts(chatId: string): string[] {
    return this.transcript(chatId).map((s) => s.text ?? s.caption ?? s.photo ?? "");
  }

  /** A person writes a text message; returns its message_id. */
  sendText(user: FakeZaloUser, text: string): Promise<string> {
    return this.push(user, "message.text.received", { text });
  }

  /** A person sends a photo (Zalo gives its URL) with an optional caption. */
  sendImage(user: FakeZaloUser, photo: string, caption?: string): Promise<string> {
    return this.push(user, "message.image.received", { photo, ...(caption ? { caption } : {}) });
  }

  /** A person sends anything else: a sticker, a voice note, what Zalo does not pass on, or an event unknown to the bot. */
  sendEvent(user: FakeZaloUser, event_name: string, fields: Record<string, unknown> = {}): Promise<string> {
    return this.push(user, event_name, fields);
  }

  /** Delivers a raw update as is (polling or webhook), e.g. the bot's own echo. */
  async deliver(update: Update): Promise<void> {
    if (this.webhook) {
      await this.post(update);
      if (this.duplicates) await this.post(update);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(update);
    else this.queue.push(update);
  }

  private async push(user: FakeZaloUser, event_name: string, fields: Record<string, unknown>): Promise<string> {
    this.knownChats.add(user.id);
    const update = FakeZalo.update(user, event_name, fields);
    await this.deliver(update);
    return update.message.message_id as string;
  }

  /** An update as Zalo shapes it: a new 20-hex message_id, the date in epoch ms, a PRIVATE chat with the person. */
  static update(user: FakeZaloUser, event_name: string, fields: Record<string, unknown> = {}): Update {
    return {
      event_name,
      message: { message_id: hex20(), date: Date.now(), from: { id: user.id, display_name: user.display_name, is_bot: false }, chat: { id: user.id, chat_type: "PRIVATE" }, ...fields },
    };
  }

  /**
   * POSTs an update to the webhook as Zalo would (`secret` null: without the header; `raw`: this body
   * as is); records the status it got.
   */
  async post(update: unknown, secret: string | null | undefined = this.webhook?.secret, raw?: string): Promise<number> {
    if (!this.webhook) throw new Error("no webhook is set");
    const body = raw ?? JSON.stringify(this.wrapped ? { ok: true, result: update } : update);
    const res = await fetch(this.proxyTo ?? this.webhook.url, { method: "POST", headers: { "Content-Type": "application/json", ...(typeof secret === "string" ? { "X-Bot-Api-Secret-Token": secret } : {}) }, body });
    await res.arrayBuffer();
    this.webhookAnswers.push(res.status);
    return res.status;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url?.split("?")[0] ?? "");
    const answer = (value: unknown): void => void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(value));
    const refuse = (error_code: number, description: string): void => answer({ ok: false, error_code, description });
    if (!m) return void res.writeHead(404).end("not found");
    if (m[1] !== this.token) return refuse(401, "Unauthorized");
    const method = m[2]!;
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return refuse(400, "Bad request");
    }
    this.calls.push({ method, body });
    const delay = this.delays.get(method)?.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const fault = this.faults.get(method)?.shift();
    if (fault === "network") return void req.socket.destroy();
    if (fault === "http500") return void res.writeHead(500, { "Content-Type": "text/html" }).end("<html>Internal error</html>");
    if (fault) return refuse(fault.error_code, fault.description);
    const result = (value: unknown): void => answer({ ok: true, result: value });
    switch (method) {
      case "getMe":
        return result({ id: this.botId, account_name: this.opts.botName ?? "bot.FakeBcd", account_type: "BASIC", can_join_groups: false });
      case "getWebhookInfo":
        return result({ url: this.webhook?.url ?? "", updated_at: Date.now() });
      case "deleteWebhook":
        this.webhook = undefined;
        return result({ url: "", updated_at: Date.now() });
      case "setWebhook": {
        const url = body.url;
        const secret = body.secret_token;
        // Zalo calls only https addresses; the fake also takes the test's own 127.0.0.1 server.
        if (typeof url !== "string" || !/^(https:\/\/|http:\/\/127\.0\.0\.1[:/])/.test(url)) return refuse(400, "Bad request");
        if (typeof secret !== "string" || secret.length < 8 || secret.length > 256) return refuse(400, "Bad request");
        this.webhook = { url, secret };
        for (const u of this.queue.splice(0)) void this.deliver(u);
        return result({ url, updated_at: Date.now() });
      }
      case "getUpdates": {
        if (this.webhook) return refuse(400, "Webhook is set; getUpdates does not work");
        const queued = this.queue.shift();
        if (queued) return result(queued);
        const seconds = Math.min(Number(body.timeout ?? 30) || 30, 30);
        let gaveUp = () => {};
        const update = await new Promise<Update | undefined>((resolve) => {
          const forget = () => {
            const i = this.waiters.indexOf(waiter);
            if (i >= 0) this.waiters.splice(i, 1);
          };
          const timer = setTimeout(() => {
            forget();
            resolve(undefined);
          }, seconds * 1000);
          const waiter = (u: Update | undefined) => {
            clearTimeout(timer);
            resolve(u);
          };
          this.waiters.push(waiter);
          // The client gave up (a stop): it waits no more; an update taken meanwhile goes back to the queue.
          gaveUp = () => {
            clearTimeout(timer);
            forget();
            resolve(undefined);
          };
          req.socket.once("close", gaveUp);
        });
        req.socket.off("close", gaveUp);
        if (res.destroyed) {
          if (update) this.queue.unshift(update);
          return;
        }
        return update ? result(update) : refuse(408, "Request timeout");
      }
      case "sendMessage":
      case "sendPhoto": {
        const chatId = body.chat_id;
        if (typeof chatId !== "string" || chatId === "") return refuse(400, "Bad request");
        const text = method === "sendMessage" ? body.text : body.caption;
        if (method === "sendMessage" && (typeof text !== "string" || text.length < 1 || text.length > 2000)) return refuse(400, "Bad request");
        if (method === "sendPhoto" && (typeof body.photo !== "string" || (text !== undefined && (typeof text !== "string" || text.length > 2000)))) return refuse(400, "Bad request");
        if (!this.knownChats.has(chatId)) {
          const never = this.opts.neverWrote ?? { error_code: 400, description: "User has not interacted with the bot" };
          return refuse(never.error_code, never.description);
        }
        if (this.opts.ratePerSecond !== undefined) {
          const now = Date.now();
          this.recent = this.recent.filter((t) => t > now - 1000);
          if (this.recent.length >= this.opts.ratePerSecond) {
            this.rateLimited++;
            return refuse(429, this.opts.rateLimitDescription ?? "Too many requests");
          }
          this.recent.push(now);
        }
        if (this.quotaUsed >= (this.opts.quota ?? 3000)) return refuse(429, "Quota exceeded");
        this.quotaUsed++;
        this.sentAt.push(Date.now());
        const message_id = hex20();
        this.sent.push({
          method,
          chatId,
          message_id,
          ...(method === "sendMessage" ? { text: text as string } : { photo: body.photo as string, ...(typeof text === "string" ? { caption: text } : {}) }),
        });
        return result({ message_id, date: Date.now() });
      }
      case "sendChatAction":
        return answer({ ok: true });
      default:
        return refuse(400, "Bad request");
    }
  }

  /** Marks a chat as known (the person wrote once) without delivering anything. */
  know(chatId: string): void {
    this.knownChats.add(chatId);
  }

  /** Waits until `fn` gives a value (real milliseconds). */
  async waitFor<T>(fn: () => T | undefined | false | null, timeoutMs = 8000, what = "condition"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined && v !== false && v !== null) return v;
      if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * One Bot API address in front of several fake bots (ZALO_API_ROOT is one for the installation): each call goes
 * to the fake whose token is in its path; an unknown token gets Zalo's 401.
 */
export async function startZaloRouter(fakes: readonly FakeZalo[]): Promise<{ apiRoot: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const token = /^\/bot([^/]+)\//.exec(req.url ?? "")?.[1];
    const fake = fakes.find((f) => f.token === token);
    if (!fake) return void res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = new URL(req.url!, fake.apiRoot);
      const out = http.request(target, { method: req.method, headers: { "Content-Type": "application/json" } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on("error", () => req.socket.destroy());
      // The client gave up (a stop): the fake's held poll is let go too.
      res.on("close", () => out.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
