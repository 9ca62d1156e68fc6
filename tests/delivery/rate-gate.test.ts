import { describe, expect, it } from "vitest";
import { RateGate, type RateGateOptions } from "../../src/delivery/rate-gate.js";
import type { TimeSource } from "../../src/delivery/time.js";

/** A clock that only moves when the gate sleeps (or the test says so): every run is exact and instant. */
function fakeClock(start = 1_000_000): { at: number; time: TimeSource } {
  const clock: { at: number; time: TimeSource } = {
    at: start,
    time: {
      now: () => clock.at,
      sleep: (ms: number) => {
        clock.at += Math.max(0, ms);
        return Promise.resolve();
      },
    },
  };
  return clock;
}

function gateOn(opts: Partial<RateGateOptions> = {}) {
  const clock = fakeClock();
  const gate = new RateGate({ ratePerSecond: 30, perChatIntervalMs: 1000, ...opts }, clock.time);
  /** Lets `n` sends through one after another; returns when each went. */
  const send = async (n: number) => {
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      await gate.acquire();
      at.push(clock.at);
    }
    return at;
  };
  return { clock, gate, send };
}

/** Most sends inside any half-open window of `ms`. */
function peak(times: readonly number[], ms: number): number {
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= ms) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/**
 * A platform that counts arrivals in a strict sliding second, as Telegram does, and answers 429 with a
 * retry_after of one second past `limit`; the gate is told as the worker tells it.
 */
async function broadcast(gate: RateGate, clock: ReturnType<typeof fakeClock>, messages: number, limit: number) {
  const accepted: number[] = [];
  let rejected = 0;
  let lowest = gate.ratePerSecond;
  while (accepted.length < messages) {
    await gate.acquire();
    const now = clock.at;
    if (accepted.length >= limit && now - accepted[accepted.length - limit]! < 1000) {
      rejected++;
      gate.pause(1000);
      lowest = Math.min(lowest, gate.ratePerSecond);
    } else accepted.push(now);
  }
  const rate = ((accepted.length - 1) / (accepted.at(-1)! - accepted[0]!)) * 1000;
  return { accepted, rejected, rate, lowest };
}

describe("rate gate", () => {
  it("spaces sends evenly at the ceiling when nothing is refused", async () => {
    const { gate, send } = gateOn();
    const at = await send(301);
    expect(at.at(-1)! - at[0]!).toBeCloseTo(10_000, 6); // 300 intervals of 1/30 s
    expect(peak(at, 1000)).toBe(30);
    expect(gate.ratePerSecond).toBe(30);
  });

  it("pauses everyone after a 429 and goes on more slowly", async () => {
    const { clock, gate, send } = gateOn();
    await send(10);
    const refusedAt = clock.at;
    gate.pause(1000);
    expect(gate.pausedForMs).toBe(1000);
    expect(gate.ratePerSecond).toBeCloseTo(25.5, 6); // 0.85 × 30
    const [first, second] = await send(2);
    expect(first).toBe(refusedAt + 1000);
    expect(second! - first!).toBeCloseTo(1000 / 25.5, 6);
  });

  it("cuts the rate once for the 429s of sends that were already in flight", async () => {
    const { clock, gate } = gateOn();
    gate.pause(1000);
    clock.at += 5;
    gate.pause(1000);
    gate.pause(1000);
    expect(gate.ratePerSecond).toBeCloseTo(25.5, 6);
    // The first send after the pause is refused too: that is news, and the rate comes down again.
    clock.at += 1000;
    gate.pause(1000);
    expect(gate.ratePerSecond).toBeCloseTo(25.5 * 0.85, 6);
  });

  it("recovers quickly to just under the rate that got the 429, then creeps to the ceiling", async () => {
    const { clock, gate, send } = gateOn();
    await send(5);
    gate.pause(1000);
    const cutAt = clock.at;
    // Below the caution line (0.99 × 30 = 29.7) it regains 0.75 msg/s per second of sending: ≈ 5.6 s.
    while (gate.ratePerSecond < 29.7) await send(1);
    expect(clock.at - cutAt - 1000).toBeGreaterThan(5_300);
    expect(clock.at - cutAt - 1000).toBeLessThan(5_900);
    // Above it, 0.01 msg/s per second: the last 0.3 msg/s takes about 30 s.
    const cautionAt = clock.at;
    await send(30 * 15);
    expect(gate.ratePerSecond).toBeGreaterThan(29.8);
    expect(gate.ratePerSecond).toBeLessThan(29.9);
    while (gate.ratePerSecond < 30) await send(1);
    expect((clock.at - cautionAt) / 1000).toBeGreaterThan(28);
    expect((clock.at - cautionAt) / 1000).toBeLessThan(32);
    await send(3000);
    expect(gate.ratePerSecond).toBe(30);
  });

  it("does not recover while idle: an idle gate learns nothing about the platform", async () => {
    const { clock, gate, send } = gateOn();
    gate.pause(1000);
    clock.at += 600_000;
    await send(1);
    expect(gate.ratePerSecond).toBeCloseTo(25.5, 6);
    // Occasional sends far apart do not count as load either.
    for (let i = 0; i < 20; i++) {
      clock.at += 10_000;
      await send(1);
    }
    expect(gate.ratePerSecond).toBeCloseTo(25.5, 6);
  });

  it("holds back the sends a second behind one that reached the platform late", async () => {
    const { clock, gate } = gateOn();
    const passes = [];
    for (let i = 0; i < 30; i++) {
      passes.push(await gate.acquire());
      if (i >= 1) gate.sent(passes[i]!); // answered at once
      if (i === 4) gate.sent(passes[0]!); // answered four sends later: it may have arrived only now
    }
    const first = passes[0]!.at;
    expect(passes[29]!.at - first).toBeCloseTo((29 * 1000) / 30, 6);
    // The platform may hold the 2nd to the 30th and the late 1st within one second: the 31st waits for
    // the 2nd to leave that second, 1/30 s after it would have gone.
    const next = await gate.acquire();
    expect(next.at - first).toBeCloseTo(1000 + 1000 / 30, 6);
    expect(clock.at).toBe(next.at);
  });

  it("never lets more than the ceiling through, whatever the 429s and answers", async () => {
    const { clock, gate } = gateOn({ ratePerSecond: 20 });
    const at: number[] = [];
    const unanswered: { pass: Awaited<ReturnType<RateGate["acquire"]>>; due: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const pass = await gate.acquire();
      at.push(clock.at);
      // Answers come back after 0 to 1.5 s, out of order.
      unanswered.push({ pass, due: clock.at + ((i * 7919) % 1500) });
      for (const u of unanswered.filter((u) => u.due <= clock.at)) gate.sent(u.pass);
      unanswered.splice(0, unanswered.length, ...unanswered.filter((u) => u.due > clock.at));
      expect(gate.ratePerSecond).toBeLessThanOrEqual(20);
      // A 429 now and then, some of them with no retry_after at all.
      if (i % 397 === 0) gate.pause(i % 2 ? 0 : 1000);
      // Now and then the worker is slow to come back (a late timer), and the gate may catch up.
      if (i % 53 === 0) clock.at += 300;
    }
    expect(peak(at, 1000)).toBeLessThanOrEqual(20);
  });

  it("starts lower when told, climbs to the ceiling in half a minute and stays there", async () => {
    const { clock, gate, send } = gateOn({ startPerSecond: 10 });
    expect(gate.ratePerSecond).toBe(10);
    const startedAt = clock.at;
    let at = await send(1);
    while (gate.ratePerSecond < 30) at = at.concat(await send(1));
    expect((clock.at - startedAt) / 1000).toBeCloseTo(20 / 0.75, 0);
    at = at.concat(await send(300));
    expect(gate.ratePerSecond).toBe(30);
    expect(peak(at, 1000)).toBeLessThanOrEqual(30);
  });

  it("finds a platform's lower, unpublished limit in a few 429s and keeps near it", async () => {
    const { clock, gate } = gateOn();
    const run = await broadcast(gate, clock, 6000, 20);
    // Over 5 minutes at ≈ 20/s: a few 429s to find the limit, then probes ever further apart.
    expect(run.rejected).toBeLessThanOrEqual(8);
    expect(run.rate).toBeGreaterThan(18);
    expect(run.rate).toBeLessThanOrEqual(20);
    expect(run.lowest).toBeGreaterThan(12);
    expect(gate.ratePerSecond).toBeGreaterThan(16);
    expect(peak(run.accepted, 1000)).toBeLessThanOrEqual(20);
  });

  it("at a limit above the ceiling, never gets a 429", async () => {
    const { clock, gate } = gateOn({ ratePerSecond: 29.5 });
    const run = await broadcast(gate, clock, 10_000, 30);
    expect(run.rejected).toBe(0);
    expect(run.rate).toBeCloseTo(29.5, 6);
  });

  it("keeps one chat to its own spacing", () => {
    let now = 0;
    const gate = new RateGate({ ratePerSecond: 30, perChatIntervalMs: 1000 }, () => now);
    expect(gate.chatReady("a")).toBe(true);
    gate.reserveChat("a");
    expect(gate.chatReady("a")).toBe(false);
    expect(gate.chatReady("b")).toBe(true);
    now = 1000;
    expect(gate.chatReady("a")).toBe(true);
  });

  it("spaces messages to a group chat further apart (Telegram: about 20 a minute)", () => {
    let now = 0;
    const gate = new RateGate({ ratePerSecond: 30, perChatIntervalMs: 1000, groupIntervalMs: 3000 }, () => now);
    gate.reserveChat("telegram:-1001234567");
    gate.reserveChat("telegram:42");
    now = 1500;
    expect(gate.chatReady("telegram:42")).toBe(true);
    expect(gate.chatReady("telegram:-1001234567")).toBe(false);
    now = 3000;
    expect(gate.chatReady("telegram:-1001234567")).toBe(true);
  });

  it("keeps a chat's spacing through a 429 and a cut of the rate", () => {
    const clock = fakeClock(0);
    const gate = new RateGate({ ratePerSecond: 30, perChatIntervalMs: 1000 }, clock.time);
    gate.reserveChat("zalo:abc");
    gate.pause(500);
    clock.at = 999;
    expect(gate.chatReady("zalo:abc")).toBe(false);
    clock.at = 1000;
    expect(gate.chatReady("zalo:abc")).toBe(true);
  });
});
