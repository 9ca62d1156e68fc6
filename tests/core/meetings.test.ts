import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const OPINION = "Thống nhất với dự thảo báo cáo; đề nghị bổ sung chỉ tiêu về thanh toán không dùng tiền mặt.";

describe.each(testDialects)("meetings on %s", (dialect) => {
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

  const meetingInput = () => ({
    committeeId,
    kind: "regular" as const,
    title: "Phiên họp Ban Chỉ đạo quý IV/2026",
    startsAt: new Date(clock.now().getTime() + 7 * DAY),
    endsAt: new Date(clock.now().getTime() + 7 * DAY + 2 * HOUR),
    place: "Phòng họp số 1, UBND tỉnh",
    agenda: "1. Kết quả chuyển đổi số quý IV\n2. Kế hoạch năm 2027",
  });
  const invitationOf = async (meetingId: number, personId: number) =>
    db.handle.db.selectFrom("invitations").selectAll().where("meeting_id", "=", meetingId).where("person_id", "=", personId).executeTakeFirstOrThrow();

  it("invites every active member and leader, once each, through the outbox", async () => {
    const { meeting, invited } = await core.meetings.create(people.secretary!, meetingInput());
    expect(invited).toBe(4);
    expect(meeting.chair_person_id).toBe(people.chair!.personId);
    const rows = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "meetings:invitation").execute();
    expect(rows.map((r) => r.person_id).sort()).toEqual([people.chair!.personId, people.standing!.personId, people.deputy!.personId, people.member!.personId].sort());
  });

  it("lets only the secretariat call a meeting, and validates what it is given", async () => {
    await expect(core.meetings.create(people.member!, meetingInput())).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.meetings.create(people.chair!, meetingInput())).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.meetings.create(people.secretary!, { ...meetingInput(), title: "  " })).rejects.toMatchObject({ code: "meetings:errors.title_required" });
    await expect(core.meetings.create(people.secretary!, { ...meetingInput(), startsAt: new Date(clock.now().getTime() - HOUR) })).rejects.toMatchObject({
      code: "meetings:errors.start_in_past",
    });
    await expect(core.meetings.create(people.secretary!, { ...meetingInput(), place: null })).rejects.toMatchObject({ code: "meetings:errors.place_required" });
    await expect(core.meetings.create(people.secretary!, { ...meetingInput(), chairPersonId: people.member!.personId })).rejects.toMatchObject({
      code: "meetings:errors.bad_chair",
    });
    expect(await db.handle.db.selectFrom("meetings").selectAll().execute()).toHaveLength(0);
  });

  it("records attendance, ignores a double tap, and refuses answers after the deadline", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const inv = await invitationOf(meeting.id, people.member!.personId);
    const target = { invitationId: inv.id, version: meeting.version };
    expect(await core.meetings.attend(people.member!, target)).toEqual({ changed: true });
    expect(await core.meetings.attend(people.member!, target)).toEqual({ changed: false });
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("attend");
    await expect(core.meetings.attend(people.deputy!, target)).rejects.toMatchObject({ code: "meetings:errors.not_invited" });
    await expect(core.meetings.attend(people.member!, { ...target, version: 0 })).rejects.toMatchObject({ code: "meetings:errors.stale" });
    clock.advance(6 * DAY + HOUR);
    await expect(core.meetings.absent(people.member!, target, "Đi công tác")).rejects.toMatchObject({ code: "meetings:errors.deadline_passed" });
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("attend");
  });

  it("sends an absence to the chair, who alone decides, and tells the member", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const inv = await invitationOf(meeting.id, people.member!.personId);
    const target = { invitationId: inv.id, version: meeting.version };
    await expect(core.meetings.absent(people.member!, target, "   ")).rejects.toMatchObject({ code: "meetings:errors.reason_required" });
    const { requestId } = await core.meetings.absent(people.member!, target, "Đi công tác tại Hà Nội");
    const toChair = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "meetings:absence_request").execute();
    expect(toChair.map((r) => r.person_id)).toEqual([people.chair!.personId]);

    await expect(core.meetings.decide(people.member!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.not_chair" });
    await expect(core.meetings.decide(people.deputy!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.not_chair" });
    await expect(core.meetings.decide(people.secretary!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.not_chair" });
    expect((await core.meetings.pendingApprovals(people.chair!)).map((r) => r.memberName)).toEqual(["Lương Văn Đức"]);
    expect((await core.meetings.pendingApprovals(people.standing!)).map((r) => r.memberName)).toEqual(["Lương Văn Đức"]);

    expect(await core.meetings.decide(people.chair!, "absence", requestId, true)).toEqual({ changed: true, status: "approved" });
    expect(await core.meetings.decide(people.chair!, "absence", requestId, true)).toEqual({ changed: false, status: "approved" });
    await expect(core.meetings.decide(people.standing!, "absence", requestId, false)).rejects.toMatchObject({ code: "meetings:errors.request_approved" });
    const toMember = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "meetings:decision").execute();
    expect(toMember.map((r) => r.person_id)).toEqual([people.member!.personId]);
    expect(await core.meetings.pendingApprovals(people.chair!)).toEqual([]);
  });

  it("lets an absence be asked for once per answer: again the same changes nothing, another is refused while one stands", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const inv = await invitationOf(meeting.id, people.member!.personId);
    const target = { invitationId: inv.id, version: meeting.version };
    const { requestId } = await core.meetings.absent(people.member!, target, "Dự hội nghị của Bộ tại Hà Nội");
    expect(await core.meetings.absent(people.member!, target, "Dự hội nghị của Bộ tại Hà Nội")).toEqual({ requestId, changed: false });
    await expect(core.meetings.absent(people.member!, target, "Đi công tác")).rejects.toMatchObject({ code: "meetings:errors.absence_pending" });
    await expect(core.meetings.checkAbsenceOpen(people.member!, target)).rejects.toMatchObject({ code: "meetings:errors.absence_pending" });
    await core.meetings.decide(people.chair!, "absence", requestId, true);
    await expect(core.meetings.absent(people.member!, target, "Đi công tác")).rejects.toMatchObject({
      code: "meetings:errors.absence_approved",
      params: { reason: "Dự hội nghị của Bộ tại Hà Nội" },
    });
    await expect(core.meetings.absent(people.member!, target, "Dự hội nghị của Bộ tại Hà Nội")).rejects.toMatchObject({ code: "meetings:errors.absence_approved" });
    const rows = await db.handle.db.selectFrom("absence_requests").select(["status"]).execute();
    expect(rows).toEqual([{ status: "approved" }]);
    expect(await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "meetings:absence_request").execute()).toHaveLength(1);
    // A new answer starts afresh: attending, then absent again, is a new request for the chair.
    await core.meetings.attend(people.member!, target);
    await core.meetings.checkAbsenceOpen(people.member!, target);
    expect(await core.meetings.absent(people.member!, target, "Ốm")).toMatchObject({ changed: true });
  });

  it("records the meeting's chair as present, asks him nothing, and lets only him hand the chair to the standing deputy", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const chairInv = await invitationOf(meeting.id, people.chair!.personId);
    expect(chairInv.answer).toBe("attend");
    const card = await core.meetings.card(chairInv.id);
    expect(card).toMatchObject({ chairing: true, handOverTo: { fullName: "Đoàn Thu Hà" } });
    await expect(core.meetings.absent(people.chair!, { invitationId: chairInv.id, version: meeting.version }, "Đi công tác")).rejects.toMatchObject({
      code: "meetings:errors.chair_no_answer",
    });
    const roster = await core.meetings.roster(people.secretary!, meeting.id);
    expect(roster.counts.attending).toBe(1);

    for (const who of ["member", "standing", "secretary"]) {
      await expect(core.meetings.handOverChair(people[who]!, meeting.id)).rejects.toMatchObject({ code: "meetings:errors.not_meeting_chair" });
    }
    const memberInv = await invitationOf(meeting.id, people.member!.personId);
    const { requestId } = await core.meetings.absent(people.member!, { invitationId: memberInv.id, version: meeting.version }, "Đi công tác");
    expect(await core.meetings.handOverChair(people.chair!, meeting.id)).toEqual({ changed: true, chairName: "Đoàn Thu Hà" });
    expect(await core.meetings.handOverChair(people.chair!, meeting.id)).toEqual({ changed: false, chairName: "Đoàn Thu Hà" });
    expect((await invitationOf(meeting.id, people.standing!.personId)).answer).toBe("attend");
    expect((await invitationOf(meeting.id, people.chair!.personId)).answer).toBe("none");
    const told = await db.handle.db.selectFrom("outbox").select(["template", "person_id"]).where("template", "in", ["meetings:chair_handed", "meetings:absence_request"]).orderBy("id").execute();
    expect(told).toEqual([
      { template: "meetings:absence_request", person_id: people.chair!.personId },
      { template: "meetings:chair_handed", person_id: people.standing!.personId },
      { template: "meetings:absence_request", person_id: people.standing!.personId },
    ]);
    // The former chair no longer decides; the new chair does, and cannot hand the chair to herself.
    await expect(core.meetings.decide(people.chair!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.not_chair" });
    await expect(core.meetings.handOverChair(people.standing!, meeting.id)).rejects.toMatchObject({ code: "meetings:errors.no_standing_deputy" });
    expect(await core.meetings.card((await invitationOf(meeting.id, people.standing!.personId)).id)).toMatchObject({ chairing: true, handOverTo: null });

    // A new time keeps the chair present; everyone else answers again.
    await core.meetings.reschedule(people.secretary!, meeting.id, { startsAt: new Date(clock.now().getTime() + 8 * DAY), endsAt: new Date(clock.now().getTime() + 8 * DAY + HOUR) });
    expect((await invitationOf(meeting.id, people.standing!.personId)).answer).toBe("attend");
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("none");
  });

  it("requires a written opinion for a proxy, and counts an approved proxy in the quorum forecast", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const target = async (who: string) => ({ invitationId: (await invitationOf(meeting.id, people[who]!.personId)).id, version: meeting.version });
    const delegate = { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính", contact: "0912000111" };
    await expect(core.meetings.proxy(people.member!, await target("member"), delegate, "Đồng ý.")).rejects.toMatchObject({
      code: "meetings:errors.opinion_too_short",
      params: { min: 50, length: 7 },
    });
    await expect(core.meetings.proxy(people.member!, await target("member"), { ...delegate, name: " " }, OPINION)).rejects.toMatchObject({
      code: "meetings:errors.delegate_field_required",
    });
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("none");
    const { proxyId } = await core.meetings.proxy(people.member!, await target("member"), delegate, OPINION);
    await core.meetings.attend(people.deputy!, await target("deputy"));
    await core.meetings.absent(people.standing!, await target("standing"), "Ốm");

    let roster = await core.meetings.roster(people.chair!, meeting.id);
    // The chair chairs the meeting: present without answering.
    expect(roster.counts).toMatchObject({ invited: 4, attending: 2, proxyPending: 1, absentPending: 1, noAnswer: 0 });
    expect(roster.forecast).toBeCloseTo(2 / 4);
    expect(roster.lines.find((l) => l.fullName === "Lương Văn Đức")).toMatchObject({ answer: "proxy", requestStatus: "pending", delegateName: "Nông Văn Bình" });

    await core.meetings.decide(people.chair!, "proxy", proxyId, true);
    roster = await core.meetings.roster(people.secretary!, meeting.id);
    expect(roster.counts).toMatchObject({ attending: 2, proxyApproved: 1 });
    expect(roster.forecast).toBeCloseTo(3 / 4);
    await expect(core.meetings.roster(people.member!, meeting.id)).rejects.toMatchObject({ code: "errors:forbidden" });
  });

  it("lets the chair not decide on his own absence; the standing deputy does", async () => {
    // A meeting the standing deputy chairs: the committee's chair is invited like a member.
    const { meeting } = await core.meetings.create(people.secretary!, { ...meetingInput(), chairPersonId: people.standing!.personId });
    const inv = await invitationOf(meeting.id, people.chair!.personId);
    const { requestId } = await core.meetings.absent(people.chair!, { invitationId: inv.id, version: meeting.version }, "Họp với Bộ");
    await expect(core.meetings.decide(people.chair!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.not_chair" });
    expect(await core.meetings.decide(people.standing!, "absence", requestId, true)).toMatchObject({ status: "approved" });
  });

  it("withdraws a pending request when the member decides to attend after all", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const inv = await invitationOf(meeting.id, people.member!.personId);
    const target = { invitationId: inv.id, version: meeting.version };
    const { requestId } = await core.meetings.absent(people.member!, target, "Đi công tác");
    await core.meetings.attend(people.member!, target);
    await expect(core.meetings.decide(people.chair!, "absence", requestId, true)).rejects.toMatchObject({ code: "meetings:errors.request_withdrawn" });
    const audit = await db.handle.db.selectFrom("audit_log").select(["action", "before_json", "after_json"]).where("object_type", "=", "invitation").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["invitation.absent", "invitation.attend"]);
    expect(JSON.parse(audit[1]!.before_json!)).toEqual({ answer: "absent" });
  });

  it("warns the chair and the secretariat when too few will come, three days before, once per meeting version", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const target = async (who: string) => ({ invitationId: (await invitationOf(meeting.id, people[who]!.personId)).id, version: meeting.version });
    // The chair (present, as he chairs it) and one member: 2 of 4.
    await core.meetings.attend(people.member!, await target("member"));
    const runDue = async () => {
      const jobs = await core.jobs.claimDue("test");
      for (const j of jobs) await core.jobs.run(j);
      return jobs.map((j) => j.kind);
    };
    expect(await runDue()).toEqual([]);
    clock.advance(4 * DAY + HOUR);
    expect(await runDue()).toEqual(["meeting.quorum_check"]);
    const warnings = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "meetings:quorum_warning").execute();
    expect(warnings.map((w) => w.person_id).sort()).toEqual([people.chair!.personId, people.secretary!.personId].sort());
    expect(JSON.parse(warnings[0]!.params)).toMatchObject({ percent: { $percent: 50 }, threshold: { $percent: 67 }, expected: 2, invited: 4, noAnswer: 2 });
    expect(await runDue()).toEqual([]);
  });

  it("does not warn when enough members will be there", async () => {
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    for (const who of ["member", "deputy", "standing"]) {
      await core.meetings.attend(people[who]!, { invitationId: (await invitationOf(meeting.id, people[who]!.personId)).id, version: meeting.version });
    }
    clock.advance(4 * DAY + HOUR);
    for (const j of await core.jobs.claimDue("test")) await core.jobs.run(j);
    expect(await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "meetings:quorum_warning").execute()).toEqual([]);
  });
  it("asks for a deadline for a meeting less than a day ahead, instead of one already past", async () => {
    const soon = { ...meetingInput(), startsAt: new Date(clock.now().getTime() + 5 * HOUR), endsAt: new Date(clock.now().getTime() + 7 * HOUR) };
    await expect(core.meetings.create(people.secretary!, soon)).rejects.toMatchObject({ code: "meetings:errors.deadline_needed" });
    expect(await db.handle.db.selectFrom("meetings").selectAll().execute()).toHaveLength(0);
    const deadline = new Date(clock.now().getTime() + 3 * HOUR);
    const { meeting } = await core.meetings.create(people.secretary!, { ...soon, answerDeadline: deadline });
    expect(new Date(meeting.answer_deadline).getTime()).toBe(deadline.getTime());
    // A member can still answer: the deadline lies ahead.
    await core.meetings.attend(people.member!, { invitationId: (await invitationOf(meeting.id, people.member!.personId)).id, version: meeting.version });
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("attend");
  });

  it("refuses a link longer than core's limit, in a new meeting and in a reschedule", async () => {
    const long = `https://meet.langson.gov.vn/${"a".repeat(500)}`;
    await expect(core.meetings.create(people.secretary!, { ...meetingInput(), onlineLink: long })).rejects.toMatchObject({ code: "meetings:errors.too_long", params: { max: 500 } });
    const { meeting } = await core.meetings.create(people.secretary!, meetingInput());
    const later = new Date(clock.now().getTime() + 8 * DAY);
    await expect(core.meetings.reschedule(people.secretary!, meeting.id, { startsAt: later, endsAt: new Date(later.getTime() + HOUR), onlineLink: long })).rejects.toMatchObject({
      code: "meetings:errors.too_long",
    });
    await expect(core.meetings.edit(people.secretary!, meeting.id, { onlineLink: "meet.langson" })).rejects.toMatchObject({ code: "meetings:errors.bad_link" });
  });

  it("a reschedule to the same time changes nothing and says so; a new place at the same time keeps every answer", async () => {
    const input = meetingInput();
    const { meeting } = await core.meetings.create(people.secretary!, input);
    await core.meetings.attend(people.member!, { invitationId: (await invitationOf(meeting.id, people.member!.personId)).id, version: meeting.version });
    const outbox = async () => (await db.handle.db.selectFrom("outbox").select("template").execute()).map((r) => r.template);
    const before = await outbox();
    await expect(core.meetings.reschedule(people.secretary!, meeting.id, { startsAt: input.startsAt, endsAt: input.endsAt })).rejects.toMatchObject({
      code: "meetings:errors.same_schedule",
      params: { id: meeting.id },
    });
    await expect(core.meetings.reschedule(people.secretary!, meeting.id, { startsAt: input.startsAt, endsAt: input.endsAt, place: ` ${input.place} ` })).rejects.toMatchObject({
      code: "meetings:errors.same_schedule",
    });
    expect(await outbox()).toEqual(before);
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("attend");

    const moved = await core.meetings.reschedule(people.secretary!, meeting.id, { startsAt: input.startsAt, endsAt: input.endsAt, place: "Phòng họp số 2, Sở Thông tin và Truyền thông" });
    expect(moved).toMatchObject({ answersReset: false, version: meeting.version, place: "Phòng họp số 2, Sở Thông tin và Truyền thông" });
    expect((await invitationOf(meeting.id, people.member!.personId)).answer).toBe("attend");
    expect(await outbox()).not.toContain("meetings:rescheduled");
    const row = await db.handle.db.selectFrom("meetings").selectAll().where("id", "=", meeting.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ place: "Phòng họp số 2, Sở Thông tin và Truyền thông", version: meeting.version });
    const audit = await db.handle.db.selectFrom("audit_log").selectAll().where("action", "=", "meeting.edit").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!)).toEqual({ place: input.place });
  });
});
