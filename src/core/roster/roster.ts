import { heldCounts } from "../held.js";
import type { Executor } from "../../db/database.js";
import type { ChannelName, MembershipRow, PersonRow, Role } from "../../db/schema.js";
import type { Actor } from "../actor.js";
import { changedFields, recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { issueInviteIn, type IssuedInvite } from "../invites/invites.js";
import { assertCan } from "../permissions.js";
import { nameKey, parseRosterCsv, sameName, type RosterRow, type RowError } from "./roster-csv.js";

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
 * Imports the committee's roster from CSV text. A row is the same person as one already on file only when the
 * identity agrees: their email or phone together with the same full name, or (with neither on file) the same
 * name and organization on this committee. That person's seat is updated (or, if they sit on another committee,
 * they get a seat here); unknown people are added and get an invite. An import never renames anyone: an email
 * or phone that belongs to a person with another name, or an email of one person with the phone of another,
 * is a conflict, and that row changes nothing. Importing the same file twice changes nothing. Bad rows are
 * reported with their line number; the good ones import.
 */
export async function importRoster(ctx: CoreContext, actor: Actor, committeeId: number, csvText: string): Promise<ImportReport> {
  assertCan(actor, "roster.manage", committeeId);
  const parsed = parseRosterCsv(csvText);
  const report: ImportReport = { created: 0, updated: 0, reactivated: 0, unchanged: 0, errors: [...parsed.errors], invites: [] };
  if (parsed.rows.length === 0) return report;

  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const directory = await Directory.load(trx, committeeId, parsed.rows);
    const seen = new Map<number, number>();
    for (const row of parsed.rows) {
      const found = directory.resolve(row);
      if (found.kind === "conflict") {
        report.errors.push({ line: row.line, code: found.code, params: found.params });
        continue;
      }
      const { person } = found;
      if (person && seen.has(person.id)) {
        report.errors.push({ line: row.line, code: "roster:row.duplicate", params: { other: seen.get(person.id)! } });
        continue;
      }
      const member = person && directory.memberOf(person.id);
      if (member) {
        seen.set(member.id, row.line);
        const before = { email: member.email, phone: member.phone };
        const outcome = await updateMember(trx, actor, now, member, row);
        directory.moved(member, before);
        report[outcome]++;
        continue;
      }
      const seated = person ?? (await createPerson(trx, now, row));
      const membership = await trx
        .insertInto("memberships")
        .values({
          committee_id: committeeId,
          person_id: seated.id,
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
        after: { personId: seated.id, fullName: seated.full_name, role: row.role, organization: row.organization, title: row.title },
      });
      directory.add({ ...seated, membership });
      seen.set(seated.id, row.line);
      report.created++;
      const linked = await trx.selectFrom("channel_identities").select("id").where("person_id", "=", seated.id).executeTakeFirst();
      if (!linked) report.invites.push(await issueInviteIn(trx, ctx, actor, membership, seated.full_name));
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

/** Bound parameters per `in (…)` query, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

/** Everyone on file whose email or phone appears in the rows, from any committee (or none, as a meeting guest). */
async function loadPeopleByContact(db: Executor, rows: RosterRow[]): Promise<PersonRow[]> {
  const emails = [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
  const phones = [...new Set(rows.flatMap((r) => (r.phone ? [r.phone] : [])))];
  const out: PersonRow[] = [];
  for (let i = 0; i < emails.length; i += CHUNK) {
    out.push(...(await db.selectFrom("people").selectAll().where("email", "in", emails.slice(i, i + CHUNK)).execute()));
  }
  for (let i = 0; i < phones.length; i += CHUNK) {
    out.push(...(await db.selectFrom("people").selectAll().where("phone", "in", phones.slice(i, i + CHUNK)).execute()));
  }
  return out;
}

type Resolution =
  | { kind: "match"; person: PersonRow | undefined }
  | { kind: "conflict"; code: string; params: Record<string, string | number> };

/**
 * Who a CSV row is, among the committee's members and everyone whose email or phone the file names. Kept up to
 * date as rows add people and change contacts, so later rows of the same file see earlier ones.
 */
class Directory {
  /** This committee's members (active or not) by person id. */
  private readonly members = new Map<number, MemberRecord>();
  private readonly byName = new Map<string, MemberRecord>();
  private readonly byEmail = new Map<string, PersonRow[]>();
  private readonly byPhone = new Map<string, PersonRow[]>();

  static async load(db: Executor, committeeId: number, rows: RosterRow[]): Promise<Directory> {
    const d = new Directory();
    for (const m of await loadMembers(db, committeeId)) d.add(m);
    for (const p of await loadPeopleByContact(db, rows)) if (!d.members.has(p.id)) d.index(p);
    return d;
  }

  add(m: MemberRecord): void {
    this.members.set(m.id, m);
    const key = nameKey(m.full_name, m.membership.organization);
    if (!this.byName.has(key)) this.byName.set(key, m);
    this.index(m);
  }

  memberOf(personId: number): MemberRecord | undefined {
    return this.members.get(personId);
  }

  /** After an update: the person's old email and phone no longer lead to them, the new ones (and seat's organization) do. */
  moved(person: MemberRecord, before: { email: string | null; phone: string | null }): void {
    const key = nameKey(person.full_name, person.membership.organization);
    if (!this.byName.has(key)) this.byName.set(key, person);
    if (before.email !== person.email) {
      if (before.email) unlist(this.byEmail, before.email, person);
      if (person.email) list(this.byEmail, person.email, person);
    }
    if (before.phone !== person.phone) {
      if (before.phone) unlist(this.byPhone, before.phone, person);
      if (person.phone) list(this.byPhone, person.phone, person);
    }
  }

  resolve(row: RosterRow): Resolution {
    const byEmail = row.email ? this.owner(this.byEmail.get(row.email), row.fullName) : undefined;
    const byPhone = row.phone ? this.owner(this.byPhone.get(row.phone), row.fullName) : undefined;
    if (byEmail && byPhone && byEmail.id !== byPhone.id) {
      return this.members.has(byEmail.id) && this.members.has(byPhone.id)
        ? conflict("email_phone_split", { email: row.email!, phone: row.phone!, emailOwner: byEmail.full_name, phoneOwner: byPhone.full_name })
        : conflict("email_phone_split_elsewhere", { email: row.email!, phone: row.phone! });
    }
    const owner = byEmail ?? byPhone;
    if (owner && !sameName(owner.full_name, row.fullName)) {
      const what = byEmail ? "email" : "phone";
      const value = byEmail ? row.email! : row.phone!;
      // Another committee's members are not shown to this one's secretariat, so their name is not either.
      return this.members.has(owner.id) ? conflict(`${what}_taken`, { value, name: owner.full_name }) : conflict(`${what}_taken_elsewhere`, { value });
    }
    return { kind: "match", person: owner ?? this.byName.get(nameKey(row.fullName, row.organization)) };
  }

  private index(p: PersonRow): void {
    if (p.email) list(this.byEmail, p.email, p);
    if (p.phone) list(this.byPhone, p.phone, p);
  }

  /**
   * The person an email or phone belongs to: the one of that name if several share it (old data may have
   * that), else the first — a member of this committee before anyone else.
   */
  private owner(people: PersonRow[] | undefined, fullName: string): PersonRow | undefined {
    if (!people?.length) return undefined;
    const ranked = [...people].sort((a, b) => Number(this.members.has(b.id)) - Number(this.members.has(a.id)) || a.id - b.id);
    return ranked.find((p) => sameName(p.full_name, fullName)) ?? ranked[0];
  }
}

const conflict = (reason: string, params: Record<string, string | number>): Resolution => ({ kind: "conflict", code: `roster:row.${reason}`, params });

/** Files a person under a key, replacing an older copy of the same person. */
function list(map: Map<string, PersonRow[]>, key: string, p: PersonRow): void {
  map.set(key, [...(map.get(key) ?? []).filter((x) => x.id !== p.id), p]);
}

function unlist(map: Map<string, PersonRow[]>, key: string, p: PersonRow): void {
  const people = (map.get(key) ?? []).filter((x) => x.id !== p.id);
  if (people.length) map.set(key, people);
  else map.delete(key);
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
  // The name is never taken from the row: a row reaches here only when its name already agrees (see Directory).
  const personChange = changedFields(member, {
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
  /** Whether the bot can reach them: linked on some app, linked but unreachable on every one, or not linked. */
  link: "linked" | "unreachable" | "not_linked";
  /** The apps their linked accounts are on. */
  apps: ChannelName[];
  invite: "none" | "open" | "expired";
  inviteExpiresAt: string | null;
  /** Messages held for them until they link an app (see core/held.ts). */
  waiting: number;
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
    .where("m.committee_id", "=", committeeId)
    .select([
      "m.id as membershipId",
      "p.id as personId",
      "p.full_name as fullName",
      "m.role",
      "m.organization",
      "m.title",
      "m.active",
    ])
    .orderBy("m.id")
    .execute();
  const identities = rows.length
    ? await ctx.db
        .selectFrom("channel_identities")
        .select(["person_id", "channel", "unreachable_at"])
        .where("person_id", "in", rows.map((r) => r.personId))
        .orderBy("id")
        .execute()
    : [];
  const linksOf = new Map<number, { channel: ChannelName; reachable: boolean }[]>();
  for (const i of identities) linksOf.set(i.person_id, [...(linksOf.get(i.person_id) ?? []), { channel: i.channel, reachable: i.unreachable_at === null }]);
  const invites = await ctx.db
    .selectFrom("invites")
    .select(["person_id", "expires_at"])
    .where("committee_id", "=", committeeId)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
  const latestInvite = new Map<number, string>();
  for (const i of invites) if ((latestInvite.get(i.person_id) ?? "") < i.expires_at) latestInvite.set(i.person_id, i.expires_at);
  const waiting = await heldCounts(ctx.db, rows.filter((r) => !linksOf.has(r.personId)).map((r) => r.personId));

  return rows
    .filter((r) => opts.includeInactive || r.active === 1)
    .map((r): MemberListing => {
      const expires = latestInvite.get(r.personId) ?? null;
      const links = linksOf.get(r.personId) ?? [];
      return {
        membershipId: r.membershipId,
        personId: r.personId,
        fullName: r.fullName,
        role: r.role,
        organization: r.organization,
        title: r.title,
        active: r.active === 1,
        link: links.length === 0 ? "not_linked" : links.some((l) => l.reachable) ? "linked" : "unreachable",
        // One entry per app, though a person may be linked on several Zalo bots.
        apps: [...new Set(links.map((l) => l.channel))],
        invite: expires === null ? "none" : expires > now ? "open" : "expired",
        inviteExpiresAt: expires,
        waiting: waiting.get(r.personId) ?? 0,
      };
    })
    .filter((r) => !opts.unlinkedOnly || r.link === "not_linked");
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
