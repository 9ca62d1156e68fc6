import { parseLocalDateTime } from "../../i18n/format.js";

/**
 * Local dates and times of a committee's zone. A day off is a local date ("2027-02-06" in Asia/Ho_Chi_Minh),
 * never a UTC range; a moment is a Date (stored as UTC). These helpers convert between the two.
 */

/** A local calendar date, "yyyy-MM-dd". */
export type LocalDate = string;

const parts = new Map<string, Intl.DateTimeFormat>();
function partsOf(at: Date, timeZone: string) {
  let fmt = parts.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    parts.set(timeZone, fmt);
  }
  return Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value])) as Record<string, string>;
}

/** The local date of a moment in the zone. */
export function localDateOf(at: Date, timeZone: string): LocalDate {
  const p = partsOf(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Minutes since local midnight of a moment in the zone. */
export function localMinutesOf(at: Date, timeZone: string): number {
  const p = partsOf(at, timeZone);
  return Number(p.hour) * 60 + Number(p.minute);
}

/** "HH:mm" as minutes since midnight; undefined when it is not a time of day. */
export function minutesOf(hhmm: string): number | undefined {
  const m = /^(\d{1,2})[:hg](\d{2})$/i.exec(hhmm.trim());
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h <= 23 && min <= 59 ? h * 60 + min : undefined;
}

/** Minutes since midnight as "HH:mm". */
export const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** The moment a local date and minutes since midnight stand for in the zone. */
export function atLocal(date: LocalDate, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split("-");
  return parseLocalDateTime(`${d}/${m}/${y} ${hhmm(minutes)}`, timeZone)!;
}

/** The date n days after (or before) a local date. */
export function addDays(date: LocalDate, n: number): LocalDate {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The weekday of a local date: 0 Sunday … 6 Saturday. */
export function weekdayOf(date: LocalDate): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** A local date built from its parts (month 1–12); a day past the month's end is its last day. */
export function dateOf(year: number, month: number, day: number): LocalDate {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
}

/** "dd/MM/yyyy" (also d/M/yyyy or yyyy-MM-dd) as a local date; undefined when it is no real date. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const s = text.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [year, month, day] = m[1]!.length === 4 ? [a, b, c] : [c, b, a];
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = dateOf(year, month, day);
  return Number(date.slice(8)) === day ? date : undefined;
}

/** A local date as people read it: "dd/MM/yyyy". */
export const showDate = (date: LocalDate): string => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
