import type { Executor } from "../db/database.js";
import type { ChannelName, CommitteeLevel, CommitteeRow, Locale } from "../db/schema.js";
import type { Actor } from "./actor.js";
import { recordAudit } from "./audit.js";
import type { CoreContext } from "./context.js";
import { DomainError } from "./errors.js";

/** What the committee's documents print about it (Decree 30/2020/NĐ-CP header, date line, number, Art. 7.6). */
export interface CommitteeDocumentFields {
  /** "UBND TỈNH LẠNG SƠN": the body over the committee, first line of its documents' header. */
  governingBody?: string | null;
  /** "Lạng Sơn": the place name of the date line. */
  placeName?: string | null;
  /** "BCĐ": the code after the kind in "Số: …/BB-BCĐ". */
  codePrefix?: string | null;
  /** The body that gathers obstacles and proposals (Art. 7.6), e.g. "Sở Khoa học và Công nghệ". */
  focalBody?: string | null;
}

export interface NewCommittee extends CommitteeDocumentFields {
  code: string;
  name: string;
  level: CommitteeLevel;
  parentCode?: string;
  timeZone?: string;
  defaultLocale?: Locale;
}

/** A change to a committee: only the fields given change; null (or an empty text) clears an optional one. */
export interface CommitteeChange extends CommitteeDocumentFields {
  name?: string;
  level?: CommitteeLevel;
  /** The parent committee's code; null makes it a top-level committee. */
  parentCode?: string | null;
}

const CODE = /^[A-Za-z0-9_-]{2,32}$/;
const PREFIX = /^[\p{L}\p{N}_-]{1,16}$/u;
const FIELD_MAX = 200;

/** The document fields as columns: trimmed, an empty text as null, checked. Absent fields are left out. */
function documentColumns(fields: CommitteeDocumentFields) {
  const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || !v.trim() ? null : v.trim().replace(/\s+/g, " "));
  const out = {
    governing_body: clean(fields.governingBody),
    place_name: clean(fields.placeName),
    code_prefix: clean(fields.codePrefix),
    focal_body: clean(fields.focalBody),
  };
  for (const v of Object.values(out)) if (v && v.length > FIELD_MAX) throw new DomainError("committees:field_too_long", { max: FIELD_MAX });
  if (out.code_prefix && !PREFIX.test(out.code_prefix)) throw new DomainError("committees:invalid_prefix", { prefix: out.code_prefix });
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<Record<keyof typeof out, string | null>>;
}

/** A subordinate committee (commune, ward, or an old district) hangs under a provincial one; a province under none. */
function checkParent(level: CommitteeLevel, parent: CommitteeRow | null): void {
  if (parent && (parent.level !== "province" || level === "province")) throw new DomainError("committees:parent_level");
}

/** Creates a provincial or subordinate committee. Only the CLI (the installation's operator) does this. */
export async function createCommittee(ctx: CoreContext, actor: Actor, input: NewCommittee): Promise<CommitteeRow> {
  if (actor.kind !== "cli") throw new DomainError("errors:forbidden");
  const code = input.code.trim();
  if (!CODE.test(code)) throw new DomainError("committees:invalid_code", { code });
  if (!input.name.trim()) throw new DomainError("committees:name_required");
  const documents = documentColumns(input);
  const timeZone = input.timeZone ?? ctx.settings.timeZone;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    throw new DomainError("committees:invalid_time_zone", { timeZone });
  }
  return ctx.db.transaction().execute(async (trx) => {
    if (await findCommitteeByCode(trx, code)) throw new DomainError("committees:code_taken", { code });
    let parentId: number | null = null;
    if (input.parentCode) {
      const parent = await findCommitteeByCode(trx, input.parentCode);
      if (!parent) throw new DomainError("committees:parent_not_found", { code: input.parentCode });
      checkParent(input.level, parent);
      parentId = parent.id;
    }
    const now = ctx.clock();
    const row = await trx
      .insertInto("committees")
      .values({
        code,
        name: input.name.trim(),
        level: input.level,
        parent_id: parentId,
        time_zone: timeZone,
        default_locale: input.defaultLocale ?? ctx.settings.defaultLocale,
        created_at: now.toISOString(),
        ...documents,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, now, { action: "committee.create", objectType: "committee", objectId: row.id, committeeId: row.id, after: row });
    return row;
  });
}

/**
 * Changes a committee's name, level, parent or document fields, and audits the change. Only the CLI does this.
 * Returns the committee as it now is.
 */
export async function editCommittee(ctx: CoreContext, actor: Actor, code: string, change: CommitteeChange): Promise<CommitteeRow> {
  if (actor.kind !== "cli") throw new DomainError("errors:forbidden");
  if (change.name !== undefined && !change.name.trim()) throw new DomainError("committees:name_required");
  const documents = documentColumns(change);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await requireCommittee(trx, code);
    let parentId = before.parent_id;
    if (change.parentCode !== undefined) {
      const parent = change.parentCode === null || !change.parentCode.trim() ? null : await findCommitteeByCode(trx, change.parentCode);
      if (parent === undefined) throw new DomainError("committees:parent_not_found", { code: change.parentCode ?? "" });
      if (parent && parent.id === before.id) throw new DomainError("committees:parent_level");
      parentId = parent?.id ?? null;
    }
    const level = change.level ?? before.level;
    const parent = parentId === null ? null : await trx.selectFrom("committees").selectAll().where("id", "=", parentId).executeTakeFirstOrThrow();
    checkParent(level, parent);
    // A committee others hang under stays a provincial one.
    if (level !== "province" && (await trx.selectFrom("committees").select("id").where("parent_id", "=", before.id).executeTakeFirst())) {
      throw new DomainError("committees:has_children");
    }
    const set = { ...documents, level, parent_id: parentId, ...(change.name !== undefined ? { name: change.name.trim() } : {}) };
    await trx.updateTable("committees").set(set).where("id", "=", before.id).execute();
    const after = await trx.selectFrom("committees").selectAll().where("id", "=", before.id).executeTakeFirstOrThrow();
    await recordAudit(trx, actor, ctx.clock(), { action: "committee.edit", objectType: "committee", objectId: before.id, committeeId: before.id, before, after });
    return after;
  });
}

/**
 * A committee by its code, whatever the case ("ls" finds LS; codes are ASCII, so SQL's lower() is exact).
 * Should two codes differ only in case (rows from before this rule), the exact one wins.
 */
export async function findCommitteeByCode(db: Executor, code: string): Promise<CommitteeRow | undefined> {
  const wanted = code.trim();
  const rows = await db
    .selectFrom("committees")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["code"]), "=", wanted.toLowerCase()))
    .orderBy("id")
    .execute();
  return rows.find((c) => c.code === wanted) ?? rows[0];
}

export async function requireCommittee(db: Executor, code: string): Promise<CommitteeRow> {
  const c = await findCommitteeByCode(db, code);
  if (!c) throw new DomainError("committees:not_found", { code });
  return c;
}

export async function listCommittees(db: Executor): Promise<CommitteeRow[]> {
  return db.selectFrom("committees").selectAll().orderBy("id").execute();
}

/**
 * Links the committee's group chat on an app, where notices can also be posted. Done from inside the group by
 * a member of the committee's secretariat.
 */
export async function linkGroup(ctx: CoreContext, actor: Actor, committeeId: number, group: { channel: ChannelName; chatId: string }): Promise<CommitteeRow> {
  const { channel, chatId } = group;
  if (actor.kind === "person" && !actor.seats.some((s) => s.committeeId === committeeId && s.role === "secretariat")) throw new DomainError("errors:forbidden");
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("committees").selectAll().where("id", "=", committeeId).executeTakeFirstOrThrow();
    const now = ctx.clock();
    await trx.updateTable("committees").set({ group_chat_id: chatId, group_channel: channel }).where("id", "=", committeeId).execute();
    await recordAudit(trx, actor, now, {
      action: "committee.link_group",
      objectType: "committee",
      objectId: committeeId,
      committeeId,
      before: { group: before.group_chat_id, groupChannel: before.group_channel },
      after: { group: chatId, groupChannel: channel },
    });
    return { ...before, group_chat_id: chatId, group_channel: channel };
  });
}
