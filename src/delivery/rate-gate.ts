import { setTimeout as sleep } from "node:timers/promises";

export interface RateGateOptions {
  /** Messages per second for the whole bot token (Telegram allows about 30). */
  ratePerSecond: number;
  /** Minimum spacing between two messages to the same chat (Telegram: about one per second). */
  perChatIntervalMs: number;
}

/**
 * One gate per bot token. Sends are spaced evenly at the configured rate; a 429 from the platform pauses
 * every send until its retry_after has passed, not only the one that got it.
 */
export class RateGate {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly chatNext = new Map<string, number>();
  private readonly interval: number;

  constructor(
    private readonly opts: RateGateOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.interval = 1000 / opts.ratePerSecond;
  }

  /** Waits for the next free slot of the token's budget (and for any pause to end). */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      if (this.pausedUntil > now) {
        await sleep(this.pausedUntil - now, undefined, { signal }).catch(() => undefined);
        if (signal?.aborted) return;
        continue;
      }
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + this.interval;
      if (slot > now) {
        await sleep(slot - now, undefined, { signal }).catch(() => undefined);
        if (signal?.aborted) return;
        if (this.pausedUntil > this.now()) continue;
      }
      return;
    }
  }

  /** Pauses all sends for `ms` (a 429's retry_after). Overlapping pauses keep the later end. */
  pause(ms: number): void {
    const until = this.now() + ms;
    if (until > this.pausedUntil) this.pausedUntil = until;
    if (this.nextSlot < this.pausedUntil) this.nextSlot = this.pausedUntil;
  }

  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Whether a message may go to this chat now without breaking the per-chat spacing. */
  chatReady(chatKey: string): boolean {
    return (this.chatNext.get(chatKey) ?? 0) <= this.now();
  }

  /** Records a send to this chat; the next one waits perChatIntervalMs. */
  reserveChat(chatKey: string): void {
    const now = this.now();
    this.chatNext.set(chatKey, now + this.opts.perChatIntervalMs);
    if (this.chatNext.size > 50_000) {
      for (const [k, t] of this.chatNext) if (t <= now) this.chatNext.delete(k);
    }
  }
}
