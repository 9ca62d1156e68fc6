import type { Executor } from "../db/database.js";
import type { ChannelName } from "../db/schema.js";
import { iso } from "./clock.js";

/** Small facts the installation remembers between runs, such as the bot's username for invite links. */
export async function getSetting(db: Executor, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

export async function putSetting(db: Executor, key: string, value: string, now: Date): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value, updated_at: iso(now) })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: iso(now) }))
    .execute();
}

/** The key of an app's own setting, e.g. `appSetting("telegram", "bot_username")`: the app owns its settings. */
export const appSetting = (channel: ChannelName, name: string): string => `${channel}.${name}`;
