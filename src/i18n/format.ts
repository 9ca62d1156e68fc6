import { toPlainText } from "../core/markup.js";
import { formatDecimal } from "../core/reports/numbers.js";
import type { Locale } from "../db/schema.js";
import type { TFunction } from "./index.js";

const cache = new Map<string, Intl.DateTimeFormat>();

/** A moment as the committee reads it: dd/MM/yyyy HH:mm in the committee's time zone. */
export function formatDateTime(value: Date | string, timeZone: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  let fmt = cache.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    cache.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/**
 * Reads a local date and time as people type it — "dd/MM/yyyy HH:mm" (also "d/M/yyyy H:mm", with "-" or
 * "." between date parts, or "HH:mm dd/MM/yyyy") — in the committee's time zone. Returns undefined for
 * anything that is not a real moment (31/02, 25:00).
 */
export function parseLocalDateTime(text: string, timeZone: string): Date | undefined {
  const s = text.trim().replace(/\s+/g, " ");
  const m =
    s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:,)? (\d{1,2})[:hg](\d{2})$/i) ??
    s.match(/^(\d{1,2})[:hg](\d{2}) (?:ngày )?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/i)?.slice(0, 6).map(String);
  if (!m) return undefined;
  let [day, month, year, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  if (/^\d{1,2}[:hg]/i.test(s)) [hour, minute, day, month, year] = [day, month, year, hour, minute];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(asUtc);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  // The zone's offset at that moment (two passes settle daylight-saving edges).
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using it (the daily nudge converts tens of thousands of times). */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function offsetMs(utcMs: number, timeZone: string): number {
  let fmt = zoneFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    zoneFormats.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return local - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A meeting's time as an invitation gives it: the time first, then the weekday and the date, in the
 * committee's time zone and the reader's language — "14:00, thứ Ba, ngày 08/12/2026"; with an end on the
 * same day "14:00 – 16:30, thứ Ba, ngày 08/12/2026"; over two days each end in full. Plain text (a value
 * for a template). Every card, request, notice and reminder that names a meeting's time uses it.
 */
export function formatMeetingTime(t: TFunction, start: Date | string, timeZone: string, end?: Date | string): string {
  const from = localParts(start, timeZone);
  const at = (p: LocalParts) => ({ time: p.time, weekday: toPlainText(t(`common:weekday.${p.weekday}`)), date: p.date });
  if (end === undefined) return toPlainText(t("common:meeting_time", at(from)));
  const to = localParts(end, timeZone);
  if (to.date === from.date) return toPlainText(t("common:meeting_time", { ...at(from), time: t("common:time_range", { start: from.time, end: to.time }) }));
  return toPlainText(t("common:time_range", { start: toPlainText(t("common:meeting_time", at(from))), end: toPlainText(t("common:meeting_time", at(to))) }));
}

/**
 * A percentage written the one way official texts write it, in chat and in documents alike: the number
 * in the reader's style and the sign right after it — "75%", "62,5%" (English "62.5%").
 */
export function formatPercent(value: number, locale: Locale = "vi"): string {
  return `${formatDecimal(value, locale)}%`;
}

interface LocalParts {
  time: string;
  date: string;
  /** 0 for Sunday … 6 for Saturday, in the time zone. */
  weekday: number;
}

function localParts(value: Date | string, timeZone: string): LocalParts {
  const [date = "", time = ""] = formatDateTime(value, timeZone).split(" ");
  const [d, m, y] = date.split("/").map(Number) as [number, number, number];
  return { time, date, weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay() };
}
