import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

/** Two tasks of the member's department, reported in the quarter (due 15/12/2026 17:00). */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
].join("\n");

/** 08:00 in Hanoi on a day of December 2026 (or November), as the fake clock takes it. */
const morning = (day: string) => `${day}T01:00:00.000Z`;

describe.each(testDialects)("the daily bundled nudge, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};
  let invitationId: number;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["member", "secretary", "deputy", "standing"]));
    await core.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
    // A meeting on Friday 11/12/2026 14:00, answers asked by Wednesday 09/12 17:00: nudged five days before (Sunday
    // 06/12, so Friday 04/12) and two days before (Wednesday 09/12).
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-12-11T07:00:00.000Z"),
      endsAt: new Date("2026-12-11T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
    await db.handle.db.updateTable("meetings").set({ answer_deadline: "2026-12-09T10:00:00.000Z" }).where("id", "=", meeting.id).execute();
    invitationId = (await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", people.member!.personId).executeTakeFirstOrThrow()).id;
    await core.cycle.ensurePlanner(committeeId);
    await runJobs();
  });
  afterEach(() => db.drop());

  async function runJobs(instance = "test"): Promise<void> {
    for (;;) {
      const jobs = await core.jobs.claimDue(instance);
      if (jobs.length === 0) return;
      for (const job of jobs) expect(await core.jobs.run(job)).toBe("done");
    }
  }
  /** Each working morning up to and including `last`, the scheduler ticks. */
  async function mornings(days: string[]): Promise<void> {
    for (const day of days) {
      clock.set(morning(day));
      await runJobs();
    }
  }
  const bundles = (personId: number) =>
    db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "cycle:nudge.bundle").where("person_id", "=", personId).orderBy("id").execute();
  const read = async (personId: number) => {
    const [row] = await bundles(personId);
    if (!row) throw new Error("no nudge");
    return createOutboxViews(core, createTranslator("vi"), clock.now)({ row, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
  };
  const NOVEMBER_TO_THURSDAY = ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"];

  it("a person owing two reports and an invitation gets one message listing all three, each with its button; the old report reminders are gone", async () => {
    await mornings(NOVEMBER_TO_THURSDAY);
    expect(await bundles(people.member!.personId)).toEqual([]);
    // Friday 04/12: seven working days before the reports are due, the working day before the meeting's −5.
    await mornings(["2026-12-04"]);
    expect(await bundles(people.member!.personId)).toHaveLength(1);
    const view = await read(people.member!.personId);
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("VIỆC CẦN XỬ LÝ HÔM NAY");
    expect(view.message.text).toContain("1. Báo cáo nhiệm vụ <b>NQ49-05</b> Tỷ lệ hồ sơ xử lý trực tuyến — hạn 15/12/2026 17:00");
    expect(view.message.text).toContain("2. Báo cáo nhiệm vụ <b>NQ49-07</b>");
    expect(view.message.text).toContain("3. Trả lời giấy mời họp <b>Phiên họp quý IV</b>");
    expect(view.message.text).toContain("hạn trả lời 09/12/2026 17:00");
    expect(view.message.buttons?.flat().map((b) => b.label)).toEqual(["1. ✍️ NQ49-05 · Tỷ lệ hồ sơ xử lý trực tuyến", "2. ✍️ NQ49-07 · Số hồ sơ thanh toán trực tuyến", "3. Tham dự", "3. Vắng mặt"]);
    expect(await db.handle.db.selectFrom("due_jobs").select("id").where("kind", "=", "report.reminder").execute()).toEqual([]);
    expect(await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "reports:reminder").execute()).toEqual([]);
  });

  it("re-checks at send time: an invitation answered since drops out; with nothing left, nothing is sent", async () => {
    await mornings([...NOVEMBER_TO_THURSDAY, "2026-12-04"]);
    clock.set(new Date(new Date(morning("2026-12-04")).getTime() + HOUR));
    await core.meetings.attend(people.member!, { invitationId, version: 1 });
    const view = await read(people.member!.personId);
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("NQ49-05");
    expect(view.message.text).not.toContain("Phiên họp quý IV");
    // The deputy owed only the invitation: answered, the nudge is not sent at all.
    const deputyInvitation = await db.handle.db.selectFrom("invitations").select("id").where("person_id", "=", people.deputy!.personId).executeTakeFirstOrThrow();
    await core.meetings.attend(people.deputy!, { invitationId: deputyInvitation.id, version: 1 });
    expect(await read(people.deputy!.personId)).toEqual({ kind: "skip" });
  });

  it("is sent once a day per person: a restart, a second run and a second instance queue nothing more", async () => {
    await mornings([...NOVEMBER_TO_THURSDAY, "2026-12-04"]);
    await core.cycle.ensurePlanners();
    await Promise.all([runJobs("a"), runJobs("b")]);
    await core.nudges.sendNow(cliActor, committeeId);
    expect(await bundles(people.member!.personId)).toHaveLength(1);
  });

  it("after a week's outage, sends once what still makes sense and records the rest as skipped", async () => {
    await mornings(NOVEMBER_TO_THURSDAY);
    // Stopped from Friday 04/12 to Thursday 10/12 09:00: the invitation's deadline (09/12) passed meanwhile.
    clock.set("2026-12-10T02:00:00.000Z");
    await runJobs();
    const rows = await bundles(people.member!.personId);
    expect(rows).toHaveLength(1);
    const view = await read(people.member!.personId);
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("NQ49-05");
    expect(view.message.text).not.toContain("Phiên họp quý IV");
    const skipped = await db.handle.db.selectFrom("audit_log").select("after_json").where("action", "=", "nudge.skipped").execute();
    expect(skipped).toHaveLength(1);
    expect(JSON.parse(skipped[0]!.after_json!).items).toContainEqual(["invitation", invitationId, people.member!.personId]);
    // The next morning brings nothing new: no burst of stale days.
    await mornings(["2026-12-11"]);
    expect(await bundles(people.member!.personId)).toHaveLength(1);
  });

  it("reminds the chair every working day of a request waiting for them, with buttons to decide", async () => {
    await mornings(NOVEMBER_TO_THURSDAY.slice(0, 2));
    await core.meetings.absent(people.member!, { invitationId, version: 1 }, "Đi công tác tại Hà Nội theo kế hoạch của Sở");
    const chairId = (await db.handle.db.selectFrom("meetings").select("chair_person_id").executeTakeFirstOrThrow()).chair_person_id;
    await mornings(["2026-11-26"]);
    const view = await read(chairId);
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain("Cho ý kiến về đề nghị vắng mặt của đồng chí Lương Văn Đức — Phiên họp quý IV");
    expect(view.message.buttons?.flat().map((b) => b.label)).toEqual(["1. ✅ Đồng ý", "1. ✖️ Không đồng ý"]);
    await mornings(["2026-11-27"]);
    expect(await bundles(chairId)).toHaveLength(2);
    // The standing deputy, who may decide for the chair, is reminded too, with the same buttons.
    const standing = await read(people.standing!.personId);
    if (standing.kind !== "send") throw new Error("skipped");
    expect(standing.message.text).toContain("Cho ý kiến về đề nghị vắng mặt của đồng chí Lương Văn Đức — Phiên họp quý IV");
    expect(standing.message.buttons?.flat().map((b) => b.label)).toEqual(["1. ✅ Đồng ý", "1. ✖️ Không đồng ý"]);
    expect(await bundles(people.standing!.personId)).toHaveLength(2);
    // Decided by the standing deputy: neither is reminded again, and the member (who asked) never was.
    const request = await db.handle.db.selectFrom("absence_requests").select("id").executeTakeFirstOrThrow();
    await core.meetings.decide(people.standing!, "absence", request.id, true);
    await mornings(["2026-11-30"]);
    expect(await bundles(chairId)).toHaveLength(2);
    expect(await bundles(people.standing!.personId)).toHaveLength(2);
  });

  it("nudges a notice not acknowledged and an opinion not given before their deadlines; each line acts straight away", async () => {
    // Monday 23/11 09:00: a notice to acknowledge by Thursday 26/11 17:00, opinions asked by Monday 30/11 17:00.
    const { noticeId } = await core.notices.send(people.secretary!, {
      committeeId,
      body: "<b>Kế hoạch chuyển đổi số năm 2027</b>\nĐề nghị các đồng chí nghiên cứu.",
      audience: { kind: "all" },
      ackRequired: true,
      ackDeadline: new Date("2026-11-26T10:00:00.000Z"),
    });
    const { requestId } = await core.opinions.create(people.secretary!, {
      committeeId,
      title: "Dự thảo Quy chế làm việc",
      body: "Dự thảo",
      questions: ["Đồng ý với phạm vi?", "Đồng ý với lịch họp?"],
      deadline: new Date("2026-11-30T10:00:00.000Z"),
      audience: { kind: "all" },
    });
    // The notices were delivered, as the worker would.
    await db.handle.db.updateTable("outbox").set({ status: "sent", sent_at: clock.now().toISOString() }).where("template", "=", "notices:notice").execute();
    const member = people.member!.personId;
    const recipient = (table: "notice_recipients" | "opinion_recipients", personId: number) =>
      db.handle.db.selectFrom(table).select("id").where("person_id", "=", personId).executeTakeFirstOrThrow().then((r) => r.id);

    // Tuesday: nothing yet. Wednesday 25/11: the working day before the notice's deadline, three before the opinions'.
    await mornings(["2026-11-24"]);
    expect(await bundles(member)).toEqual([]);
    await mornings(["2026-11-25"]);
    const view = await read(member);
    if (view.kind !== "send") throw new Error("skipped");
    expect(view.message.text).toContain(`1. Xác nhận đã nhận thông báo số ${noticeId}: Kế hoạch chuyển đổi số năm 2027 … — hạn xác nhận 26/11/2026 17:00`);
    expect(view.message.text).toContain(`2. Cho ý kiến bằng văn bản về <b>Dự thảo Quy chế làm việc</b> (số ${requestId}) — hạn 30/11/2026 17:00`);
    const actions = view.message.buttons!.flat();
    expect(actions.map((b) => b.label)).toEqual(["1. ✅ Đã nhận", "2. ✍️ Cho ý kiến"]);
    expect(actions.map((b) => b.action)).toEqual([`n:l:${await recipient("notice_recipients", member)}`, `st:o:${await recipient("opinion_recipients", member)}`]);
    // The secretary who sent both owes neither.
    expect(await bundles(people.secretary!.personId)).toEqual([]);

    // The member acknowledges; Thursday brings the notice's last nudge to the deputy only.
    await core.notices.acknowledge(people.member!, await recipient("notice_recipients", member));
    await mornings(["2026-11-26"]);
    expect(await bundles(member)).toHaveLength(1);
    expect(await bundles(people.deputy!.personId)).toHaveLength(2);
    // Friday 27/11 (a working day before the opinions' deadline): one question answered is not all of them.
    await core.opinions.answer(people.member!, await recipient("opinion_recipients", member), 0, "agree");
    await mornings(["2026-11-27"]);
    expect(await bundles(member)).toHaveLength(2);
    // Monday 30/11 08:00 the bundle is queued; answered in full before it goes out, it is not sent at all.
    await mornings(["2026-11-30"]);
    expect(await bundles(member)).toHaveLength(3);
    await core.opinions.answer(people.member!, await recipient("opinion_recipients", member), 1, "agree");
    const rows = await bundles(member);
    const monday = await createOutboxViews(core, createTranslator("vi"), clock.now)({ row: rows.at(-1)!, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    expect(monday).toEqual({ kind: "skip" });
  });

  it("after the third overdue nudge lists the person for the leaders, with the task and the days overdue", async () => {
    const weekdays = (from: string, to: string) => {
      const out: string[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d.setUTCDate(d.getUTCDate() + 1)) if (d.getUTCDay() % 6 !== 0) out.push(d.toISOString().slice(0, 10));
      return out;
    };
    const member = people.member!.personId;
    const overdueNudges = async () => {
      const rows = await bundles(member);
      return rows.filter((r) => JSON.parse(String(JSON.parse(r.params).items)).some(([kind]: [string]) => kind === "report_overdue")).map((r) => r.not_before.slice(0, 10));
    };
    // Due Tuesday 15/12 17:00; overdue nudges every 2 working days: Thursday 17/12, Monday 21/12, Wednesday 23/12.
    await mornings(weekdays("2026-11-24", "2026-12-22"));
    expect(await overdueNudges()).toEqual(["2026-12-17", "2026-12-21"]);
    expect((await core.summary.overdue(people.standing!, committeeId)).map((l) => l.fullName)).toEqual([]);
    await mornings(["2026-12-23"]);
    expect(await overdueNudges()).toEqual(["2026-12-17", "2026-12-21", "2026-12-23"]);
    const listed = await core.summary.overdue(people.standing!, committeeId);
    expect(listed.map((l) => [l.fullName, l.organization, l.taskCode, l.daysOverdue])).toEqual([
      ["Lương Văn Đức", "Sở Tài chính", "NQ49-05", 7],
      ["Lương Văn Đức", "Sở Tài chính", "NQ49-07", 7],
    ]);
    await expect(core.summary.overdue(people.member!, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    // No fourth nudge: from now on it is the leaders' matter.
    await mornings(["2026-12-24", "2026-12-25", "2026-12-28"]);
    expect(await overdueNudges()).toHaveLength(3);
    const summary = await core.summary.of(people.standing!, committeeId);
    expect(summary.overdue).toHaveLength(2);
  });

  it("lists the coming nudges for the secretariat; a paused cycle nudges nobody", async () => {
    clock.set(morning("2026-12-03"));
    const { lines } = await core.nudges.upcoming(people.secretary!, committeeId, 3);
    // Thursday 03/12, Friday 04/12 and Monday 07/12: the invitation's second nudge (09/12) is further ahead.
    expect(lines.filter((l) => l.personId === people.member!.personId).map((l) => [l.day, l.kind])).toEqual([
      ["2026-12-04", "report"],
      ["2026-12-04", "report"],
      ["2026-12-04", "invitation"],
    ]);
    await expect(core.nudges.upcoming(people.member!, committeeId)).rejects.toThrow();
    await core.cycle.set(people.secretary!, committeeId, "paused", "on");
    await mornings(NOVEMBER_TO_THURSDAY.slice(-1).concat("2026-12-04"));
    expect(await bundles(people.member!.personId)).toEqual([]);
  });
});
