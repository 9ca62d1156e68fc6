import { E2E, users, type names } from "./e2e.js";
import { FakeTelegram } from "./fake-telegram.js";
import { TextDriver } from "./text-driver.js";

export type Who = keyof typeof names;

/** One scenario, several apps: what a person sees and does, in each app's own way. */
export interface Driver {
  readonly e2e: E2E;
  /** Waits for a message to the person containing `text`; returns it as the person reads it. */
  next(who: Who, text: string): Promise<string>;
  /** Chooses the choice whose label ends with `label` (after any mark such as ✅) on the latest message offering it. */
  choose(who: Who, label: string): Promise<void>;
  say(who: Who, text: string): Promise<void>;
  stop(): Promise<void>;
}

/** Telegram through the fake Bot API: buttons are pressed, texts read after entity parsing. */
export async function telegramDriver(who: Who[]): Promise<Driver> {
  const e2e = await E2E.startLinked(who);
  const chat = (w: Who) => users[w].id;
  return {
    e2e,
    // What the person reads: a message, or the notification that answered their press.
    next: async (w, text) =>
      e2e.tg.waitFor(
        () =>
          e2e.tg.transcript(chat(w)).find((m) => m.text?.includes(text))?.text ??
          (e2e.tg.answeredCallbacks as { text?: string }[]).find((c) => c.text?.includes(text))?.text,
        8000,
      ),
    async choose(w, label) {
      const m = [...e2e.tg.transcript(chat(w))].reverse().find((x) => FakeTelegram.buttons(x).some((b) => b.text.endsWith(label)));
      if (!m) throw new Error(`no message offers «${label}» to ${w}`);
      const before = e2e.tg.answeredCallbacks.length;
      e2e.tg.pressButton(users[w], m, FakeTelegram.buttons(m).find((b) => b.text.endsWith(label))!.callback_data!);
      await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    },
    async say(w, text) {
      const before = e2e.tg.transcript(chat(w)).length;
      e2e.tg.sendText(users[w], text);
      // The transcript holds the bot's messages only: one more is the answer.
      await e2e.tg.waitFor(() => e2e.tg.transcript(chat(w)).length > before);
    },
    stop: () => e2e.stop(),
  };
}

/** Every app a scenario runs on, as `describe.each` takes them. */
export const drivers: [string, (who: Who[]) => Promise<Driver>][] = [
  ["Telegram", telegramDriver],
  ["a plain-text app", (who) => TextDriver.start(who)],
];

