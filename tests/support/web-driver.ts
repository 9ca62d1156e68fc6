import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebApp, type WebApp } from "../../src/channels/web/app.js";
import { WebTranscript, type WebEntry } from "../../src/channels/web/transcript.js";
import { plainIncoming, type ReceivedFile } from "../../src/conversation/incoming.js";
import { loadActorByChannel, type Actor } from "../../src/core/actor.js";
import { toPlainText } from "../../src/core/markup.js";
import type { Driver, Who } from "./drivers.js";
import { E2E, names } from "./e2e.js";

/**
 * The whole bot with the web app (the playground's) beside Telegram: people are linked on the web app
 * only, so what the outbox sends them goes through the web app's sender into their chat, and what they
 * type or press goes through its receiver, as the page would send it (without the browser, which
 * tests/playground drives).
 */
export class WebDriver implements Driver {
  private fileSeq = 0;
  private constructor(
    readonly e2e: E2E,
    private readonly ref: { web?: WebApp },
    private readonly dir: string,
  ) {}

  static async start(who: Who[]): Promise<WebDriver> {
    const dir = mkdtempSync(join(tmpdir(), "bcd-web-driver-"));
    const transcript = new WebTranscript(dir);
    const ref: { web?: WebApp } = {};
    const e2e = await E2E.start({}, "sqlite", { moreApps: (shared) => [(ref.web = createWebApp({ ...shared, transcript, defaultLocale: "vi" }))] });
    await e2e.seedRoster();
    for (const key of who) {
      await e2e.core.invites.redeem({ channel: "web", externalId: `w-${key}`, chatId: `w-${key}`, username: null, code: e2e.inviteOf(names[key]) });
    }
    return new WebDriver(e2e, ref, dir);
  }

  private get web(): WebApp {
    return this.ref.web!;
  }

  private entries(w: Who): WebEntry[] {
    return this.web.transcript.list(`w-${w}`);
  }

  /** A bot message as the person reads it: its text without the markup. */
  private static read(e: WebEntry): string {
    return toPlainText(e.html ?? "");
  }

  next(w: Who, text: string): Promise<string> {
    return this.e2e.until(async () => this.said(w).find((m) => m.includes(text)));
  }

  async choose(w: Who, label: string): Promise<void> {
    const find = async () => {
      for (const e of [...this.entries(w)].reverse()) {
        for (const [row, buttons] of (e.buttons ?? []).entries()) {
          const column = buttons.findIndex((b) => b.label.endsWith(label));
          if (column >= 0) return { e, row, column };
        }
      }
      return undefined;
    };
    // The offer may still be on its way through the outbox.
    const offer = await this.e2e.until(find, 2000).catch(() => undefined);
    if (!offer) throw new Error(`no message offers «${label}» to ${w}`);
    await this.web.press(`w-${w}`, offer.e.id, offer.row, offer.column);
  }

  async say(w: Who, text: string): Promise<void> {
    await this.web.receive(`w-${w}`, plainIncoming(text), text);
  }

  async sendFile(w: Who, doc: { fileName: string; content: Buffer | string; mimeType?: string; caption?: string }): Promise<void> {
    const bytes = Buffer.from(doc.content);
    const received: ReceivedFile = {
      file: { channel: "web", fileId: `wf-${++this.fileSeq}`, fileName: doc.fileName, mimeType: doc.mimeType ?? null, fileSize: bytes.byteLength },
      kind: /\.(jpe?g|png)$/i.test(doc.fileName) ? "photo" : "document",
      download: async (maxBytes) => {
        if (bytes.byteLength > maxBytes) throw new Error("larger than allowed");
        return bytes;
      },
    };
    await this.web.receive(`w-${w}`, plainIncoming(doc.caption ?? "", received), `📎 ${doc.fileName}`);
  }

  async file(w: Who, name: string | RegExp): Promise<Buffer> {
    const e = await this.e2e.until(async () => this.entries(w).find((x) => x.file && (typeof name === "string" ? x.file.name === name : name.test(x.file.name))));
    const source = e.file!.source;
    if ("blob" in source) return this.web.transcript.readBytes(source.blob)!;
    const a = await this.e2e.core.files.attachment(source.attachmentId);
    const stored = a?.stored_file_id != null ? await this.e2e.core.files.content(a.stored_file_id) : undefined;
    if (!stored) throw new Error(`the bot sent ${e.file!.name}, whose bytes are gone`);
    return Buffer.from(stored.bytes);
  }

  said(w: Who): string[] {
    return this.entries(w)
      .filter((e) => e.from === "bot")
      .map(WebDriver.read);
  }

  async actorOf(w: Who): Promise<Actor & { kind: "person" }> {
    const actor = await loadActorByChannel(this.e2e.app.database.db, "web", `w-${w}`);
    if (actor?.kind !== "person") throw new Error(`${w} is not linked on the web app`);
    return actor;
  }

  async stop(): Promise<void> {
    await this.e2e.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
