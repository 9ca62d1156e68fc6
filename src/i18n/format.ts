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

function offsetMs(utcMs: number, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(utcMs))
      .map((x) => [x.type, x.value]),
  );
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return local - Math.floor(utcMs / 1000) * 1000;
}
