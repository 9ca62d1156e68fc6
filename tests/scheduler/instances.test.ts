import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.js";
import { createLogger } from "../../src/logger.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
].join("\n");

/** A moment given as Hanoi local time. */
const hanoi = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`);

/**
 * Two bot instances on one PostgreSQL database, each with its own connection pool and scheduler, ticking at the
 * same moments: every person is nudged once a day, each weekly digest and meeting-soon reminder goes out once.
 */
describe.runIf(Boolean(process.env.TEST_DATABASE_URL))("two scheduler instances on one PostgreSQL database", () => {
  let db: TestDatabase;
  let second: DatabaseHandle;
  let cores: Core[];
  const clock = new FakeClock();
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase("postgres");
    second = openDatabase(db.url);
    const first = coreFor(db, clock).core;
    cores = [first, coreFor({ ...db, handle: second }, clock).core];
    clock.set(hanoi("2026-11-23 09:00"));
    const committeeId = (await createProvince(first)).id;
    Object.assign(people, await linkRoster(first, db, committeeId, ["chair", "standing", "deputy", "member", "secretary"]));
    await first.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
    const startsAt = hanoi("2026-12-11 14:00");
    const { meeting } = await first.meetings.create(people.secretary!, { committeeId, kind: "regular", title: "Phiên họp quý IV", startsAt, endsAt: hanoi("2026-12-11 16:00"), place: "Phòng họp số 1", agenda: "1. Kết quả quý IV" });
    const invitation = await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", people.member!.personId).executeTakeFirstOrThrow();
    await first.meetings.attend(people.member!, { invitationId: invitation.id, version: 1 });
    await first.cycle.ensurePlanner(committeeId);
  });
  afterEach(async () => {
    await second.close();
    await db.drop();
  });

  it("nudge each person once a day, and send each digest and meeting reminder once", async () => {
    const logger = createLogger({ level: "silent", pretty: false, secrets: [] });
    const schedulers = cores.map((core) => createScheduler({ core, logger }, "* * * * * *"));
    // Every working morning and noon from Tuesday 24/11 to Friday 11/12, both instances tick at once.
    for (let d = hanoi("2026-11-24 00:00"); d <= hanoi("2026-12-11 00:00"); d = new Date(d.getTime() + 86_400_000)) {
      for (const hour of ["08:00", "12:00"]) {
        clock.set(new Date(d.getTime() + (Number(hour.slice(0, 2)) * 60) * 60_000));
        await Promise.all(schedulers.map((s) => s.tick()));
      }
    }
    const rows = await db.handle.db.selectFrom("outbox").select(["template", "person_id", "not_before"]).where("template", "in", ["cycle:nudge.bundle", "cycle:digest.summary", "cycle:soon.reminder"]).execute();
    const perDay = new Map<string, number>();
    for (const r of rows) {
      const key = `${r.template}:${r.person_id}:${r.not_before.slice(0, 10)}`;
      perDay.set(key, (perDay.get(key) ?? 0) + 1);
    }
    expect([...perDay.values()].every((n) => n === 1)).toBe(true);
    const member = rows.filter((r) => r.template === "cycle:nudge.bundle" && r.person_id === people.member!.personId);
    // Reports due Tuesday 15/12: −7 and −3 working days are Friday 04/12 and Thursday 10/12 (the invitation is answered).
    expect(member.map((r) => r.not_before.slice(0, 10))).toEqual(["2026-12-04", "2026-12-10"]);
    // Mondays 30/11 and 07/12: three leaders each.
    expect(rows.filter((r) => r.template === "cycle:digest.summary")).toHaveLength(6);
    // The meeting soon, Friday 11/12 12:00: to the chair and the member, who attend.
    expect(rows.filter((r) => r.template === "cycle:soon.reminder").map((r) => r.person_id).sort()).toEqual([people.chair!.personId, people.member!.personId].sort());
  });
});
