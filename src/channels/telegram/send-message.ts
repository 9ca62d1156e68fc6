import { GrammyError, InputFile, type Api } from "grammy";
import type { Message as SentMessage } from "grammy/types";
import type { Message } from "../../conversation/message.js";
import { SendError } from "../../delivery/send-error.js";
import type { AttachmentRow, ChannelName } from "../../db/schema.js";
import type { StoredFileContent } from "../../media/files.js";
import { printForTelegram } from "./printer.js";

/** The stored files an attachment points to, and Telegram's cached references to them (core.files). */
export interface TelegramFileStore {
  attachment(id: number): Promise<AttachmentRow | undefined>;
  content(id: number): Promise<StoredFileContent | undefined>;
  ref(id: number, channel: ChannelName): Promise<string | undefined>;
  remember(id: number, channel: ChannelName, ref: string): Promise<void>;
  forget(id: number, channel: ChannelName): Promise<void>;
}

/** Telegram refusing a file_id it gave us (expired, or a photo's id sent as a document). */
const refusedFileRef = (e: unknown) =>
  e instanceof GrammyError && e.error_code === 400 && /wrong file identifier|file reference|file of type|type of file|wrong remote file|FILE_ID_INVALID/i.test(e.description);

/** Sends a neutral message to a Telegram chat; resolves to the id of the (last) message shown. */
export type TelegramMessageSender = (chatId: string | number, message: Message) => Promise<number>;

/**
 * Prints neutral messages into Telegram chats through `api`: text as HTML in parts of at most 4,096
 * characters with the keyboard under the last, "replaces" as an edit in place, and files — made on the spot
 * (uploaded), or stored attachments (by Telegram's cached file_id when there is one, else uploaded once and
 * the file_id cached). Used by the delivery sender and by conversation turns alike.
 */
export function telegramMessageSender(api: Api, files: TelegramFileStore): TelegramMessageSender {
  /** Per stored file, the chain of sends waiting to upload it: a broadcast of a new file uploads it once. */
  const uploads = new Map<number, Promise<unknown>>();
  const oneAtATime = <T>(fileId: number, fn: () => Promise<T>): Promise<T> => {
    const run = (uploads.get(fileId) ?? Promise.resolve()).catch(() => undefined).then(fn);
    uploads.set(fileId, run);
    return run.finally(() => {
      if (uploads.get(fileId) === run) uploads.delete(fileId);
    });
  };

  type Other = { caption: string; parse_mode: "HTML"; reply_markup?: NonNullable<ReturnType<typeof printForTelegram>["keyboard"]> };
  const sendFile = (chatId: string | number, file: string | InputFile, photo: boolean, other: Other): Promise<SentMessage> =>
    photo ? api.sendPhoto(chatId, file, other) : api.sendDocument(chatId, file, other);
  const refOf = (m: SentMessage): string | undefined => m.document?.file_id ?? m.photo?.[m.photo.length - 1]?.file_id;

  /**
   * An attachment: a stored file by Telegram's cached file_id when there is one, else its bytes, uploaded
   * under the attachment's name (the file_id Telegram gives back is cached for next time). An attachment
   * made before files were stored has only the reference it was received with.
   */
  const sendAttachment = async (chatId: string | number, attachmentId: number, photo: boolean, other: Other): Promise<SentMessage> => {
    const a = await files.attachment(attachmentId);
    if (!a) throw new SendError("permanent", `attachment ${attachmentId} no longer exists`);
    if (a.stored_file_id === null) {
      if (a.channel !== "telegram") throw new SendError("permanent", `attachment ${a.id} has neither bytes nor a Telegram reference`);
      return sendFile(chatId, a.file_id, photo, other);
    }
    const fileId = a.stored_file_id;
    // Telegram's references are per kind: a photo's is cached apart from a document's.
    const refKey: ChannelName = "telegram";
    const byRef = async (ref: string): Promise<SentMessage | undefined> => {
      try {
        return await sendFile(chatId, ref, photo, other);
      } catch (e) {
        if (!refusedFileRef(e)) throw e;
        await files.forget(fileId, refKey).catch(() => undefined);
        return undefined;
      }
    };
    const ref = await files.ref(fileId, refKey);
    const sent = ref ? await byRef(ref) : undefined;
    if (sent) return sent;
    // No usable file_id: the first send uploads; the others waiting meanwhile find its file_id.
    return oneAtATime(fileId, async () => {
      const cached = await files.ref(fileId, refKey);
      const again = cached && cached !== ref ? await byRef(cached) : undefined;
      if (again) return again;
      const content = await files.content(fileId);
      if (!content) throw new SendError("permanent", `stored file ${fileId} no longer exists`);
      const m = await sendFile(chatId, new InputFile(content.bytes, a.file_name), photo, other);
      // Losing the cached file_id costs one more upload later, never a message: the send has happened.
      const got = refOf(m);
      if (got) await files.remember(fileId, refKey, got).catch(() => undefined);
      return m;
    });
  };

  return async (chatId, message) => {
    const { text, file } = message;
    const { parts, keyboard } = printForTelegram(message);
    if (file) {
      // A file keeps its buttons (the weekly digest's chart carries the summary's drill-down).
      const other: Other = { caption: text, parse_mode: "HTML", ...(keyboard ? { reply_markup: keyboard } : {}) };
      if (file.kind === "attachment") return (await sendAttachment(chatId, file.attachmentId, file.photo === true, other)).message_id;
      return (await sendFile(chatId, new InputFile(file.content, file.name), file.photo === true, other)).message_id;
    }
    if (message.replaces) {
      const editId = Number(message.replaces.messageId);
      await api
        .editMessageText(chatId, editId, parts[0]!, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) })
        .catch((e) => {
          // The person may have deleted the message, or it already shows this text: nothing left to do.
          if (e instanceof GrammyError && e.error_code === 400 && /not found|not modified|can't be edited/i.test(e.description)) return;
          throw e;
        });
      return editId;
    }
    let last = 0;
    for (const [i, part] of parts.entries()) {
      const markup = i === parts.length - 1 && keyboard ? { reply_markup: keyboard } : {};
      last = (await api.sendMessage(chatId, part, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...markup })).message_id;
    }
    return last;
  };
}
