import type { Kysely } from "kysely";

// Frozen in time: a committee's group is a group chat on an app, no longer a Telegram group by name. The chat id
// keeps its value; the app is recorded beside it ("telegram" for every group linked so far). Imports nothing from src/.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("committees").renameColumn("telegram_group_chat_id", "group_chat_id").execute();
  await db.schema.alterTable("committees").addColumn("group_channel", "text").execute();
  await db.updateTable("committees").set({ group_channel: "telegram" }).where("group_chat_id", "is not", null).execute();
}

export async function down(db: AnyDb): Promise<void> {
  // Only a Telegram group fits the old column.
  await db.updateTable("committees").set({ group_chat_id: null }).where("group_channel", "!=", "telegram").execute();
  await db.schema.alterTable("committees").dropColumn("group_channel").execute();
  await db.schema.alterTable("committees").renameColumn("group_chat_id", "telegram_group_chat_id").execute();
}
