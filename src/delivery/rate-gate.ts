import { realSleep, type TimeSource } from "./time.js";

/**
 * How a gate moves its rate after 429s (see {@link RateGate}). Every field has a default scaled to the
 * ceiling, so one set of numbers serves a platform of 30 msg/s and one of 5.
 */
export interface RateAdaptation {
  /** After a 429 the rate becomes this share of the rate that got it (default 0.85). */
  backoff: number;
  /** The rate never falls below this, in messages per second (default 1, or the ceiling if lower). */
  floorPerSecond: number;
  /**
   * Below the caution line the rate grows by this much per second of sending (default: ceiling ÷ 40 per
   * second, 0.75 msg/s at 30): a cut the platform did not need is undone in a few seconds.
   */
  recoverPerSecond: number;
  /**
   * Above the caution line it grows by this much per second of sending (default: ceiling ÷ 3000 per second,
   * 0.01 msg/s at 30, so a whole message per second takes 100 s): the next 429, if any, comes rarely. Each
   * 429 that comes again at about the same rate as the one before (within 3 %) halves this speed (down to
   * a sixteenth): that limit is real, and probing it often only costs pauses.
   */
  probePerSecond: number;
  /**
   * The caution line: this share of the rate that got the last 429 (default 0.99). Close to 1, so that a
   * 429 that jitter alone caused at the ceiling costs a few seconds' dip and half a minute of creeping.
   */
  caution: number;
}

export interface RateGateOptions {
  /**
   * The ceiling: the most messages per second the gate lets through for the whole token, which it starts at
   * and grows back to. Keep it a little under the platform's limit (Telegram documents 30): a send the gate
   * lets go reaches the platform a few milliseconds later or sooner than the one before it, and the platform
   * counts arrivals in a strict sliding second.
   */
  ratePerSecond: number;
  /** The rate to start at (default: the ceiling), for a platform whose limit is unknown. */
  startPerSecond?: number;
  /** Minimum spacing between two messages to the same chat (Telegram: about one per second). */
  perChatIntervalMs: number;
  /** Spacing for group chats (negative Telegram chat ids): Telegram allows about 20 messages a minute in a group. */
  groupIntervalMs?: number;
  /** How the rate moves after 429s; the defaults suit a limit near the ceiling and one well below it. */
  adaptation?: Partial<RateAdaptation>;
}

/** A 429 within this share of the rate that got the last one hits the same limit again. */
const SAME_LIMIT = 0.03;

/** The platform's sliding window, one second; 429s within it of a cut also belong to the same episode. */
const WINDOW_MS = 1000;

/** Sends remembered beyond ceil(ceiling): answers come back out of order. */
const IN_FLIGHT_SLACK = 16;

/** How many recent latencies the least one is taken from: the path may change. */
const LATENCY_SAMPLES = 64;

/** A send the gate let through: when it left, and the latest it may have reached the platform. */
export interface GatePass {
  readonly at: number;
  arrivedBy: number;
}

/**
 * One gate per bot token. Sends are spaced evenly at the gate's current rate; a 429 from the platform
 * pauses every send until its retry_after has passed, not only the one that got it.
 *
 * The rate adapts, additive increase and multiplicative decrease as in TCP, with a memory as in CUBIC:
 * - it starts at `startPerSecond` (default the ceiling, `ratePerSecond`) and never goes above the ceiling;
 * - a 429 cuts it to `backoff` × the rate that got it, once per episode: the sends already in flight
 *   when the first 429 came get theirs too, within the same second, and they are not news;
 * - it grows back only while sends are flowing near the rate (an idle gate learns nothing): quickly up
 *   to the caution line, `caution` × the rate that got the 429, then slowly towards the ceiling.
 *
 * A platform whose limit is below the ceiling (Zalo publishes none) is found in a few 429s (30 → 20 msg/s:
 * about six in the first 20 s), then probed ever more rarely (after about 80 s, then 160 s…); a 429 that only
 * a burst of jitter caused at the ceiling costs a second's pause and a dip of a few seconds.
 *
 * Jitter is also kept from causing 429s in the first place. The platform counts arrivals, and a send may
 * arrive later than it left the gate (the event loop stalled, the network resent a packet) while the one
 * 30 sends behind it arrives on time: both land in one platform second. The worker therefore hands each
 * pass back once the platform answered ({@link RateGate.sent}); a send answered later than the path's
 * usual latency counts as arriving that much later, and no send goes within a second of the ceil(rate)-th
 * latest arrival. An answer comes back long before the send a second behind is due, so this costs only
 * the time of actual stalls.
 *
 * When a timer fires late, the next send may go sooner to keep the average rate, but never so soon that
 * more than ceil(rate) sends fall within ceil(rate)/rate seconds (one second at a whole rate): the platform
 * counts sends in a sliding second, and the catch-up after one late send would cross its limit.
 */
export class RateGate {
  private nextSlot = 0;
  private pausedUntil = 0;
  private readonly chatNext = new Map<string, number>();
  private rate: number;
  private interval: number;
  private readonly ceiling: number;
  private readonly adapt: RateAdaptation;
  /** Below it the rate recovers quickly; above it, slowly. */
  private cautionAt: number;
  /** The rate that got the last 429 (none yet: infinite). */
  private limitedAt = Number.POSITIVE_INFINITY;
  /** How fast the rate grows above the caution line now (see RateAdaptation.probePerSecond). */
  private probe: number;
  /** A 429 before this time belongs to the episode that last cut the rate. */
  private calmUntil = Number.NEGATIVE_INFINITY;
  private lastSendAt = Number.NEGATIVE_INFINITY;
  /** The last sends (oldest first), up to ceil(ceiling) + IN_FLIGHT_SLACK of them. */
  private readonly recent: GatePass[] = [];
  private readonly recentMax: number;
  /** Latencies of the last LATENCY_SAMPLES answered sends; the least is the path's own. */
  private readonly latencies: number[] = [];
  private readonly time: TimeSource;

  /**
   * `time` defaults to the monotonic clock, so a step of the wall clock neither stalls nor bursts the
   * spacing; a benchmark passes its scaled clock and a test a fake one. A bare function only replaces
   * `now` (sleeps stay real), which is enough to check the per-chat spacing by hand.
   */
  constructor(
    private readonly opts: RateGateOptions,
    time: TimeSource | (() => number) = { now: () => performance.now(), sleep: realSleep },
  ) {
    this.ceiling = opts.ratePerSecond;
    this.adapt = {
      backoff: 0.85,
      floorPerSecond: Math.min(1, this.ceiling),
      recoverPerSecond: this.ceiling / 40,
      probePerSecond: this.ceiling / 3000,
      caution: 0.99,
      ...opts.adaptation,
    };
    this.rate = Math.min(this.ceiling, Math.max(this.adapt.floorPerSecond, opts.startPerSecond ?? this.ceiling));
    this.interval = 1000 / this.rate;
    this.cautionAt = this.ceiling;
    this.probe = this.adapt.probePerSecond;
    this.recentMax = Math.ceil(this.ceiling) + IN_FLIGHT_SLACK;
    this.time = typeof time === "function" ? { now: time, sleep: realSleep } : time;
  }

  private now(): number {
    return this.time.now();
  }

  /** The rate sends are spaced at now, in messages per second. */
  get ratePerSecond(): number {
    return this.rate;
  }

  /** The most the rate ever is: the configured ratePerSecond. */
  get ceilingPerSecond(): number {
    return this.ceiling;
  }

  /**
   * Waits for the next free slot of the token's budget (and for any pause to end). Hand the pass back to
   * {@link sent} once the platform has answered. After an abort the pass is a blank that counts for nothing.
   */
  async acquire(signal?: AbortSignal): Promise<GatePass> {
    let slot = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = this.now();
      // A slot is taken on the first pass, and again if a 429 paused sends past it meanwhile.
      if (slot < this.pausedUntil) {
        slot = Math.max(now, this.nextSlot);
        this.nextSlot = slot + this.interval;
      }
      const at = Math.max(slot, this.windowOpensAt());
      if (at <= now) return this.passed(now);
      await this.time.sleep(at - now, signal);
      if (signal?.aborted) return { at: now, arrivedBy: now };
    }
  }

  /**
   * The earliest the next send may go: no more than n = ceil(rate) sends within n/rate seconds of leaving
   * the gate, and none within a platform second of the n-th latest arrival among the recent sends.
   */
  private windowOpensAt(): number {
    const n = Math.ceil(this.rate);
    if (this.recent.length < n) return Number.NEGATIVE_INFINITY;
    const arrivals = this.recent.map((p) => p.arrivedBy).sort((a, b) => b - a);
    return Math.max(this.recent[this.recent.length - n]!.at + n * this.interval, arrivals[n - 1]! + WINDOW_MS);
  }

  /** Records a send that passed; if it followed the previous one closely, the gate was busy and the rate grows. */
  private passed(now: number): GatePass {
    const since = now - this.lastSendAt;
    if (since <= 2 * this.interval) this.grow(since);
    this.lastSendAt = now;
    const pass = { at: now, arrivedBy: now };
    this.recent.push(pass);
    if (this.recent.length > this.recentMax) this.recent.shift();
    return pass;
  }

  /**
   * The platform answered the send of `pass` (whatever it said). A send that took longer than the path's
   * least latency may have reached the platform that much later than it left the gate — the event loop
   * stalled, a packet was resent — so it is counted as arriving then: the sends a second behind it wait
   * for it instead of landing in the same platform second.
   */
  sent(pass: GatePass): void {
    const latency = this.now() - pass.at;
    this.latencies.push(latency);
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
    const late = latency - Math.min(...this.latencies);
    pass.arrivedBy = pass.at + Math.min(WINDOW_MS, Math.max(0, late));
  }

  private grow(ms: number): void {
    const seconds = ms / 1000;
    const rate =
      this.rate < this.cautionAt
        ? Math.min(this.cautionAt, this.rate + this.adapt.recoverPerSecond * seconds)
        : this.rate + this.probe * seconds;
    this.setRate(Math.min(this.ceiling, rate));
  }

  private setRate(rate: number): void {
    this.rate = rate;
    this.interval = 1000 / rate;
  }

  /**
   * The platform answered 429: pauses all sends for `ms` (its retry_after; overlapping pauses keep the later
   * end) and, unless this 429 belongs to the episode that already cut the rate, lowers the rate.
   */
  pause(ms: number): void {
    const now = this.now();
    if (now >= this.calmUntil) this.backOff(now);
    const until = now + ms;
    if (until > this.pausedUntil) this.pausedUntil = until;
    if (this.nextSlot < this.pausedUntil) this.nextSlot = this.pausedUntil;
    if (this.calmUntil < this.pausedUntil) this.calmUntil = this.pausedUntil;
  }

  /** Cuts the rate after the first 429 of an episode, and remembers where the platform said no. */
  private backOff(now: number): void {
    const again = Number.isFinite(this.limitedAt) && Math.abs(this.rate - this.limitedAt) <= this.limitedAt * SAME_LIMIT;
    this.probe = again ? Math.max(this.adapt.probePerSecond / 16, this.probe / 2) : this.adapt.probePerSecond;
    this.limitedAt = this.rate;
    this.cautionAt = this.rate * this.adapt.caution;
    this.setRate(Math.max(this.adapt.floorPerSecond, this.rate * this.adapt.backoff));
    this.calmUntil = now + WINDOW_MS;
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
