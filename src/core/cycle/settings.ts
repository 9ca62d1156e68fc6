import type { Executor } from "../../db/database.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan, can } from "../permissions.js";
import { hhmm, minutesOf } from "./local-time.js";

/**
 * A committee's quarterly cycle (DESIGN.md §4), each value the committee's own or the default. Times of day are
 * minutes since local midnight; days before a deadline are calendar days.
 */
export interface CycleSettings {
  /** The period opens on this day of the quarter's first month, at 00:00. */
  periodOpenDay: number;
  /** Reports are due in this month of the quarter (1–3), on this day, at this time. */
  periodDueMonth: number;
  periodDueDay: number;
  periodDueTime: number;
  /** Late reports are accepted until this day of the quarter's last month (0: its last day), at this time. */
  periodCloseDay: number;
  periodCloseTime: number;
  /** The regular meeting usually falls in this month of the quarter (1–3), on this day (or the next working day), at this time. */
  meetingMonth: number;
  meetingDay: number;
  meetingTime: number;
  /** How long the regular meeting lasts, in minutes. */
  meetingDuration: number;
  /** Reminders to report: days before the deadline (0: the due day). */
  reportReminders: number[];
  /** After the deadline: an overdue reminder every so many working days, at most so many times. */
  overdueEvery: number;
  overdueMax: number;
  /** Reminders to answer an invitation: days before the meeting. */
  meetingReminders: number[];
  /** The reminder to those attending: hours before the meeting. */
  meetingHoursBefore: number;
  /** No nudge between these times of day (the quiet hours run past midnight when start > end). */
  quietStart: number;
  quietEnd: number;
  /** When the day's nudges go out. */
  nudgeTime: number;
  /** The leaders' digest: weekday (0 Sunday … 6 Saturday) and time. */
  digestDay: number;
  digestTime: number;
  /** The weekly rest days (0 Sunday … 6 Saturday). */
  weekend: number[];
  /** A paused cycle plans and nudges nothing until resumed. */
  paused: boolean;
}

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
/** Vietnamese names of the weekdays as people write them: "cn", "t2" … "t7". */
const WEEKDAYS_VI = ["cn", "t2", "t3", "t4", "t5", "t6", "t7"] as const;

interface Spec<K extends keyof CycleSettings> {
  field: K;
  default: string;
  /** The typed value of a stored text (stored texts are always valid). */
  read: (text: string) => CycleSettings[K];
  /** A typed text checked and written in its stored form; undefined when invalid. */
  normalize: (text: string) => string | undefined;
}

const int = (min: number, max: number) => (text: string) => {
  const s = text.trim();
  if (!/^\d{1,4}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? String(n) : undefined;
};
const time = (text: string) => {
  const m = minutesOf(text);
  return m === undefined ? undefined : hhmm(m);
};
const days = (max: number) => (text: string) => {
  const list = text.split(/[,;\s]+/).filter(Boolean);
  if (!list.length || list.length > 10 || list.some((d) => !/^\d{1,3}$/.test(d) || Number(d) > max)) return undefined;
  return [...new Set(list.map(Number))].sort((a, b) => b - a).join(",");
};
const weekdayIndex = (text: string) => {
  const s = text.trim().toLowerCase().slice(0, 3);
  const i = WEEKDAYS.findIndex((d) => d === s);
  return i >= 0 ? i : WEEKDAYS_VI.findIndex((d) => d === text.trim().toLowerCase().replace(/\s+/g, ""));
};
const weekday = (text: string) => {
  const i = weekdayIndex(text);
  return i >= 0 ? WEEKDAYS[i] : undefined;
};
const weekdays = (text: string) => {
  const list = text.split(/[,;\s]+/).filter(Boolean).map(weekdayIndex);
  if (!list.length || list.length > 3 || list.some((i) => i < 0)) return undefined;
  return [...new Set(list)].sort().map((i) => WEEKDAYS[i]).join(",");
};
const flag = (text: string) => {
  const s = text.trim().toLowerCase();
  return ["on", "yes", "true", "1", "có", "bật"].includes(s) ? "on" : ["off", "no", "false", "0", "không", "tắt"].includes(s) ? "off" : undefined;
};
const closeDay = (text: string) => (["last", "cuối"].includes(text.trim().toLowerCase()) ? "last" : int(1, 31)(text));

const readInt = (s: string) => Number(s);
const readTime = (s: string) => minutesOf(s)!;
const readDays = (s: string) => s.split(",").map(Number);

/**
 * Every key the secretariat may set, with its default (DESIGN.md §4), in the order `cycle:show` lists them.
 * Stored as text, one row per key the committee changed.
 */
export const CYCLE_KEYS = {
  "period.open_day": { field: "periodOpenDay", default: "1", read: readInt, normalize: int(1, 28) },
  "period.due_month": { field: "periodDueMonth", default: "3", read: readInt, normalize: int(1, 3) },
  "period.due_day": { field: "periodDueDay", default: "15", read: readInt, normalize: int(1, 31) },
  "period.due_time": { field: "periodDueTime", default: "17:00", read: readTime, normalize: time },
  "period.close_day": { field: "periodCloseDay", default: "last", read: (s) => (s === "last" ? 0 : Number(s)), normalize: closeDay },
  "period.close_time": { field: "periodCloseTime", default: "23:59", read: readTime, normalize: time },
  "meeting.month": { field: "meetingMonth", default: "3", read: readInt, normalize: int(1, 3) },
  "meeting.day": { field: "meetingDay", default: "25", read: readInt, normalize: int(1, 31) },
  "meeting.time": { field: "meetingTime", default: "14:00", read: readTime, normalize: time },
  "meeting.duration": { field: "meetingDuration", default: "120", read: readInt, normalize: int(15, 720) },
  "reminders.report": { field: "reportReminders", default: "7,3,1,0", read: readDays, normalize: days(60) },
  "reminders.overdue_every": { field: "overdueEvery", default: "2", read: readInt, normalize: int(1, 30) },
  "reminders.overdue_max": { field: "overdueMax", default: "3", read: readInt, normalize: int(0, 10) },
  "reminders.meeting": { field: "meetingReminders", default: "5,2", read: readDays, normalize: days(30) },
  "reminders.meeting_hours": { field: "meetingHoursBefore", default: "2", read: readInt, normalize: int(0, 48) },
  "quiet.start": { field: "quietStart", default: "21:00", read: readTime, normalize: time },
  "quiet.end": { field: "quietEnd", default: "07:00", read: readTime, normalize: time },
  "nudge.time": { field: "nudgeTime", default: "08:00", read: readTime, normalize: time },
  "digest.day": { field: "digestDay", default: "mon", read: (s) => WEEKDAYS.indexOf(s as (typeof WEEKDAYS)[number]), normalize: weekday },
  "digest.time": { field: "digestTime", default: "08:00", read: readTime, normalize: time },
  weekend: { field: "weekend", default: "sat,sun", read: (s) => s.split(",").map((d) => WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number])), normalize: weekdays },
  paused: { field: "paused", default: "off", read: (s) => s === "on", normalize: flag },
} satisfies Record<string, Spec<keyof CycleSettings>>;

export type CycleKey = keyof typeof CYCLE_KEYS;
/** The committee's time zone is set with the cycle too, though it is kept on the committee itself. */
export const TIME_ZONE_KEY = "time_zone";

const isCycleKey = (key: string): key is CycleKey => Object.hasOwn(CYCLE_KEYS, key);

/** The defaults of DESIGN.md §4, typed. */
export const DEFAULT_CYCLE: CycleSettings = settingsFrom(new Map());

function settingsFrom(stored: Map<string, string>): CycleSettings {
  const out: Partial<Record<keyof CycleSettings, unknown>> = {};
  for (const [key, spec] of Object.entries(CYCLE_KEYS) as [CycleKey, Spec<keyof CycleSettings>][]) out[spec.field] = spec.read(stored.get(key) ?? spec.default);
  return out as CycleSettings;
}

/** The committee's cycle settings: its own values over the defaults. */
export async function cycleSettings(db: Executor, committeeId: number): Promise<CycleSettings> {
  const rows = await db.selectFrom("cycle_settings").select(["key", "value"]).where("committee_id", "=", committeeId).execute();
  return settingsFrom(new Map(rows.filter((r) => isCycleKey(r.key)).map((r) => [r.key, r.value])));
}

/** One line of `cycle:show`: the key, its value as stored, and whether it is the default. */
export interface CycleSettingLine {
  key: string;
  value: string;
  isDefault: boolean;
}

/** Every setting of the committee with its value, for the secretariat to read (the time zone first). */
export async function showCycle(ctx: CoreContext, actor: Actor, committeeId: number): Promise<CycleSettingLine[]> {
  if (!can(actor, "cycle.manage", committeeId) && !can(actor, "report.view", committeeId)) throw new DomainError("errors:forbidden");
  const committee = await ctx.db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  const rows = await ctx.db.selectFrom("cycle_settings").select(["key", "value"]).where("committee_id", "=", committeeId).execute();
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  return [
    { key: TIME_ZONE_KEY, value: committee.time_zone, isDefault: committee.time_zone === ctx.settings.timeZone },
    ...Object.entries(CYCLE_KEYS).map(([key, spec]) => {
      const value = stored.get(key) ?? spec.default;
      return { key, value, isDefault: value === spec.default };
    }),
  ];
}

/**
 * Sets one of the committee's cycle settings ("default" puts the default back), audited. Refused with the
 * list of keys for an unknown key, and with the key's expected form for an invalid value. The new value
 * applies to what is planned from now on (a period already opened keeps its dates).
 */
export async function setCycleSetting(ctx: CoreContext, actor: Actor, committeeId: number, key: string, value: string): Promise<CycleSettingLine> {
  assertCan(actor, "cycle.manage", committeeId);
  const wanted = key.trim().toLowerCase();
  const now = ctx.clock();
  const reset = ["default", "mặc định"].includes(value.trim().toLowerCase());
  if (wanted === TIME_ZONE_KEY) {
    const zone = reset ? ctx.settings.timeZone : value.trim();
    if (!validZone(zone)) throw new DomainError("cycle:settings.bad_value", { key: wanted, value, hint: "Asia/Ho_Chi_Minh" });
    return ctx.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
      await trx.updateTable("committees").set({ time_zone: zone }).where("id", "=", committeeId).execute();
      await recordAudit(trx, actor, now, { action: "cycle.set", objectType: "committee", objectId: committeeId, committeeId, before: { [wanted]: before.time_zone }, after: { [wanted]: zone } });
      return { key: wanted, value: zone, isDefault: zone === ctx.settings.timeZone };
    });
  }
  if (!isCycleKey(wanted)) throw new DomainError("cycle:settings.unknown_key", { key: key.trim().slice(0, 60), keys: [TIME_ZONE_KEY, ...Object.keys(CYCLE_KEYS)].join(", ") });
  const spec: Spec<keyof CycleSettings> = CYCLE_KEYS[wanted];
  const normalized = reset ? spec.default : spec.normalize(value);
  if (normalized === undefined) throw new DomainError("cycle:settings.bad_value", { key: wanted, value: value.slice(0, 60), hint: spec.default });
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("cycle_settings").select("value").where("committee_id", "=", committeeId).where("key", "=", wanted).executeTakeFirst();
    if (reset) await trx.deleteFrom("cycle_settings").where("committee_id", "=", committeeId).where("key", "=", wanted).execute();
    else
      await trx
        .insertInto("cycle_settings")
        .values({ committee_id: committeeId, key: wanted, value: normalized, updated_at: iso(now) })
        .onConflict((oc) => oc.columns(["committee_id", "key"]).doUpdateSet({ value: normalized, updated_at: iso(now) }))
        .execute();
    await recordAudit(trx, actor, now, { action: "cycle.set", objectType: "committee", objectId: committeeId, committeeId, before: { [wanted]: before?.value ?? spec.default }, after: { [wanted]: normalized } });
    return { key: wanted, value: normalized, isDefault: normalized === spec.default };
  });
}

function validZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
