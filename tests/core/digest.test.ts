import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
].join("\n");

/** A moment given as Hanoi local time ("2026-11-30 08:00"). */
const hanoi = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`);

describe.each(testDialects)("the leaders' weekly digest, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "standing", "deputy", "member", "secretary"]));
    await core.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
    // Monday 23/11/2026 09:00: this week's digest moment has passed, so the first is Monday 30/11 08:00.
    await core.cycle.ensurePlanner(committeeId);
    await tickAt("2026-11-23 09:01");
    expect(await db.handle.db.selectFrom("reporting_periods").select("code").execute()).toEqual([{ code: "2026-Q4" }]);
  });
  afterEach(() => db.drop());

  async function tickAt(local: string, instance = "test"): Promise<void> {
    clock.set(hanoi(local));
    for (;;) {
      const jobs = await core.jobs.claimDue(instance);
      if (jobs.length === 0) return;
      for (const job of jobs) expect(await core.jobs.run(job)).toBe("done");
    }
  }
  /** The digests queued, as [full name, week]. */
  const digests = async () =>
    (
      await db.handle.db
        .selectFrom("outbox as o")
        .innerJoin("people as p", "p.id", "o.person_id")
        .select(["p.full_name", "o.params"])
        .where("o.template", "=", "cycle:digest.summary")
        .orderBy("o.id")
        .execute()
    ).map((r) => [r.full_name, JSON.parse(r.params).week as string]);
  const skips = async () => (await db.handle.db.selectFrom("audit_log").select("after_json").where("action", "=", "digest.skipped").orderBy("id").execute()).map((r) => JSON.parse(r.after_json!));
  const LEADERS = ["Hồ Tiến Thiệu", "Nguyễn Hoàng Hà", "Đoàn Thu Hà"].sort();

  it("goes on its day to the leaders only, once a week, with the summary, its buttons and the chart", async () => {
    expect(await core.cycle.nextDigest(people.secretary!, committeeId)).toEqual(hanoi("2026-11-30 08:00"));
    await expect(core.cycle.nextDigest(people.member!, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    await tickAt("2026-11-30 07:59");
    expect(await digests()).toEqual([]);
    await tickAt("2026-11-30 08:00");
    await tickAt("2026-11-30 08:01", "a second instance");
    await core.cycle.ensurePlanners(); // a restart
    await tickAt("2026-11-30 08:02");
    expect((await digests()).map(([name]) => name).sort()).toEqual(LEADERS);
    expect(new Set((await digests()).map(([, week]) => week))).toEqual(new Set(["2026-11-30"]));

    const row = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "cycle:digest.summary").where("person_id", "=", people.chair!.personId).executeTakeFirstOrThrow();
    const view = await createOutboxViews(core, createTranslator("vi"), clock.now)({ row, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("BÁO CÁO TUẦN GỬI LÃNH ĐẠO BAN CHỈ ĐẠO</b> (tuần từ 30/11/2026)");
    expect(view.message.text).toContain("Quý IV/2026");
    expect(view.message.text.length).toBeLessThanOrEqual(1000);
    expect(view.message.buttons?.flat().map((b) => b.label)).toContain("Quá hạn sau 3 lần nhắc");
    expect(view.message.file).toMatchObject({ kind: "bytes", mimeType: "image/png", photo: true });
    const png = view.message.file?.kind === "bytes" ? view.message.file.content : Buffer.alloc(0);
    expect(png.subarray(1, 4).toString()).toBe("PNG");

    // The next week's is scheduled, for Monday 07/12 08:00; a committee day off that Monday moves it to Tuesday.
    await core.cycle.dayOff(people.secretary!, committeeId, "07/12/2026", "Nghỉ bù theo thông báo của tỉnh");
    expect(await core.cycle.nextDigest(people.secretary!, committeeId)).toEqual(hanoi("2026-12-08 08:00"));
  });

  it("is skipped while paused and when no reporting period is open, and the skip is recorded", async () => {
    await core.cycle.set(people.secretary!, committeeId, "paused", "on");
    await tickAt("2026-11-30 08:00");
    await core.cycle.set(people.secretary!, committeeId, "paused", "off");
    // The quarter's period closes early (say, 05/12): the next Monday has none open.
    await db.handle.db.updateTable("reporting_periods").set({ closes_at: hanoi("2026-12-05 23:59").toISOString() }).where("committee_id", "=", committeeId).execute();
    await tickAt("2026-12-07 08:00");
    expect(await digests()).toEqual([]);
    expect((await skips()).map((s) => [s.week, s.reason])).toEqual([
      ["2026-11-30", "paused"],
      ["2026-12-07", "no_open_period"],
    ]);
  });

  it("after downtime sends the missed week's digest once if still within that week, and otherwise skips it", async () => {
    // Stopped from Sunday 29/11 to Wednesday 02/12 10:00: Monday's digest goes out then, once.
    await tickAt("2026-12-02 10:00");
    await tickAt("2026-12-02 10:01");
    expect((await digests()).map(([, week]) => week)).toEqual(["2026-11-30", "2026-11-30", "2026-11-30"]);
    // Stopped from Sunday 06/12 to Monday 14/12 09:00: the week of 07/12 is over and skipped; this week's is sent.
    await tickAt("2026-12-14 09:00");
    expect((await digests()).map(([, week]) => week).filter((w) => w !== "2026-11-30")).toEqual(["2026-12-14", "2026-12-14", "2026-12-14"]);
    expect((await skips()).map((s) => [s.week, s.reason])).toEqual([["2026-12-07", "week_over"]]);
  });
});
