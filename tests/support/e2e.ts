import { Writable } from "node:stream";
import { startApp, type App, type AppOptions } from "../../src/app.js";
import { createConfig } from "../../src/config.js";
import { cliActor, loadActorByChannel, type Actor } from "../../src/core/actor.js";
import type { IssuedInvite } from "../../src/core/invites/invites.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.js";
import { createLogger } from "../../src/logger.js";
import { FakeClock } from "./clock.js";
import { ROSTER_CSV } from "./core.js";
import { createTestDatabase, type TestDatabase } from "./databases.js";
import { FakeTelegram, type FakeMessage, type FakeUser } from "./fake-telegram.js";

/** The people of ROSTER_CSV as Telegram users (their Telegram ids are made up). */
export const users = {
  chair: { id: 710_000_001, first_name: "Thiệu", language_code: "vi" },
  standing: { id: 710_000_002, first_name: "Hà", language_code: "vi" },
  deputy: { id: 710_000_003, first_name: "Hà", language_code: "vi" },
  member: { id: 710_000_004, first_name: "Đức", language_code: "vi" },
  secretary: { id: 710_000_005, first_name: "Ánh", username: "anh_tgv", language_code: "vi" },
  stranger: { id: 999_000_001, first_name: "Khách", language_code: "en" },
} satisfies Record<string, FakeUser>;

/** The people of ROSTER_CSV by the key of their Telegram user in `users`. */
export const names = {
  chair: "Hồ Tiến Thiệu",
  standing: "Đoàn Thu Hà",
  deputy: "Nguyễn Hoàng Hà",
  member: "Lương Văn Đức",
  secretary: "Phạm Thị Ngọc Ánh",
} as const;

/**
 * The whole bot (SQLite file, core, grammY long polling, delivery worker, scheduler) running against the
 * fake Bot API server, with a fake clock for core. `restart()` stops and starts the app on the same
 * database, as an operator's restart would.
 */
export class E2E {
  app!: App;
  invites: IssuedInvite[] = [];
  readonly logs: string[] = [];
  private constructor(
    readonly tg: FakeTelegram,
    readonly clock: FakeClock,
    readonly env: Record<string, string>,
    private readonly database: TestDatabase,
    private readonly appOptions: Partial<AppOptions> = {},
  ) {}

  /** Starts the app on a fresh database of the dialect (SQLite by default; the app itself migrates it). */
  static async start(env: Record<string, string> = {}, dialect: "sqlite" | "postgres" = "sqlite", appOptions: Partial<AppOptions> = {}): Promise<E2E> {
    const tg = await FakeTelegram.start();
    const database = await createTestDatabase(dialect, { migrate: false });
    await database.handle.close();
    const e2e = new E2E(tg, new FakeClock(), { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: database.url, LOG_LEVEL: "debug", ...env }, database, appOptions);
    await e2e.boot();
    return e2e;
  }

  /** Starts the app with the roster of committee LS and these people's Telegram accounts linked. */
  static async startLinked(who: (keyof typeof names)[], env: Record<string, string> = {}): Promise<E2E> {
    const e2e = await E2E.start(env);
    await e2e.seedRoster();
    for (const key of who) await e2e.link(users[key], names[key]);
    return e2e;
  }

  /** The core actor behind a linked Telegram user. */
  async actorOf(user: FakeUser): Promise<Actor & { kind: "person" }> {
    const actor = await loadActorByChannel(this.app.database.db, "telegram", String(user.id));
    if (!actor) throw new Error(`user ${user.id} is not linked`);
    return actor;
  }

  get core() {
    return this.app.core;
  }

  private async boot(): Promise<void> {
    const sink = new Writable({
      write: (chunk, _enc, cb) => {
        this.logs.push(String(chunk));
        cb();
      },
    });
    const config = createConfig(this.env);
    const logger = createLogger({ level: config.logLevel, pretty: false, secrets: [this.tg.token], destination: sink });
    this.app = await startApp(config, { ...this.appOptions, logger, clock: this.clock.now, cron: false });
  }

  /** Stops and starts the app; `whileStopped` may change the database in between, as a crash would leave it. */
  async restart(whileStopped?: (db: DatabaseHandle["db"]) => Promise<unknown>): Promise<void> {
    await this.app.stop();
    if (whileStopped) {
      const handle = openDatabase(this.env.DATABASE_URL!);
      try {
        await whileStopped(handle.db);
      } finally {
        await handle.close();
      }
    }
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.tg.stop();
    await this.database.drop();
  }

  /** The committee LS with the five people of ROSTER_CSV, none linked yet. */
  async seedRoster(): Promise<number> {
    const committee = await this.core.committees.create(cliActor, { code: "LS", name: "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", level: "province" });
    this.invites = (await this.core.roster.importCsv(cliActor, committee.id, ROSTER_CSV)).invites;
    return committee.id;
  }

  inviteOf(fullName: string): string {
    const invite = this.invites.find((i) => i.fullName === fullName);
    if (!invite) throw new Error(`no invite for ${fullName}`);
    return invite.code;
  }

  /** Waits until an async condition (usually a database query) holds, and returns its value. */
  async until<T>(fn: () => Promise<T | undefined | false | null>, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined && v !== false && v !== null) return v;
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * A person writes to the bot; resolves with the bot's next text message in that chat. Files the outbox
   * delivers meanwhile (a calendar file, a document) are passed over: they are not the reply.
   */
  async say(user: FakeUser, text: string): Promise<FakeMessage> {
    const before = this.tg.transcript(user.id).length;
    this.tg.sendText(user, text);
    return this.tg.waitFor(() => this.tg.transcript(user.id).slice(before).find((m) => m.text !== undefined && !m.document), 5000, `reply to "${text}"`);
  }

  /** Links a person of the roster by their invite, as they would by opening the deep link. */
  async link(user: FakeUser, fullName: string): Promise<FakeMessage> {
    return this.say(user, `/start ${this.inviteOf(fullName)}`);
  }
}
