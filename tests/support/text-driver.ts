import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { createFlows, type Flows } from "../../src/conversation/flows.js";
import { createTextApp, type TextApp } from "../../src/conversation/text-app.js";
import { loadActorByChannel } from "../../src/core/actor.js";
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
        driver.record(d.chatId!, await driver.app.print(d.chatId!, d.locale, view.message));
        return { messageId: `z${++sent}` };
      },
    };
    const e2e = await E2E.start({}, "sqlite", { deliveryApps: { zalo: { sender, gate: new RateGate({ ratePerSecond: 100, perChatIntervalMs: 0, groupIntervalMs: 0 }) } } });
    const driver = (ref.driver = new TextDriver(e2e));
    driver.views = createOutboxViews(e2e.core, createTranslator("vi"), e2e.clock.now);
    driver.flows = createFlows({ core: e2e.core, nudgeDelivery: () => e2e.app.worker.nudge() });
    driver.app = createTextApp({ channel: "zalo", limit: LIMIT, core: e2e.core, translator: createTranslator("vi"), routes: driver.flows.routes, commands: driver.flows.commands });
    await e2e.seedRoster();
    for (const key of who) {
      const code = e2e.inviteOf(names[key]);
      await e2e.core.invites.redeem({ channel: "zalo", externalId: `z-${key}`, chatId: `z-${key}`, username: null, code });
    }
    return driver;
  }

  private views!: ReturnType<typeof createOutboxViews>;
  private flows!: Flows;

  private record(chatId: string, parts: string[]): void {
    const list = this.transcripts.get(chatId) ?? [];
    list.push(...parts);
    this.transcripts.set(chatId, list);
  }

  transcript(key: keyof typeof names): string[] {
    return this.transcripts.get(`z-${key}`) ?? [];
  }

  /** The person types a line, as on Zalo: a number chooses, anything else is text. */
  async say(key: keyof typeof names, line: string): Promise<void> {
    const chatId = `z-${key}`;
    const actor = await loadActorByChannel(this.e2e.app.database.db, "zalo", chatId);
    if (!actor) throw new Error(`${key} is not linked on the text app`);
    this.record(chatId, [`> ${line}`]);
    const turn = this.app.turn(actor, chatId, async (parts) => this.record(chatId, parts));
    await this.app.handle(turn, chatId, line, (t, text) => this.flows.typed(t, text));
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
        .map((cell) => /^(\d{1,2})\. (.*)$/.exec(cell))
        .find((m) => m?.[2]?.endsWith(label))?.[1];
    const offer = [...this.transcript(key)].reverse().find((m) => numberOf(m) !== undefined);
    if (!offer) throw new Error(`no message offers «${label}» to ${key}`);
    await this.say(key, numberOf(offer)!);
  }

  stop(): Promise<void> {
    return this.e2e.stop();
  }
}
