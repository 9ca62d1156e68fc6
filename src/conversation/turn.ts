import type { Actor } from "../core/actor.js";
import type { Markup } from "../core/markup.js";
import type { ChannelName, Locale } from "../db/schema.js";
import type { TFunction } from "../i18n/index.js";
import type { Message } from "./message.js";

/**
 * One turn of a conversation, in no app's terms: who is speaking, in which language, and how to answer
 * them. A flow (src/conversation/<feature>/*-flow.ts) is written once against it; each app builds a Turn
 * from its own update — Telegram from a grammY context (src/channels/telegram/turn.ts), a plain-text app
 * from a typed line, where "2" has already been turned into the action it stands for.
 */
export interface Turn extends BaseTurn {
  actor: Actor & { kind: "person" };
  /** The message the pressed button belongs to, on this app, when the turn is a press. */
  originId: string | undefined;
  /** Shows this instead of an earlier message of the chat (Telegram edits it; a plain-text app says it anew). */
  replace(messageId: string, message: Message): Promise<void>;
  /**
   * A message's buttons are spent (its question was answered): Telegram removes them; a plain-text app, whose
   * numbers belong to its latest message anyway, does nothing. Without an id: nothing to do.
   */
  retire(messageId: string | undefined): Promise<void>;
  /**
   * Says a question whose buttons are to be retired once it is answered some other way (a reason typed
   * instead of chosen): resolves with the message's id where the app can retire it (Telegram), else undefined.
   */
  ask(message: Message): Promise<string | undefined>;
}

/** What every turn has, whoever is writing: the app, the language, and how to answer. */
export interface BaseTurn {
  /** The app the person is writing from; their open dialog is kept per app. */
  channel: ChannelName;
  locale: Locale;
  timeZone: string;
  t: TFunction;
  /** Says something new. */
  say(message: Message): Promise<void>;
  /**
   * Acknowledges a press: with a short text (Telegram shows a notification, or an alert with `alert`; a
   * plain-text app says it), or with nothing at all. Does nothing for a typed message.
   */
  acknowledge(text?: Markup, opts?: { alert?: boolean }): Promise<void>;
  /** Tells the person something where they are: the answer to their press while it is open (an alert), else a message. */
  tell(text: Markup): Promise<void>;
  /** Tells the person why core refused (a DomainError), where they are; rethrows anything else. */
  refuse(error: unknown): Promise<void>;
  /**
   * What the person may do has changed (they linked, changed language, asked for help): the app refreshes
   * what it shows of their commands (Telegram's personal command menu). Best effort, never awaited.
   */
  refreshMenu(actor: Actor & { kind: "person" }, locale: Locale): void;
  /** Something worth a warning in the log (a forged or forwarded button), with the turn's context. */
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * A turn of someone who may not be on any roster yet (a stranger opening an invite link, a guest, a
 * former member): the account they write from, and the person behind it when it is linked.
 */
export interface EntryTurn extends BaseTurn {
  actor: (Actor & { kind: "person" }) | undefined;
  /**
   * The account on the app: its id, the chat to answer in, its public username when the app has one, and
   * the Zalo bot it writes through when that is a committee's own bot (a Zalo user id may be scoped to its bot).
   */
  account: { externalId: string; chatId: string; username: string | null; bot?: string };
}
