import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppOptions } from "../../src/app.js";
import { loadActorByChannel, type Actor } from "../../src/core/actor.js";
import type { Driver, Who } from "./drivers.js";
import { E2E, names } from "./e2e.js";
import { FakeZalo, FAKE_ZALO_BOT_ID, type FakeZaloOptions, type FakeZaloUser } from "./fake-zalo.js";

/** The people of ROSTER_CSV as Zalo users: fixed 20-hex ids, as Zalo gives them. */
export const zaloUsers = {
  chair: { id: "a1a1a1a1a1a1a1a1a1a1", display_name: "Thiệu" },
  deputy: { id: "a3a3a3a3a3a3a3a3a3a3", display_name: "Hà" },
  standing: { id: "a2a2a2a2a2a2a2a2a2a2", display_name: "Thu Hà" },
  member: { id: "a4a4a4a4a4a4a4a4a4a4", display_name: "Đức" },
  secretary: { id: "a5a5a5a5a5a5a5a5a5a5", display_name: "Ánh" },
  stranger: { id: "f0f0f0f0f0f0f0f0f0f0", display_name: "Khách" },
} satisfies Record<string, FakeZaloUser>;

/** A free TCP port on 127.0.0.1 (for the file-link server the bot runs). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface ZaloDriverOptions {
  /** Run Telegram too (default) or Zalo alone. */
  telegram?: boolean;
  /** More environment (ZALO_MODE=webhook…). */
  env?: Record<string, string>;
  /** Receive through the webhook (served on a free port, reached by the fake as through a reverse proxy). */
  webhook?: boolean;
  /** More options for the program (shorter health limits…). */
  app?: Partial<AppOptions>;
  /** The database (SQLite by default). */
  dialect?: "sqlite" | "postgres";
  /** The fake's quota and refusals. */
  fake?: FakeZaloOptions;
}

/**
 * The whole bot with its Zalo module running against the fake Zalo Bot API (long polling by default), and
 * signed file links served on 127.0.0.1 (PUBLIC_BASE_URL), so a file the bot sends on Zalo is a link the
 * person can open. People type lines and numbers, and send photos by URL, as on Zalo.
 */
export class ZaloDriver implements Driver {
  private photos: Server | undefined;
  private readonly photoBytes = new Map<string, Buffer>();
  private constructor(
    readonly e2e: E2E,
    readonly zalo: FakeZalo,
  ) {}

  static async start(who: Who[], opts: ZaloDriverOptions = {}): Promise<ZaloDriver> {
    const zalo = await FakeZalo.start(opts.fake);
    const port = await freePort();
    const hook = opts.webhook ? { port: await freePort(), path: "/zalo", secret: "zalo-webhook-secret-for-tests" } : undefined;
    if (hook) zalo.proxyTo = `http://127.0.0.1:${hook.port}${hook.path}`;
    const e2e = await E2E.start(
      {
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
        ZALO_BOT_LINK: "https://zalo.me/1459232241454765289",
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        WEBHOOK_PORT: String(port),
        ...(opts.telegram === false ? { TELEGRAM_BOT_TOKEN: "" } : {}),
        ...(hook
          ? { ZALO_MODE: "webhook", ZALO_WEBHOOK_URL: "https://bot.example.gov.vn/zalo", ZALO_WEBHOOK_PORT: String(hook.port), ZALO_WEBHOOK_PATH: hook.path, ZALO_WEBHOOK_SECRET: hook.secret }
          : {}),
        ...opts.env,
      },
      opts.dialect ?? "sqlite",
      { ...opts.app, zalo: { botInfo: { id: FAKE_ZALO_BOT_ID, account_name: "bot.FakeBcd" }, polling: { pollSeconds: 2, maxBackoffMs: 200 } } },
    );
    const driver = new ZaloDriver(e2e, zalo);
    await e2e.seedRoster();
    for (const key of who) {
      await e2e.core.invites.redeem({ channel: "zalo", externalId: zaloUsers[key].id, chatId: zaloUsers[key].id, username: null, code: e2e.inviteOf(names[key]) });
      zalo.know(zaloUsers[key].id);
    }
    return driver;
  }

  private id = (who: Who | "stranger") => zaloUsers[who].id;

  /** What the bot sent the person, as they read it. */
  said(who: Who | "stranger"): string[] {
    return this.zalo.texts(this.id(who));
  }

  async next(who: Who | "stranger", text: string, from = 0): Promise<string> {
    return this.zalo.waitFor(() => this.said(who).slice(from).find((m) => m.includes(text)), 8000, `«${text}» to ${who}`);
  }

  /** The person writes a line; resolves once the bot has answered with at least one message. */
  async say(who: Who | "stranger", text: string): Promise<void> {
    const before = this.said(who).length;
    await this.zalo.sendText(zaloUsers[who], text);
    await this.zalo.waitFor(() => this.said(who).length > before, 8000, `an answer to «${text}»`);
  }

  async choose(who: Who, label: string): Promise<void> {
    const numberOf = (message: string) =>
      message
        .split(/ {3}|\n/)
        .map((cell) => /^(\d{1,2}|[a-z])\. (.*)$/.exec(cell))
        .find((m) => m?.[2]?.endsWith(label))?.[1];
    const offer = await this.zalo.waitFor(() => [...this.said(who)].reverse().find((m) => numberOf(m) !== undefined), 2000).catch(() => undefined);
    if (!offer) throw new Error(`no message offers «${label}» to ${who}`);
    await this.say(who, numberOf(offer)!);
  }

  /**
   * The person sends a file. Zalo passes on pictures only (by URL): a photo is served on 127.0.0.1 and sent
   * as an image event; any other document reaches the bot as "unsupported", as on Zalo.
   */
  async sendFile(who: Who, doc: { fileName: string; content: Buffer | string; mimeType?: string; caption?: string }): Promise<void> {
    const before = this.said(who).length;
    if (/\.(jpe?g|png)$/i.test(doc.fileName)) {
      const url = await this.servePhoto(doc.fileName, Buffer.from(doc.content));
      await this.zalo.sendImage(zaloUsers[who], url, doc.caption);
    } else {
      await this.zalo.sendEvent(zaloUsers[who], "message.unsupported.received");
    }
    await this.zalo.waitFor(() => this.said(who).length > before, 8000, `an answer to ${doc.fileName}`);
  }

  private async servePhoto(name: string, bytes: Buffer): Promise<string> {
    if (!this.photos) {
      this.photos = createServer((req, res) => {
        const body = this.photoBytes.get(req.url ?? "");
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { "Content-Type": "image/jpeg", "Content-Length": body.byteLength }).end(body);
      });
      await new Promise<void>((r) => this.photos!.listen(0, "127.0.0.1", r));
    }
    const path = `/photo/${this.photoBytes.size + 1}/${encodeURIComponent(name)}`;
    this.photoBytes.set(path, bytes);
    return `http://127.0.0.1:${(this.photos.address() as AddressInfo).port}${path}`;
  }

  /** Waits for a file the bot sent the person as a signed link (its name on the line), and downloads it. */
  async file(who: Who, name: string | RegExp): Promise<Buffer> {
    const matches = (m: string) => (typeof name === "string" ? m.includes(name) : name.test(m));
    const line = await this.zalo.waitFor(() => this.said(who).find((m) => matches(m) && /https?:\/\/\S+\/files\/\d+\?\S+/.test(m)), 8000, `a link to ${String(name)}`);
    const url = /https?:\/\/\S+\/files\/\d+\?\S+/.exec(line)![0];
    const res = await fetch(url);
    if (!res.ok) throw new Error(`the link to ${String(name)} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async actorOf(who: Who): Promise<Actor & { kind: "person" }> {
    const actor = await loadActorByChannel(this.e2e.app.database.db, "zalo", this.id(who));
    if (actor?.kind !== "person") throw new Error(`${who} is not linked on Zalo`);
    return actor;
  }

  async stop(): Promise<void> {
    await this.e2e.stop();
    await this.zalo.stop();
    if (this.photos) await new Promise<void>((r) => this.photos!.close(() => r()));
  }
}
