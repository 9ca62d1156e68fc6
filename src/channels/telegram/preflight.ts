import { Api, GrammyError, HttpError } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../../logger.js";
import { redact } from "../../logger.js";
import { agentFor } from "../../net/proxy.js";
import { StartupError } from "../../startup-error.js";

export interface PreflightOptions {
  token: string;
  apiRoot: string | undefined;
  logger: Logger;
  /** Tries before giving up (default 3), each bounded by `timeoutSeconds` (default 10). */
  tries?: number;
  timeoutSeconds?: number;
  /** Wait before the second try; it doubles after each (default 2 s). */
  firstDelayMs?: number;
}

/**
 * Checks Telegram once at start, with a bounded number of tries: the bot's identity, or a StartupError that
 * says what to check — the token (401/404), or the network, a proxy or TELEGRAM_API_ROOT. grammY's own
 * retries (auto-retry) would keep the first getMe waiting for up to an hour without a word.
 */
export async function checkTelegram(opts: PreflightOptions): Promise<UserFromGetMe> {
  const tries = opts.tries ?? 3;
  const root = opts.apiRoot ?? "https://api.telegram.org";
  const agent = agentFor(root);
  const api = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: opts.timeoutSeconds ?? 10, ...(agent ? { baseFetchConfig: { agent, compress: true } } : {}) });
  let reason = "";
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      return await api.getMe();
    } catch (e) {
      if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) throw new StartupError("telegram_token", { code: e.error_code });
      reason = redact(e instanceof GrammyError ? `${e.error_code} ${e.description}` : e instanceof HttpError ? String((e.error as Error)?.message ?? e.message) : String(e), [opts.token]);
      opts.logger.warn({ attempt, tries, root, reason }, "Telegram is not reachable yet");
      if (attempt < tries) await new Promise((r) => setTimeout(r, (opts.firstDelayMs ?? 2000) * 2 ** (attempt - 1)));
    }
  }
  throw new StartupError("telegram_unreachable", { root, tries, reason });
}
