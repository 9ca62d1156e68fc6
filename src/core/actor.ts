import { sql } from "kysely";
import type { Executor } from "../db/database.js";
import type { ChannelName, Locale, Role } from "../db/schema.js";

/** One active seat of a person on a committee, with what rendering needs about the committee. */
export interface Seat {
  membershipId: number;
  committeeId: number;
  committeeCode: string;
  committeeName: string;
  timeZone: string;
  committeeLocale: Locale;
  role: Role;
  organization: string | null;
  title: string | null;
}

/** Who is acting: a linked person with their active seats, the system itself (jobs), or the admin CLI. */
export type Actor =
  | { kind: "person"; personId: number; fullName: string; locale: Locale | null; seats: Seat[]; unreachable?: boolean }
  | { kind: "system" }
  | { kind: "cli" };

export const systemActor: Actor = { kind: "system" };
export const cliActor: Actor = { kind: "cli" };

/** Loads a person's active seats, the committee chair first, so the first seat is the most senior one. */
export async function loadSeats(db: Executor, personId: number): Promise<Seat[]> {
  const rows = await db
    .selectFrom("memberships as m")
    .innerJoin("committees as c", "c.id", "m.committee_id")
    .where("m.person_id", "=", personId)
    .where("m.active", "=", 1)
    .select([
      "m.id as membershipId",
      "c.id as committeeId",
      "c.code as committeeCode",
      "c.name as committeeName",
      "c.time_zone as timeZone",
      "c.default_locale as committeeLocale",
      "m.role as role",
      "m.organization as organization",
      "m.title as title",
    ])
    // Provincial seats first, then the others in the order they were made.
    .orderBy(sql`case when c.level = 'province' then 0 else 1 end`)
    .orderBy("c.id")
    .execute();
  return rows;
}

/**
 * Finds the person behind a chat account. Returns undefined for strangers; a person whose seats
 * are all deactivated comes back with no seats (and is then refused like a stranger). `bot` is the
 * Zalo bot the account writes through ('' for Telegram and the installation's own Zalo bot): a Zalo
 * user id may be scoped to its bot, so an account is known only on the bot it was linked through.
 */
export async function loadActorByChannel(
  db: Executor,
  channel: ChannelName,
  externalId: string,
  bot = "",
): Promise<(Actor & { kind: "person" }) | undefined> {
  const person = await db
    .selectFrom("channel_identities as ci")
    .innerJoin("people as p", "p.id", "ci.person_id")
    .where("ci.channel", "=", channel)
    .where("ci.external_id", "=", externalId)
    .where("ci.bot", "=", bot)
    .select(["p.id", "p.full_name", "p.locale", "ci.unreachable_at"])
    .executeTakeFirst();
  if (!person) return undefined;
  return {
    kind: "person",
    personId: person.id,
    fullName: person.full_name,
    locale: person.locale,
    seats: await loadSeats(db, person.id),
    unreachable: person.unreachable_at !== null,
  };
}

export const actorPersonId = (actor: Actor): number | null => (actor.kind === "person" ? actor.personId : null);
