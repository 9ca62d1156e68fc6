import { formatDateTime, parseLocalDateTime } from "../../i18n/format.js";

/** A time of day alone: "10:30", "10h30", "10g30". */
const TIME_OF_DAY = /^\d{1,2}[:hg]\d{2}$/i;

/**
 * A meeting's end as the secretariat types it, in the committee's time zone: a time of day alone ("16:30")
 * is on the day the meeting starts, else a full "dd/MM/yyyy HH:mm". Undefined when it is neither.
 */
export function readEnd(text: string, startsAt: Date | string, timeZone: string): Date | undefined {
  const value = text.trim();
  if (!TIME_OF_DAY.test(value)) return parseLocalDateTime(value, timeZone);
  const day = formatDateTime(startsAt, timeZone).slice(0, 10);
  return parseLocalDateTime(`${day} ${value.replace(/[hg]/i, ":")}`, timeZone);
}
