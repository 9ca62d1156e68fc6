import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { ensureNudge } from "../../src/core/nudges/daily.js";
import { parseLocalDateTime } from "../../src/i18n/format.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster, ROSTER_PEOPLE } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

/** What waits for a person who has not linked an app, and what of it they get when they link. */
describe.each(testDialects)("messages held for people who have not linked (%s)", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let people: Record<string, Actor & { kind: "person" }>;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    people = await linkRoster(core, db, committeeId, ["secretary", "chair"]);
  });
  afterEach(() => db.drop());

  const personOf = async (key: keyof typeof ROSTER_PEOPLE) =>
    db.handle.db
      .selectFrom("people as p")
      .innerJoin("memberships as m", "m.person_id", "p.id")
      .select(["p.id", "m.id as membershipId"])
      .where("p.full_name", "=", ROSTER_PEOPLE[key])
      .executeTakeFirstOrThrow();
  const rowsOf = (personId: number) =>
    db.handle.db.selectFrom("outbox").select(["template", "status", "held_since", "last_error"]).where("person_id", "=", personId).orderBy("id").execute();
  /** The person links their Telegram account with a fresh invite. */
  const link = async (key: keyof typeof ROSTER_PEOPLE) => {
    const { membershipId } = await personOf(key);
    const { code } = await core.invites.reissue(people.secretary!, membershipId);
    return core.invites.redeem({ channel: "telegram", externalId: `9${membershipId}`, chatId: `9${membershipId}`, username: null, code });
  };
  const meeting = async (title: string, inMs: number) =>
    (
      await core.meetings.create(people.secretary!, {
        committeeId,
        kind: "regular",
        title,
        startsAt: new Date(clock.now().getTime() + inMs),
        endsAt: new Date(clock.now().getTime() + inMs + 2 * HOUR),
        place: "Phòng họp số 1",
        agenda: "Nội dung",
      })
    ).meeting;

  it("sends a request for opinions once and skips one whose deadline has passed", async () => {
    const member = await personOf("member");
    const ask = (title: string, days: number) =>
      core.opinions.create(people.secretary!, { committeeId, title, body: "Dự thảo", questions: ["Đồng ý?"], deadline: new Date(clock.now().getTime() + days * DAY), audience: { kind: "all" } });
    await ask("Dự thảo Kế hoạch chuyển đổi số năm 2027", 5);
    await ask("Dự thảo Quy chế làm việc", 2);
    clock.advance(4 * DAY + HOUR);
    expect((await rowsOf(member.id)).map((r) => [r.template, r.status, r.held_since !== null])).toEqual([
      ["opinions:request", "pending", true],
      ["opinions:request", "pending", true],
    ]);

    const result = await link("member");
    expect(result.held).toEqual([{ kind: "opinion", title: "Dự thảo Kế hoạch chuyển đổi số năm 2027", deadline: expect.any(String) }]);
    expect((await rowsOf(member.id)).map((r) => [r.template, r.status, r.held_since !== null, r.last_error])).toEqual([
      ["opinions:request", "pending", false, null],
      ["opinions:request", "cancelled", true, "skipped: the request's deadline has passed"],
    ]);
  });

  it("gives a leader who links late only the latest weekly digest", async () => {
    const standing = await personOf("standing");
    await core.tasks.importCsv(cliActor, committeeId, "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo\nNQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý");
    await core.cycle.ensurePlanner(committeeId);
    // Mondays 30/11 and 07/12, 08:00 in Hanoi: two digests wait for the standing deputy, who has not linked.
    for (const at of ["2026-11-30T01:00:00.000Z", "2026-12-07T01:00:00.000Z"]) {
      clock.set(at);
      for (const j of await core.jobs.claimDue("t")) await core.jobs.run(j);
    }
    expect((await rowsOf(standing.id)).filter((r) => r.template === "cycle:digest.summary").map((r) => [r.status, r.held_since !== null])).toEqual([
      ["pending", true],
      ["pending", true],
    ]);
    await link("standing");
    expect((await rowsOf(standing.id)).filter((r) => r.template === "cycle:digest.summary").map((r) => [r.status, r.last_error])).toEqual([
      ["cancelled", "skipped: a newer copy is sent"],
      ["pending", null],
    ]);
  });

  it("sends the card of a meeting as it is now, once, and nothing of a cancelled one", async () => {
    const member = await personOf("member");
    const moved = await meeting("Phiên họp quý IV", 7 * DAY);
    const start = new Date(clock.now().getTime() + 8 * DAY);
    await core.meetings.reschedule(people.secretary!, moved.id, { startsAt: start, endsAt: new Date(start.getTime() + 2 * HOUR) });
    const dropped = await meeting("Họp chuyên đề", 3 * DAY);
    await core.meetings.cancel(people.secretary!, dropped.id, "Trùng lịch");

    const result = await link("member");
    expect(result.held).toEqual([{ kind: "meeting", title: "Phiên họp quý IV", startsAt: start.toISOString(), answerBy: expect.any(String) }]);
    const rows = await rowsOf(member.id);
    const sent = rows.filter((r) => r.status === "pending");
    expect(sent.map((r) => r.template)).toEqual(["meetings:invitation", "meetings:calendar"]);
    expect(sent.every((r) => r.held_since === null)).toBe(true);
    // The old time's card was withdrawn when the meeting moved; word of the change and of the cancellation
    // is skipped: the card says it all, or there is nothing to attend.
    expect(rows.filter((r) => r.held_since !== null).map((r) => [r.template, r.status, r.last_error])).toEqual([
      ["meetings:invitation", "cancelled", "meeting changed before sending"],
      ["meetings:calendar", "cancelled", "meeting changed before sending"],
      ["meetings:rescheduled", "cancelled", "skipped: the meeting's current card is sent instead"],
      ["meetings:invitation", "cancelled", "meeting changed before sending"],
      ["meetings:calendar", "cancelled", "meeting changed before sending"],
      ["meetings:cancelled_notice", "cancelled", "skipped: the invitation never reached them"],
      ["meetings:calendar", "cancelled", "skipped: the meeting was cancelled"],
    ]);
    // A second account linked later finds nothing left to release.
    expect((await core.invites.redeem({ channel: "zalo", externalId: "z1", chatId: "z1", username: null, code: (await core.invites.reissue(people.secretary!, (await personOf("member")).membershipId)).code })).held).toEqual([]);
  });

  it("sends the latest reminder of reports due, listing how many tasks are owed", async () => {
    const member = await personOf("member");
    const csv = [
      "code,title,source_document,organization,person,kind,target,unit,due_date,period",
      "DVC-01,Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình,,Sở Tài chính,,percent,80,,31/12/2026,",
      "SO-02,Số hóa hồ sơ đất đai,,Sở Tài chính,,numeric,1.500,hồ sơ,31/12/2026,hằng quý",
    ].join("\r\n");
    expect((await core.tasks.importCsv(people.secretary!, committeeId, csv)).errors).toEqual([]);
    const period = await core.periods.find(people.secretary!, committeeId, "2026-Q4");
    // The daily nudge on Thursday 10/12 (three working days before) and Tuesday 15/12 (the day).
    const remind = async (at: string) => {
      clock.set(parseLocalDateTime(at, "Asia/Ho_Chi_Minh")!);
      await ensureNudge(db.handle.db, clock.now(), committeeId);
      for (const j of await core.jobs.claimDue("t")) if (j.kind === "nudge.daily") await core.jobs.run(j);
    };
    await remind("10/12/2026 08:00");
    await remind("15/12/2026 08:00");
    expect((await rowsOf(member.id)).map((r) => r.template)).toEqual(["cycle:nudge.bundle", "cycle:nudge.bundle"]);

    const result = await link("member");
    expect(result.held).toEqual([{ kind: "report", period: { code: "2026-Q4", kind: "quarter", name: period.name }, dueAt: period.due_at, tasks: 2 }]);
    expect((await rowsOf(member.id)).map((r) => [r.status, r.last_error])).toEqual([
      ["cancelled", "skipped: a newer copy is sent"],
      ["pending", null],
    ]);
  });

  it("skips a quorum warning held for a chair who links after the meeting has begun", async () => {
    const standing = await personOf("standing");
    const start = new Date(clock.now().getTime() + 7 * DAY);
    const { meeting: m } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1",
      agenda: "Nội dung",
      chairPersonId: standing.id,
    });
    // Three days before, too few have answered: the chair (not linked yet) and the secretariat are warned.
    clock.advance(4 * DAY + HOUR);
    for (const j of await core.jobs.claimDue("test")) await core.jobs.run(j);
    const warning = () => db.handle.db.selectFrom("outbox").select(["status", "held_since", "last_error"]).where("template", "=", "meetings:quorum_warning").where("person_id", "=", standing.id).executeTakeFirstOrThrow();
    expect((await warning()).held_since).not.toBeNull();

    // She links an hour into the meeting: the warning no longer matters; the meeting's card still does.
    clock.set(new Date(start.getTime() + HOUR));
    const result = await link("standing");
    expect(result.held).toEqual([{ kind: "meeting", title: m.title, startsAt: start.toISOString(), answerBy: null }]);
    expect(await warning()).toEqual({ status: "cancelled", held_since: expect.any(String), last_error: "skipped: the meeting has begun" });
  });

  it("finishes held messages that stopped mattering in the hourly housekeeping, and counts what waits", async () => {
    const deputy = await personOf("deputy");
    await meeting("Họp giao ban", 2 * DAY);
    await meeting("Phiên họp quý IV", 10 * DAY);
    expect((await core.outbox.held([deputy.id])).get(deputy.id)).toBe(4);
    const listed = await core.roster.list(people.secretary!, committeeId, { unlinkedOnly: true });
    expect(listed.find((m) => m.personId === deputy.id)?.waiting).toBe(4);

    clock.advance(3 * DAY);
    await core.updates.prune();
    const rows = await rowsOf(deputy.id);
    expect(rows.map((r) => r.status)).toEqual(["cancelled", "cancelled", "pending", "pending"]);
    expect(rows[0]!.last_error).toBe("skipped: the meeting has passed");
    expect((await core.outbox.held([deputy.id])).get(deputy.id)).toBe(2);
  });

  it("releases, in the housekeeping, a message held for someone who linked meanwhile", async () => {
    const member = await personOf("member");
    await link("member");
    // As if queued by a transaction that checked before the link committed (PostgreSQL, read committed).
    await meeting("Phiên họp quý IV", 7 * DAY);
    await db.handle.db.updateTable("outbox").set({ held_since: clock.now().toISOString() }).where("person_id", "=", member.id).execute();
    await core.updates.prune();
    expect((await rowsOf(member.id)).map((r) => [r.status, r.held_since])).toEqual([
      ["pending", null],
      ["pending", null],
    ]);
  });
});
