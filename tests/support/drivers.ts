import type { Actor } from "../../src/core/actor.js";
import { E2E, users, type names } from "./e2e.js";
import { FakeTelegram } from "./fake-telegram.js";
import { TextDriver } from "./text-driver.js";
import { WebDriver } from "./web-driver.js";
import { ZaloDriver } from "./zalo-driver.js";

export type Who = keyof typeof names;

/** One scenario, several apps: what a person sees and does, in each app's own way. */
export interface Driver {
  readonly e2e: E2E;
  /** Waits for a message (or a file's caption) to the person containing `text`; returns it as the person reads it. */
  next(who: Who, text: string): Promise<string>;
  /** Chooses the choice whose label ends with `label` (after any mark such as ✅) on the latest message offering it. */
  choose(who: Who, label: string): Promise<void>;
  say(who: Who, text: string): Promise<void>;
  /** The person sends a file, with an optional caption. */
  sendFile(who: Who, doc: { fileName: string; content: Buffer | string; mimeType?: string; caption?: string }): Promise<void>;
  /** Waits for a file the bot sent the person, by name; returns its bytes. */
  file(who: Who, name: string | RegExp): Promise<Buffer>;
  /** Everything the bot has said to the person so far, as they read it (messages, captions, answers to presses). */
  said(who: Who): string[];
  /** The person as core knows them on this app (for a scenario's setup through core). */
  actorOf(who: Who): Promise<Actor & { kind: "person" }>;
  stop(): Promise<void>;
}

/** Telegram through the fake Bot API: buttons are pressed, texts read after entity parsing. */
export async function telegramDriver(who: Who[]): Promise<Driver> {
  const e2e = await E2E.startLinked(who);
  const chat = (w: Who) => users[w].id;
  return {
    e2e,
    // What the person reads: a message (or a file's caption), or the notification that answered their press.
    next: async (w, text) =>
      e2e.tg.waitFor(
        () =>
          e2e.tg.transcript(chat(w)).map((m) => m.text ?? m.caption).find((m) => m?.includes(text)) ??
          (e2e.tg.answeredCallbacks as { text?: string }[]).find((c) => c.text?.includes(text))?.text,
        8000,
      ),
    async choose(w, label) {
      // The offer may still be on its way (the press before it is answered first, then the question sent).
      const offer = () => [...e2e.tg.transcript(chat(w))].reverse().find((x) => FakeTelegram.buttons(x).some((b) => b.text.endsWith(label)));
      const m = await e2e.tg.waitFor(offer, 2000).catch(() => undefined);
      if (!m) throw new Error(`no message offers «${label}» to ${w}`);
      const before = e2e.tg.answeredCallbacks.length;
      e2e.tg.pressButton(users[w], m, FakeTelegram.buttons(m).find((b) => b.text.endsWith(label))!.callback_data!);
      await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    },
    // At least one answer from the bot (its transcript holds only what the bot sent).
    async say(w, text) {
      const before = e2e.tg.transcript(chat(w)).length;
      e2e.tg.sendText(users[w], text);
      // The bot answers a typed line with at least one message (the transcript holds the bot's messages only).
      await e2e.tg.waitFor(() => e2e.tg.transcript(chat(w)).length > before);
    },
    async sendFile(w, doc) {
      const before = e2e.tg.transcript(chat(w)).length;
      e2e.tg.sendDocument(users[w], doc);
      await e2e.tg.waitFor(() => e2e.tg.transcript(chat(w)).length > before);
    },
    async file(w, name) {
      const m = await e2e.tg.waitFor(
        () => e2e.tg.transcript(chat(w)).find((x) => x.document?.file_name !== undefined && (typeof name === "string" ? x.document.file_name === name : name.test(x.document.file_name))),
        8000,
      );
      return e2e.tg.documentContent(m.document!.file_id);
    },
    said: (w) => [
      ...e2e.tg.transcript(chat(w)).map((m) => m.text ?? m.caption ?? ""),
      // Answers to presses are not addressed to a chat: every one is counted for everyone.
      ...(e2e.tg.answeredCallbacks as { text?: string }[]).map((c) => c.text ?? ""),
    ],
    actorOf: (w) => e2e.actorOf(users[w]),
    stop: () => e2e.stop(),
  };
}

/** The Zalo driver's name in {@link drivers}. */
export const ZALO_DRIVER = "Zalo through the fake Zalo API";

/** The web app's driver's name in {@link drivers}. */
export const WEB_DRIVER = "the web app (the playground's)";

/** Whether the app shows real buttons (Telegram, the web app), which are taken off a question once it is answered. */
export const hasButtons = (app: string): boolean => app === "Telegram" || app === WEB_DRIVER;

/** Every app a scenario runs on, as `describe.each` takes them. */
export const drivers: [string, (who: Who[]) => Promise<Driver>][] = [
  ["Telegram", telegramDriver],
  ["a plain-text app", (who) => TextDriver.start(who)],
  [ZALO_DRIVER, (who) => ZaloDriver.start(who)],
  [WEB_DRIVER, (who) => WebDriver.start(who)],
];

/**
 * Whether a person can send the bot a document on this app. Zalo passes pictures on to bots, never
 * documents (they arrive as "unsupported"): a scenario built on sending one is skipped there, and Zalo's
 * own answer to it is tested in tests/e2e/zalo-delivery.test.ts.
 */
export const takesDocuments = (app: string): boolean => app !== ZALO_DRIVER;

