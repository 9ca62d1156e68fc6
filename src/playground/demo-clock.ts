import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import { addDays, atLocal, localDateOf } from "../core/cycle/local-time.js";
import { nextQuarter, quarterDates, quarterOf } from "../core/reports/periods.js";

/** Where a new demo begins: Monday 23/11/2026, 09:00 in Hà Nội, inside the fourth quarter's reporting period. */
export const DEMO_START = new Date("2026-11-23T02:00:00.000Z");

/**
 * The playground's clock: it runs at real speed from a moment the visitor moves forward ("next day",
 * "next reminder", "quarter start"), and is kept in a file beside the demo database, so the demo resumes
 * where it was after a restart. Core, the scheduler and the delivery worker all read it.
 */
export class DemoClock {
  private offset: number;
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, "clock.json");
    let at = DEMO_START.getTime();
    if (existsSync(this.file)) {
      const saved = Number((JSON.parse(readFileSync(this.file, "utf8")) as { at?: unknown }).at);
      if (Number.isFinite(saved)) at = saved;
    }
    this.offset = at - Date.now();
  }

  readonly now: Clock = () => new Date(Date.now() + this.offset);

  /** Moves the clock to `to` (never back), and keeps it. */
  moveTo(to: Date): Date {
    this.offset = Math.max(to.getTime(), this.now().getTime()) - Date.now();
    this.save();
    return this.now();
  }

  /** Keeps the current moment (at stop), so the demo resumes there. */
  save(): void {
    writeFileSync(this.file, JSON.stringify({ at: this.now().getTime() }));
  }

  /** 08:00 of the next day, in `timeZone`. */
  nextDay(timeZone: string): Date {
    return atLocal(addDays(localDateOf(this.now(), timeZone), 1), 8 * 60, timeZone);
  }

  /** The moment the next quarter opens (its reporting period and the planner's run), in `timeZone`. */
  nextQuarter(timeZone: string): Date {
    const next = nextQuarter(quarterOf(this.now(), timeZone));
    return quarterDates(next.year, next.quarter, timeZone).opensAt;
  }
}
