import type { Clock } from "../../src/core/clock.js";

/** A clock tests move by hand: the only thing besides the platforms' servers that tests fake. */
export class FakeClock {
  constructor(private current = new Date("2026-11-23T02:00:00.000Z")) {}
  readonly now: Clock = () => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(d: Date | string): void {
    this.current = new Date(d);
  }
}
