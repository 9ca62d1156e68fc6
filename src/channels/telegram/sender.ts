import { Api, GrammyError, HttpError, InputFile } from "grammy";
import type { Message } from "grammy/types";
import type { ChannelSender } from "../../delivery/worker.js";
import { SendError } from "../../delivery/send-error.js";
import { redact } from "../../logger.js";
import { agentFor } from "../../net/proxy.js";
import type { AttachmentRow, ChannelName } from "../../db/schema.js";
import type { StoredFileContent } from "../../media/files.js";
import type { OutboxViews } from "../../conversation/outbox-views.js";
import type { Health } from "../../health.js";
import { recordSuccessfulCalls } from "./health.js";
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

/**
 * Sends outbox messages to Telegram. It uses its own Api without auto-retry: the delivery worker owns
 * waiting and retrying, so a 429 pauses every send at once instead of each call sleeping on its own.
 */
export function createTelegramSender(opts: {
  token: string;
  apiRoot: string | undefined;
  views: OutboxViews;
  files: TelegramFileStore;
  /** Told of every send Telegram accepted, for `/healthz`. */
  health?: Health;
}): ChannelSender {
  // A send that takes longer than this is abandoned, well before its outbox claim counts as stale (60 s).
  const agent = agentFor(opts.apiRoot ?? "https://api.telegram.org");
  const api = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: 30, ...(agent ? { baseFetchConfig: { agent, compress: true } } : {}) });
  if (opts.health) recordSuccessfulCalls(api, opts.health);
  const { files } = opts;
  /** Per stored file, the chain of sends waiting to upload it: a broadcast of a new file uploads it once. */
  const uploads = new Map<number, Promise<unknown>>();
  const oneAtATime = <T>(fileId: number, fn: () => Promise<T>): Promise<T> => {
    const run = (uploads.get(fileId) ?? Promise.resolve()).catch(() => undefined).then(fn);
    uploads.set(fileId, run);
    return run.finally(() => {
      if (uploads.get(fileId) === run) uploads.delete(fileId);
    });
  };

  /**
   * An attachment as a document: a stored file by Telegram's cached file_id when there is one, else its
   * bytes, uploaded under the attachment's name (the file_id Telegram gives back is cached for next time).
   * An attachment made before files were stored has only the reference it was received with.
   */
  const sendAttachment = async (chatId: string, attachmentId: number, other: { caption: string; parse_mode: "HTML" }): Promise<Message> => {
    const a = await files.attachment(attachmentId);
    if (!a) throw new SendError("permanent", `attachment ${attachmentId} no longer exists`);
    if (a.stored_file_id === null) {
      if (a.channel !== "telegram") throw new SendError("permanent", `attachment ${a.id} has neither bytes nor a Telegram reference`);
      return api.sendDocument(chatId, a.file_id, other);
    }
    const fileId = a.stored_file_id;
    const byRef = async (ref: string): Promise<Message | undefined> => {
      try {
        return await api.sendDocument(chatId, ref, other);
      } catch (e) {
        if (!refusedFileRef(e)) throw e;
        await files.forget(fileId, "telegram").catch(() => undefined);
        return undefined;
      }
    };
    const ref = await files.ref(fileId, "telegram");
    const sent = ref ? await byRef(ref) : undefined;
    if (sent) return sent;
    // No usable file_id: the first send uploads; the others waiting meanwhile find its file_id.
    return oneAtATime(fileId, async () => {
      const cached = await files.ref(fileId, "telegram");
      const again = cached && cached !== ref ? await byRef(cached) : undefined;
      if (again) return again;
      const content = await files.content(fileId);
      if (!content) throw new SendError("permanent", `stored file ${fileId} no longer exists`);
      const m = await api.sendDocument(chatId, new InputFile(content.bytes, a.file_name), other);
      // Losing the cached file_id costs one more upload later, never a message: the send has happened.
      if (m.document) await files.remember(fileId, "telegram", m.document.file_id).catch(() => undefined);
      return m;
    });
  };

  return {
    async send(d) {
      const view = await opts.views(d);
      if (view.kind === "skip") return { messageId: "" };
      const { message } = view;
      const { text, file } = message;
      const { parts, keyboard } = printForTelegram(message);
      const editMessageId = message.replaces ? Number(message.replaces.messageId) : undefined;
      try {
        if (file) {
          const other = { caption: text, parse_mode: "HTML" as const };
          if (file.kind === "attachment") return { messageId: String((await sendAttachment(d.chatId!, file.attachmentId, other)).message_id) };
          const m = await api.sendDocument(d.chatId!, new InputFile(file.content, file.name), other);
          return { messageId: String(m.message_id) };
        }
        if (editMessageId) {
          await api
            .editMessageText(d.chatId!, editMessageId, parts[0]!, {
              parse_mode: "HTML",
              link_preview_options: { is_disabled: true },
              ...(keyboard ? { reply_markup: keyboard } : {}),
            })
            .catch((e) => {
              // The person may have deleted the message, or it already shows this text: nothing left to do.
              if (e instanceof GrammyError && e.error_code === 400 && /not found|not modified|can't be edited/i.test(e.description)) return;
              throw e;
            });
          return { messageId: String(editMessageId) };
        }
        let last = 0;
        const chunks = parts;
        for (const [i, chunk] of chunks.entries()) {
          const markup = i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {};
          const m = await api.sendMessage(d.chatId!, chunk, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...markup });
          last = m.message_id;
        }
        return { messageId: String(last) };
      } catch (e) {
        throw toSendError(e, opts.token);
      }
    },
  };
}

/** Classifies a Bot API failure for the delivery worker. */
export function toSendError(e: unknown, token: string): SendError {
  if (e instanceof SendError) return e;
  if (e instanceof GrammyError) {
    const message = redact(`${e.error_code}: ${e.description}`, [token]);
    if (e.error_code === 429) return new SendError("rate_limited", message, (e.parameters.retry_after ?? 1) * 1000);
    if (e.error_code === 403) return new SendError("forbidden", message);
    if (e.error_code === 400 && /chat not found|user is deactivated/i.test(e.description)) return new SendError("forbidden", message);
    if (e.error_code >= 500) return new SendError("transient", message);
    return new SendError("permanent", message);
  }
  if (e instanceof HttpError) return new SendError("transient", redact(e.message, [token]));
  return new SendError("transient", redact(String((e as Error)?.message ?? e), [token]));
}
