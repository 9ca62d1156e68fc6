import type { Executor } from "../db/database.js";
import type { ChannelName, CommitteeLevel, CommitteeRow, Locale } from "../db/schema.js";
import type { Actor } from "./actor.js";
import { recordAudit } from "./audit.js";
import type { CoreContext } from "./context.js";
import { DomainError } from "./errors.js";

export interface NewCommittee {
  code: string;
  name: string;
  level: CommitteeLevel;
  parentCode?: string;
  timeZone?: string;
  defaultLocale?: Locale;
}

const CODE = /^[A-Za-z0-9_-]{2,32}$/;

/** Creates a provincial or district committee. Only the CLI (the installation's operator) does this. */
export async function createCommittee(ctx: CoreContext, actor: Actor, input: NewCommittee): Promise<CommitteeRow> {
  if (actor.kind !== "cli") throw new DomainError("errors:forbidden");
  const code = input.code.trim();
  if (!CODE.test(code)) throw new DomainError("committees:invalid_code", { code });
  if (!input.name.trim()) throw new DomainError("committees:name_required");
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
      if (parent.level !== "province" || input.level !== "district") throw new DomainError("committees:parent_level");
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
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, now, { action: "committee.create", objectType: "committee", objectId: row.id, committeeId: row.id, after: row });
    return row;
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
