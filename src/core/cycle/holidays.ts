import Holidays from "date-holidays";
import { addDays, dateOf, weekdayOf, type LocalDate } from "./local-time.js";

/**
 * Vietnam's public holidays for any year, as far as they can be computed (Labour Code 2019, Art. 112):
 * New Year's Day; Tết (5 days); the Hùng Kings' day (10/3 lunar); 30/4; 1/5; National Day (2/9 and one day
 * next to it). date-holidays gives the lunar dates right (the Vietnamese calendar, UTC+7); what the government
 * sets each year is only estimated here and marked provisional until a committee confirms it:
 * - the 5 days of Tết (the library's eve + mùng 1–4),
 * - the day next to 2/9 (the one that bridges to the weekend),
 * - the compensatory day off (nghỉ bù, Art. 111(3)) for a holiday that falls on the weekly rest day.
 */

/** Why a day is off: which holiday of Art. 112, or a compensatory day for one. */
export type HolidayKind = "new_year" | "tet" | "hung_kings" | "reunification" | "labour" | "national_day" | "national_day_extra" | "compensatory";

export interface ComputedDayOff {
  date: LocalDate;
  kind: HolidayKind;
  /** True for what the government sets each year: the committee confirms it (or corrects it) with its own days. */
  provisional: boolean;
}

/** Art. 112(1): the holidays by fixed date (solar), and how date-holidays' lunar rules are told apart. */
const FIXED: Record<string, HolidayKind> = { "01-01": "new_year", "04-30": "reunification", "05-01": "labour", "09-02": "national_day" };
const LUNAR: { rule: RegExp; kind: HolidayKind }[] = [
  { rule: /^(1 day before )?vietnamese 1-0-1\b/, kind: "tet" },
  { rule: /^vietnamese 3-0-10$/, kind: "hung_kings" },
];

let library: Holidays | undefined;
const byYear = new Map<number, { date: LocalDate; kind: HolidayKind }[]>();

/**
 * The public holidays date-holidays knows for a year, kept only when they are on the Art. 112 list (its
 * observances, and anything else it may list one day, are left out), as local dates. Cached per year.
 */
export function statutoryHolidays(year: number): { date: LocalDate; kind: HolidayKind }[] {
  const cached = byYear.get(year);
  if (cached) return cached;
  library ??= new Holidays("VN");
  const out: { date: LocalDate; kind: HolidayKind }[] = [];
  for (const h of library.getHolidays(year)) {
    if (h.type !== "public") continue;
    const first = h.date.slice(0, 10);
    const kind = FIXED[first.slice(5)] ?? LUNAR.find((l) => l.rule.test(h.rule))?.kind;
    if (!kind) continue;
    // "P5D": a holiday of several days (Tết's eve and mùng 1–4); its end is the start of the day after.
    const days = Math.max(1, Math.round((new Date(h.end).getTime() - new Date(h.start).getTime()) / 86_400_000));
    for (let i = 0; i < days; i++) out.push({ date: addDays(first, i), kind });
  }
  const unique = [...new Map(out.map((d) => [d.date, d])).values()].sort((a, b) => a.date.localeCompare(b.date));
  byYear.set(year, unique);
  return unique;
}

/**
 * The day next to 2/9 the Prime Minister usually picks, the one that makes a bridge to the weekend:
 * Tuesday → Monday 1/9; Monday, Wednesday, Thursday → 3/9; Friday, Saturday, Sunday → 1/9.
 */
export function nationalDayExtra(year: number): LocalDate {
  const weekday = weekdayOf(dateOf(year, 9, 2));
  return weekday === 1 || weekday === 3 || weekday === 4 ? dateOf(year, 9, 3) : dateOf(year, 9, 1);
}

/**
 * The year's days off as computed: the statutory days, the day next to 2/9, and a compensatory day for each of
 * them that falls on a rest day (the next working day not already off), sorted by date.
 */
export function computedDaysOff(year: number, weekend: readonly number[] = [0, 6]): ComputedDayOff[] {
  const days: ComputedDayOff[] = statutoryHolidays(year).map((d) => ({ ...d, provisional: d.kind === "tet" }));
  const extra = nationalDayExtra(year);
  if (!days.some((d) => d.date === extra)) days.push({ date: extra, kind: "national_day_extra", provisional: true });
  days.sort((a, b) => a.date.localeCompare(b.date));
  const off = new Set(days.map((d) => d.date));
  const rest = (date: LocalDate) => weekend.includes(weekdayOf(date));
  const compensatory: ComputedDayOff[] = [];
  for (const d of days) {
    if (!rest(d.date)) continue;
    let next = addDays(d.date, 1);
    while (rest(next) || off.has(next)) next = addDays(next, 1);
    off.add(next);
    compensatory.push({ date: next, kind: "compensatory", provisional: true });
  }
  return [...days, ...compensatory].sort((a, b) => a.date.localeCompare(b.date));
}
