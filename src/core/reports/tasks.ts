import type { Executor } from "../../db/database.js";
import type { TaskRow } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { changedFields, recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import { foldKey } from "../csv.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan, can } from "../permissions.js";
import { normalizePhone, type RowError } from "../roster/roster-csv.js";
import { completeRow, normalizeField, parseTaskCsv, type TaskCsvRow, type TaskField } from "./task-csv.js";

export interface TaskImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
  /**
   * Rows imported for an organization that has no member on the committee's roster to report on it (and no
   * person named): nobody can report the task until the roster lists one, or the name is a typo.
   */
  unstaffed: { line: number; code: string; organization: string }[];
}

const norm = foldKey;
/** How organizations are compared: "Sở Tài chính" and " sở tài  chính" are the same unit. */
export const orgKey = foldKey;
export const sameOrganization = (a: string | null | undefined, b: string | null | undefined) => orgKey(a) !== "" && orgKey(a) === orgKey(b);

/** The columns of a task row that an import or an edit sets, keyed as the table names them. */
function taskValues(row: TaskCsvRow, personId: number | null) {
  return {
    code: row.code,
    title: row.title,
    source_document: row.sourceDocument,
    responsible_organization: row.organization,
    responsible_person_id: personId,
    indicator_kind: row.kind,
    target_value: row.target,
    unit: row.unit,
    due_date: row.dueDate,
    period: row.period,
  };
}

/**
 * Finds the committee member a CSV or an edit names as responsible: by email, phone or full name.
 * Returns an error code when nobody or more than one person matches.
 */
async function resolvePerson(db: Executor, committeeId: number, text: string): Promise<{ personId: number } | { code: string; params: Record<string, string> }> {
  const members = await db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .where("m.committee_id", "=", committeeId)
    .where("m.active", "=", 1)
    .select(["p.id", "p.full_name", "p.email", "p.phone"])
    .execute();
  const phone = normalizePhone(text);
  const found = members.filter((p) => norm(p.full_name) === norm(text) || (p.email && norm(p.email) === norm(text)) || (phone && p.phone === phone));
  if (found.length === 1) return { personId: found[0]!.id };
  return { code: found.length ? "reports:row.person_ambiguous" : "reports:row.person_unknown", params: { value: text } };
}

/** The organizations (as orgKey) of the committee's active members who report on their organization's tasks. */
async function reportingOrganizations(db: Executor, committeeId: number): Promise<Set<string>> {
  const seats = await db
    .selectFrom("memberships")
    .select("organization")
    .where("committee_id", "=", committeeId)
    .where("active", "=", 1)
    .where("role", "!=", "secretariat")
    .execute();
  return new Set(seats.map((s) => orgKey(s.organization)).filter(Boolean));
}

/**
 * Imports the task registry from CSV. Rows are matched by code and updated in place; re-importing the same
 * file changes nothing. A bad row is reported with its line number and the good rows still import.
 * Tasks missing from the file are left as they are (the secretariat deactivates a task with /edittask).
 * A row for an organization nobody on the roster reports for still imports, and is listed in `unstaffed`.
 */
export async function importTasks(ctx: CoreContext, actor: Actor, committeeId: number, csvText: string): Promise<TaskImportReport> {
  assertCan(actor, "report.manage", committeeId);
  const parsed = parseTaskCsv(csvText);
  const report: TaskImportReport = { created: 0, updated: 0, unchanged: 0, errors: [...parsed.errors], unstaffed: [] };
  if (parsed.rows.length === 0) return report;
  await ctx.db.transaction().execute(async (trx) => {
    const now = iso(ctx.clock());
    const existing = new Map((await trx.selectFrom("tasks").selectAll().where("committee_id", "=", committeeId).execute()).map((t) => [t.code.toLowerCase(), t]));
    const staffed = await reportingOrganizations(trx, committeeId);
    for (const row of parsed.rows) {
      let personId: number | null = null;
      if (row.person) {
        const found = await resolvePerson(trx, committeeId, row.person);
        if ("code" in found) {
          report.errors.push({ line: row.line, ...found });
          continue;
        }
        personId = found.personId;
      }
      const values = taskValues(row, personId);
      if (personId === null && row.organization && !staffed.has(orgKey(row.organization))) {
        report.unstaffed.push({ line: row.line, code: row.code, organization: row.organization });
      }
      const old = existing.get(row.code.toLowerCase());
      if (!old) {
        const task = await trx.insertInto("tasks").values({ committee_id: committeeId, ...values, active: 1, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
        await recordAudit(trx, actor, new Date(now), { action: "task.create", objectType: "task", objectId: task.id, committeeId, after: values });
        report.created++;
        continue;
      }
      const diff = changedFields(old, { ...values, code: old.code, active: 1 });
      if (!diff) {
        report.unchanged++;
        continue;
      }
      await trx.updateTable("tasks").set({ ...diff.after, updated_at: now }).where("id", "=", old.id).execute();
      await recordAudit(trx, actor, new Date(now), { action: "task.update", objectType: "task", objectId: old.id, committeeId, ...diff });
      report.updated++;
    }
  });
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

/** The fields /edittask may change, by the names the secretariat types (English or Vietnamese). */
export const EDITABLE: Record<string, TaskField | "active"> = {
  title: "title",
  "tên": "title",
  source: "sourceDocument",
  "văn bản": "sourceDocument",
  organization: "organization",
  "đơn vị": "organization",
  person: "person",
  "người phụ trách": "person",
  kind: "kind",
  "loại": "kind",
  target: "target",
  "mục tiêu": "target",
  unit: "unit",
  "đơn vị tính": "unit",
  due: "dueDate",
  "hạn": "dueDate",
  period: "period",
  "kỳ": "period",
  active: "active",
  "hiệu lực": "active",
};

/**
 * Reads "<field> <value>" as the secretariat types it after a task's code: a field name may be several
 * words in Vietnamese ("văn bản", "đơn vị tính", "người phụ trách"), so the longest known name wins.
 */
export function readFieldEdit(words: string[]): { field: string; value: string } {
  const n = [3, 2, 1].find((k) => EDITABLE[norm(words.slice(0, k).join(" "))] !== undefined) ?? 1;
  return { field: words.slice(0, n).join(" "), value: words.slice(n).join(" ") };
}

/**
 * Changes one field of a task, checked by the same rules as the CSV import. `value` empty clears an
 * optional field; "active" takes on/off (có/không).
 */
export async function editTask(ctx: CoreContext, actor: Actor, taskId: number, fieldName: string, value: string): Promise<TaskRow> {
  const task = await requireTask(ctx.db, taskId);
  assertCan(actor, "report.manage", task.committee_id);
  const field = EDITABLE[norm(fieldName)];
  if (!field) throw new DomainError("reports:errors.bad_field", { field: fieldName, fields: "title, source, organization, person, kind, target, unit, due, period, active" });
  return ctx.db.transaction().execute(async (trx) => {
    let set: Partial<TaskRow>;
    if (field === "active") {
      const on = ["on", "yes", "1", "có", "bật"].includes(norm(value));
      if (!on && !["off", "no", "0", "không", "tắt"].includes(norm(value))) throw new DomainError("reports:errors.bad_active");
      set = { active: on ? 1 : 0 };
    } else {
      const row: Record<string, unknown> = {
        code: task.code,
        title: task.title,
        sourceDocument: task.source_document,
        organization: task.responsible_organization,
        person: task.responsible_person_id === null ? null : "#",
        kind: task.indicator_kind,
        target: task.target_value,
        unit: task.unit,
        dueDate: task.due_date,
        period: task.period,
      };
      const r = normalizeField(field, value);
      if ("code" in r) throw new DomainError(r.code, r.params);
      row[field] = r.value;
      // Changing the kind re-derives the unit and target that only make sense for one kind.
      if (field === "kind" && r.value === "milestone") row.target = null;
      if (field === "kind" && task.indicator_kind === "percent" && r.value !== "percent") row.unit = null;
      const complete = completeRow({ line: 0, ...row } as never);
      if ("params" in complete) throw new DomainError(complete.code, complete.params);
      let personId = task.responsible_person_id;
      if (field === "person") {
        personId = null;
        if (r.value) {
          const found = await resolvePerson(trx, task.committee_id, String(r.value));
          if ("code" in found) throw new DomainError(found.code, found.params);
          personId = found.personId;
        }
      }
      set = taskValues(complete, personId);
    }
    const diff = changedFields(task, set);
    if (!diff) return task;
    const now = ctx.clock();
    await trx.updateTable("tasks").set({ ...diff.after, updated_at: iso(now) }).where("id", "=", task.id).execute();
    await recordAudit(trx, actor, now, { action: "task.update", objectType: "task", objectId: task.id, committeeId: task.committee_id, ...diff });
    return { ...task, ...diff.after, updated_at: iso(now) } as TaskRow;
  });
}

export async function requireTask(db: Executor, taskId: number): Promise<TaskRow> {
  const task = await db.selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirst();
  if (!task) throw new DomainError("reports:errors.task_not_found", { code: String(taskId) });
  return task;
}

/** A task by its code, in one of the committees the actor sits on (or any committee for the CLI). */
export async function findTaskByCode(ctx: CoreContext, actor: Actor, code: string): Promise<TaskRow> {
  let q = ctx.db.selectFrom("tasks").selectAll().where((eb) => eb(eb.fn("lower", ["code"]), "=", code.trim().toLowerCase()));
  if (actor.kind === "person") q = q.where("committee_id", "in", actor.seats.length ? actor.seats.map((s) => s.committeeId) : [-1]);
  const task = await q.orderBy("id").executeTakeFirst();
  if (!task) throw new DomainError("reports:errors.task_not_found", { code: code.trim() });
  return task;
}

/** Whether the task is the actor's own to report on: assigned to them, or to the organization of their seat. */
export function isAssignedTo(task: TaskRow, actor: Actor): boolean {
  if (actor.kind !== "person") return false;
  if (task.responsible_person_id === actor.personId) return true;
  return actor.seats.some((s) => s.committeeId === task.committee_id && can(actor, "report.submit", s.committeeId) && s.role !== "secretariat" && sameOrganization(s.organization, task.responsible_organization));
}

/** The active tasks of a committee, by code. */
export async function listTasks(ctx: CoreContext, actor: Actor, committeeId: number): Promise<(TaskRow & { personName: string | null })[]> {
  if (!can(actor, "report.view", committeeId) && !can(actor, "report.manage", committeeId)) throw new DomainError("errors:forbidden");
  return ctx.db
    .selectFrom("tasks as t")
    .leftJoin("people as p", "p.id", "t.responsible_person_id")
    .selectAll("t")
    .select("p.full_name as personName")
    .where("t.committee_id", "=", committeeId)
    .where("t.active", "=", 1)
    .orderBy("t.code")
    .execute();
}
