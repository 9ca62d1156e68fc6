import type { Executor } from "../../db/database.js";
import type { MembershipRow, PersonRow, Role } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { changedFields, recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { issueInviteIn, type IssuedInvite } from "../invites/invites.js";
import { assertCan } from "../permissions.js";
import { nameKey, parseRosterCsv, type RosterRow, type RowError } from "./roster-csv.js";

export interface ImportReport {
  created: number;
  updated: number;
  reactivated: number;
  unchanged: number;
  errors: RowError[];
  /** Invites for the people who joined with this import, to hand out as deep links. */
  invites: IssuedInvite[];
}

type MemberRecord = PersonRow & { membership: MembershipRow };

/**
 * Imports the committee's roster from CSV text. Each row is matched to an existing member (by email, then
 * phone, then name and organization) and updated; unknown people are added and get an invite. Importing
 * the same file twice changes nothing. Bad rows are reported with their line number; the good ones import.
 */
export async function importRoster(ctx: CoreContext, actor: Actor, committeeId: number, csvText: string): Promise<ImportReport> {
  assertCan(actor, "roster.manage", committeeId);
  const parsed = parseRosterCsv(csvText);
  const report: ImportReport = { created: 0, updated: 0, reactivated: 0, unchanged: 0, errors: [...parsed.errors], invites: [] };
  if (parsed.rows.length === 0) return report;

  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const members = new MemberIndex(await loadMembers(trx, committeeId));
    const seen = new Map<number, number>();
    for (const row of parsed.rows) {
      const match = members.find(row);
      if (match && seen.has(match.id)) {
        report.errors.push({ line: row.line, code: "roster:row.duplicate", params: { other: seen.get(match.id)! } });
        continue;
      }
      if (match) {
        seen.set(match.id, row.line);
        const outcome = await updateMember(trx, actor, now, match, row);
        report[outcome]++;
        continue;
      }
      const person = (await findPersonElsewhere(trx, row)) ?? (await createPerson(trx, now, row));
      const membership = await trx
        .insertInto("memberships")
        .values({
          committee_id: committeeId,
          person_id: person.id,
          role: row.role,
          organization: row.organization,
          title: row.title,
          active: 1,
          created_at: iso(now),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, now, {
        action: "member.add",
        objectType: "membership",
        objectId: membership.id,
        committeeId,
        after: { personId: person.id, fullName: person.full_name, role: row.role, organization: row.organization, title: row.title },
      });
      members.add({ ...person, membership });
      seen.set(person.id, row.line);
      report.created++;
      const linked = await trx.selectFrom("channel_identities").select("id").where("person_id", "=", person.id).executeTakeFirst();
      if (!linked) report.invites.push(await issueInviteIn(trx, ctx, actor, membership, person.full_name));
    }
  });
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

async function loadMembers(db: Executor, committeeId: number): Promise<MemberRecord[]> {
  const memberships = await db.selectFrom("memberships").selectAll().where("committee_id", "=", committeeId).execute();
  if (memberships.length === 0) return [];
  const people = await db
    .selectFrom("people")
    .selectAll()
    .where("id", "in", memberships.map((m) => m.person_id))
    .execute();
  const byId = new Map(people.map((p) => [p.id, p]));
  return memberships.map((m) => ({ ...byId.get(m.person_id)!, membership: m }));
}

/** Finds the existing member a CSV row describes: by email, then phone, then name and organization. */
class MemberIndex {
  private readonly byEmail = new Map<string, MemberRecord>();
  private readonly byPhone = new Map<string, MemberRecord>();
  private readonly byName = new Map<string, MemberRecord>();

  constructor(members: MemberRecord[]) {
    for (const m of members) this.add(m);
  }

  add(m: MemberRecord): void {
    if (m.email && !this.byEmail.has(m.email)) this.byEmail.set(m.email, m);
    if (m.phone && !this.byPhone.has(m.phone)) this.byPhone.set(m.phone, m);
    const key = nameKey(m.full_name, m.membership.organization);
    if (!this.byName.has(key)) this.byName.set(key, m);
  }

  find(row: RosterRow): MemberRecord | undefined {
    return (
      (row.email ? this.byEmail.get(row.email) : undefined) ??
      (row.phone ? this.byPhone.get(row.phone) : undefined) ??
      this.byName.get(nameKey(row.fullName, row.organization))
    );
  }
}

/** A person already on another committee (one person may sit on several) is recognized by email or phone. */
async function findPersonElsewhere(db: Executor, row: RosterRow): Promise<PersonRow | undefined> {
  if (row.email) {
    const p = await db.selectFrom("people").selectAll().where("email", "=", row.email).executeTakeFirst();
    if (p) return p;
  }
  if (row.phone) return db.selectFrom("people").selectAll().where("phone", "=", row.phone).executeTakeFirst();
  return undefined;
}

async function createPerson(db: Executor, now: Date, row: RosterRow): Promise<PersonRow> {
  return db
    .insertInto("people")
    .values({ full_name: row.fullName, phone: row.phone, email: row.email, locale: row.locale, created_at: iso(now), updated_at: iso(now) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function updateMember(
  db: Executor,
  actor: Actor,
  now: Date,
  member: MemberRecord,
  row: RosterRow,
): Promise<"updated" | "reactivated" | "unchanged"> {
  const personChange = changedFields(member, {
    full_name: row.fullName,
    phone: row.phone ?? undefined,
    email: row.email ?? undefined,
    locale: row.locale ?? undefined,
  });
  const m = member.membership;
  const seatChange = changedFields(m, { role: row.role, organization: row.organization, title: row.title, active: 1 });
  if (!personChange && !seatChange) return "unchanged";
  if (personChange) {
    await db.updateTable("people").set({ ...personChange.after, updated_at: iso(now) }).where("id", "=", member.id).execute();
    Object.assign(member, personChange.after);
    await recordAudit(db, actor, now, { action: "person.update", objectType: "person", objectId: member.id, committeeId: m.committee_id, ...personChange });
  }
  if (seatChange) {
    const reactivating = m.active === 0;
    await db
      .updateTable("memberships")
      .set({ ...seatChange.after, ...(reactivating ? { deactivated_at: null } : {}) })
      .where("id", "=", m.id)
      .execute();
    Object.assign(m, seatChange.after);
    await recordAudit(db, actor, now, {
      action: reactivating ? "member.reactivate" : "member.update",
      objectType: "membership",
      objectId: m.id,
      committeeId: m.committee_id,
      ...seatChange,
    });
    if (reactivating) return "reactivated";
  }
  return "updated";
}

/** A line of the roster as the secretariat and leaders see it. */
export interface MemberListing {
  membershipId: number;
  personId: number;
  fullName: string;
  role: Role;
  organization: string | null;
  title: string | null;
  active: boolean;
  telegram: "linked" | "unreachable" | "not_linked";
  invite: "none" | "open" | "expired";
  inviteExpiresAt: string | null;
}

/** The committee's members with their link status; `unlinkedOnly` gives the list of whom to chase. */
export async function listMembers(
  ctx: CoreContext,
  actor: Actor,
  committeeId: number,
  opts: { unlinkedOnly?: boolean; includeInactive?: boolean } = {},
): Promise<MemberListing[]> {
  assertCan(actor, "roster.view", committeeId);
  const now = iso(ctx.clock());
  const rows = await ctx.db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .leftJoin("channel_identities as ci", (j) => j.onRef("ci.person_id", "=", "p.id").on("ci.channel", "=", "telegram"))
    .where("m.committee_id", "=", committeeId)
    .select([
      "m.id as membershipId",
      "p.id as personId",
      "p.full_name as fullName",
      "m.role",
      "m.organization",
      "m.title",
      "m.active",
      "ci.id as identityId",
      "ci.unreachable_at",
    ])
    .orderBy("m.id")
    .execute();
  const invites = await ctx.db
    .selectFrom("invites")
    .select(["person_id", "expires_at"])
    .where("committee_id", "=", committeeId)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
  const latestInvite = new Map<number, string>();
  for (const i of invites) if ((latestInvite.get(i.person_id) ?? "") < i.expires_at) latestInvite.set(i.person_id, i.expires_at);

  return rows
    .filter((r) => opts.includeInactive || r.active === 1)
    .map((r): MemberListing => {
      const expires = latestInvite.get(r.personId) ?? null;
      return {
        membershipId: r.membershipId,
        personId: r.personId,
        fullName: r.fullName,
        role: r.role,
        organization: r.organization,
        title: r.title,
        active: r.active === 1,
        telegram: r.identityId === null ? "not_linked" : r.unreachable_at ? "unreachable" : "linked",
        invite: expires === null ? "none" : expires > now ? "open" : "expired",
        inviteExpiresAt: expires,
      };
    })
    .filter((r) => !opts.unlinkedOnly || r.telegram === "not_linked");
}

/** Deactivates a seat: the member loses access at once, and every record of theirs stays. */
export async function deactivateMember(ctx: CoreContext, actor: Actor, membershipId: number): Promise<{ fullName: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom("memberships as m")
      .innerJoin("people as p", "p.id", "m.person_id")
      .where("m.id", "=", membershipId)
      .select(["m.id", "m.committee_id", "m.person_id", "m.active", "p.full_name"])
      .executeTakeFirst();
    if (!m) throw new DomainError("invites:member_not_found", { id: membershipId });
    assertCan(actor, "roster.manage", m.committee_id);
    if (!m.active) throw new DomainError("roster:already_inactive", { name: m.full_name });
    const now = ctx.clock();
    await trx.updateTable("memberships").set({ active: 0, deactivated_at: iso(now) }).where("id", "=", m.id).execute();
    await trx
      .updateTable("invites")
      .set({ revoked_at: iso(now) })
      .where("person_id", "=", m.person_id)
      .where("committee_id", "=", m.committee_id)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
    await recordAudit(trx, actor, now, {
      action: "member.deactivate",
      objectType: "membership",
      objectId: m.id,
      committeeId: m.committee_id,
      before: { active: 1 },
      after: { active: 0 },
    });
    return { fullName: m.full_name };
  });
}
