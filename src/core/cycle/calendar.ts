import type { Executor } from "../../db/database.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan, can } from "../permissions.js";
import { computedDaysOff, type HolidayKind } from "./holidays.js";
import { addDays, atLocal, localDateOf, localMinutesOf, parseLocalDate, weekdayOf, type LocalDate } from "./local-time.js";
import { cycleSettings, type CycleSettings } from "./settings.js";

/**
 * A committee's working time, Vietnamese style: its zone, its weekly rest days, its quiet hours, Vietnam's
 * public holidays as computed, and the committee's own days off and working days over them.
 */
export interface WorkingCalendar {
  timeZone: string;
  settings: CycleSettings;
  /** Whether a local date is a day off (a rest day or a holiday, unless the committee works it). */
  isDayOff(date: LocalDate): boolean;
  /** Whether a moment is in working time: a working day, outside the quiet hours. */
  isWorkingTime(at: Date): boolean;
  /**
   * When a nudge meant for `at` goes out: `at` itself in working time, otherwise the next working morning (the
   * nudge time, or the end of the quiet hours if that is later) — the same day when it is a working day not
   * yet at its morning.
   */
  nextWorkingMoment(at: Date): Date;
  /** The working day `n` working days after a local date (n ≥ 1). */
  workingDaysAfter(date: LocalDate, n: number): LocalDate;
}

/** A committee's own day, as kept in calendar_days. */
export interface OwnDay {
  kind: "off" | "work";
  reason: string;
}

const inQuiet = (minutes: number, s: CycleSettings) =>
  s.quietStart === s.quietEnd ? false : s.quietStart < s.quietEnd ? minutes >= s.quietStart && minutes < s.quietEnd : minutes >= s.quietStart || minutes < s.quietEnd;

/** The calendar from its parts (no database): for tests and for core's own use. */
export function workingCalendar(timeZone: string, settings: CycleSettings, own: ReadonlyMap<LocalDate, OwnDay>): WorkingCalendar {
  const computed = new Map<number, Set<LocalDate>>();
  const holiday = (date: LocalDate) => {
    const year = Number(date.slice(0, 4));
    let set = computed.get(year);
    if (!set) computed.set(year, (set = new Set(computedDaysOff(year, settings.weekend).map((d) => d.date))));
    return set.has(date);
  };
  const isDayOff = (date: LocalDate) => {
    const mine = own.get(date);
    if (mine) return mine.kind === "off";
    return settings.weekend.includes(weekdayOf(date)) || holiday(date);
  };
  // The morning must itself be outside the quiet hours.
  const morning = inQuiet(settings.nudgeTime, settings) ? settings.quietEnd : settings.nudgeTime;
  const calendar: WorkingCalendar = {
    timeZone,
    settings,
    isDayOff,
    isWorkingTime: (at) => !isDayOff(localDateOf(at, timeZone)) && !inQuiet(localMinutesOf(at, timeZone), settings),
    nextWorkingMoment(at) {
      if (calendar.isWorkingTime(at)) return at;
      let date = localDateOf(at, timeZone);
      if (isDayOff(date) || localMinutesOf(at, timeZone) >= morning) date = addDays(date, 1);
      for (let i = 0; i < 400 && isDayOff(date); i++) date = addDays(date, 1);
      return atLocal(date, morning, timeZone);
    },
    workingDaysAfter(date, n) {
      let d = date;
      for (let left = Math.max(1, n), i = 0; left > 0 && i < 800; i++) {
        d = addDays(d, 1);
        if (!isDayOff(d)) left--;
      }
      return d;
    },
  };
  return calendar;
}

/** The committee's own days, by date. */
async function ownDays(db: Executor, committeeId: number): Promise<Map<LocalDate, OwnDay>> {
  const rows = await db.selectFrom("calendar_days").select(["day", "kind", "reason"]).where("committee_id", "=", committeeId).execute();
  return new Map(rows.map((r) => [r.day, { kind: r.kind, reason: r.reason }]));
}

/** The committee's working calendar, read from the database. */
export async function loadCalendar(db: Executor, committeeId: number): Promise<WorkingCalendar> {
  const c = await db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  return workingCalendar(c.time_zone, await cycleSettings(db, committeeId), await ownDays(db, committeeId));
}

/** One line of `holidays:list`: a computed holiday, or one of the committee's own days. */
export interface CalendarDayLine {
  date: LocalDate;
  /** "off": nobody is nudged that day; "work": a working day (a Saturday worked in exchange, a holiday cancelled). */
  kind: "off" | "work";
  /** The holiday the day was computed from, if any. */
  holiday: HolidayKind | null;
  /** "law": fixed by Art. 112; "provisional": computed, not yet confirmed; "confirmed": computed and confirmed by the committee; "committee": the committee's own. */
  status: "law" | "provisional" | "confirmed" | "committee";
  reason: string | null;
}

/** The year's days off and extra working days, the computed ones marked provisional until the committee confirms them. */
export async function listCalendarDays(ctx: CoreContext, actor: Actor, committeeId: number, year: number): Promise<CalendarDayLine[]> {
  if (!can(actor, "cycle.manage", committeeId) && !can(actor, "report.view", committeeId)) throw new DomainError("errors:forbidden");
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new DomainError("cycle:holidays.bad_year", { year: String(year) });
  const settings = await cycleSettings(ctx.db, committeeId);
  const own = await ownDays(ctx.db, committeeId);
  const lines: CalendarDayLine[] = computedDaysOff(year, settings.weekend).map((d) => {
    const mine = own.get(d.date);
    if (mine?.kind === "work") return { date: d.date, kind: "work", holiday: d.kind, status: "committee", reason: mine.reason };
    return { date: d.date, kind: "off", holiday: d.kind, status: mine ? "confirmed" : d.provisional ? "provisional" : "law", reason: mine?.reason ?? null };
  });
  const known = new Set(lines.map((l) => l.date));
  for (const [date, day] of own) {
    if (date.startsWith(`${year}-`) && !known.has(date)) lines.push({ date, kind: day.kind, holiday: null, status: "committee", reason: day.reason });
  }
  return lines.sort((a, b) => a.date.localeCompare(b.date));
}

const REASON_MAX = 200;

/**
 * The committee takes a day off ("off": Tết as announced, a day confirmed) or works one ("work": a Saturday
 * worked in exchange, a computed holiday it does not take). One entry per date: a new one replaces the old.
 */
export async function setCalendarDay(ctx: CoreContext, actor: Actor, committeeId: number, dateText: string, kind: "off" | "work", reasonText: string): Promise<{ date: LocalDate; replaced: boolean }> {
  assertCan(actor, "cycle.manage", committeeId);
  const date = parseLocalDate(dateText);
  if (!date) throw new DomainError("cycle:holidays.bad_date", { value: dateText.slice(0, 40) });
  const reason = reasonText.normalize("NFC").trim().replace(/\s+/g, " ");
  if (!reason) throw new DomainError("cycle:holidays.reason_required");
  if (reason.length > REASON_MAX) throw new DomainError("cycle:holidays.reason_too_long", { max: REASON_MAX });
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("calendar_days").selectAll().where("committee_id", "=", committeeId).where("day", "=", date).executeTakeFirst();
    await trx
      .insertInto("calendar_days")
      .values({ committee_id: committeeId, day: date, kind, reason, created_at: iso(now) })
      .onConflict((oc) => oc.columns(["committee_id", "day"]).doUpdateSet({ kind, reason, created_at: iso(now) }))
      .execute();
    await recordAudit(trx, actor, now, { action: `calendar.${kind}`, objectType: "calendar_day", objectId: date, committeeId, before: before ? { kind: before.kind, reason: before.reason } : undefined, after: { kind, reason } });
    return { date, replaced: Boolean(before) };
  });
}

/** Removes the committee's own entry for a date: the day is again as computed. */
export async function removeCalendarDay(ctx: CoreContext, actor: Actor, committeeId: number, dateText: string): Promise<{ date: LocalDate }> {
  assertCan(actor, "cycle.manage", committeeId);
  const date = parseLocalDate(dateText);
  if (!date) throw new DomainError("cycle:holidays.bad_date", { value: dateText.slice(0, 40) });
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("calendar_days").selectAll().where("committee_id", "=", committeeId).where("day", "=", date).executeTakeFirst();
    if (!before) throw new DomainError("cycle:holidays.not_found", { date: `${date.slice(8)}/${date.slice(5, 7)}/${date.slice(0, 4)}` });
    await trx.deleteFrom("calendar_days").where("id", "=", before.id).execute();
    await recordAudit(trx, actor, now, { action: "calendar.remove", objectType: "calendar_day", objectId: date, committeeId, before: { kind: before.kind, reason: before.reason } });
    return { date };
  });
}
