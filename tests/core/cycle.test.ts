import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { workingCalendar } from "../../src/core/cycle/calendar.js";
import { computedDaysOff, statutoryHolidays } from "../../src/core/cycle/holidays.js";
import { DEFAULT_CYCLE } from "../../src/core/cycle/settings.js";
import type { Core } from "../../src/core/index.js";
import { quarterOf } from "../../src/core/reports/periods.js";
import { formatDateTime, parseLocalDateTime } from "../../src/i18n/format.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const TZ = "Asia/Ho_Chi_Minh";
const local = (text: string) => parseLocalDateTime(text, TZ)!;
const shown = (d: Date | string) => formatDateTime(d, TZ);
const offDates = (year: number) => computedDaysOff(year).map((d) => `${d.date} ${d.kind}${d.provisional ? " (provisional)" : ""}`);

describe("Vietnamese public holidays", () => {
  it("takes the lunar dates from date-holidays and only the public holidays of Art. 112", () => {
    const kinds = (year: number) => statutoryHolidays(year).map((d) => `${d.date} ${d.kind}`);
    expect(kinds(2027)).toEqual([
      "2027-01-01 new_year",
      "2027-02-05 tet",
      "2027-02-06 tet",
      "2027-02-07 tet",
      "2027-02-08 tet",
      "2027-02-09 tet",
      "2027-04-16 hung_kings",
      "2027-04-30 reunification",
      "2027-05-01 labour",
      "2027-09-02 national_day",
    ]);
    expect(kinds(2028)).toContain("2028-01-26 tet");
    // 2030: the Vietnamese calendar's Tết, a day before the Chinese one.
    expect(kinds(2030)).toContain("2030-02-02 tet");
    expect(kinds(2030)).not.toContain("2030-02-07 tet");
  });

  it("adds the day next to 2/9 and the compensatory days, both provisional", () => {
    expect(offDates(2027)).toEqual([
      "2027-01-01 new_year",
      "2027-02-05 tet (provisional)",
      "2027-02-06 tet (provisional)",
      "2027-02-07 tet (provisional)",
      "2027-02-08 tet (provisional)",
      "2027-02-09 tet (provisional)",
      "2027-02-10 compensatory (provisional)",
      "2027-02-11 compensatory (provisional)",
      "2027-04-16 hung_kings",
      "2027-04-30 reunification",
      "2027-05-01 labour",
      "2027-05-03 compensatory (provisional)",
      "2027-09-02 national_day",
      "2027-09-03 national_day_extra (provisional)",
    ]);
    // 2028: New Year's Day on a Saturday, 30/4 on a Sunday, 2/9 on a Saturday.
    expect(offDates(2028)).toEqual(
      expect.arrayContaining(["2028-01-03 compensatory (provisional)", "2028-05-02 compensatory (provisional)", "2028-09-01 national_day_extra (provisional)", "2028-09-04 compensatory (provisional)"]),
    );
  });
});

describe("working time", () => {
  const calendar = (own: [string, { kind: "off" | "work"; reason: string }][] = []) => workingCalendar(TZ, DEFAULT_CYCLE, new Map(own));
  const moved = (cal: ReturnType<typeof calendar>, at: string) => shown(cal.nextWorkingMoment(local(at)));

  it("leaves a nudge in working time as it is", () => {
    expect(moved(calendar(), "24/11/2026 10:30")).toBe("24/11/2026 10:30");
  });

  it("moves a nudge in the quiet hours to the morning, the same day or the next", () => {
    expect(moved(calendar(), "24/11/2026 03:00")).toBe("24/11/2026 08:00");
    expect(moved(calendar(), "24/11/2026 21:30")).toBe("25/11/2026 08:00");
    // The quiet hours end at 07:00: a nudge due at 07:30 is in working time.
    expect(moved(calendar(), "24/11/2026 07:30")).toBe("24/11/2026 07:30");
  });

  it("moves a nudge on a weekend to Monday morning", () => {
    expect(moved(calendar(), "28/11/2026 10:00")).toBe("30/11/2026 08:00");
    expect(moved(calendar(), "27/11/2026 22:00")).toBe("30/11/2026 08:00");
  });

  it("moves a nudge at Tết 2027 past the break and its compensatory days", () => {
    expect(moved(calendar(), "05/02/2027 10:00")).toBe("12/02/2027 08:00");
    expect(moved(calendar(), "04/02/2027 22:00")).toBe("12/02/2027 08:00");
  });

  it("moves a nudge over the 2/9 pair and the weekend after it", () => {
    expect(moved(calendar(), "01/09/2027 22:00")).toBe("06/09/2027 08:00");
    expect(moved(calendar(), "02/09/2027 09:00")).toBe("06/09/2027 08:00");
  });

  it("keeps the committee's own days: a day off added, a Saturday worked in exchange", () => {
    const own = calendar([
      ["2026-11-30", { kind: "off", reason: "Nghỉ bù" }],
      ["2026-12-05", { kind: "work", reason: "Làm bù cho ngày 30/11" }],
    ]);
    expect(moved(own, "28/11/2026 10:00")).toBe("01/12/2026 08:00");
    expect(moved(own, "05/12/2026 09:00")).toBe("05/12/2026 09:00");
    expect(own.workingDaysAfter("2026-11-27", 2)).toBe("2026-12-02");
  });

  it("follows the committee's quiet hours, nudge time and weekend", () => {
    const cal = workingCalendar(TZ, { ...DEFAULT_CYCLE, quietStart: 20 * 60, quietEnd: 6 * 60, nudgeTime: 9 * 60, weekend: [0] }, new Map());
    expect(shown(cal.nextWorkingMoment(local("28/11/2026 10:00")))).toBe("28/11/2026 10:00");
    expect(shown(cal.nextWorkingMoment(local("28/11/2026 20:30")))).toBe("30/11/2026 09:00");
  });

  it("computes in the committee's zone and returns UTC moments", () => {
    const at = new Date("2027-02-11T23:30:00.000Z"); // Friday 12/02 06:30 in Hanoi, before the quiet hours end
    expect(workingCalendar(TZ, DEFAULT_CYCLE, new Map()).nextWorkingMoment(at).toISOString()).toBe("2027-02-12T01:00:00.000Z");
    // The same moment is Thursday 11/02 18:30 in New York: a compensatory day off for Tết, so Friday 08:00 there.
    expect(workingCalendar("America/New_York", DEFAULT_CYCLE, new Map()).nextWorkingMoment(at).toISOString()).toBe("2027-02-12T13:00:00.000Z");
  });
});

describe.each(testDialects)("the quarterly cycle on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let people: Record<string, Actor & { kind: "person" }>;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    people = await linkRoster(core, db, committeeId, ["secretary", "member", "chair"]);
  });
  afterEach(async () => db.drop());

  const runDueJobs = async () => {
    let planners = 0;
    for (const job of await core.jobs.claimDue("test")) {
      expect(await core.jobs.run(job)).toBe("done");
      if (job.kind === "cycle.quarter_planner") planners++;
    }
    return planners;
  };
  const snapshot = async () => ({
    periods: await db.handle.db.selectFrom("reporting_periods").select(["code", "opens_at", "due_at", "closes_at"]).orderBy("code").execute(),
    drafts: await db.handle.db.selectFrom("meeting_drafts").select(["quarter", "starts_at", "status"]).orderBy("quarter").execute(),
    outbox: await db.handle.db.selectFrom("outbox").select(["template", "person_id", "not_before"]).where("template", "=", "cycle:planner.confirm_draft").orderBy("id").execute(),
    planners: await db.handle.db.selectFrom("due_jobs").select(["idempotency_key", "run_at"]).where("kind", "=", "cycle.quarter_planner").where("status", "=", "pending").orderBy("id").execute(),
  });

  it("settings: defaults, a change, a refusal, a reset, all audited", async () => {
    const before = await core.cycle.show(people.secretary!, committeeId);
    expect(before.find((l) => l.key === "period.due_day")).toEqual({ key: "period.due_day", value: "15", isDefault: true });
    expect(before[0]).toEqual({ key: "time_zone", value: TZ, isDefault: true });
    expect(await core.cycle.set(people.secretary!, committeeId, "period.due_day", "20")).toEqual({ key: "period.due_day", value: "20", isDefault: false });
    expect(await core.cycle.set(people.secretary!, committeeId, "quiet.start", "20h30")).toEqual({ key: "quiet.start", value: "20:30", isDefault: false });
    expect(await core.cycle.set(people.secretary!, committeeId, "weekend", "cn")).toMatchObject({ value: "sun" });
    expect(await core.cycle.set(people.secretary!, committeeId, "reminders.report", "1, 7 3")).toMatchObject({ value: "7,3,1" });
    await expect(core.cycle.set(people.secretary!, committeeId, "period.due_day", "40")).rejects.toMatchObject({ code: "cycle:settings.bad_value" });
    await expect(core.cycle.set(people.secretary!, committeeId, "colour", "red")).rejects.toMatchObject({ code: "cycle:settings.unknown_key" });
    await expect(core.cycle.set(people.member!, committeeId, "paused", "on")).rejects.toMatchObject({ code: "errors:forbidden" });
    expect(await core.cycle.set(people.secretary!, committeeId, "weekend", "default")).toMatchObject({ value: "sat,sun", isDefault: true });
    const audits = await db.handle.db.selectFrom("audit_log").select("action").where("action", "=", "cycle.set").execute();
    expect(audits).toHaveLength(5);
  });

  it("a quarter's period takes its dates from the settings, in the committee's zone, stored in UTC", async () => {
    await core.cycle.set(cliActor, committeeId, "period.due_day", "20");
    await core.cycle.set(cliActor, committeeId, "period.due_time", "16:30");
    clock.set("2027-01-05T03:00:00.000Z");
    const period = await core.periods.find(people.secretary!, committeeId);
    expect(period.code).toBe("2027-Q1");
    expect(period.opens_at).toBe("2026-12-31T17:00:00.000Z");
    expect(period.due_at).toBe("2027-03-20T09:30:00.000Z");
    expect(shown(period.closes_at)).toBe("31/03/2027 23:59");
    expect(quarterOf(local("15/05/2027 10:00"), TZ).code).toBe("2027-Q2");
  });

  it("report nudges avoid the committee's days off and follow its nudge time; a paused cycle sends none", async () => {
    clock.set(local("05/01/2027 10:00"));
    // 15/03/2027 is a Monday: the working day before is Friday 12/03, which the committee takes off.
    await core.cycle.dayOff(people.secretary!, committeeId, "12/03/2027", "Nghỉ theo kế hoạch của tỉnh");
    await core.cycle.set(people.secretary!, committeeId, "nudge.time", "07:45");
    await core.tasks.importCsv(people.secretary!, committeeId, "code,title,organization,period\nDVC-01,Dịch vụ công trực tuyến,Sở Tài chính,hằng quý");
    const period = await core.periods.find(people.secretary!, committeeId);
    clock.set(local("02/03/2027 09:00"));
    const { lines } = await core.nudges.upcoming(people.secretary!, committeeId, 12);
    // −7, −3 and −1 working days and the day itself, counted over the day off.
    expect([...new Set(lines.filter((l) => l.kind === "report").map((l) => l.day))]).toEqual(["2027-03-03", "2027-03-09", "2027-03-11", "2027-03-15"]);

    await core.cycle.set(people.secretary!, committeeId, "paused", "on");
    clock.set(local("11/03/2027 07:46"));
    await core.cycle.ensurePlanner(committeeId);
    const job = await db.handle.db.selectFrom("due_jobs").select("run_at").where("kind", "=", "nudge.daily").where("status", "=", "pending").orderBy("run_at").executeTakeFirstOrThrow();
    expect(shown(job.run_at)).toBe("11/03/2027 07:45");
    for (const job of await core.jobs.claimDue("test")) expect(await core.jobs.run(job)).toBe("done");
    expect(await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "cycle:nudge.bundle").execute()).toEqual([]);
    expect(period.code).toBe("2027-Q1");
  });

  it("the committee's days off and working days, listed with the computed ones", async () => {
    await core.cycle.dayOff(people.secretary!, committeeId, "09/02/2027", "Nghỉ Tết theo Thông báo của Bộ Nội vụ");
    await core.cycle.dayOff(people.secretary!, committeeId, "12/02/2027", "Nghỉ Tết (hoán đổi)");
    await core.cycle.workingDay(people.secretary!, committeeId, "2027-02-20", "Làm bù cho ngày 12/02/2027");
    await expect(core.cycle.dayOff(people.secretary!, committeeId, "30/02/2027", "x")).rejects.toMatchObject({ code: "cycle:holidays.bad_date" });
    await expect(core.cycle.dayOff(people.secretary!, committeeId, "13/02/2027", "  ")).rejects.toMatchObject({ code: "cycle:holidays.reason_required" });
    const days = await core.cycle.days(people.secretary!, committeeId, 2027);
    const at = (date: string) => days.find((d) => d.date === date);
    expect(at("2027-02-06")).toMatchObject({ kind: "off", holiday: "tet", status: "provisional" });
    expect(at("2027-02-09")).toMatchObject({ kind: "off", holiday: "tet", status: "confirmed", reason: "Nghỉ Tết theo Thông báo của Bộ Nội vụ" });
    expect(at("2027-02-12")).toMatchObject({ kind: "off", holiday: null, status: "committee" });
    expect(at("2027-02-20")).toMatchObject({ kind: "work", status: "committee" });
    expect(at("2027-04-30")).toMatchObject({ status: "law" });

    const cal = await core.cycle.calendar(committeeId);
    expect(shown(cal.nextWorkingMoment(local("11/02/2027 10:00")))).toBe("15/02/2027 08:00");
    expect(shown(cal.nextWorkingMoment(local("20/02/2027 10:00")))).toBe("20/02/2027 10:00");
    await core.cycle.removeDay(people.secretary!, committeeId, "12/02/2027");
    expect(shown((await core.cycle.calendar(committeeId)).nextWorkingMoment(local("11/02/2027 10:00")))).toBe("12/02/2027 08:00");
    await expect(core.cycle.removeDay(people.secretary!, committeeId, "12/02/2027")).rejects.toMatchObject({ code: "cycle:holidays.not_found" });
  });

  it("the planner opens the quarter, proposes the regular meeting in working time, and schedules the next quarter; twice changes nothing", async () => {
    clock.set(local("01/01/2027 00:00"));
    await core.cycle.ensurePlanner(committeeId);
    expect(await runDueJobs()).toBe(1);
    const first = await snapshot();
    expect(first.periods.map((p) => p.code)).toEqual(["2027-Q1"]);
    // 25/03/2027 is a Thursday, a working day.
    expect(first.drafts).toEqual([{ quarter: "2027-Q1", starts_at: local("25/03/2027 14:00").toISOString(), status: "proposed" }]);
    // Asked at midnight on New Year's Day (a Friday): the request waits for Monday morning.
    expect(first.outbox).toEqual([{ template: "cycle:planner.confirm_draft", person_id: people.secretary!.personId, not_before: local("04/01/2027 08:00").toISOString() }]);
    expect(first.planners).toEqual([{ idempotency_key: `cycle.quarter_planner:${committeeId}:2027-Q2`, run_at: local("01/04/2027 00:00").toISOString() }]);

    // Scheduled again, and run again for the same quarter: nothing changes.
    await core.cycle.ensurePlanner(committeeId);
    expect(await runDueJobs()).toBe(0);
    await core.cycle.set(cliActor, committeeId, "paused", "off");
    expect(await runDueJobs()).toBe(1);
    expect(await snapshot()).toEqual(first);
  });

  it("a paused cycle plans nothing until resumed; the meeting day moves past days off", async () => {
    await core.cycle.set(cliActor, committeeId, "paused", "on");
    await core.cycle.set(cliActor, committeeId, "meeting.day", "3");
    await core.cycle.set(cliActor, committeeId, "meeting.month", "3");
    clock.set(local("01/07/2027 00:00"));
    await core.cycle.ensurePlanner(committeeId);
    await runDueJobs();
    expect((await snapshot()).drafts).toEqual([]);
    clock.set(local("02/07/2027 09:00"));
    await core.cycle.set(cliActor, committeeId, "paused", "off");
    await runDueJobs();
    // 03/09/2027 is the day next to 2/9 (provisional), then a weekend: Monday 06/09.
    expect((await snapshot()).drafts).toEqual([{ quarter: "2027-Q3", starts_at: local("06/09/2027 14:00").toISOString(), status: "proposed" }]);
  });

  it("a confirmed draft becomes the regular meeting and sends the invitations, once", async () => {
    clock.set(local("01/01/2027 00:00"));
    await core.cycle.ensurePlanner(committeeId);
    await runDueJobs();
    const [draft] = await core.cycle.drafts(people.secretary!, committeeId);
    const input = { title: "Phiên họp thường kỳ Quý I/2027", agenda: "Đánh giá kết quả Quý I/2027", place: "Phòng họp số 1, UBND tỉnh" };
    await expect(core.cycle.confirmDraft(people.member!, draft!.id, input)).rejects.toMatchObject({ code: "errors:forbidden" });
    const { meetingId, invited } = await core.cycle.confirmDraft(people.secretary!, draft!.id, { ...input, startsAt: local("26/03/2027 08:30") });
    expect(invited).toBe(4);
    const meeting = await db.handle.db.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({ kind: "regular", place: "Phòng họp số 1, UBND tỉnh", starts_at: local("26/03/2027 08:30").toISOString(), ends_at: local("26/03/2027 10:30").toISOString() });
    const invitations = await db.handle.db.selectFrom("outbox").select("person_id").where("template", "=", "meetings:invitation").execute();
    expect(invitations).toHaveLength(4);
    await expect(core.cycle.confirmDraft(people.secretary!, draft!.id, input)).rejects.toMatchObject({ code: "cycle:drafts.already_confirmed" });
    expect(await db.handle.db.selectFrom("meetings").select("id").execute()).toHaveLength(1);
    expect((await core.cycle.drafts(people.secretary!, committeeId))[0]).toMatchObject({ status: "confirmed", meeting_id: meetingId });
  });
});
