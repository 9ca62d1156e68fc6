import type { Api } from "grammy";
import type { Health } from "../../health.js";

/**
 * Records every Bot API call of `api` that Telegram answered with `ok: true` (a long poll, a send, a menu
 * update) as a sign of life for `/healthz`. A refusal or a network error records nothing.
 */
export function recordSuccessfulCalls(api: Api, health: Health): void {
  api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) health.platformCallSucceeded();
    return result;
  });
}
