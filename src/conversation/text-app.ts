import type { Actor } from "../core/actor.js";
import type { Core } from "../core/index.js";
import { DomainError } from "../core/errors.js";
import type { ChannelName, Locale } from "../db/schema.js";
import type { Translator } from "../i18n/index.js";
import { clipParams } from "./echo.js";
import type { Flows } from "./flows.js";
import type { Incoming, InputHandler } from "./incoming.js";
import type { Message, OutgoingFile } from "./message.js";
import { actionsOf, printPlainText } from "./plain-text.js";
import { dispatch } from "./router.js";
import type { BaseTurn, EntryTurn, Turn } from "./turn.js";

/**
 * The conversation on an app that shows plain text only (Zalo's Bot API; the test driver): messages are
 * printed as plain text with numbered choices (core keeps what each number means in the chat), a typed
 * number is the action it stands for, and anything that would be edited elsewhere is said anew.
 */
export interface TextApp {
  /** Prints a message for a chat: its parts, numbered for that chat. */
  print(chatId: string, locale: Locale, message: Message): Promise<string[]>;
  /** A turn for a person writing in a chat; what it says goes to `send` (the printed parts, and the file, if any, for the app to deliver). */
  turn(actor: Actor & { kind: "person" }, chatId: string, send: Send, origin?: string): Turn;
  /** A turn for whoever writes from an account, linked (`actor`) or not, in `fallbackLocale` when not. */
  visitor(account: EntryTurn["account"], actor: (Actor & { kind: "person" }) | undefined, fallbackLocale: Locale, send: Send): EntryTurn;
  /**
   * Handles what a person sent: a number (or, on a question answered by a number, a letter) is the action
   * it stands for (a stale or unknown one is answered politely); a line starting with "/" is a command (see
   * `commands`); anything else, files included, goes to `onInput` (an open dialog), else the person is told
   * it was not understood.
   */
  handle(turn: Turn, chatId: string, input: Incoming, onInput: InputHandler): Promise<void>;
  /**
   * Everything an app module does with what an account sent: "/start <code>" links it (open to anyone);
   * anyone else but an active member is told politely (the gate); a member's message is handled as above.
   * The app has already dropped duplicates. `send` delivers what the bot answers.
   */
  receive(account: EntryTurn["account"], input: Incoming, send: Send, fallbackLocale: Locale): Promise<void>;
}

/** How a text app delivers what a turn says: the printed parts, and the file, if any. */
export type Send = (parts: string[], file?: OutgoingFile) => Promise<void>;

export interface TextAppOptions {
  channel: ChannelName;
  /** The app's limit on one message (Zalo: 2,000 characters). */
  limit: number;
  core: Core;
  translator: Translator;
  /** The conversations: their routes, commands, inputs and the entry (/start and the gate). */
  flows: Pick<Flows, "routes" | "commands" | "input" | "entry">;
  /**
   * The Zalo bot this app speaks through when it is a committee's own (absent for the installation's bot):
   * accounts are looked up on it, and a chat's numbered choices are kept apart from the same chat id on
   * another bot (a Zalo user id may be scoped to its bot, or may not).
   */
  bot?: string;
}

export function createTextApp(opts: TextAppOptions): TextApp {
  const { core, translator, channel } = opts;
  const bot = opts.bot ?? "";
  /** The chat as the numbered choices know it: scoped to the bot when it is a committee's own. */
  const choiceChat = (chatId: string) => (bot ? `${bot}/${chatId}` : chatId);
  const print: TextApp["print"] = async (chatId, locale, message) => {
    const awaitsNumber = message.awaitsNumber === true;
    const numbers = await core.choices.number(channel, choiceChat(chatId), actionsOf(message), { awaitsNumber });
    return printPlainText(message, numbers, { limit: opts.limit, hint: translator.plain(locale, awaitsNumber ? "common:choice_hint_letters" : "common:choice_hint") });
  };
  const baseTurn = (chatId: string, locale: Locale, timeZone: string, send: Send): BaseTurn => {
    const t = translator.bind(locale);
    const say = async (message: Message) => send(await print(chatId, locale, message), message.file);
    return {
      channel,
      locale,
      timeZone,
      t,
      say,
      async acknowledge(text) {
        if (text !== undefined) await say({ text });
      },
      tell: (text) => say({ text }),
      async refuse(error) {
        if (!(error instanceof DomainError)) throw error;
        await say({ text: t(error.code, clipParams(error.params)) });
      },
      warn() {},
      refreshMenu() {},
    };
  };
  const app: TextApp = {
    print,
    turn(actor, chatId, send, origin) {
      const locale = core.people.localeOf(actor);
      const base = baseTurn(chatId, locale, actor.seats[0]?.timeZone ?? core.ctx.settings.timeZone, send);
      return {
        ...base,
        actor,
        originId: origin,
        async replace(_messageId, message) {
          await base.say(message);
        },
        async retire() {},
        async ask(message) {
          await base.say(message);
          return undefined;
        },
      };
    },
    visitor(account, actor, fallbackLocale, send) {
      const locale = actor ? core.people.localeOf(actor) : fallbackLocale;
      return { ...baseTurn(account.chatId, locale, actor?.seats[0]?.timeZone ?? core.ctx.settings.timeZone, send), actor, account };
    },
    async handle(turn, chatId, input, onInput) {
      const line = input.text;
      // A bare number is a choice, unless the chat's latest question asks for a number: then the open dialog
      // takes it as its answer first (and the question's own choices are letters). A file is never a choice.
      const label = input.file ? undefined : /^\s*(\d{1,2}|[a-z])\s*$/i.exec(line)?.[1];
      const letter = label !== undefined && /^[a-z]$/i.test(label);
      if (label !== undefined && !letter && (await core.choices.awaitsNumber(channel, choiceChat(chatId))) && (await onInput(turn, input))) return;
      if (label !== undefined) {
        const chosen = await core.choices.resolve(channel, choiceChat(chatId), label);
        // A lone letter that stands for nothing is text (an answer "x"), not a choice.
        if (!(chosen === undefined && letter)) {
          if (chosen === undefined || chosen === "stale") {
            return turn.say({ text: turn.t(chosen === "stale" ? "common:choice_stale" : "common:choice_unknown", { n: label }) });
          }
          // A chosen number is a press: the message it came from cannot be edited here, so a flow that shows a
          // card anew (turn.replace) says it again; the number stands for that message.
          const press: Turn = { ...turn, originId: turn.originId ?? `choice:${label}` };
          if (!(await dispatch(opts.flows.routes, press, chosen.action))) await turn.say({ text: turn.t("common:stale_button") });
          return;
        }
      }
      // A command never goes to a dialog as its answer, as on Telegram.
      if (!input.file && line.trimStart().startsWith("/")) {
        const command = /^\s*\/([a-z_]+)(?:\s+([\s\S]*))?$/i.exec(line);
        const name = command?.[1]?.toLowerCase();
        const commands = opts.flows.commands;
        const run = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
        if (run) return run(turn, (command?.[2] ?? "").trim());
        return turn.say({ text: turn.t("common:unknown_command") });
      }
      if (!(await onInput(turn, input))) await turn.say({ text: turn.t("common:unknown_command") });
    },
    async receive(account, input, send, fallbackLocale) {
      const actor = await core.people.actorByChannel(channel, account.externalId, bot);
      const start = input.file ? null : /^\s*\/start(?:\s+(\S+))?\s*$/i.exec(input.text);
      const visitor = app.visitor(bot ? { ...account, bot } : account, actor, fallbackLocale, send);
      if (start) return opts.flows.entry.start(visitor, start[1] ?? "");
      if (!(await opts.flows.entry.gate(visitor))) return;
      // Delivery prefers the app a person used last; writing again also means they can be reached here.
      await core.people.seen(actor!.personId, channel, bot);
      const turn = app.turn(actor!, account.chatId, send);
      await app.handle(turn, account.chatId, input, (t, i) => opts.flows.input(t, i));
    },
  };
  return app;
}
