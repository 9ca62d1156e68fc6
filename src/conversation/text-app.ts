import type { Actor } from "../core/actor.js";
import type { Core } from "../core/index.js";
import { DomainError } from "../core/errors.js";
import type { ChannelName, Locale } from "../db/schema.js";
import type { Translator } from "../i18n/index.js";
import type { Commands } from "./flows.js";
import type { Incoming, InputHandler } from "./incoming.js";
import type { Message, OutgoingFile } from "./message.js";
import { actionsOf, printPlainText } from "./plain-text.js";
import { dispatch, type Route } from "./router.js";
import type { Turn } from "./turn.js";

/**
 * The conversation on an app that shows plain text only (Zalo's Bot API; the test driver): messages are
 * printed as plain text with numbered choices (core keeps what each number means in the chat), a typed
 * number is the action it stands for, and anything that would be edited elsewhere is said anew.
 */
export interface TextApp {
  /** Prints a message for a chat: its parts, numbered for that chat. */
  print(chatId: string, locale: Locale, message: Message): Promise<string[]>;
  /** A turn for a person writing in a chat; what it says goes to `send` (the printed parts, and the file, if any, for the app to deliver). */
  turn(actor: Actor & { kind: "person" }, chatId: string, send: (parts: string[], file?: OutgoingFile) => Promise<void>, origin?: string): Turn;
  /**
   * Handles what a person sent: a number (or, on a question answered by a number, a letter) is the action
   * it stands for (a stale or unknown one is answered politely); a line starting with "/" is a command (see
   * `commands`); anything else, files included, goes to `onInput` (an open dialog), else the person is told
   * it was not understood.
   */
  handle(turn: Turn, chatId: string, input: Incoming, onInput: InputHandler): Promise<void>;
}

export interface TextAppOptions {
  channel: ChannelName;
  /** The app's limit on one message (Zalo: 2,000 characters). */
  limit: number;
  core: Core;
  translator: Translator;
  routes: readonly Route[];
  /** The commands a person may type, by name ("report" for "/report NQ49-05"). */
  commands?: Commands;
}

export function createTextApp(opts: TextAppOptions): TextApp {
  const { core, translator, channel } = opts;
  const print: TextApp["print"] = async (chatId, locale, message) => {
    const awaitsNumber = message.awaitsNumber === true;
    const numbers = await core.choices.number(channel, chatId, actionsOf(message), { awaitsNumber });
    return printPlainText(message, numbers, { limit: opts.limit, hint: translator.plain(locale, awaitsNumber ? "common:choice_hint_letters" : "common:choice_hint") });
  };
  return {
    print,
    turn(actor, chatId, send, origin) {
      const locale = core.people.localeOf(actor);
      const t = translator.bind(locale);
      const say = async (message: Message) => send(await print(chatId, locale, message), message.file);
      return {
        actor,
        channel,
        locale,
        timeZone: actor.seats[0]?.timeZone ?? core.ctx.settings.timeZone,
        t,
        originId: origin,
        say,
        async acknowledge(text) {
          if (text !== undefined) await say({ text });
        },
        async replace(_messageId, message) {
          await say(message);
        },
        async retire() {},
        async refuse(error) {
          if (!(error instanceof DomainError)) throw error;
          await say({ text: t(error.code, error.params) });
        },
        warn() {},
        refreshMenu() {},
      };
    },
    async handle(turn, chatId, input, onInput) {
      const line = input.text;
      // A bare number is a choice, unless the latest question asks for a number: then it is the answer, and
      // the question's own choices are letters. A file with a caption is never a choice.
      const chosenLabel = input.file ? undefined : /^\s*(\d{1,2}|[a-z])\s*$/i.exec(line)?.[1];
      const isChoice = chosenLabel !== undefined && (/^[a-z]$/i.test(chosenLabel) || !(await core.choices.awaitsNumber(channel, chatId)));
      if (chosenLabel !== undefined && isChoice) {
        const chosen = await core.choices.resolve(channel, chatId, chosenLabel);
        if (chosen === undefined && /^[a-z]$/i.test(chosenLabel)) {
          // A lone letter that stands for nothing is text (an answer "x"), not a choice.
        } else {
          if (chosen === undefined || chosen === "stale") {
            return turn.say({ text: turn.t(chosen === "stale" ? "common:choice_stale" : "common:choice_unknown", { n: chosenLabel }) });
          }
          // A chosen number is a press: the message it came from cannot be edited here, so a flow that shows a
          // card anew (turn.replace) says it again; the number stands for that message.
          const press: Turn = { ...turn, originId: turn.originId ?? `choice:${chosenLabel}` };
          if (!(await dispatch(opts.routes, press, chosen.action))) await turn.say({ text: turn.t("common:stale_button") });
          return;
        }
      }
      // A command never goes to a dialog as its answer, as on Telegram.
      if (!input.file && line.trimStart().startsWith("/")) {
        const command = /^\s*\/([a-z_]+)(?:\s+([\s\S]*))?$/i.exec(line);
        const name = command?.[1]?.toLowerCase();
        const run = name !== undefined && opts.commands && Object.hasOwn(opts.commands, name) ? opts.commands[name] : undefined;
        if (run) return run(turn, (command?.[2] ?? "").trim());
        return turn.say({ text: turn.t("common:unknown_command") });
      }
      if (!(await onInput(turn, input))) await turn.say({ text: turn.t("common:unknown_command") });
    },
  };
}
