import { realSleep, type TimeSource } from "./time.js";

export interface RateGateOptions {
  /** Messages per second for the whole bot token (Telegram allows about 30). */
  ratePerSecond: number;
  /** Minimum spacing between two messages to the same chat (Telegram: about one per second). */
  perChatIntervalMs: number;
  /** Spacing for group chats (negative Telegram chat ids): Telegram allows about 20 messages a minute in a group. */
  groupIntervalMs?: number;
}

/**
 * One gate per bot token. Sends are spaced evenly at the configured rate; a 429 from the platform pauses
 * every send until its retry_after has passed, not only the one that got it.
 *
 * When a timer fires late, the next send may go sooner to keep the average rate, but never so soon that
 * more than ceil(rate) sends fall within ceil(rate)/rate seconds (one second at a whole rate): the platform
 * counts sends in a sliding second, and the catch-up after one late send would cross its limit.
 */
export class RateGate {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly chatNext = new Map<string, number>();
  private readonly interval: number;
  /** When the last `windowSends` sends went (oldest first); the next may go `windowMs` after the oldest. */
  private readonly recent: number[] = [];
  private readonly windowSends: number;
  private readonly windowMs: number;
  private readonly time: TimeSource;

  /**
   * `time` defaults to the monotonic clock, so a step of the wall clock neither stalls nor bursts the
   * spacing; a benchmark passes its scaled clock. A bare function only replaces `now` (sleeps stay real),
   * which is enough to check the per-chat spacing by hand.
   */
  constructor(
    private readonly opts: RateGateOptions,
    time: TimeSource | (() => number) = { now: () => performance.now(), sleep: realSleep },
  ) {
    this.interval = 1000 / opts.ratePerSecond;
    this.windowSends = Math.ceil(opts.ratePerSecond);
    this.windowMs = this.windowSends * this.interval;
    this.time = typeof time === "function" ? { now: time, sleep: realSleep } : time;
  }

  private now(): number {
    return this.time.now();
  }

  /** Waits for the next free slot of the token's budget (and for any pause to end). */
  async acquire(signal?: AbortSignal): Promise<void> {
    let slot = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = this.now();
      // A slot is taken on the first pass, and again if a 429 paused sends past it meanwhile.
      if (slot < this.pausedUntil) {
        slot = Math.max(now, this.nextSlot);
        this.nextSlot = slot + this.interval;
      }
      const at = Math.max(slot, this.windowOpensAt());
      if (at <= now) {
        this.recent.push(now);
        if (this.recent.length > this.windowSends) this.recent.shift();
        return;
      }
      await this.time.sleep(at - now, signal);
      if (signal?.aborted) return;
    }
  }

  private windowOpensAt(): number {
    return this.recent.length < this.windowSends ? Number.NEGATIVE_INFINITY : this.recent[0]! + this.windowMs;
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
    const group = /:-\d+$/.test(chatKey);
    this.chatNext.set(chatKey, now + (group ? (this.opts.groupIntervalMs ?? 3000) : this.opts.perChatIntervalMs));
    if (this.chatNext.size > 50_000) {
      for (const [k, t] of this.chatNext) if (t <= now) this.chatNext.delete(k);
    }
  }
}
