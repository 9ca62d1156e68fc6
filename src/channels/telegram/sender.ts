import { Api, GrammyError, HttpError, InputFile } from "grammy";
import type { ChannelSender } from "../../delivery/worker.js";
import { SendError } from "../../delivery/send-error.js";
import { redact } from "../../logger.js";
import type { OutboxRenderer } from "./outbox-render.js";
import { splitMessage } from "./text.js";

/**
 * Sends outbox messages to Telegram. It uses its own Api without auto-retry: the delivery worker owns
 * waiting and retrying, so a 429 pauses every send at once instead of each call sleeping on its own.
 */
export function createTelegramSender(opts: { token: string; apiRoot: string | undefined; render: OutboxRenderer }): ChannelSender {
  // A send that takes longer than this is abandoned, well before its outbox claim counts as stale (60 s).
  const api = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: 30 });
  return {
    async send(d) {
      const { text, keyboard, editMessageId, document, skip } = await opts.render(d);
      if (skip) return { messageId: "" };
      try {
        if (document) {
          const file = "fileId" in document ? document.fileId : new InputFile(document.content, document.filename);
          const m = await api.sendDocument(d.chatId!, file, { caption: text, parse_mode: "HTML" });
          return { messageId: String(m.message_id) };
        }
        if (editMessageId) {
          await api
            .editMessageText(d.chatId!, editMessageId, splitMessage(text)[0]!, {
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
        const chunks = splitMessage(text);
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
