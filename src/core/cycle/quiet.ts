import type { CycleSettings } from "./settings.js";
import { addDays, atLocal, localDateOf, localMinutesOf } from "./local-time.js";

type Quiet = Pick<CycleSettings, "quietStart" | "quietEnd">;

/** Whether a moment falls in the committee's quiet hours (they run past midnight when start > end). */
export function inQuietHours(s: Quiet, at: Date, timeZone: string): boolean {
  if (s.quietStart === s.quietEnd) return false;
  const m = localMinutesOf(at, timeZone);
  return s.quietStart < s.quietEnd ? m >= s.quietStart && m < s.quietEnd : m >= s.quietStart || m < s.quietEnd;
}

/**
 * When the quiet hours around `at` end: `at` itself outside them; otherwise the end of the quiet hours — the next
 * morning when they began the evening before midnight.
 */
export function endOfQuietHours(s: Quiet, at: Date, timeZone: string): Date {
  if (!inQuietHours(s, at, timeZone)) return at;
  const day = localDateOf(at, timeZone);
  const wraps = s.quietStart > s.quietEnd && localMinutesOf(at, timeZone) >= s.quietStart;
  return atLocal(wraps ? addDays(day, 1) : day, s.quietEnd, timeZone);
}
