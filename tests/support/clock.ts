import type { Clock } from "../../src/core/clock.js";

/**
 * A clock tests move by hand — the only thing besides the platforms' servers that tests fake. It runs
 * at real speed from its starting moment (so retries and waits still elapse), and `advance` jumps ahead.
 */
export class FakeClock {
  private offset: number;
  constructor(start = new Date("2026-11-23T02:00:00.000Z")) {
    this.offset = start.getTime() - Date.now();
  }
  readonly now: Clock = () => new Date(Date.now() + this.offset);
  advance(ms: number): void {
    this.offset += ms;
  }
  set(d: Date | string): void {
    this.offset = new Date(d).getTime() - Date.now();
  }
}
