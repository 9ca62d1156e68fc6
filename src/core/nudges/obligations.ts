import type { Executor } from "../../db/database.js";
import type { CommitteeRow } from "../../db/schema.js";
import type { WorkingCalendar } from "../cycle/calendar.js";
import { atLocal, localDateOf, type LocalDate } from "../cycle/local-time.js";

/**
 * What one person owes and by when: one line of their daily nudge. `kind` names the feature ("report",
 * "report_overdue", "invitation"); `itemId` and `ref` name the thing the line's button leads to (a task and its
 * period, an invitation).
 */
export interface Obligation {
  kind: string;
  personId: number;
  itemId: number;
  /** A second id the action needs (the period of a task), or 0. */
  ref: number;
  /** The deadline the person is reminded of (ISO). */
  due: string;
  /** Until when a nudge about it still makes sense (ISO): a nudge missed during downtime is sent only before this. */
  until: string;
}

/** What a provider is asked: the obligations whose nudge falls on a local day from `from` to `to` (inclusive). */
export interface ObligationQuery {
  db: Executor;
  committee: CommitteeRow;
  calendar: WorkingCalendar;
  from: LocalDate;
  to: LocalDate;
  now: Date;
}

/**
 * A feature's obligations. `due` lists what is to be nudged on the days asked (owed now); `stillOwed` re-checks
 * one at send time, so a person who answered since planning is not reminded of it; `describe` names it for its
 * bundle line (a code and a title; a meeting's start and version), or undefined when the thing is gone.
 */
export interface ObligationProvider {
  kind: string;
  due(q: ObligationQuery): Promise<Obligation[]>;
  stillOwed(db: Executor, o: Obligation, now: Date): Promise<boolean>;
  describe?(db: Executor, o: Obligation): Promise<{ code: string; title: string; startsAt?: string; version?: number } | undefined>;
}

/** The providers the daily nudge asks; a feature adds its own here without touching the engine. */
export const OBLIGATION_PROVIDERS: ObligationProvider[] = [];

/** Registers a feature's provider (once per kind). */
export function addObligationProvider(p: ObligationProvider): void {
  if (!OBLIGATION_PROVIDERS.some((x) => x.kind === p.kind)) OBLIGATION_PROVIDERS.push(p);
}

/** Whether a local day is within [from, to]. */
export const within = (day: LocalDate, from: LocalDate, to: LocalDate): boolean => day >= from && day <= to;

/** The working day `n` working days before a local date (n = 0: the date itself, or the working day before it if off). */
export function workingDaysBefore(calendar: WorkingCalendar, date: LocalDate, n: number): LocalDate {
  const back = (d: LocalDate) => {
    const t = new Date(`${d}T12:00:00Z`);
    t.setUTCDate(t.getUTCDate() - 1);
    return t.toISOString().slice(0, 10);
  };
  let d = date;
  for (let i = 0; i < 60 && calendar.isDayOff(d); i++) d = back(d);
  for (let left = n, i = 0; left > 0 && i < 400; i++) {
    d = back(d);
    if (!calendar.isDayOff(d)) left--;
  }
  return d;
}

/** The moment of a working day's nudge: the committee's nudge time (the end of the quiet hours if later). */
export const nudgeMomentOf = (calendar: WorkingCalendar, day: LocalDate): Date => calendar.nextWorkingMoment(atLocal(day, calendar.settings.nudgeTime, calendar.timeZone));

/**
 * The working days on which a deadline is nudged: `offsets` working days before the deadline's day (0: that day),
 * keeping only the days whose nudge goes out before the deadline and after the day `after` (the day the thing was
 * sent: nobody is nudged the morning they received it).
 */
export function deadlineNudgeDays(calendar: WorkingCalendar, deadline: Date, offsets: readonly number[], after: LocalDate): LocalDate[] {
  // Thousands of recipients of one notice or request share its deadline and its day: worked out once per calendar.
  let known = nudgeDaysCache.get(calendar);
  if (!known) nudgeDaysCache.set(calendar, (known = new Map()));
  const key = `${deadline.toISOString()}|${offsets.join(",")}|${after}`;
  const hit = known.get(key);
  if (hit) return [...hit];
  const day = localDateOf(deadline, calendar.timeZone);
  const days = [...new Set(offsets.map((n) => workingDaysBefore(calendar, day, n)))].filter((d) => d > after && nudgeMomentOf(calendar, d) < deadline).sort();
  known.set(key, days);
  return [...days];
}
const nudgeDaysCache = new WeakMap<WorkingCalendar, Map<string, LocalDate[]>>();
