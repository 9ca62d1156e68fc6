import type { ChannelName } from "../db/schema.js";
import { iso } from "./clock.js";
import type { CoreContext } from "./context.js";

/**
 * Where a multi-step conversation stands (a reason being typed, a proxy's details), kept in the database
 * so that a restart in the middle loses nothing a person already entered. One open dialog per person
 * and channel; starting another replaces it.
 */
export interface Dialog<T = Record<string, unknown>> {
  kind: string;
  data: T;
}

export async function getDialog<T = Record<string, unknown>>(ctx: CoreContext, personId: number, channel: ChannelName): Promise<Dialog<T> | undefined> {
  const row = await ctx.db.selectFrom("dialogs").select(["kind", "data"]).where("person_id", "=", personId).where("channel", "=", channel).executeTakeFirst();
  return row ? { kind: row.kind, data: JSON.parse(row.data) as T } : undefined;
}

export async function putDialog(ctx: CoreContext, personId: number, channel: ChannelName, dialog: Dialog<unknown>): Promise<void> {
  const values = { kind: dialog.kind, data: JSON.stringify(dialog.data), updated_at: iso(ctx.clock()) };
  await ctx.db
    .insertInto("dialogs")
    .values({ person_id: personId, channel, ...values })
    .onConflict((oc) => oc.columns(["person_id", "channel"]).doUpdateSet(values))
    .execute();
}

export async function clearDialog(ctx: CoreContext, personId: number, channel: ChannelName): Promise<boolean> {
  const r = await ctx.db.deleteFrom("dialogs").where("person_id", "=", personId).where("channel", "=", channel).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
