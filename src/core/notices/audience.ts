import type { Executor } from "../../db/database.js";
import { LEADER_ROLES } from "../permissions.js";
import { DomainError } from "../errors.js";

/**
 * Who a notice is for. "districts" reaches the members of the district committees under a provincial
 * committee (all of them, or those whose codes are given).
 */
export type Audience =
  | { kind: "all" }
  | { kind: "leaders" }
  | { kind: "members" }
  | { kind: "secretariat" }
  | { kind: "organizations"; organizations: string[] }
  | { kind: "people"; membershipIds: number[] }
  | { kind: "districts"; committeeCodes?: string[] };

/** The people an audience reaches today: active seats only, each person once. */
export async function resolveAudience(db: Executor, committeeId: number, audience: Audience): Promise<number[]> {
  let committeeIds = [committeeId];
  if (audience.kind === "districts") {
    let q = db.selectFrom("committees").select(["id", "code"]).where("parent_id", "=", committeeId);
    if (audience.committeeCodes?.length) q = q.where("code", "in", audience.committeeCodes);
    committeeIds = (await q.execute()).map((c) => c.id);
    if (committeeIds.length === 0) throw new DomainError("notices:errors.no_districts");
  }
  let q = db.selectFrom("memberships").select("person_id").where("committee_id", "in", committeeIds).where("active", "=", 1);
  switch (audience.kind) {
    case "leaders":
      q = q.where("role", "in", [...LEADER_ROLES]);
      break;
    case "members":
      q = q.where("role", "=", "member");
      break;
    case "secretariat":
      q = q.where("role", "=", "secretariat");
      break;
    case "organizations":
      if (!audience.organizations.length) throw new DomainError("notices:errors.empty_audience");
      q = q.where("organization", "in", audience.organizations);
      break;
    case "people":
      if (!audience.membershipIds.length) throw new DomainError("notices:errors.empty_audience");
      q = q.where("id", "in", audience.membershipIds);
      break;
  }
  const ids = [...new Set((await q.orderBy("id").execute()).map((r) => r.person_id))];
  if (ids.length === 0) throw new DomainError("notices:errors.empty_audience");
  return ids;
}

/** The organizations of a committee's active members, for choosing an audience by organization. */
export async function organizationsOf(db: Executor, committeeId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("memberships")
    .select("organization")
    .distinct()
    .where("committee_id", "=", committeeId)
    .where("active", "=", 1)
    .where("organization", "is not", null)
    .orderBy("organization")
    .execute();
  return rows.map((r) => r.organization!).filter(Boolean);
}

/**
 * The membership numbers the secretariat types to choose recipients (as /members lists them): whole
 * positive numbers separated by commas, semicolons or spaces ("3, 5 12"), each once. Throws a DomainError
 * naming the first piece that is not such a number.
 */
export function readMembershipNumbers(text: string): number[] {
  const pieces = text.split(/[\s,;]+/).filter(Boolean);
  const bad = pieces.length ? pieces.find((p) => !/^\d{1,9}$/.test(p) || Number(p) === 0) : text.trim();
  if (bad !== undefined) throw new DomainError("notices:errors.bad_number", { value: bad.slice(0, 40) });
  return [...new Set(pieces.map(Number))];
}
