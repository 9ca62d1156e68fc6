import type { Executor } from "../../db/database.js";
import type { ReportingPeriodRow, TaskRow } from "../../db/schema.js";
import { parseLocalDateTime } from "../../i18n/format.js";
import type { Actor, Seat } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { atLocal, dateOf, localDateOf } from "../cycle/local-time.js";
import { cycleSettings, DEFAULT_CYCLE, type CycleSettings } from "../cycle/settings.js";
import { assertCan, can, seatsWith } from "../permissions.js";

/** The old per-period reminder job: folded into the daily nudge (core/nudges); jobs queued before still complete, silently. */
export const REPORT_REMINDER = "report.reminder";

const localParts = (d: Date, timeZone: string) => {
  const [year, month, day] = localDateOf(d, timeZone).split("-").map(Number) as [number, number, number];
  return { year, month, day };
};

/** A quarter's period as the committee's cycle settings place it: its code ("2027-Q1") and its three moments. */
export interface QuarterDates {
  code: string;
  year: number;
  quarter: number;
  opensAt: Date;
  dueAt: Date;
  closesAt: Date;
}

/**
 * The dates of a quarter's period in the committee's zone, from its cycle settings (by default: opens on the
 * quarter's first day, due on the 15th of its last month at 17:00, closes on its last day at 23:59).
 */
export function quarterDates(year: number, quarter: number, timeZone: string, settings: CycleSettings = DEFAULT_CYCLE): QuarterDates {
  const firstMonth = quarter * 3 - 2;
  const lastMonth = quarter * 3;
  const dueAt = atLocal(dateOf(year, firstMonth + settings.periodDueMonth - 1, settings.periodDueDay), settings.periodDueTime, timeZone);
  const closeDay = settings.periodCloseDay === 0 ? 31 : settings.periodCloseDay;
  const closesAt = atLocal(dateOf(year, lastMonth, closeDay), settings.periodCloseTime, timeZone);
  return {
    code: `${year}-Q${quarter}`,
    year,
    quarter,
    opensAt: atLocal(dateOf(year, firstMonth, settings.periodOpenDay), 0, timeZone),
    dueAt,
    closesAt: closesAt < dueAt ? dueAt : closesAt,
  };
}

/** The quarter a moment falls in, in the committee's zone, with its period's dates. */
export function quarterOf(now: Date, timeZone: string, settings: CycleSettings = DEFAULT_CYCLE): QuarterDates {
  const { year, month } = localParts(now, timeZone);
  return quarterDates(year, Math.floor((month - 1) / 3) + 1, timeZone, settings);
}

/** The quarter after the one given. */
export const nextQuarter = (q: Pick<QuarterDates, "year" | "quarter">): { year: number; quarter: number } => (q.quarter === 4 ? { year: q.year + 1, quarter: 1 } : { year: q.year, quarter: q.quarter + 1 });

/**
 * Makes sure the committee has the period of the current quarter — created the first time anyone needs it,
 * with its reminders. Safe to call from several places at once: the code is unique per committee.
 */
export async function ensureQuarter(db: Executor, now: Date, committeeId: number, timeZone: string): Promise<void> {
  await openQuarterPeriod(db, now, committeeId, timeZone, quarterOf(now, timeZone, await cycleSettings(db, committeeId)));
}

/**
 * Opens a quarter's period (dates from the committee's cycle settings), unless it exists (the daily nudge reminds).
 * Returns whether it was created now.
 */
export async function openQuarterPeriod(db: Executor, now: Date, committeeId: number, timeZone: string, q: QuarterDates): Promise<boolean> {
  const exists = await db.selectFrom("reporting_periods").select("id").where("committee_id", "=", committeeId).where("code", "=", q.code).executeTakeFirst();
  if (exists) return false;
  const row = await db
    .insertInto("reporting_periods")
    .values({ committee_id: committeeId, code: q.code, name: q.code, kind: "quarter", scope: "assigned", opens_at: iso(q.opensAt), due_at: iso(q.dueAt), closes_at: iso(q.closesAt), created_at: iso(now) })
    .onConflict((oc) => oc.columns(["committee_id", "code"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  return Boolean(row);
}

/** Where a period stands: not yet open, open, past its deadline but still taking late reports, or closed. */
export type PeriodPhase = "upcoming" | "open" | "overdue" | "closed";
export function periodPhase(p: Pick<ReportingPeriodRow, "opens_at" | "due_at" | "closes_at">, now: Date): PeriodPhase {
  const t = iso(now);
  return t < p.opens_at ? "upcoming" : t < p.due_at ? "open" : t < p.closes_at ? "overdue" : "closed";
}

/** Whether a task is reported in a period. */
export function taskInPeriod(task: Pick<TaskRow, "active" | "committee_id" | "period">, period: ReportingPeriodRow): boolean {
  if (!task.active || task.committee_id !== period.committee_id) return false;
  if (period.scope === "all") return true;
  return task.period === period.code || (period.kind === "quarter" && task.period === "quarterly");
}

/** A person's own deadline and closing in a period: the period's, unless extended or reopened for them. */
export interface PersonalWindow {
  dueAt: string;
  closesAt: string;
  extended: boolean;
  reopened: boolean;
}

export async function windowFor(db: Executor, period: ReportingPeriodRow, personId: number | null): Promise<PersonalWindow> {
  const ex = personId === null ? undefined : await db.selectFrom("period_exceptions").selectAll().where("period_id", "=", period.id).where("person_id", "=", personId).executeTakeFirst();
  return windowWith(period, ex);
}

/** The window given the person's exception row (if any), without a query. */
export function windowWith(period: ReportingPeriodRow, ex: { due_at: string | null; reopened_until: string | null } | undefined): PersonalWindow {
  const dueAt = ex?.due_at && ex.due_at > period.due_at ? ex.due_at : period.due_at;
  let closesAt = dueAt > period.closes_at ? dueAt : period.closes_at;
  if (ex?.reopened_until && ex.reopened_until > closesAt) closesAt = ex.reopened_until;
  return { dueAt, closesAt, extended: dueAt !== period.due_at, reopened: Boolean(ex?.reopened_until && ex.reopened_until === closesAt && closesAt !== period.closes_at) };
}

export async function requirePeriod(db: Executor, periodId: number): Promise<ReportingPeriodRow> {
  const p = await db.selectFrom("reporting_periods").selectAll().where("id", "=", periodId).executeTakeFirst();
  if (!p) throw new DomainError("reports:errors.period_not_found", { code: String(periodId) });
  return p;
}

/** A period by its code ("2026-Q4", or the secretariat's code) in one of the actor's committees; the latest open one when no code is given. */
export async function findPeriod(ctx: CoreContext, actor: Actor, committeeId: number, code?: string): Promise<ReportingPeriodRow> {
  await ensureCurrentQuarter(ctx, committeeId);
  let q = ctx.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", committeeId);
  if (code?.trim()) {
    const wanted = code.trim().toLowerCase();
    const period = (await q.execute()).find((p) => p.code.toLowerCase() === wanted);
    if (!period) throw new DomainError("reports:errors.period_not_found", { code: code.trim() });
    return period;
  }
  const now = iso(ctx.clock());
  q = q.where("opens_at", "<=", now);
  const open = await q.orderBy("opens_at", "desc").orderBy("id", "desc").execute();
  return open.find((p) => p.closes_at > now) ?? open[0]!;
}

export async function ensureCurrentQuarter(ctx: CoreContext, committeeId: number): Promise<void> {
  const c = await ctx.db.selectFrom("committees").select("time_zone").where("id", "=", committeeId).executeTakeFirstOrThrow();
  await ensureQuarter(ctx.db, ctx.clock(), committeeId, c.time_zone);
}

export interface NewPeriod {
  committeeId: number;
  code: string;
  name: string;
  opensAt?: Date;
  dueAt: Date;
  closesAt: Date;
}

/**
 * The secretariat opens an extra period — a six-month review, say. It covers the tasks whose period column
 * names its code, or every active task when none does.
 */
export async function openExtraPeriod(ctx: CoreContext, actor: Actor, input: NewPeriod): Promise<ReportingPeriodRow & { tasks: number }> {
  assertCan(actor, "report.manage", input.committeeId);
  const code = input.code.normalize("NFC").trim();
  const name = input.name.normalize("NFC").trim();
  if (!/^[\p{L}\d._/-]{1,30}$/u.test(code)) throw new DomainError("reports:errors.bad_period_code", { value: code });
  if (!name || name.length > 200) throw new DomainError("reports:errors.period_name_required");
  const now = ctx.clock();
  const opensAt = input.opensAt ?? now;
  if (input.dueAt <= now) throw new DomainError("reports:errors.due_in_past");
  if (input.closesAt < input.dueAt) throw new DomainError("reports:errors.close_before_due");
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("reporting_periods").select("code").where("committee_id", "=", input.committeeId).execute();
    if (existing.some((p) => p.code.toLowerCase() === code.toLowerCase())) throw new DomainError("reports:errors.period_exists", { code });
    const tasks = await trx.selectFrom("tasks").selectAll().where("committee_id", "=", input.committeeId).where("active", "=", 1).execute();
    const assigned = tasks.filter((t) => t.period === code).length;
    const row = await trx
      .insertInto("reporting_periods")
      .values({ committee_id: input.committeeId, code, name, kind: "extra", scope: assigned ? "assigned" : "all", opens_at: iso(opensAt), due_at: iso(input.dueAt), closes_at: iso(input.closesAt), created_at: iso(now) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, now, { action: "period.open", objectType: "reporting_period", objectId: row.id, committeeId: input.committeeId, after: { code, name, opensAt: row.opens_at, dueAt: row.due_at, closesAt: row.closes_at, scope: row.scope } });
    return { ...row, tasks: assigned || tasks.length };
  });
}

/**
 * Moves a period's deadline — for everyone, or for one person only. The closing moves with it when the new
 * deadline is later; the daily nudge follows the new deadline.
 */
export async function extendDeadline(ctx: CoreContext, actor: Actor, periodId: number, dueAt: Date, membershipId?: number): Promise<{ fullName: string | null }> {
  const period = await requirePeriod(ctx.db, periodId);
  assertCan(actor, "report.manage", period.committee_id);
  const now = ctx.clock();
  if (dueAt <= now) throw new DomainError("reports:errors.due_in_past");
  return ctx.db.transaction().execute(async (trx) => {
    if (membershipId === undefined) {
      if (iso(dueAt) <= period.due_at) throw new DomainError("reports:errors.not_later");
      const closesAt = iso(dueAt) > period.closes_at ? iso(dueAt) : period.closes_at;
      await trx.updateTable("reporting_periods").set({ due_at: iso(dueAt), closes_at: closesAt }).where("id", "=", period.id).execute();
      await recordAudit(trx, actor, now, { action: "period.extend", objectType: "reporting_period", objectId: period.id, committeeId: period.committee_id, before: { dueAt: period.due_at, closesAt: period.closes_at }, after: { dueAt: iso(dueAt), closesAt } });
      return { fullName: null };
    }
    const { personId, fullName } = await memberOf(trx, period.committee_id, membershipId);
    const before = await windowFor(trx, period, personId);
    if (iso(dueAt) <= before.dueAt) throw new DomainError("reports:errors.not_later");
    await upsertException(trx, now, period.id, personId, { due_at: iso(dueAt) });
    await recordAudit(trx, actor, now, { action: "period.extend_person", objectType: "reporting_period", objectId: period.id, committeeId: period.committee_id, before: { personId, dueAt: before.dueAt }, after: { personId, dueAt: iso(dueAt) } });
    return { fullName };
  });
}

/** After a period has closed, the secretariat reopens it for one person until a given moment. */
export async function reopenFor(ctx: CoreContext, actor: Actor, periodId: number, membershipId: number, until: Date): Promise<{ fullName: string }> {
  const period = await requirePeriod(ctx.db, periodId);
  assertCan(actor, "report.manage", period.committee_id);
  const now = ctx.clock();
  if (until <= now) throw new DomainError("reports:errors.until_in_past");
  return ctx.db.transaction().execute(async (trx) => {
    const { personId, fullName } = await memberOf(trx, period.committee_id, membershipId);
    const before = await windowFor(trx, period, personId);
    await upsertException(trx, now, period.id, personId, { reopened_until: iso(until) });
    await recordAudit(trx, actor, now, { action: "period.reopen", objectType: "reporting_period", objectId: period.id, committeeId: period.committee_id, before: { personId, closesAt: before.closesAt }, after: { personId, reopenedUntil: iso(until) } });
    return { fullName };
  });
}

async function upsertException(db: Executor, now: Date, periodId: number, personId: number, set: { due_at?: string; reopened_until?: string }) {
  await db
    .insertInto("period_exceptions")
    .values({ period_id: periodId, person_id: personId, due_at: set.due_at ?? null, reopened_until: set.reopened_until ?? null, updated_at: iso(now) })
    .onConflict((oc) => oc.columns(["period_id", "person_id"]).doUpdateSet({ ...set, updated_at: iso(now) }))
    .execute();
}

/** The person behind a member number (as /members shows it), on this committee and active. */
async function memberOf(db: Executor, committeeId: number, membershipId: number | undefined) {
  const m = await db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .select(["m.person_id as personId", "p.full_name as fullName", "m.active"])
    .where("m.id", "=", membershipId ?? -1)
    .where("m.committee_id", "=", committeeId)
    .executeTakeFirst();
  if (!m) throw new DomainError("reports:errors.member_not_found", { id: membershipId ?? "" });
  if (!m.active) throw new DomainError("reports:errors.person_not_member");
  return m;
}

/** The committee's periods, newest first. */
export async function listPeriods(ctx: CoreContext, actor: Actor, committeeId: number): Promise<ReportingPeriodRow[]> {
  if (!can(actor, "report.view", committeeId) && !can(actor, "report.manage", committeeId)) throw new DomainError("errors:forbidden");
  await ensureCurrentQuarter(ctx, committeeId);
  return ctx.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", committeeId).orderBy("opens_at", "desc").orderBy("id", "desc").limit(12).execute();
}

/**
 * The committee a leader's or the secretariat's reports command is about: the one named by its code, or
 * without a code the first they read. Refused for anyone who reads no committee's reports.
 */
export function readerSeat(actor: Actor, code?: string): Seat {
  const seats = [...seatsWith(actor, "report.manage"), ...seatsWith(actor, "report.view")];
  if (!seats.length) throw new DomainError("errors:forbidden");
  const seat = code ? seats.find((s) => s.committeeCode.toLowerCase() === code.toLowerCase()) : seats[0];
  if (!seat) throw new DomainError("meetings:create.choose_committee", { codes: [...new Set(seats.map((s) => s.committeeCode))].join(", ") });
  return seat;
}

/** A deadline or closing as the secretariat types it (dd/MM/yyyy HH:mm, in the committee's zone); refused when it is not one. */
export function readMoment(text: string | undefined, timeZone: string): Date {
  const at = text ? parseLocalDateTime(text, timeZone) : undefined;
  if (!at) throw new DomainError("reports:periods.bad_datetime", { value: text ?? "" });
  return at;
}

/** The date and time written somewhere in a line ("20/12/2026 17:00 12" → "20/12/2026 17:00"), if any. */
export const momentIn = (text: string): string | undefined => text.match(/(\d{1,2}[/.-]\d{1,2}[/.-]\d{4} \d{1,2}[:hg]\d{2})/i)?.[1];

/** A member number as /members shows it ("12" or "#12"); refused when it is not one. */
export function readMemberNumber(text: string): number {
  if (!/^#?\d{1,15}$/.test(text)) throw new DomainError("reports:errors.member_not_found", { id: text });
  return Number(text.replace("#", ""));
}
