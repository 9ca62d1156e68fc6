import type { Executor } from "../db/database.js";
import { actorPersonId, type Actor } from "./actor.js";
import { iso } from "./clock.js";

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId: string | number | null;
  committeeId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Records who did what, on which object, when, and the values that changed — inside the change's own transaction. */
export async function recordAudit(db: Executor, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: iso(at),
      actor_kind: actor.kind,
      actor_person_id: actorPersonId(actor),
      committee_id: entry.committeeId ?? null,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId === null ? null : String(entry.objectId),
      before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
      after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .execute();
}

/** Keeps only the fields whose values differ, for the before/after of an update. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v !== undefined && before[k] !== v) {
      b[k] = before[k];
      a[k] = v;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : undefined;
}
