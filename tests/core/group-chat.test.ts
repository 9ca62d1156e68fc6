import { Migrator, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe.each(testDialects)("a committee's group chat on an app, on %s", (dialect) => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it("keeps a Telegram group linked before the migration, now as a group chat on Telegram", async () => {
    db = await createTestDatabase(dialect, { migrate: false });
    const migrator = new Migrator({ db: db.handle.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("20261128T1200-choice-numbers")).error).toBeUndefined();
    const k = db.handle.db as never as Kysely<Record<string, Record<string, unknown>>>;
    const row = { name: "x", level: "province", parent_id: null, time_zone: "Asia/Ho_Chi_Minh", default_locale: "vi", created_at: "2026-11-28T00:00:00.000Z" };
    await k.insertInto("committees").values({ ...row, code: "LS", telegram_group_chat_id: "-1001234" }).execute();
    await k.insertInto("committees").values({ ...row, code: "CB", telegram_group_chat_id: null }).execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const after = await db.handle.db.selectFrom("committees").select(["code", "group_chat_id", "group_channel"]).orderBy("code").execute();
    expect(after).toEqual([
      { code: "CB", group_chat_id: null, group_channel: null },
      { code: "LS", group_chat_id: "-1001234", group_channel: "telegram" },
    ]);
  });

  it("posts a notice to the group on the group's own app", async () => {
    db = await createTestDatabase(dialect);
    const { core } = coreFor(db);
    const committeeId = (await createProvince(core)).id;
    const people = await linkRoster(core, db, committeeId, ["secretary"]);
    const linked = await core.committees.linkGroup(people.secretary!, committeeId, { channel: "zalo", chatId: "zalo-group-7" });
    expect(linked).toMatchObject({ group_chat_id: "zalo-group-7", group_channel: "zalo" });
    const { noticeId } = await core.notices.send(people.secretary!, { committeeId, body: "Thông báo", audience: { kind: "all" }, ackRequired: false, postToGroup: true });
    const post = await db.handle.db.selectFrom("outbox").select(["chat_id", "channel"]).where("dedupe_key", "=", `notice:${noticeId}:group`).executeTakeFirstOrThrow();
    expect(post).toEqual({ chat_id: "zalo-group-7", channel: "zalo" });
  });
});
