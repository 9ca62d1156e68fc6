import { Migrator, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index.js";
import { cliActor } from "../../src/core/actor.js";
import { coreFor, createProvince } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe.each(testDialects)("the committee fields the documents need, on %s", (dialect) => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it("keeps committees made before the migration, district ones included, and takes the new levels after it", async () => {
    db = await createTestDatabase(dialect, { migrate: false });
    const migrator = new Migrator({ db: db.handle.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("20261128T1300-committee-group-chat")).error).toBeUndefined();
    const k = db.handle.db as never as Kysely<Record<string, Record<string, unknown>>>;
    const row = { time_zone: "Asia/Ho_Chi_Minh", default_locale: "vi", created_at: "2026-11-28T00:00:00.000Z" };
    await k.insertInto("committees").values({ ...row, code: "LS", name: "Ban Chỉ đạo tỉnh", level: "province", parent_id: null }).execute();
    await k.insertInto("committees").values({ ...row, code: "CL", name: "Ban Chỉ đạo huyện Cao Lộc", level: "district", parent_id: 1 }).execute();
    // The old schema refuses a commune.
    await expect(k.insertInto("committees").values({ ...row, code: "DD", name: "x", level: "commune", parent_id: 1 }).execute()).rejects.toThrow();

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const after = await db.handle.db.selectFrom("committees").select(["code", "level", "parent_id", "governing_body", "place_name", "code_prefix", "focal_body"]).orderBy("id").execute();
    expect(after).toEqual([
      { code: "LS", level: "province", parent_id: null, governing_body: null, place_name: null, code_prefix: null, focal_body: null },
      { code: "CL", level: "district", parent_id: 1, governing_body: null, place_name: null, code_prefix: null, focal_body: null },
    ]);
    await k.insertInto("committees").values({ ...row, code: "DD", name: "Ban Chỉ đạo xã Đồng Đăng", level: "commune", parent_id: 1 }).execute();
    await k.insertInto("committees").values({ ...row, code: "DT", name: "Ban Chỉ đạo phường Đông Kinh", level: "ward", parent_id: 1 }).execute();
    await expect(k.insertInto("committees").values({ ...row, code: "XX", name: "x", level: "hamlet", parent_id: 1 }).execute()).rejects.toThrow();
    expect(await db.handle.db.selectFrom("meetings").select("secretary_person_id").execute()).toEqual([]);

    // And back: commune and ward committees become the old subordinate level.
    expect((await migrator.migrateTo("20261128T1300-committee-group-chat")).error).toBeUndefined();
    const down = await k.selectFrom("committees").select(["code", "level"]).orderBy("id").execute();
    expect(down).toEqual([
      { code: "LS", level: "province" },
      { code: "CL", level: "district" },
      { code: "DD", level: "district" },
      { code: "DT", level: "district" },
    ]);
  });

  it("finds a committee by its code in any case, and refuses a taken code in another case", async () => {
    db = await createTestDatabase(dialect);
    const { core } = coreFor(db);
    const ls = await createProvince(core);
    expect((await core.committees.byCode("ls"))?.id).toBe(ls.id);
    expect((await core.committees.require(" Ls "))?.id).toBe(ls.id);
    await expect(createProvince(core, "ls")).rejects.toMatchObject({ code: "committees:code_taken" });
    await expect(core.committees.create(cliActor, { code: "DD", name: "Ban Chỉ đạo xã Đồng Đăng", level: "province", parentCode: "LS" })).rejects.toMatchObject({ code: "committees:parent_level" });
    const ward = await core.committees.create(cliActor, { code: "DK", name: "Ban Chỉ đạo phường Đông Kinh", level: "ward", parentCode: "ls", placeName: "Lạng Sơn", focalBody: "Phòng Văn hóa - Xã hội" });
    expect(ward).toMatchObject({ level: "ward", parent_id: ls.id, place_name: "Lạng Sơn", focal_body: "Phòng Văn hóa - Xã hội", governing_body: null });
  });
});
