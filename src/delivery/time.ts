import { setTimeout as setTimeoutPromise } from "node:timers/promises";

/**
 * Where the delivery path reads the time and waits. Production runs on the real clock. A benchmark against
 * a fake Bot API that runs N times faster passes a clock scaled the same way, so the rate gate's spacing,
 * its 429 pause, the worker's backoff and its idle waits all shrink with the server's windows and
 * retry_after; scaling only some of them would measure a different system.
 */
export interface TimeSource {
  /** Milliseconds. The worker writes them to the outbox as ISO times, so there they must count from the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock, or as soon as `signal` aborts; never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Waits `ms` real milliseconds; an abort ends the wait early instead of throwing. */
export const realSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  setTimeoutPromise(ms, undefined, signal ? { signal } : {}).catch(() => undefined);

/** The wall clock: what the worker stamps outbox rows with unless told otherwise. */
export const realTime: TimeSource = { now: () => Date.now(), sleep: realSleep };
