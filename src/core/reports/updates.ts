import type { Executor } from "../../db/database.js";
import type { ProgressStatus, ProgressUpdateRow, ReportingPeriodRow, TaskRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { checkAttachment, MAX_ATTACHMENTS, saveAttachments, type IncomingFile } from "../attachments.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { enqueueMessage } from "../outbox.js";
import { can } from "../permissions.js";
import { parseDecimal } from "./numbers.js";
import { ensureCurrentQuarter, requirePeriod, taskInPeriod, windowFor, type PersonalWindow } from "./periods.js";
import { isAssignedTo, orgKey, requireTask } from "./tasks.js";

export const STATUSES: readonly ProgressStatus[] = ["done", "on_track", "at_risk", "behind", "not_started"];
/** The longest text each step accepts, in characters; longer text is refused (never cut) with both numbers. */
export const TEXT_LIMITS = { results: 3000, obstacles: 2000, proposals: 2000 } as const;
export type ReportText = keyof typeof TEXT_LIMITS;

export function checkStatus(status: string): ProgressStatus {
  if (!STATUSES.includes(status as ProgressStatus)) throw new DomainError("reports:errors.bad_status");
  return status as ProgressStatus;
}

/**
 * Reads the progress a person typed for a task: a percentage (0–100) for percent indicators and milestones,
 * a number in the indicator's unit for numeric ones. "12,5", "85%", "1.500 hồ sơ" are all understood.
 */
export function readProgress(task: Pick<TaskRow, "indicator_kind" | "unit">, text: string): number {
  const raw = text.normalize("NFC").trim();
  const m = raw.match(/^(-?[\d.,\s]*\d)\s*(.*)$/u);
  if (!m) throw new DomainError(task.indicator_kind === "numeric" ? "reports:errors.not_a_number" : "reports:errors.not_a_percent", { unit: task.unit ?? "" });
  const suffix = m[2]!.trim().toLowerCase();
  const unit = task.indicator_kind === "numeric" ? (task.unit ?? "").toLowerCase() : "%";
  if (suffix && suffix !== unit) throw new DomainError("reports:errors.wrong_unit", { unit: task.unit ?? "%", value: m[2]!.trim() });
  const n = parseDecimal(m[1]!);
  if (n === undefined) throw new DomainError(task.indicator_kind === "numeric" ? "reports:errors.not_a_number" : "reports:errors.not_a_percent", { unit: task.unit ?? "" });
  return checkProgress(task, n);
}

/** A percentage lies within 0–100; a value is not negative. */
export function checkProgress(task: Pick<TaskRow, "indicator_kind">, n: number): number {
  if (!Number.isFinite(n)) throw new DomainError("reports:errors.not_a_number", { unit: "" });
  if (task.indicator_kind !== "numeric" && (n < 0 || n > 100)) throw new DomainError("reports:errors.percent_range");
  if (n < 0) throw new DomainError("reports:errors.negative");
  return n;
}

/** A text step, trimmed; empty becomes null; too long is refused with the length and the limit. */
export function checkText(field: ReportText, text: string | null | undefined): string | null {
  const t = text?.normalize("NFC").trim() || null;
  if (t && t.length > TEXT_LIMITS[field]) throw new DomainError("reports:errors.text_too_long", { max: TEXT_LIMITS[field], length: t.length });
  return t;
}

export interface UpdateView extends ProgressUpdateRow {
  periodCode: string;
  periodKind: ReportingPeriodRow["kind"];
  periodName: string;
  submittedByName: string | null;
  onBehalfOfName: string | null;
  attachments: { id: number; fileId: string; fileName: string; mimeType: string | null }[];
}

async function updatesWhere(db: Executor, filter: { taskIds: number[]; periodId?: number }): Promise<UpdateView[]> {
  return withFiles(db, await updateRowsWhere(db, filter));
}

/** The updates of some tasks (in one period when given), oldest first, without their files. */
async function updateRowsWhere(db: Executor, filter: { taskIds: number[]; periodId?: number }) {
  if (filter.taskIds.length === 0) return [];
  let q = db
    .selectFrom("progress_updates as u")
    .innerJoin("reporting_periods as rp", "rp.id", "u.period_id")
    .leftJoin("people as s", "s.id", "u.submitted_by_person_id")
    .leftJoin("people as b", "b.id", "u.on_behalf_of_person_id")
    .selectAll("u")
    .select(["rp.code as periodCode", "rp.kind as periodKind", "rp.name as periodName", "s.full_name as submittedByName", "b.full_name as onBehalfOfName"]);
  // A period's reports of many tasks (a whole registry) are read by the period alone and picked here: a list of
  // thousands of ids costs more to send and plan than the few reports of other tasks it would leave out.
  const byPeriodOnly = filter.periodId !== undefined && filter.taskIds.length > 50;
  if (filter.periodId !== undefined) q = q.where("u.period_id", "=", filter.periodId);
  if (!byPeriodOnly) q = q.where("u.task_id", "in", filter.taskIds);
  const rows = await q.orderBy("rp.opens_at").orderBy("u.period_id").orderBy("u.version").execute();
  if (!byPeriodOnly) return rows;
  const wanted = new Set(filter.taskIds);
  return rows.filter((r) => wanted.has(r.task_id));
}

/** The files of each update, in one query per 500 updates. */
async function withFiles<T extends { id: number }>(db: Executor, rows: T[]): Promise<(T & { attachments: UpdateView["attachments"] })[]> {
  const files = new Map<number, UpdateView["attachments"]>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    const found = await db.selectFrom("attachments").select(["id", "owner_id", "file_id", "file_name", "mime_type"]).where("owner_type", "=", "progress_update").where("owner_id", "in", ids).orderBy("id").execute();
    for (const a of found) files.set(a.owner_id, [...(files.get(a.owner_id) ?? []), { id: a.id, fileId: a.file_id, fileName: a.file_name, mimeType: a.mime_type }]);
  }
  return rows.map((r) => ({ ...r, attachments: files.get(r.id) ?? [] }));
}

/** The version that counts for a task in a period, with when the task was first reported (which decides lateness). Its files are read with the task's history. */
export type LatestUpdate = Omit<UpdateView, "attachments"> & { firstSubmittedAt: string; firstLate: boolean };

/** The version that counts per task in a period, with when the task was first reported (which decides lateness). */
export async function latestInPeriod(db: Executor, periodId: number, taskIds: number[]): Promise<Map<number, LatestUpdate>> {
  const latest = new Map<number, LatestUpdate>();
  for (const u of await updateRowsWhere(db, { taskIds, periodId })) {
    const first = latest.get(u.task_id);
    latest.set(u.task_id, { ...u, firstSubmittedAt: first?.firstSubmittedAt ?? u.submitted_at, firstLate: first ? first.firstLate : u.late === 1 });
  }
  return latest;
}

/** The tasks reported at least once in a period (any version): who still owes a report, without reading the reports. */
export async function reportedIn(db: Executor, periodId: number): Promise<Set<number>> {
  const rows = await db.selectFrom("progress_updates").select("task_id").distinct().where("period_id", "=", periodId).execute();
  return new Set(rows.map((r) => r.task_id));
}

/** Where a task stands in a period: reported on time, reported late, not reported and overdue, or not yet due. */
export type TaskState = "on_time" | "late" | "missing" | "pending";
export const stateOf = (latest: { firstLate: boolean } | undefined, dueAt: string, now: Date): TaskState =>
  latest ? (latest.firstLate ? "late" : "on_time") : dueAt < iso(now) ? "missing" : "pending";

/** Everything the report dialog needs about one task: the period, the person's window, the last versions, and whether they may report now. */
export interface ReportContext {
  /** `concludedAt`: for a chair's conclusion, its meeting's start, from which its source is printed in the reader's language. */
  task: TaskRow & { personName: string | null; concludedAt?: string | null };
  period: ReportingPeriodRow;
  window: PersonalWindow;
  /** Set when the secretariat reports in the place of the person responsible. */
  onBehalfOf: { personId: number; fullName: string } | null;
  latest: LatestUpdate | null;
  previous: UpdateView | null;
  late: boolean;
  /** Why a report cannot be made now (an i18n key), or null. */
  blocked: string | null;
}

/** The committee's members who report on tasks (everyone but the secretariat), in roster order, with their organization's key. */
export async function reportingMembers(db: Executor, committeeId: number) {
  const rows = await db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .where("m.committee_id", "=", committeeId)
    .where("m.active", "=", 1)
    .where("m.role", "!=", "secretariat")
    .select(["p.id as personId", "p.full_name as fullName", "m.organization"])
    .orderBy("m.id")
    .execute();
  // Ten thousand seats share a hundred organizations: each name is folded once.
  const keys = new Map<string | null, string>();
  const keyOf = (o: string | null) => {
    let k = keys.get(o);
    if (k === undefined) keys.set(o, (k = orgKey(o)));
    return k;
  };
  return rows.map((r) => ({ ...r, orgKey: keyOf(r.organization) }));
}

type ReportingMember = { personId: number; fullName: string; orgKey: string };

/**
 * A committee's task registry and the members who report on it: what a period's status and the nudges both
 * start from. Read once and handed to both when one answer needs them twice (the leaders' summary).
 */
export interface CommitteeRegistry {
  committeeId: number;
  tasks: TaskRow[];
  members: Awaited<ReturnType<typeof reportingMembers>>;
}

export async function committeeRegistry(db: Executor, committeeId: number): Promise<CommitteeRegistry> {
  const tasks = await db.selectFrom("tasks").selectAll().where("committee_id", "=", committeeId).orderBy("code").execute();
  return { committeeId, tasks, members: await reportingMembers(db, committeeId) };
}

/** Positions in a member list by organization key and by person, built once per list (a period's status asks per task). */
const memberIndexes = new WeakMap<readonly ReportingMember[], { byOrg: Map<string, number[]>; byPerson: Map<number, number[]>; answers: Map<string, { personId: number; fullName: string }[]> }>();

function indexOf(members: readonly ReportingMember[]) {
  let index = memberIndexes.get(members);
  if (!index) {
    index = { byOrg: new Map(), byPerson: new Map(), answers: new Map() };
    const add = <K>(map: Map<K, number[]>, key: K, i: number) => {
      const list = map.get(key);
      if (list) list.push(i);
      else map.set(key, [i]);
    };
    for (const [i, m] of members.entries()) {
      add(index.byOrg, m.orgKey, i);
      add(index.byPerson, m.personId, i);
    }
    memberIndexes.set(members, index);
  }
  return index;
}

/**
 * Who answers for a task: the person named in it and the members of the responsible organization, in roster
 * order. The list is indexed on first use, so asking for 2,000 tasks among 10,000 members stays linear.
 */
export const responsibleAmong = (members: readonly ReportingMember[], task: TaskRow) => {
  const key = orgKey(task.responsible_organization);
  const { byOrg, byPerson, answers } = indexOf(members);
  // Tasks of one organization (and person) share one answer: callers only read it.
  const cacheKey = `${task.responsible_person_id ?? ""}|${key}`;
  const known = answers.get(cacheKey);
  if (known) return known;
  const fromOrg = key !== "" ? (byOrg.get(key) ?? []) : [];
  const fromPerson = task.responsible_person_id !== null ? (byPerson.get(task.responsible_person_id) ?? []) : [];
  const at = fromPerson.length ? [...new Set([...fromOrg, ...fromPerson])].sort((a, b) => a - b) : fromOrg;
  const people = at.map((i) => ({ personId: members[i]!.personId, fullName: members[i]!.fullName }));
  answers.set(cacheKey, people);
  return people;
};

export async function responsiblePeople(db: Executor, task: TaskRow): Promise<{ personId: number; fullName: string }[]> {
  return [...responsibleAmong(await reportingMembers(db, task.committee_id), task)];
}

export async function reportContext(ctx: CoreContext, actor: Actor, taskId: number, periodId?: number): Promise<ReportContext> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  const base = await requireTask(ctx.db, taskId);
  const own = isAssignedTo(base, actor);
  if (!own && !can(actor, "report.manage", base.committee_id)) throw new DomainError("reports:errors.not_your_task", { code: base.code });
  await ensureCurrentQuarter(ctx, base.committee_id);
  const personName = base.responsible_person_id === null ? null : ((await ctx.db.selectFrom("people").select("full_name").where("id", "=", base.responsible_person_id).executeTakeFirst())?.full_name ?? null);
  const concluded = await ctx.db.selectFrom("conclusions as c").innerJoin("meetings as m", "m.id", "c.meeting_id").select("m.starts_at").where("c.task_id", "=", base.id).executeTakeFirst();
  const task = { ...base, personName, concludedAt: concluded?.starts_at ?? null };
  const onBehalfOf = own ? null : ((await responsiblePeople(ctx.db, base))[0] ?? null);
  const subject = own ? actor.personId : (onBehalfOf?.personId ?? null);
  const now = ctx.clock();

  let period: ReportingPeriodRow | undefined;
  if (periodId !== undefined) {
    period = await requirePeriod(ctx.db, periodId);
    if (!taskInPeriod(base, period)) throw new DomainError("reports:errors.not_in_period", { code: base.code });
  } else {
    const periods = (await ctx.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", base.committee_id).where("opens_at", "<=", iso(now)).orderBy("opens_at", "desc").orderBy("id", "desc").execute()).filter((p) => taskInPeriod(base, p));
    for (const p of periods) if ((await windowFor(ctx.db, p, subject)).closesAt > iso(now)) period ??= p;
    period ??= periods[0];
    if (!period) throw new DomainError("reports:errors.no_period", { code: base.code });
  }
  const window = await windowFor(ctx.db, period, subject);
  const latest = (await latestInPeriod(ctx.db, period.id, [base.id])).get(base.id) ?? null;
  // Updates come ordered by the period's opening: the last one of a period opened before this one.
  const opensAt = period.opens_at;
  const earlier = await ctx.db.selectFrom("reporting_periods").select("id").where("committee_id", "=", base.committee_id).where("opens_at", "<", opensAt).execute();
  const previous = (await updatesWhere(ctx.db, { taskIds: [base.id] })).filter((u) => earlier.some((p) => p.id === u.period_id)).at(-1) ?? null;
  const late = window.dueAt < iso(now);
  let blocked: string | null = null;
  if (period.opens_at > iso(now)) blocked = "reports:errors.not_open";
  else if (window.closesAt <= iso(now)) blocked = "reports:errors.closed";
  else if (latest && late && !window.reopened) blocked = "reports:errors.edit_after_due";
  return { task, period, window, onBehalfOf, latest, previous, late, blocked };
}

export interface ProgressInput {
  taskId: number;
  periodId: number;
  status: ProgressStatus;
  /** The typed progress: a percentage or a value in the indicator's unit; null only when not started. */
  progress: number | null;
  results?: string | null;
  obstacles?: string | null;
  proposals?: string | null;
  attachments?: IncomingFile[];
  /** Made with "no change since the last period". */
  unchanged?: boolean;
}

/**
 * Records a progress update as a new version (every version is kept, the latest counts). Until the
 * person's deadline it may be revised; a first report after the deadline is accepted and flagged late;
 * after the period closes only a reopening by the secretariat lets the person report. Obstacles and
 * proposals become items the secretariat answers.
 */
export async function submitProgress(ctx: CoreContext, actor: Actor, input: ProgressInput): Promise<{ updateId: number; version: number; late: boolean; items: number }> {
  const rc = await reportContext(ctx, actor, input.taskId, input.periodId);
  if (rc.blocked) throw new DomainError(rc.blocked, { code: rc.task.code });
  const status = checkStatus(input.status);
  const progress = input.progress;
  if (progress === null && status !== "not_started") throw new DomainError(rc.task.indicator_kind === "numeric" ? "reports:errors.value_required" : "reports:errors.percent_required", { unit: rc.task.unit ?? "" });
  if (progress !== null) checkProgress(rc.task, progress);
  const results = checkText("results", input.results);
  if (!results && status !== "not_started") throw new DomainError("reports:errors.results_required");
  const obstacles = checkText("obstacles", input.obstacles);
  const proposals = checkText("proposals", input.proposals);
  const files = input.attachments ?? [];
  if (files.length > MAX_ATTACHMENTS) throw new DomainError("reports:errors.too_many_files", { max: MAX_ATTACHMENTS });
  files.forEach(checkAttachment);
  const me = actor as Actor & { kind: "person" };
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const last = await trx.selectFrom("progress_updates").select(["version"]).where("task_id", "=", rc.task.id).where("period_id", "=", rc.period.id).orderBy("version", "desc").executeTakeFirst();
    const version = (last?.version ?? 0) + 1;
    const late = rc.late;
    const values = {
      status,
      percent: rc.task.indicator_kind === "numeric" ? null : progress,
      value: rc.task.indicator_kind === "numeric" ? progress : null,
      results,
      obstacles,
      proposals,
    };
    const row = await trx
      .insertInto("progress_updates")
      .values({
        task_id: rc.task.id,
        period_id: rc.period.id,
        version,
        ...values,
        submitted_by_person_id: me.personId,
        on_behalf_of_person_id: rc.onBehalfOf?.personId ?? null,
        submitted_at: iso(now),
        late: late ? 1 : 0,
        unchanged: input.unchanged ? 1 : 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (files.length) await saveAttachments(trx, now, { type: "progress_update", id: row.id }, files, me.personId);
    await pinDoneConclusion(trx, now, rc, status);
    let items = 0;
    for (const [kind, text] of [["obstacle", obstacles], ["proposal", proposals]] as const) {
      if (text && (await raiseItem(trx, now, actor, rc, row.id, kind, text, rc.onBehalfOf?.personId ?? me.personId))) items++;
    }
    if (items) await notifySecretariat(trx, now, rc, row.id);
    await recordAudit(trx, actor, now, {
      action: rc.onBehalfOf ? "progress.submit_on_behalf" : "progress.submit",
      objectType: "progress_update",
      objectId: row.id,
      committeeId: rc.task.committee_id,
      before: rc.latest ? { version: rc.latest.version, status: rc.latest.status, percent: rc.latest.percent, value: rc.latest.value, results: rc.latest.results, obstacles: rc.latest.obstacles, proposals: rc.latest.proposals } : undefined,
      after: { task: rc.task.code, period: rc.period.code, version, ...values, late, unchanged: Boolean(input.unchanged), onBehalfOf: rc.onBehalfOf?.personId ?? null, attachments: files.length },
    });
    return { updateId: row.id, version, late, items };
  });
}

/**
 * A chair's conclusion is asked for every quarter until it is done (its task's period is "quarterly"); reported
 * done in a quarter, it belongs to that quarter only, so the next one does not ask for it again. A report of the
 * same quarter revised to not done makes it quarterly again.
 */
async function pinDoneConclusion(db: Executor, now: Date, rc: ReportContext, status: ProgressStatus): Promise<void> {
  if (!rc.task.concludedAt || rc.period.kind !== "quarter") return;
  const period = status === "done" ? rc.period.code : "quarterly";
  const from = status === "done" ? "quarterly" : rc.period.code;
  if (rc.task.period !== from) return;
  await db.updateTable("tasks").set({ period, updated_at: iso(now) }).where("id", "=", rc.task.id).execute();
}

/**
 * An obstacle or a proposal becomes an item for the secretariat, once: the same text still open is not raised
 * again, and a revision in the same period rewrites the item while it is unanswered.
 */
async function raiseItem(db: Executor, now: Date, actor: Actor, rc: ReportContext, updateId: number, kind: "obstacle" | "proposal", text: string, raisedBy: number): Promise<boolean> {
  const open = await db.selectFrom("report_items").selectAll().where("task_id", "=", rc.task.id).where("kind", "=", kind).where("status", "=", "open").orderBy("id", "desc").execute();
  if (open.some((i) => i.text === text)) return false;
  const samePeriod = open.find((i) => i.period_id === rc.period.id);
  if (samePeriod) {
    await db.updateTable("report_items").set({ text, update_id: updateId }).where("id", "=", samePeriod.id).execute();
    await recordAudit(db, actor, now, { action: "report_item.revise", objectType: "report_item", objectId: samePeriod.id, committeeId: rc.task.committee_id, before: { text: samePeriod.text }, after: { text } });
    return true;
  }
  const item = await db
    .insertInto("report_items")
    .values({ committee_id: rc.task.committee_id, task_id: rc.task.id, period_id: rc.period.id, update_id: updateId, kind, text, raised_by_person_id: raisedBy, status: "open", answer: null, answered_by_person_id: null, answered_at: null, created_at: iso(now) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, now, { action: "report_item.raise", objectType: "report_item", objectId: item.id, committeeId: rc.task.committee_id, after: { kind, text, task: rc.task.code } });
  return true;
}

/** The secretariat hears of new obstacles and proposals as they come (once per report version). */
async function notifySecretariat(db: Executor, now: Date, rc: ReportContext, updateId: number) {
  const secretaries = await db.selectFrom("memberships").select("person_id").where("committee_id", "=", rc.task.committee_id).where("role", "=", "secretariat").where("active", "=", 1).execute();
  for (const s of secretaries) {
    await enqueueMessage(db, now, { template: "reports:items_raised", params: { updateId }, to: { personId: s.person_id }, committeeId: rc.task.committee_id, dedupeKey: `report_items:${updateId}:to:${s.person_id}` });
  }
}

/** Every version of a task's reports, oldest first, for the person responsible, the secretariat and leaders. */
export async function taskHistory(ctx: CoreContext, actor: Actor, taskId: number): Promise<{ task: TaskRow & { personName: string | null }; updates: UpdateView[] }> {
  const task = await requireTask(ctx.db, taskId);
  if (!isAssignedTo(task, actor) && !can(actor, "report.view", task.committee_id) && !can(actor, "report.manage", task.committee_id)) throw new DomainError("reports:errors.not_your_task", { code: task.code });
  const personName = task.responsible_person_id === null ? null : ((await ctx.db.selectFrom("people").select("full_name").where("id", "=", task.responsible_person_id).executeTakeFirst())?.full_name ?? null);
  return { task: { ...task, personName }, updates: await updatesWhere(ctx.db, { taskIds: [task.id] }) };
}

/** One update by id, for the messages that speak of it. */
export async function updateById(db: Executor, updateId: number): Promise<(UpdateView & { task: TaskRow }) | undefined> {
  const u = await db.selectFrom("progress_updates").select(["task_id", "period_id"]).where("id", "=", updateId).executeTakeFirst();
  if (!u) return undefined;
  const view = (await updatesWhere(db, { taskIds: [u.task_id], periodId: u.period_id })).find((x) => x.id === updateId);
  return view ? { ...view, task: await requireTask(db, u.task_id) } : undefined;
}

/** A person's tasks in the periods open to them, each with where it stands. */
export interface MyPeriod {
  period: ReportingPeriodRow;
  window: PersonalWindow;
  timeZone: string;
  tasks: { task: TaskRow; state: TaskState; latest: LatestUpdate | null; editable: boolean }[];
}

export async function myReports(ctx: CoreContext, actor: Actor): Promise<MyPeriod[]> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  const seats = actor.seats.filter((s) => can(actor, "report.submit", s.committeeId) && s.role !== "secretariat");
  const out: MyPeriod[] = [];
  const now = ctx.clock();
  for (const committeeId of [...new Set(seats.map((s) => s.committeeId))]) {
    await ensureCurrentQuarter(ctx, committeeId);
    const tasks = (await ctx.db.selectFrom("tasks").selectAll().where("committee_id", "=", committeeId).where("active", "=", 1).orderBy("code").execute()).filter((t) => isAssignedTo(t, actor));
    if (!tasks.length) continue;
    const periods = await ctx.db.selectFrom("reporting_periods").selectAll().where("committee_id", "=", committeeId).where("opens_at", "<=", iso(now)).orderBy("opens_at").orderBy("id").execute();
    for (const period of periods) {
      const window = await windowFor(ctx.db, period, actor.personId);
      if (window.closesAt <= iso(now)) continue;
      const inPeriod = tasks.filter((t) => taskInPeriod(t, period));
      if (!inPeriod.length) continue;
      const latest = await latestInPeriod(ctx.db, period.id, inPeriod.map((t) => t.id));
      out.push({
        period,
        window,
        timeZone: seats.find((s) => s.committeeId === committeeId)!.timeZone,
        tasks: inPeriod.map((task) => {
          const l = latest.get(task.id);
          return { task, state: stateOf(l, window.dueAt, now), latest: l ?? null, editable: !l || window.dueAt >= iso(now) || window.reopened };
        }),
      });
    }
  }
  return out;
}
