import type { ChannelName, Locale } from "../db/schema.js";
import type { Actor } from "./actor.js";
import { recordAudit } from "./audit.js";
import { iso } from "./clock.js";
import type { CoreContext } from "./context.js";
import { DomainError } from "./errors.js";
import { enqueueMessage } from "./outbox.js";
import { assertCan } from "./permissions.js";

export const LOCALES: readonly Locale[] = ["vi", "en"];

/** A person chooses the language the bot speaks to them; remembered on the person, for every channel. */
export async function setLanguage(ctx: CoreContext, actor: Actor, locale: string): Promise<Locale> {
  if (actor.kind !== "person") throw new DomainError("errors:forbidden");
  assertCan(actor, "profile.language");
  if (!LOCALES.includes(locale as Locale)) throw new DomainError("lang:unknown", { value: locale });
  const next = locale as Locale;
  if (actor.locale === next) return next;
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    await trx.updateTable("people").set({ locale: next, updated_at: iso(now) }).where("id", "=", actor.personId).execute();
    await recordAudit(trx, actor, now, { action: "person.language", objectType: "person", objectId: actor.personId, before: { locale: actor.locale }, after: { locale: next } });
  });
  return next;
}

/** The language a person reads: their own choice, else their first committee's, else the installation's. */
export function localeOf(ctx: CoreContext, actor: Actor): Locale {
  if (actor.kind !== "person") return ctx.settings.defaultLocale;
  return actor.locale ?? actor.seats[0]?.committeeLocale ?? ctx.settings.defaultLocale;
}

/**
 * The platform refuses to deliver to this person (they blocked the bot). Marks the account unreachable
 * and tells the secretariat of each of their committees once, so someone can call them.
 */
export async function markUnreachable(ctx: CoreContext, personId: number, channel: ChannelName, reason: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const identity = await trx
      .selectFrom("channel_identities")
      .selectAll()
      .where("person_id", "=", personId)
      .where("channel", "=", channel)
      .executeTakeFirst();
    if (!identity || identity.unreachable_at) return;
    await trx.updateTable("channel_identities").set({ unreachable_at: iso(now), unreachable_reason: reason }).where("id", "=", identity.id).execute();
    await recordAudit(trx, { kind: "system" }, now, {
      action: "account.unreachable",
      objectType: "person",
      objectId: personId,
      before: { unreachable: false },
      after: { unreachable: true, channel, reason },
    });
    const seats = await trx
      .selectFrom("memberships as m")
      .innerJoin("people as p", "p.id", "m.person_id")
      .where("m.person_id", "=", personId)
      .where("m.active", "=", 1)
      .select(["m.committee_id", "m.organization", "p.full_name"])
      .execute();
    for (const seat of seats) {
      const secretaries = await trx
        .selectFrom("memberships")
        .select("person_id")
        .where("committee_id", "=", seat.committee_id)
        .where("role", "=", "secretariat")
        .where("active", "=", 1)
        .where("person_id", "!=", personId)
        .execute();
      for (const s of secretaries) {
        await enqueueMessage(trx, now, {
          template: "delivery:unreachable_report",
          params: { name: seat.full_name, organization: seat.organization ?? "—", channel },
          to: { personId: s.person_id },
          committeeId: seat.committee_id,
          dedupeKey: `unreachable:${identity.id}:${iso(now)}:${s.person_id}`,
        });
      }
    }
  });
}

/** A person who writes to the bot again has evidently unblocked it. */
export async function clearUnreachable(ctx: CoreContext, personId: number, channel: ChannelName): Promise<void> {
  await ctx.db
    .updateTable("channel_identities")
    .set({ unreachable_at: null, unreachable_reason: null })
    .where("person_id", "=", personId)
    .where("channel", "=", channel)
    .where("unreachable_at", "is not", null)
    .execute();
}
