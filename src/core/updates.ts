import type { ChannelName } from "../db/schema.js";
import { DAY, iso } from "./clock.js";
import type { CoreContext } from "./context.js";

/**
 * Remembers that an incoming update was taken in hand. Returns false when it had been already, so a
 * platform that delivers the same update twice (a retry, a restart before the offset was confirmed)
 * gets it handled once.
 */
export async function claimUpdate(ctx: CoreContext, channel: ChannelName, updateId: string): Promise<boolean> {
  const result = await ctx.db
    .insertInto("processed_updates")
    .values({ channel, update_id: updateId, processed_at: iso(ctx.clock()) })
    .onConflict((oc) => oc.columns(["channel", "update_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Forgets updates older than a week; platforms never re-deliver that late. */
export async function pruneProcessedUpdates(ctx: CoreContext, keepDays = 7): Promise<number> {
  const result = await ctx.db
    .deleteFrom("processed_updates")
    .where("processed_at", "<", iso(new Date(ctx.clock().getTime() - keepDays * DAY)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
