import { SendError } from "../../delivery/send-error.js";
import { ZaloApiError, ZaloNetworkError } from "./client.js";

/** How long every send waits after Zalo's 429 "Quota exceeded": the plan's quota, or a rate limit it does not publish. */
export const ZALO_QUOTA_PAUSE_MS = 60_000;

/**
 * How long every send waits after a 429 that does not speak of the quota: a per-second limit Zalo does not
 * publish. The gate's rate is cut meanwhile (RateGate.pause), so a short pause finds the limit; a minute's
 * pause at each one stalled a broadcast against a 3/s limit (`npm run bench -- --only zalo`).
 */
export const ZALO_RATE_PAUSE_MS = 1_000;

/**
 * Zalo refusing to write to a chat that never wrote to the bot (or no longer can be reached there): the
 * person's other app should carry the message. Zalo's wording is not documented; these are the shapes seen.
 */
const UNREACHABLE = /never|not (?:linked|found|exist|interact|follow|allowed to send)|no (?:conversation|interaction)|invalid chat|chat_id|blocked|unfollow/i;

/**
 * Classifies a Zalo Bot API failure for the delivery worker:
 * 401 (the token was reset) is permanent (the sender logs it loudly); 429 pauses every send (a minute for
 * "Quota exceeded", a second for any other 429);
 * 403 (Zalo's "internal server error") and 5xx are transient; a chat the bot may not write to is
 * forbidden, so the worker tries the person's other app; any other 400/404 is permanent.
 */
export function toZaloSendError(e: unknown): SendError {
  if (e instanceof SendError) return e;
  if (e instanceof ZaloApiError) {
    const message = `${e.errorCode}: ${e.description}`;
    if (e.errorCode === 429) return new SendError("rate_limited", message, /quota/i.test(e.description) ? ZALO_QUOTA_PAUSE_MS : ZALO_RATE_PAUSE_MS);
    if (e.errorCode === 403 || e.errorCode === 408 || e.errorCode >= 500) return new SendError("transient", message);
    if ((e.errorCode === 400 || e.errorCode === 404) && UNREACHABLE.test(e.description)) return new SendError("forbidden", message);
    return new SendError("permanent", message);
  }
  if (e instanceof ZaloNetworkError) return new SendError("transient", e.message);
  return new SendError("transient", String((e as Error)?.message ?? e));
}
