import { Api, GrammyError, HttpError } from "grammy";
import type { ChannelSender } from "../../delivery/worker.js";
import { SendError } from "../../delivery/send-error.js";
import { redact } from "../../logger.js";
import { agentFor } from "../../net/proxy.js";
import type { OutboxViews } from "../../conversation/outbox-views.js";
import type { Health } from "../../health.js";
import { recordSuccessfulCalls } from "./health.js";
import { telegramMessageSender, type TelegramFileStore } from "./send-message.js";

export type { TelegramFileStore } from "./send-message.js";

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
  const send = telegramMessageSender(api, opts.files);
  return {
    async send(d) {
      const view = await opts.views(d);
      if (view.kind === "skip") return { messageId: "" };
      try {
        return { messageId: String(await send(d.chatId!, view.message)) };
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
