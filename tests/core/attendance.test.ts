import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const OPINION = "Thống nhất với dự thảo báo cáo; đề nghị bổ sung chỉ tiêu về thanh toán không dùng tiền mặt.";

describe.each(testDialects)("actual attendance on %s", (dialect) => {
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
  });
  afterEach(() => db.drop());

  /** A meeting in three days, where the member's delegate has the chair's approval. */
  const meetingWithProxy = async () => {
    const startsAt = new Date(clock.now().getTime() + 3 * DAY);
    const { meeting } = await core.meetings.create(people.secretary!, { committeeId, kind: "regular", title: "Phiên họp quý IV", startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR), place: "Phòng họp số 1", agenda: "1. Kết quả" });
    const inv = await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", people.member!.personId).executeTakeFirstOrThrow();
    const { proxyId } = await core.meetings.proxy(people.member!, { invitationId: inv.id, version: meeting.version }, { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" }, OPINION);
    await core.meetings.decide(people.chair!, "proxy", proxyId, true);
    return meeting;
  };
  const recorded = async (meetingId: number, personId: number) =>
    db.handle.db.selectFrom("attendance").select(["presence", "delegate_name"]).where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirst();

  it("one tap moves a person round present → absent → represented → present, passing over represented without an approved proxy", async () => {
    const meeting = await meetingWithProxy();
    await expect(core.meetings.cycleAttendance(people.secretary!, meeting.id, people.member!.personId)).rejects.toMatchObject({ code: "meetings:errors.attendance_not_open" });
    clock.advance(3 * DAY - HOUR);

    const member = people.member!.personId;
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, member)).toBe("present");
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, member)).toBe("absent");
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, member)).toBe("represented");
    expect(await recorded(meeting.id, member)).toEqual({ presence: "represented", delegate_name: "Nông Văn Bình" });
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, member)).toBe("present");
    expect(await recorded(meeting.id, member)).toEqual({ presence: "present", delegate_name: null });

    const deputy = people.deputy!.personId;
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, deputy)).toBe("present");
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, deputy)).toBe("absent");
    expect(await core.meetings.cycleAttendance(people.secretary!, meeting.id, deputy)).toBe("present");
  });

  it("is the secretariat's, and only for the members invited", async () => {
    const meeting = await meetingWithProxy();
    clock.advance(3 * DAY - HOUR);
    await expect(core.meetings.cycleAttendance(people.member!, meeting.id, people.member!.personId)).rejects.toMatchObject({ code: "errors:forbidden" });
    // The secretary is not invited; a delegate or a guest is not on the sheet either.
    await expect(core.meetings.cycleAttendance(people.secretary!, meeting.id, people.secretary!.personId)).rejects.toMatchObject({ code: "meetings:errors.not_invitee" });
    expect(await db.handle.db.selectFrom("attendance").selectAll().execute()).toEqual([]);
  });
});
