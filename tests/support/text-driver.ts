import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { createFlows, type Flows } from "../../src/conversation/flows.js";
import { createTextApp, type TextApp } from "../../src/conversation/text-app.js";
import { plainIncoming, type Incoming, type ReceivedFile } from "../../src/conversation/incoming.js";
import type { OutgoingFile } from "../../src/conversation/message.js";
import { loadActorByChannel, type Actor } from "../../src/core/actor.js";
import type { Delivery } from "../../src/delivery/outbox-store.js";
import { RateGate } from "../../src/delivery/rate-gate.js";
import { createTranslator } from "../../src/i18n/index.js";
import { E2E, names } from "./e2e.js";

/** Zalo's limit on one message; the text app stands in for it until the Zalo module exists. */
const LIMIT = 2000;

/**
 * The whole bot (database, core, delivery worker, scheduler) with a plain-text app standing in for an app
 * without buttons: what the outbox sends a person is printed as plain text with numbered choices into
 * their transcript, and what they type goes through the same conversation flows Telegram uses.
 */
export class TextDriver {
  readonly transcripts = new Map<string, string[]>();
  private app!: TextApp;
  private constructor(readonly e2e: E2E) {}

  static async start(who: (keyof typeof names)[]): Promise<TextDriver> {
    // The sender needs the driver, which needs the running app: the sender finds it here once it exists.
    const ref: { driver?: TextDriver } = {};
    let sent = 0;
    const sender = {
      send: async (d: Delivery) => {
        const driver = ref.driver!;
        const view = await driver.views(d);
        if (view.kind === "skip") return { messageId: "" };
        driver.record(d.chatId!, await driver.app.print(d.chatId!, d.locale, view.message), view.message.file);
        return { messageId: `z${++sent}` };
      },
    };
    const e2e = await E2E.start({}, "sqlite", { deliveryApps: { zalo: { sender, gate: new RateGate({ ratePerSecond: 100, perChatIntervalMs: 0, groupIntervalMs: 0 }) } } });
    const driver = (ref.driver = new TextDriver(e2e));
    driver.views = createOutboxViews(e2e.core, createTranslator("vi"), e2e.clock.now);
    const translator = createTranslator("vi");
    driver.flows = createFlows({ core: e2e.core, translator, nudgeDelivery: () => e2e.app.worker.nudge() });
    driver.app = createTextApp({ channel: "zalo", limit: LIMIT, core: e2e.core, translator, routes: driver.flows.routes, commands: driver.flows.commands });
    await e2e.seedRoster();
    for (const key of who) {
      const code = e2e.inviteOf(names[key]);
      await e2e.core.invites.redeem({ channel: "zalo", externalId: `z-${key}`, chatId: `z-${key}`, username: null, code });
    }
    return driver;
  }

  private views!: ReturnType<typeof createOutboxViews>;
  private flows!: Flows;

  /** Files the bot sent, per chat, in order: their names and bytes. */
  readonly files = new Map<string, { name: string; content: Buffer }[]>();
  private fileSeq = 0;

  private record(chatId: string, parts: string[], file?: OutgoingFile): void {
    const list = this.transcripts.get(chatId) ?? [];
    list.push(...parts);
    this.transcripts.set(chatId, list);
    if (file) this.pendingFiles.push(this.keepFile(chatId, file));
  }

  private pendingFiles: Promise<void>[] = [];

  /** Keeps a file the bot sent: made on the spot, or a stored attachment read back from the database. */
  private async keepFile(chatId: string, file: OutgoingFile): Promise<void> {
    let content: Buffer | undefined;
    if (file.kind === "bytes") content = file.content;
    else {
      const a = await this.e2e.core.files.attachment(file.attachmentId);
      const stored = a?.stored_file_id != null ? await this.e2e.core.files.content(a.stored_file_id) : undefined;
      content = stored ? Buffer.from(stored.bytes) : undefined;
    }
    if (!content) throw new Error(`the bot sent ${file.name}, whose bytes are gone`);
    const list = this.files.get(chatId) ?? [];
    list.push({ name: file.name, content });
    this.files.set(chatId, list);
  }

  /** Waits for a file named `name` sent to the person; returns its bytes. */
  async file(key: keyof typeof names, name: string | RegExp): Promise<Buffer> {
    return this.e2e.until(async () => {
      await Promise.all(this.pendingFiles);
      return (this.files.get(`z-${key}`) ?? []).find((f) => (typeof name === "string" ? f.name === name : name.test(f.name)))?.content;
    });
  }

  /** The person sends a file (with a caption), as on Zalo. */
  async sendFile(key: keyof typeof names, doc: { fileName: string; content: Buffer | string; mimeType?: string; caption?: string }): Promise<void> {
    const bytes = Buffer.from(doc.content);
    const received: ReceivedFile = {
      file: { channel: "zalo", fileId: `zf-${++this.fileSeq}`, fileName: doc.fileName, mimeType: doc.mimeType ?? null, fileSize: bytes.byteLength },
      kind: /\.(jpe?g|png)$/i.test(doc.fileName) ? "photo" : "document",
      download: async (maxBytes) => {
        if (bytes.byteLength > maxBytes) throw new Error("larger than allowed");
        return bytes;
      },
    };
    await this.input(key, `📎 ${doc.fileName}${doc.caption ? ` — ${doc.caption}` : ""}`, plainIncoming(doc.caption ?? "", received));
  }

  transcript(key: keyof typeof names): string[] {
    return this.transcripts.get(`z-${key}`) ?? [];
  }

  /** The person types a line, as on Zalo: a number chooses, anything else is text. */
  async say(key: keyof typeof names, line: string): Promise<void> {
    await this.input(key, line, plainIncoming(line));
  }

  /** The person as core knows them (linked on this app). */
  async actor(key: keyof typeof names): Promise<Actor & { kind: "person" }> {
    const actor = await loadActorByChannel(this.e2e.app.database.db, "zalo", `z-${key}`);
    if (!actor) throw new Error(`${key} is not linked on the text app`);
    return actor;
  }

  private async input(key: keyof typeof names, shown: string, incoming: Incoming): Promise<void> {
    const chatId = `z-${key}`;
    const actor = await this.actor(key);
    this.record(chatId, [`> ${shown}`]);
    const turn = this.app.turn(actor, chatId, async (parts, file) => this.record(chatId, parts, file));
    await this.app.handle(turn, chatId, incoming, (t, input) => this.flows.input(t, input));
  }

  /** Waits for a message to the person that contains `text`, after the `from`-th line of their transcript. */
  async next(key: keyof typeof names, text: string, from = 0): Promise<string> {
    return this.e2e.until(async () => this.transcript(key).slice(from).find((m) => m.includes(text)));
  }

  /** Chooses the choice whose label ends with `label` on the latest message offering it, by typing its number. */
  async choose(key: keyof typeof names, label: string): Promise<void> {
    const numberOf = (message: string) =>
      message
        .split(/ {3}|\n/)
        .map((cell) => /^(\d{1,2}|[a-z])\. (.*)$/.exec(cell))
        .find((m) => m?.[2]?.endsWith(label))?.[1];
    const offer = [...this.transcript(key)].reverse().find((m) => numberOf(m) !== undefined);
    if (!offer) throw new Error(`no message offers «${label}» to ${key}`);
    await this.say(key, numberOf(offer)!);
  }

  stop(): Promise<void> {
    return this.e2e.stop();
  }
}
