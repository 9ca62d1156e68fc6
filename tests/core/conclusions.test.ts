import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import { createOutboxViews } from "../../src/conversation/outbox-views.js";
import { partView, summaryText } from "../../src/conversation/summary/views.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const translator = createTranslator("vi");
const vi = translator.bind("vi");
/** 08:00 in Hanoi on a day, as the fake clock takes it. */
const morning = (day: string) => `${day}T01:00:00.000Z`;

describe.each(testDialects)("the chair's conclusions, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let meetingId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "member", "secretary", "deputy"]));
    // Held on Wednesday 25/11/2026 at 14:00 in Hanoi; the conclusions are recorded the next morning.
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-11-25T07:00:00.000Z"),
      endsAt: new Date("2026-11-25T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
    meetingId = meeting.id;
    clock.set(morning("2026-11-26"));
  });
  afterEach(() => db.drop());

  const TWO = [
    { text: "Hoàn thành thanh toán trực tuyến phí, lệ phí", organization: "Sở Tài chính", due: "04/12/2026" },
    { text: "Báo cáo kết quả kết nối Trục liên thông", organization: "Sở Thông tin và Truyền thông", due: "30/11/2026" },
  ];
  const record = (actor: Actor, conclusions = TWO, id = meetingId) => core.conclusions.record(actor, vi, { committeeId, meetingId: id, conclusions });
  const count = async (table: "tasks" | "conclusions" | "notices") => (await db.handle.db.selectFrom(table).select("id").execute()).length;

  it("become tasks of the registry with their source, organization and deadline, and one notice to the committee", async () => {
    const done = await record(people.secretary!);
    expect(done.tasks.map((t) => t.code)).toEqual([`KL-${meetingId}-1`, `KL-${meetingId}-2`]);
    const tasks = await db.handle.db.selectFrom("tasks").selectAll().orderBy("id").execute();
    expect(tasks.map((t) => [t.code, t.title, t.responsible_organization, t.due_date, t.source_document, t.period, t.indicator_kind])).toEqual([
      [`KL-${meetingId}-1`, TWO[0]!.text, "Sở Tài chính", "2026-12-04", "Kết luận phiên họp ngày 25/11/2026", "quarterly", "milestone"],
      [`KL-${meetingId}-2`, TWO[1]!.text, "Sở Thông tin và Truyền thông", "2026-11-30", "Kết luận phiên họp ngày 25/11/2026", "quarterly", "milestone"],
    ]);
    // The source prints in either language from the meeting's date.
    const list = await core.conclusions.list(people.secretary!, committeeId);
    expect(list.conclusions.map((c) => c.meetingId)).toEqual([meetingId, meetingId]);
    const { conclusionSource } = await import("../../src/core/conclusions/conclusions.js");
    expect(conclusionSource(translator.bind("en"), list.conclusions[0]!.meetingStartsAt, "Asia/Ho_Chi_Minh")).toBe("Conclusions of the meeting of 25/11/2026");
    // The notice: everyone on the committee, acknowledgement asked as for any notice, listing both.
    const notice = await db.handle.db.selectFrom("notices").selectAll().executeTakeFirstOrThrow();
    expect(notice.ack_required).toBe(1);
    expect(notice.body).toContain(`1. [KL-${meetingId}-1] Hoàn thành thanh toán trực tuyến phí, lệ phí — Đơn vị chủ trì: Sở Tài chính; thời hạn: 04/12/2026.`);
    expect(notice.body).toContain("2. [KL-");
    expect(done.recipients).toBe(5);
    expect(await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "notices:notice").execute()).toHaveLength(5);
    // Reported on in the quarter's period like any other task.
    const period = await core.periods.find(people.secretary!, committeeId);
    const status = await core.reports.status(people.secretary!, period.id);
    expect(status.rows.map((r) => r.task.code)).toEqual([`KL-${meetingId}-1`, `KL-${meetingId}-2`]);
    // A second recording for the same meeting continues the numbering.
    const more = await record(people.chair!, [{ text: "Rà soát hạ tầng số", organization: "Sở Tài chính", due: "31/12/2026" }]);
    expect(more.tasks.map((t) => t.code)).toEqual([`KL-${meetingId}-3`]);
  });

  it("refuses bad input with a localized reason and writes nothing", async () => {
    const other = (await createProvince(core, "CB")).id;
    // Another committee's meeting, held the same day.
    const foreign = await db.handle.db
      .insertInto("meetings")
      .values({ committee_id: other, kind: "regular", title: "Họp Cao Bằng", starts_at: "2026-11-25T07:00:00.000Z", ends_at: "2026-11-25T09:00:00.000Z", place: "Cao Bằng", online_link: null, agenda: "1.", chair_person_id: people.chair!.personId, answer_deadline: "2026-11-24T10:00:00.000Z", status: "scheduled", created_by_person_id: null, created_at: "2026-11-20T00:00:00.000Z", updated_at: "2026-11-20T00:00:00.000Z", cancelled_at: null, secretary_person_id: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { meeting: coming } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "extraordinary",
      title: "Họp đột xuất",
      startsAt: new Date("2026-12-02T07:00:00.000Z"),
      endsAt: new Date("2026-12-02T09:00:00.000Z"),
      place: "Phòng họp số 2",
      agenda: "1.",
    });
    const bad = (change: Partial<(typeof TWO)[number]>) => [TWO[0]!, { ...TWO[1]!, ...change }];
    await expect(record(people.secretary!, bad({ due: "25/11/2026" }))).rejects.toMatchObject({ code: "conclusions:errors.due_in_past", params: { value: "25/11/2026", today: "26/11/2026" } });
    await expect(record(people.secretary!, bad({ due: "31/02/2027" }))).rejects.toMatchObject({ code: "conclusions:errors.bad_date" });
    await expect(record(people.secretary!, bad({ text: "   " }))).rejects.toMatchObject({ code: "conclusions:errors.text_required" });
    await expect(record(people.secretary!, bad({ organization: "" }))).rejects.toMatchObject({ code: "conclusions:errors.organization_required" });
    await expect(record(people.secretary!, TWO, 9999)).rejects.toMatchObject({ code: "conclusions:errors.meeting_not_found" });
    await expect(record(people.secretary!, TWO, foreign.id)).rejects.toMatchObject({ code: "conclusions:errors.meeting_not_found" });
    await expect(record(people.secretary!, TWO, coming.id)).rejects.toMatchObject({ code: "conclusions:errors.meeting_not_held" });
    await expect(record(people.secretary!, [])).rejects.toMatchObject({ code: "conclusions:errors.none" });
    expect(vi("conclusions:errors.due_in_past", { value: "25/11/2026", today: "26/11/2026" })).toBe("Thời hạn 25/11/2026 đã qua (hôm nay là 26/11/2026).");
    expect([await count("tasks"), await count("conclusions"), await count("notices")]).toEqual([0, 0, 0]);
  });

  it("is the secretariat's and the chair's to record: a member and a deputy are refused in core", async () => {
    await expect(record(people.member!)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(record(people.deputy!)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.conclusions.meetings(people.member!, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.conclusions.list(people.member!, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    expect(await count("tasks")).toBe(0);
    expect((await core.conclusions.meetings(people.chair!, committeeId)).map((m) => m.id)).toEqual([meetingId]);
  });

  describe("followed up", () => {
    let taskIds: number[];
    beforeEach(async () => {
      taskIds = (await record(people.secretary!)).tasks.map((t) => t.id);
      await core.cycle.ensurePlanner(committeeId);
      await runJobs();
    });
    async function runJobs(): Promise<void> {
      for (;;) {
        const jobs = await core.jobs.claimDue("test");
        if (jobs.length === 0) return;
        for (const job of jobs) await core.jobs.run(job);
      }
    }
    async function mornings(days: string[]): Promise<void> {
      for (const day of days) {
        clock.set(morning(day));
        await runJobs();
      }
    }
    const bundles = (personId: number) => db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "cycle:nudge.bundle").where("person_id", "=", personId).orderBy("id").execute();
    const itemsOf = async (personId: number) => (await bundles(personId)).map((b) => {
        const params = JSON.parse(b.params) as { items: string; day: string };
        return (JSON.parse(params.items) as [string, number][]).map(([k, id]) => `${params.day} ${k}:${id}`);
      });
    const read = async (personId: number) => {
      const rows = await bundles(personId);
      return createOutboxViews(core, translator, clock.now)({ row: rows[rows.length - 1]!, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
    };

    it("nudges the responsible members before the deadline and after it, and no more once done", async () => {
      // The secretariat sees them coming, as any nudge.
      const { lines } = await core.nudges.upcoming(people.secretary!, committeeId, 3);
      expect(lines.filter((l) => l.kind.startsWith("conclusion")).map((l) => [l.day, l.fullName, l.kind, l.due])).toEqual([
        ["2026-11-27", "Nguyễn Hoàng Hà", "conclusion", "2026-11-30T16:59:00.000Z"],
        ["2026-11-30", "Nguyễn Hoàng Hà", "conclusion", "2026-11-30T16:59:00.000Z"],
      ]);
      await mornings(["2026-11-27", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"]);
      const member = people.member!.personId;
      const deputy = people.deputy!.personId;
      // Due Friday 04/12: −3 working days is Tuesday 01/12, −1 Thursday 03/12 (−7 fell before it was recorded).
      expect((await itemsOf(member)).flat()).toEqual([`2026-12-01 conclusion:${taskIds[0]}`, `2026-12-03 conclusion:${taskIds[0]}`]);
      const view = await read(member);
      if (view.kind !== "send") throw new Error("skipped");
      expect(view.message.text).toContain(`1. 📌 Thực hiện kết luận của Trưởng Ban <b>KL-${meetingId}-1</b> Hoàn thành thanh toán trực tuyến phí, lệ phí — hạn 04/12/2026 23:59`);
      expect(view.message.buttons?.flat().map((b) => b.label)).toEqual([`1. ✍️ KL-${meetingId}-1 · Hoàn thành thanh toán trực tuyến phí, lệ phí`]);
      // Due Monday 30/11: on Friday 27/11 (−1) and the day itself, then overdue two working days after (Wednesday 02/12).
      expect((await itemsOf(deputy)).flat()).toEqual([`2026-11-27 conclusion:${taskIds[1]}`, `2026-11-30 conclusion:${taskIds[1]}`, `2026-12-02 conclusion_overdue:${taskIds[1]}`]);
      const overdue = await read(deputy);
      if (overdue.kind !== "send") throw new Error("skipped");
      expect(overdue.message.text).toContain(`⚠️ Kết luận của Trưởng Ban <b>KL-${meetingId}-2</b> Báo cáo kết quả kết nối Trục liên thông đã quá hạn 30/11/2026 23:59`);

      // The member reports it done from the line: no more nudges about it, on the due day nor after.
      const period = await core.periods.find(people.member!, committeeId);
      await core.reports.submit(people.member!, { taskId: taskIds[0]!, periodId: period.id, status: "done", progress: 100, results: "Đã triển khai trên Cổng dịch vụ công" });
      await mornings(["2026-12-04", "2026-12-07", "2026-12-08"]);
      expect((await itemsOf(member)).flat().filter((l) => l.includes("conclusion"))).toHaveLength(2);
      // The deputy is nudged as overdue again on Friday 04/12 and Tuesday 08/12, then no more (three at most).
      expect((await itemsOf(deputy)).flat().filter((l) => l.includes("conclusion_overdue"))).toEqual([`2026-12-02 conclusion_overdue:${taskIds[1]}`, `2026-12-04 conclusion_overdue:${taskIds[1]}`, `2026-12-08 conclusion_overdue:${taskIds[1]}`]);

      const list = await core.conclusions.list(people.secretary!, committeeId, { meetingId });
      expect(list.conclusions.map((c) => [c.code, c.state, c.doneLate])).toEqual([
        [`KL-${meetingId}-1`, "done", false],
        [`KL-${meetingId}-2`, "overdue", null],
      ]);
      expect(list.counts).toMatchObject({ total: 2, done: 1, on_time: 0, overdue: 1 });

      // The leaders' summary counts them, and its drill-down lists the overdue one.
      const summary = await core.summary.of(people.chair!, committeeId);
      expect(summary.conclusions).toEqual({
        total: 2,
        done: 1,
        onTime: 0,
        overdue: 1,
        overdueList: [{ code: `KL-${meetingId}-2`, title: "Báo cáo kết quả kết nối Trục liên thông", organization: "Sở Thông tin và Truyền thông", due: "2026-11-30" }],
      });
      const at = { committeeId, year: 0, quarter: 0 };
      expect(summaryText(vi, "vi", summary)).toContain("<b>Kết luận của Trưởng Ban:</b> 1 hoàn thành, 0 đúng hạn, 1 quá hạn");
      expect(partView(vi, "vi", summary, "conclusions", at, 1900).text).toBe(
        `<b>Kết luận của Trưởng Ban quá hạn</b>\n• <b>KL-${meetingId}-2</b> Báo cáo kết quả kết nối Trục liên thông — Sở Thông tin và Truyền thông, hạn 30/11/2026`,
      );
    });

    it("once done, is not asked for again in the next quarter's reports; a done report revised to not done is", async () => {
      const q4 = await core.periods.find(people.member!, committeeId);
      await core.reports.submit(people.member!, { taskId: taskIds[0]!, periodId: q4.id, status: "done", progress: 100, results: "Đã triển khai trên Cổng dịch vụ công" });
      await core.reports.submit(people.deputy!, { taskId: taskIds[1]!, periodId: q4.id, status: "done", progress: 100, results: "Đã kết nối" });
      // The deputy corrects the report within the quarter: not done after all.
      await core.reports.submit(people.deputy!, { taskId: taskIds[1]!, periodId: q4.id, status: "behind", progress: 60, results: "Còn hai hệ thống chưa kết nối" });
      // Q4's own picture still holds both.
      expect((await core.reports.status(people.secretary!, q4.id)).rows.map((r) => r.task.id)).toEqual(expect.arrayContaining(taskIds));

      clock.set(morning("2027-01-05"));
      const q1 = await core.periods.find(people.secretary!, committeeId);
      expect(q1.code).toBe("2027-Q1");
      const inQ1 = (await core.reports.status(people.secretary!, q1.id)).rows.map((r) => r.task.id);
      expect(inQ1).not.toContain(taskIds[0]);
      expect(inQ1).toContain(taskIds[1]);
      expect((await core.summary.personal(people.member!)).tasks.map((t) => t.taskId)).not.toContain(taskIds[0]);
      expect((await core.summary.personal(people.deputy!)).tasks.map((t) => t.taskId)).toContain(taskIds[1]);
    });

    it("re-checks at send time: done since planning, the line drops out", async () => {
      await mornings(["2026-11-27", "2026-11-30", "2026-12-01"]);
      const period = await core.periods.find(people.member!, committeeId);
      await core.reports.submit(people.member!, { taskId: taskIds[0]!, periodId: period.id, status: "done", progress: 100, results: "Đã hoàn thành" });
      expect(await read(people.member!.personId)).toEqual({ kind: "skip" });
    });

    it("an update not done keeps it followed up; the list shows it on time before its deadline", async () => {
      const period = await core.periods.find(people.member!, committeeId);
      await core.reports.submit(people.member!, { taskId: taskIds[0]!, periodId: period.id, status: "on_track", progress: 50, results: "Đang triển khai" });
      await mornings(["2026-11-27", "2026-11-30", "2026-12-01"]);
      expect((await itemsOf(people.member!.personId)).flat()).toEqual([`2026-12-01 conclusion:${taskIds[0]}`]);
      const list = await core.conclusions.list(people.chair!, committeeId);
      expect(list.conclusions.map((c) => [c.state, c.latestStatus])).toEqual([
        ["on_time", "on_track"],
        ["overdue", null],
      ]);
    });
  });
});
