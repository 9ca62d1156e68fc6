/**
 * Why a channel could not deliver a message, in the terms the delivery worker acts on:
 * - rate_limited: wait `retryAfterMs` (every send waits) and try again;
 * - forbidden: the person blocked the bot or the chat is gone — mark them unreachable;
 * - transient: a 5xx or a network failure — retry with backoff;
 * - permanent: the platform refused this message (a 400) — keep it as failed with the reason.
 */
export class SendError extends Error {
  override name = "SendError";
  constructor(
    readonly kind: "rate_limited" | "forbidden" | "transient" | "permanent",
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}
