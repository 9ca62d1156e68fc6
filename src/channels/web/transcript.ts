import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Button } from "../../conversation/message.js";

/** A file shown in a chat: its name, whether it is a picture, and where its bytes are. */
export interface WebFile {
  name: string;
  photo: boolean;
  mimeType: string | null;
  /** A stored attachment (read back through core), or bytes kept beside the transcript. */
  source: { attachmentId: number } | { blob: string };
}

/** One message in a person's chat on the web app, as the transcript keeps it. */
export interface WebEntry {
  id: string;
  chatId: string;
  /** When it was said, on the bot's clock (ISO). */
  at: string;
  from: "bot" | "person";
  /** What the person typed (shown as text, never as markup). */
  text?: string;
  /** What the bot said, printed as safe HTML (printer.ts). */
  html?: string;
  /** The bot's buttons, with the actions they stand for (kept here; the page only sees labels). */
  buttons?: Button[][];
  file?: WebFile;
  /** A short acknowledgement of a press (Telegram's notification). */
  note?: boolean;
}

/** What the page receives of an entry: the buttons' labels without their actions. */
export interface WebEntryView extends Omit<WebEntry, "buttons" | "file"> {
  buttons?: string[][];
  file?: { name: string; photo: boolean; url: string };
}

export const entryView = (e: WebEntry): WebEntryView => ({
  ...e,
  buttons: e.buttons?.map((row) => row.map((b) => b.label)),
  file: e.file ? { name: e.file.name, photo: e.file.photo, url: `/api/files/${encodeURIComponent(e.id)}?chat=${encodeURIComponent(e.chatId)}` } : undefined,
});

/**
 * The web app's chats: every message said to or by a person, kept in an append-only file beside the
 * database (one JSON line per change), so a reload or a restart of the bot shows the history; files the
 * bot made on the spot are kept beside it. Listeners hear each new or changed message of their chat.
 */
export class WebTranscript {
  private readonly entries = new Map<string, WebEntry>();
  private readonly listeners = new Map<string, Set<(e: WebEntry) => void>>();
  private seq = 0;
  private blobs = 0;
  private readonly log: string;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.log = join(dir, "transcript.jsonl");
    if (existsSync(this.log)) {
      for (const line of readFileSync(this.log, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as WebEntry;
          this.entries.set(e.id, e);
          this.seq = Math.max(this.seq, Number(e.id.slice(1)) || 0);
        } catch {
          // A line cut short by a crash: the rest is still read.
        }
      }
    }
  }

  /** A chat's messages, oldest first. */
  list(chatId: string): WebEntry[] {
    return [...this.entries.values()].filter((e) => e.chatId === chatId);
  }

  get(id: string): WebEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds a message (its id is given here) and tells the chat's listeners. */
  add(entry: Omit<WebEntry, "id">): WebEntry {
    const e = { ...entry, id: `m${++this.seq}` };
    this.put(e);
    return e;
  }

  /** Changes a message (a card shown anew, buttons spent) and tells the chat's listeners. */
  update(id: string, change: Partial<Omit<WebEntry, "id" | "chatId">>): WebEntry | undefined {
    const before = this.entries.get(id);
    if (!before) return undefined;
    const e: WebEntry = { ...before, ...change };
    for (const k of Object.keys(change) as (keyof WebEntry)[]) if (change[k as keyof typeof change] === undefined) delete e[k];
    this.put(e);
    return e;
  }

  /** Keeps the bytes of a file the bot made; returns the name to find them by. */
  keepBytes(content: Buffer): string {
    const blob = `f${Date.now().toString(36)}${(++this.blobs).toString(36)}.bin`;
    writeFileSync(join(this.dir, blob), content);
    return blob;
  }

  readBytes(blob: string): Buffer | undefined {
    if (!/^[a-z0-9]+\.bin$/.test(blob)) return undefined;
    const path = join(this.dir, blob);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  /** Listens to a chat's new and changed messages; returns how to stop. */
  listen(chatId: string, listener: (e: WebEntry) => void): () => void {
    const set = this.listeners.get(chatId) ?? new Set();
    set.add(listener);
    this.listeners.set(chatId, set);
    return () => set.delete(listener);
  }

  private put(e: WebEntry): void {
    this.entries.set(e.id, e);
    appendFileSync(this.log, `${JSON.stringify(e)}\n`);
    for (const l of this.listeners.get(e.chatId) ?? []) l(e);
  }
}
