import type { Logger } from "../../logger.js";
import { realSleep } from "../../delivery/time.js";
import type { ZaloClient, ZaloUpdate } from "./client.js";

/** How long one getUpdates call may wait for an update, in seconds (the HTTP timeout is 10 s longer). */
export const ZALO_POLL_SECONDS = 25;

export interface ZaloPolling {
  /** Ends the current call at once and waits until the update in hand (if any) is handled. */
  stop(): Promise<void>;
}

/**
 * Zalo long polling: one update per getUpdates call and no offset, so each update is handed on as it
 * comes and the next call goes out at once (also after the API's 408, "nothing new"). After a failure the
 * loop waits 1 s, 2 s, 4 s … up to a minute before calling again; stopping cuts any call or wait short.
 */
export function startZaloPolling(opts: {
  client: ZaloClient;
  handle: (update: ZaloUpdate) => Promise<void>;
  logger: Logger;
  pollSeconds?: number;
  /** The longest wait after failures (tests shorten it). */
  maxBackoffMs?: number;
}): ZaloPolling {
  const abort = new AbortController();
  const pollSeconds = opts.pollSeconds ?? ZALO_POLL_SECONDS;
  const maxBackoffMs = opts.maxBackoffMs ?? 60_000;
  const loop = (async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      let update: ZaloUpdate | undefined;
      try {
        update = await opts.client.getUpdates(pollSeconds, abort.signal);
        failures = 0;
      } catch (e) {
        if (abort.signal.aborted) break;
        failures++;
        const wait = Math.min(maxBackoffMs, 1000 * 2 ** (failures - 1));
        opts.logger.warn({ err: e, retryInMs: wait }, "Zalo getUpdates failed; polling again after a pause");
        await realSleep(wait, abort.signal);
        continue;
      }
      if (!update) continue;
      try {
        await opts.handle(update);
      } catch (e) {
        opts.logger.error({ err: e, event: update.event_name }, "a Zalo update could not be handled");
      }
    }
  })();
  opts.logger.info("Zalo long polling started");
  return {
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
