import { DomainError } from "../../core/errors.js";
import type { Core } from "../../core/index.js";
import { INVITE_CODE_SHAPE } from "../../core/invites/invite-code.js";
import { plainIncoming, type Incoming, type ReceivedFile } from "../../conversation/incoming.js";
import type { TextApp } from "../../conversation/text-app.js";
import type { Locale } from "../../db/schema.js";
import type { Translator } from "../../i18n/index.js";
import type { Logger } from "../../logger.js";
import { download } from "../../net/http-get.js";
import type { ZaloMessage, ZaloUpdate } from "./client.js";
import type { ZaloMessageSender } from "./send-message.js";

/** Time allowed to download a photo a person sent (Zalo's photo URLs are short-lived: fetched in the same turn). */
const PHOTO_DOWNLOAD_TIMEOUT_MS = 60_000;

export interface ZaloReceiverDeps {
  core: Core;
  app: TextApp;
  send: ZaloMessageSender;
  translator: Translator;
  defaultLocale: Locale;
  logger: Logger;
  /** The bot's own id (getMe): its own messages, if Zalo echoes them, are ignored. */
  botId: () => string | undefined;
  /** The accounts' key of this bot: '' for the installation's, else a committee bot's id (see ZaloBotAccount). */
  bot?: string;
}

/**
 * What an unlinked person's text means when it holds an invite code: the code from a pasted invite link
 * (`…?start=CODE`), else the first code-shaped word (16–64 of [A-Za-z0-9_-]; not a long lowercase word, nor a number such as a Zalo id), as
 * "/start CODE". Anything else is left as typed.
 */
export function asStartCommand(text: string): string | undefined {
  if (/^\s*\/start\b/i.test(text)) return undefined;
  const fromLink = /[?&]start=([A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (fromLink && INVITE_CODE_SHAPE.test(fromLink)) return `/start ${fromLink}`;
  const word = text.split(/[^A-Za-z0-9_-]+/).find((w) => INVITE_CODE_SHAPE.test(w) && !/^[a-z]+$/.test(w) && /[A-Za-z]/.test(w));
  return word ? `/start ${word}` : undefined;
}

/** The URL of a photo in an image event (Zalo's field is `photo`; `photo_url` and `url` are accepted too). */
const photoUrlOf = (m: ZaloMessage): string | undefined => [m.photo, m.photo_url, m.url].find((u): u is string => typeof u === "string" && /^https?:\/\//i.test(u));

/**
 * Handles one Zalo update, from long polling or the webhook alike: drops the bot's own messages, group chats
 * (the bot serves private chats) and duplicates (by event and message id), then hands text and photos to the
 * text app (an unlinked person's invite code or pasted invite link links them), and answers stickers, voice
 * notes and what Zalo does not pass on with a short hint. Unknown events are ignored.
 */
export function createZaloReceiver(deps: ZaloReceiverDeps): (update: ZaloUpdate) => Promise<void> {
  const { core, logger, translator } = deps;
  // The webhook hands updates over as they come: one person's are taken one after another, in order, so a
  // quick second message never races the first through a dialog.
  const chains = new Map<string, Promise<void>>();
  const inTurn = (key: string, work: () => Promise<void>): Promise<void> => {
    const run = (chains.get(key) ?? Promise.resolve()).then(work, work);
    chains.set(key, run);
    return run.finally(() => {
      if (chains.get(key) === run) chains.delete(key);
    });
  };
  const receive = async (update: ZaloUpdate): Promise<void> => {
    const m = update.message;
    const from = m?.from?.id;
    if (!m || typeof m.message_id !== "string" || typeof from !== "string" || from === "") {
      logger.debug({ event: update.event_name }, "Zalo update without a message ignored");
      return;
    }
    if (m.from?.is_bot === true || from === deps.botId()) return;
    const chatId = typeof m.chat?.id === "string" && m.chat.id !== "" ? m.chat.id : from;
    if (m.chat?.chat_type && m.chat.chat_type !== "PRIVATE") {
      logger.debug({ event: update.event_name }, "Zalo group message ignored: the bot serves private chats");
      return;
    }
    // A message id may be unique to its bot only: a committee bot's updates are claimed under its id.
    if (!(await core.updates.claim("zalo", `${deps.bot ? `${deps.bot}:` : ""}${update.event_name}:${m.message_id}`))) return;

    const account = { externalId: from, chatId, username: null };
    const actor = await core.people.actorByChannel("zalo", from, deps.bot);
    const locale = actor ? core.people.localeOf(actor) : deps.defaultLocale;
    const timeZone = actor?.seats[0]?.timeZone ?? core.ctx.settings.timeZone;
    const send = async (parts: string[], file?: Parameters<ZaloMessageSender>[4]) => {
      await deps.send(chatId, locale, timeZone, parts, file);
    };
    const hint = (key: string) => send([translator.plain(locale, key)]);

    let input: Incoming | undefined;
    switch (update.event_name) {
      case "message.text.received": {
        const text = typeof m.text === "string" ? m.text : "";
        input = plainIncoming((!actor && asStartCommand(text)) || text);
        break;
      }
      case "message.image.received": {
        const url = photoUrlOf(m);
        if (!url) return hint("zalo:unsupported");
        input = plainIncoming(typeof m.caption === "string" ? m.caption : "", photoOf(m.message_id, url, logger));
        break;
      }
      case "message.sticker.received":
        return hint("zalo:sticker");
      case "message.voice.received":
        return hint("zalo:voice");
      case "message.unsupported.received":
        return hint("zalo:unsupported");
      default:
        logger.debug({ event: update.event_name }, "Zalo event of an unknown kind ignored");
        return;
    }
    try {
      await deps.app.receive(account, input, send, deps.defaultLocale);
    } catch (e) {
      logger.error({ err: e, event: update.event_name }, "a Zalo message could not be handled");
      await hint("common:apology").catch(() => undefined);
    }
  };
  return (update) => {
    const from = update.message?.from?.id;
    // In this process one after another, and across instances under the chat's lock (several instances).
    return typeof from === "string" ? inTurn(from, () => core.updates.inTurn("zalo", from, () => receive(update))) : receive(update);
  };
}

/** A photo a person sent, as a file a flow may keep: fetched from Zalo's URL (bounded) only when kept. */
function photoOf(messageId: string, url: string, logger: Logger): ReceivedFile {
  return {
    file: { channel: "zalo", fileId: `photo:${messageId}`, fileName: `zalo-${messageId}.jpg`, mimeType: "image/jpeg", fileSize: null },
    kind: "photo",
    async download(maxBytes) {
      try {
        return await download(url, { maxBytes, timeoutMs: PHOTO_DOWNLOAD_TIMEOUT_MS });
      } catch (e) {
        logger.warn({ reason: (e as Error).message.replace(/\?.*$/, "") }, "photo download from Zalo failed");
        throw new DomainError("roster:import.download_failed");
      }
    },
  };
}
