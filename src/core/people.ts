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
 * The platform refuses to deliver to this person on this app (they blocked the bot). Marks that account
 * unreachable. While another of their apps may still reach them, the delivery worker tries it and nobody
 * needs to act; once every app they linked refuses, the secretariat of each of their committees is told
 * once, so someone can call them.
 */
export async function markUnreachable(ctx: CoreContext, personId: number, channel: ChannelName, reason: string, bot = ""): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    // All of the person's accounts, locked on PostgreSQL: two apps refusing at once must not both think
    // the other one still reaches the person (and so tell nobody).
    let accounts = trx.selectFrom("channel_identities").selectAll().where("person_id", "=", personId).orderBy("id");
    if (ctx.dialect === "postgres") accounts = accounts.forUpdate();
    const identities = await accounts.execute();
    const identity = identities.find((i) => i.channel === channel && i.bot === bot);
    if (!identity || identity.unreachable_at) return;
    await trx.updateTable("channel_identities").set({ unreachable_at: iso(now), unreachable_reason: reason }).where("id", "=", identity.id).execute();
    await recordAudit(trx, { kind: "system" }, now, {
      action: "account.unreachable",
      objectType: "person",
      objectId: personId,
      before: { unreachable: false },
      after: { unreachable: true, channel, reason },
    });
    if (identities.some((i) => i.id !== identity.id && i.unreachable_at === null)) return;
    const channels = [...new Set(identities.map((i) => i.channel))].join(", ");
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
          params: { name: seat.full_name, organization: seat.organization ?? "—", channel: channels },
          to: { personId: s.person_id },
          committeeId: seat.committee_id,
          dedupeKey: `unreachable:${identity.id}:${iso(now)}:${s.person_id}`,
        });
      }
    }
  });
}

/** How long a person's use of an app is not written again while that app stays their latest one. */
export const SEEN_RESOLUTION_MS = 60_000;

/**
 * The person used this app (an update from them was handled): delivery now prefers it, and an account
 * marked unreachable is reachable again (they evidently unblocked the bot). Written only when it changes
 * something — the app was not already their latest within {@link SEEN_RESOLUTION_MS}, or was unreachable —
 * so a busy conversation costs one statement per update and no write.
 */
export async function markSeen(ctx: CoreContext, personId: number, channel: ChannelName, bot = ""): Promise<void> {
  const now = ctx.clock();
  await ctx.db
    .updateTable("channel_identities")
    .set({ last_seen_at: iso(now), unreachable_at: null, unreachable_reason: null })
    .where("person_id", "=", personId)
    .where("channel", "=", channel)
    .where("bot", "=", bot)
    .where((eb) =>
      eb.or([
        eb("last_seen_at", "is", null),
        eb("last_seen_at", "<", iso(new Date(now.getTime() - SEEN_RESOLUTION_MS))),
        eb("unreachable_at", "is not", null),
        eb.exists(
          eb
            .selectFrom("channel_identities as other")
            .select("other.id")
            .where("other.person_id", "=", personId)
            .where((o) => o.or([o("other.channel", "!=", channel), o("other.bot", "!=", bot)]))
            .whereRef("other.last_seen_at", ">=", "channel_identities.last_seen_at"),
        ),
      ]),
    )
    .execute();
}
