import type { ChatApp, } from "../app.js";
import type { SharedAppDeps } from "../../app.js";
import type { Actor } from "../../core/actor.js";
import { DomainError } from "../../core/errors.js";
import { clipParams } from "../../conversation/echo.js";
import type { Incoming } from "../../conversation/incoming.js";
import type { Message } from "../../conversation/message.js";
import { createOutboxViews } from "../../conversation/outbox-views.js";
import { dispatch } from "../../conversation/router.js";
import type { BaseTurn, EntryTurn, Turn } from "../../conversation/turn.js";
import type { Locale } from "../../db/schema.js";
import { RateGate } from "../../delivery/rate-gate.js";
import type { ChannelSender } from "../../delivery/worker.js";
import { markupToHtml } from "./printer.js";
import type { WebEntry, WebFile, WebTranscript } from "./transcript.js";

export interface WebAppDeps extends SharedAppDeps {
  transcript: WebTranscript;
  defaultLocale: Locale;
}

/**
 * The web app module (the playground's): a person's chat is a page pane. It receives what the page posts
 * (a typed line, a file, a press of a button) and answers with the same flows as every app; its printer
 * shows the neutral markup as safe HTML and buttons as real buttons; messages that are not the answer to a
 * person's own action come through the outbox and the delivery worker like on Telegram and Zalo, and its
 * sender writes them into the person's chat (the transcript), which the page hears over Server-Sent Events.
 */
export interface WebApp extends ChatApp {
  readonly name: "web";
  readonly transcript: WebTranscript;
  /** A person typed a line or sent a file in their chat (`chatId` is the account's id on the web app). */
  receive(chatId: string, input: Incoming, shown: string): Promise<void>;
  /** A person pressed a button of one of the bot's messages in their chat: row and column of the button. */
  press(chatId: string, entryId: string, row: number, column: number): Promise<void>;
}

export function createWebApp(deps: WebAppDeps): WebApp {
  const { core, translator, transcript, flows } = deps;
  const logger = deps.logger.child({ component: "web" });
  const views = createOutboxViews(core, translator, deps.clock);
  const now = () => deps.clock().toISOString();

  /** A file the bot sends, as the chat keeps it (bytes made on the spot are written beside the transcript). */
  const fileOf = (file: Message["file"]): WebFile | undefined => {
    if (!file) return undefined;
    if (file.kind === "attachment") return { name: file.name, photo: file.photo === true, mimeType: null, source: { attachmentId: file.attachmentId } };
    return { name: file.name, photo: file.photo === true, mimeType: file.mimeType ?? null, source: { blob: transcript.keepBytes(file.content) } };
  };
  const printed = (chatId: string, message: Message): Omit<WebEntry, "id"> => ({
    chatId,
    at: now(),
    from: "bot",
    html: markupToHtml(message.text),
    ...(message.buttons?.some((r) => r.length > 0) ? { buttons: message.buttons.filter((r) => r.length > 0) } : {}),
    ...(message.file ? { file: fileOf(message.file)! } : {}),
  });
  /** Shows a message, in place of an earlier one of the same chat when it replaces it. */
  const show = (chatId: string, message: Message, replaces?: string): WebEntry => {
    const earlier = replaces !== undefined ? transcript.get(replaces) : undefined;
    if (earlier && earlier.chatId === chatId && earlier.from === "bot") {
      const { chatId: _c, at: _a, from: _f, ...change } = printed(chatId, message);
      return transcript.update(earlier.id, { buttons: undefined, file: undefined, ...change })!;
    }
    return transcript.add(printed(chatId, message));
  };

  const baseTurn = (chatId: string, locale: Locale, timeZone: string, pressed: boolean): BaseTurn => {
    const t = translator.bind(locale);
    const say = async (message: Message) => void show(chatId, message, message.replaces?.messageId);
    return {
      channel: "web",
      locale,
      timeZone,
      t,
      say,
      async acknowledge(text) {
        if (text !== undefined && pressed) transcript.add({ chatId, at: now(), from: "bot", html: markupToHtml(text), note: true });
      },
      tell: (text) => say({ text }),
      async refuse(error) {
        if (!(error instanceof DomainError)) throw error;
        await say({ text: t(error.code, clipParams(error.params)) });
      },
      refreshMenu() {},
      warn(details, message) {
        logger.warn({ chatId, ...details }, message);
      },
    };
  };
  const turnOf = (actor: Actor & { kind: "person" }, chatId: string, origin?: string): Turn => {
    const base = baseTurn(chatId, core.people.localeOf(actor), actor.seats[0]?.timeZone ?? core.ctx.settings.timeZone, origin !== undefined);
    return {
      ...base,
      actor,
      originId: origin,
      async replace(messageId, message) {
        show(chatId, message, messageId);
      },
      async retire(messageId) {
        const e = messageId !== undefined ? transcript.get(messageId) : undefined;
        if (e?.chatId === chatId && e.buttons) transcript.update(e.id, { buttons: undefined });
      },
      async ask(message) {
        return show(chatId, message).id;
      },
    };
  };

  // One person's messages are taken one after another, in order, as on Zalo: a quick second line never races the first.
  const chains = new Map<string, Promise<void>>();
  const inTurn = (chatId: string, work: () => Promise<void>): Promise<void> => {
    const run = (chains.get(chatId) ?? Promise.resolve()).then(work, work);
    chains.set(chatId, run);
    return run.finally(() => {
      if (chains.get(chatId) === run) chains.delete(chatId);
    });
  };
  const apologize = (chatId: string, locale: Locale, e: unknown) => {
    logger.error({ err: e, chatId }, "a web message could not be handled");
    transcript.add({ chatId, at: now(), from: "bot", html: markupToHtml(translator.bind(locale)("common:apology")) });
  };

  const sender: ChannelSender = {
    async send(d) {
      const view = await views(d);
      if (view.kind === "skip") return { messageId: "" };
      return { messageId: show(d.chatId!, view.message, view.message.replaces?.messageId).id };
    },
  };

  return {
    name: "web",
    transcript,
    // Nobody waits on a network here: the gate only keeps one message at a time per chat.
    delivery: { sender, gate: new RateGate({ ratePerSecond: 100, perChatIntervalMs: 0, groupIntervalMs: 0 }) },
    receive(chatId, input, shown) {
      return inTurn(chatId, async () => {
        transcript.add({ chatId, at: now(), from: "person", text: shown });
        const actor = await core.people.actorByChannel("web", chatId);
        const locale = actor ? core.people.localeOf(actor) : deps.defaultLocale;
        try {
          const account = { externalId: chatId, chatId, username: null };
          const visitor: EntryTurn = { ...baseTurn(chatId, locale, actor?.seats[0]?.timeZone ?? core.ctx.settings.timeZone, false), actor, account };
          const start = input.file ? null : /^\s*\/start(?:\s+(\S+))?\s*$/i.exec(input.text);
          if (start) return await flows.entry.start(visitor, start[1] ?? "");
          if (!(await flows.entry.gate(visitor))) return;
          await core.people.seen(actor!.personId, "web");
          const turn = turnOf(actor!, chatId);
          const line = input.text;
          if (!input.file && line.trimStart().startsWith("/")) {
            const command = /^\s*\/([a-z_]+)(?:\s+([\s\S]*))?$/i.exec(line);
            const name = command?.[1]?.toLowerCase();
            const run = name !== undefined && Object.hasOwn(flows.commands, name) ? flows.commands[name] : undefined;
            if (run) return await run(turn, (command?.[2] ?? "").trim());
            return await turn.say({ text: turn.t("common:unknown_command") });
          }
          if (!(await flows.input(turn, input))) await turn.say({ text: turn.t("common:unknown_command") });
        } catch (e) {
          apologize(chatId, locale, e);
        } finally {
          deps.nudgeDelivery();
        }
      });
    },
    press(chatId, entryId, row, column) {
      return inTurn(chatId, async () => {
        const actor = await core.people.actorByChannel("web", chatId);
        const locale = actor ? core.people.localeOf(actor) : deps.defaultLocale;
        const entry = transcript.get(entryId);
        // Only a button the bot put in this person's own chat can be pressed: the page never names an action.
        const button = entry?.chatId === chatId ? entry.buttons?.[row]?.[column] : undefined;
        try {
          if (!actor || !button) return void transcript.add({ chatId, at: now(), from: "bot", html: markupToHtml(translator.bind(locale)("common:stale_button")), note: true });
          transcript.add({ chatId, at: now(), from: "person", text: `▸ ${button.label}` });
          await core.people.seen(actor.personId, "web");
          const turn = turnOf(actor, chatId, entryId);
          if (!(await dispatch(flows.routes, turn, button.action))) await turn.acknowledge(turn.t("common:stale_button"));
        } catch (e) {
          apologize(chatId, locale, e);
        } finally {
          deps.nudgeDelivery();
        }
      });
    },
    async start() {},
    async stop() {
      await Promise.all([...chains.values()].map((p) => p.catch(() => undefined)));
    },
  };
}
