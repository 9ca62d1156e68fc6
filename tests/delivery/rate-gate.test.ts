import { describe, expect, it } from "vitest";
import { RateGate } from "../../src/delivery/rate-gate.js";

describe("rate gate", () => {
  it("spaces sends at the configured rate and pauses everyone after a 429", async () => {
    const gate = new RateGate({ ratePerSecond: 100, perChatIntervalMs: 1000 });
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await gate.acquire();
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(185); // 19 intervals of 10 ms
    gate.pause(200);
    expect(gate.pausedForMs).toBeGreaterThan(150);
    const t1 = performance.now();
    await Promise.all([gate.acquire(), gate.acquire()]);
    expect(performance.now() - t1).toBeGreaterThanOrEqual(195);
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
});

