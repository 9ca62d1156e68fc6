import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import { HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

/** A moment given as Hanoi local time ("2026-12-11 12:00"), as the fake clock takes it. */
const hanoi = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`);

describe.each(testDialects)("the meeting-soon reminder, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "member", "deputy", "standing", "secretary"]));
  });
  afterEach(() => db.drop());

  const meeting = async (start: string, title = "Phiên họp quý IV") => {
    const startsAt = hanoi(start);
    return (
      await core.meetings.create(people.secretary!, {
        committeeId,
        kind: "regular",
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * HOUR),
        place: "Phòng họp số 1",
        agenda: "1. Kết quả quý IV",
      })
    ).meeting;
  };
  const invitationOf = async (meetingId: number, who: string) =>
    (await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meetingId).where("person_id", "=", people[who]!.personId).executeTakeFirstOrThrow()).id;
  async function tickAt(local: string, instance = "test"): Promise<void> {
    clock.set(hanoi(local));
    for (;;) {
      const jobs = await core.jobs.claimDue(instance);
      if (jobs.length === 0) return;
      for (const job of jobs) expect(await core.jobs.run(job)).toBe("done");
    }
  }
  /** Who got the reminder (full names), in the order queued, with the moment it may go out. */
  const reminded = async () =>
    (
      await db.handle.db
        .selectFrom("outbox as o")
        .innerJoin("people as p", "p.id", "o.person_id")
        .select(["p.full_name", "o.not_before"])
        .where("o.template", "=", "cycle:soon.reminder")
        .orderBy("o.id")
        .execute()
    ).map((r) => [r.full_name, r.not_before.slice(0, 16)]);
  const skips = async () => (await db.handle.db.selectFrom("audit_log").select("after_json").where("action", "=", "meeting_soon.skipped").execute()).map((r) => JSON.parse(r.after_json!).reason);

  it("goes 2 hours before the meeting to those attending and to the delegate, once, and not to those absent or silent", async () => {
    const m = await meeting("2026-12-11 14:00");
    await core.meetings.attend(people.member!, { invitationId: await invitationOf(m.id, "member"), version: 1 });
    await core.meetings.absent(people.standing!, { invitationId: await invitationOf(m.id, "standing"), version: 1 }, "Đi công tác tại Hà Nội theo kế hoạch");
    const { proxyId } = await core.meetings.proxy(
      people.deputy!,
      { invitationId: await invitationOf(m.id, "deputy"), version: 1 },
      { name: "Trần Văn Bình", title: "Phó Giám đốc", organization: "Sở Thông tin và Truyền thông" },
      "Tôi thống nhất với dự thảo báo cáo quý IV và đề nghị bổ sung chỉ tiêu về hạ tầng số của tỉnh.",
    );
    await core.meetings.decide(people.chair!, "proxy", proxyId, true);
    await core.meetings.delegateInvite(people.deputy!, proxyId);

    await tickAt("2026-12-11 11:59");
    expect(await reminded()).toEqual([]);
    await tickAt("2026-12-11 12:00");
    await tickAt("2026-12-11 12:01", "other instance");
    const sent = await reminded();
    expect(sent.map(([name]) => name).sort()).toEqual(["Hồ Tiến Thiệu", "Lương Văn Đức", "Trần Văn Bình"].sort());
    expect(new Set(sent.map(([, at]) => at))).toEqual(new Set([hanoi("2026-12-11 12:00").toISOString().slice(0, 16)]));

    const row = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "cycle:soon.reminder").where("person_id", "=", people.member!.personId).executeTakeFirstOrThrow();
    const view = await createOutboxViews(core, createTranslator("vi"), clock.now)({ row, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("Sắp đến giờ họp");
    expect(view.message.text).toContain("Phiên họp quý IV");
    expect(view.message.text).toContain("14:00");
    // It is not a line of anyone's daily bundle.
    expect(await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "cycle:nudge.bundle").execute()).toEqual([]);
  });

  it("keeps out of the quiet hours: moved to their end while that is before the meeting, otherwise skipped and recorded", async () => {
    // Saturday 12/12 08:00: 06:00 is quiet, so at 07:00 (the end of the quiet hours), a weekend day notwithstanding.
    const early = await meeting("2026-12-12 08:00", "Họp trực tuyến sáng thứ Bảy");
    // Saturday 12/12 07:00: 05:00 is quiet, and the quiet hours end only as it begins.
    const dawn = await meeting("2026-12-12 07:00", "Họp khẩn lúc bình minh");
    const jobs = await db.handle.db.selectFrom("due_jobs").select(["idempotency_key", "run_at"]).where("kind", "=", "meeting.soon").orderBy("id").execute();
    expect(jobs).toEqual([
      { idempotency_key: `meeting.soon:${early.id}:v1`, run_at: hanoi("2026-12-12 07:00").toISOString() },
      { idempotency_key: `meeting.soon:${dawn.id}:v1`, run_at: hanoi("2026-12-12 05:00").toISOString() },
    ]);
    await tickAt("2026-12-12 05:00");
    expect(await reminded()).toEqual([]);
    expect(await skips()).toEqual(["quiet_hours"]);
    await tickAt("2026-12-12 07:00");
    expect(await reminded()).toEqual([["Hồ Tiến Thiệu", hanoi("2026-12-12 07:00").toISOString().slice(0, 16)]]);
  });

  it("after downtime is sent once if the meeting has not begun, and skipped if it has; moved or cancelled meetings follow", async () => {
    await meeting("2026-12-11 14:00");
    await meeting("2026-12-11 10:00", "Họp giao ban");
    const moved = await meeting("2026-12-11 15:00", "Họp chuyên đề");
    const cancelled = await meeting("2026-12-11 16:00", "Họp sơ kết");
    await core.meetings.reschedule(people.secretary!, moved.id, { startsAt: hanoi("2026-12-14 15:00"), endsAt: hanoi("2026-12-14 17:00") });
    await core.meetings.cancel(people.secretary!, cancelled.id, "Lãnh đạo tỉnh có lịch công tác đột xuất");
    // The bot was stopped from 07:00 to 13:30: the morning meeting is over, the afternoon one still ahead.
    await tickAt("2026-12-11 13:30");
    await tickAt("2026-12-11 13:31");
    const sent = await db.handle.db.selectFrom("outbox").select(["params", "person_id"]).where("template", "=", "cycle:soon.reminder").execute();
    expect(sent.map((r) => JSON.parse(r.params).title)).toEqual(["Phiên họp quý IV"]);
    expect(await skips()).toEqual(["started"]);
    // The moved meeting is reminded at its new time, once.
    await tickAt("2026-12-14 13:00");
    await tickAt("2026-12-14 14:00");
    const all = await db.handle.db.selectFrom("outbox").select("params").where("template", "=", "cycle:soon.reminder").execute();
    expect(all.map((r) => JSON.parse(r.params).title)).toEqual(["Phiên họp quý IV", "Họp chuyên đề"]);
  });
});
