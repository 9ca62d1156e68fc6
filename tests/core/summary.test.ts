import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const TASKS_CSV = [
  "code,title,source_document,organization,person,kind,target,unit,due_date,period",
  "DVC-01,Tỷ lệ thủ tục trực tuyến toàn trình,,Sở Tài chính,,percent,80,,31/12/2026,",
  "SO-02,Số hóa hồ sơ đất đai,,Sở Tài chính,,numeric,1.500,hồ sơ,31/12/2026,hằng quý",
  "HT-03,Đưa nền tảng họp trực tuyến vào sử dụng,,Sở Thông tin và Truyền thông,,milestone,,,30/11/2026,",
].join("\r\n");

describe.each(testDialects)("the status summary on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let people: Record<string, Actor & { kind: "person" }>;
  let provinceId: number;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    core = coreFor(db).core;
    provinceId = (await createProvince(core)).id;
    people = await linkRoster(core, db, provinceId, ["chair", "deputy", "member", "secretary", "standing"]);
    await core.tasks.importCsv(cliActor, provinceId, TASKS_CSV);
  });
  afterEach(() => db.drop());

  const reload = async (who: string) => {
    const a = people[who]!;
    return (await core.people.actorByChannel("telegram", (await db.handle.db.selectFrom("channel_identities").select("external_id").where("person_id", "=", a.personId).executeTakeFirstOrThrow()).external_id))!;
  };

  it("counts the quarter's reports, statuses and indicators, and what each person still owes", async () => {
    const period = await core.periods.find(cliActor, provinceId);
    const task = async (code: string) => (await core.tasks.byCode(cliActor, code)).id;
    await core.reports.submit(people.member!, { taskId: await task("DVC-01"), periodId: period.id, status: "on_track", progress: 90, results: "Đạt 90% thủ tục" });
    await core.reports.submit(people.deputy!, { taskId: await task("HT-03"), periodId: period.id, status: "behind", progress: 40, results: "Đang lắp đặt thiết bị", obstacles: "Chưa có đường truyền riêng" });

    const s = await core.summary.of(people.chair!, provinceId);
    expect(s.periodCode).toBe("2026-Q4");
    // The summary itself counts; who owes reports is read for the reporting drill-down, the same numbers with the names.
    expect(s.reporting).toEqual({ total: 3, reported: 2, late: 0, notStarted: 1 });
    const named = await core.summary.of(people.chair!, provinceId, undefined, "reporting");
    expect(named.reporting).toEqual({ total: 3, reported: 2, late: 0, notStarted: 1, missingPeople: ["Lương Văn Đức"] });
    expect(named.organizations.map((o) => [o.unit, o.missingPeople])).toEqual([["Sở Tài chính", ["Lương Văn Đức"]], ["Sở Thông tin và Truyền thông", []]]);
    expect(s.byStatus).toEqual({ done: 0, on_track: 1, at_risk: 0, behind: 1, not_started: 1 });
    expect(s.indicators).toEqual({ met: 1, total: 3 });
    expect(s.behind.map((b) => b.code)).toEqual(["HT-03"]);
    expect(s.openItems.map((i) => [i.taskCode, i.kind, i.text])).toEqual([["HT-03", "obstacle", "Chưa có đường truyền riêng"]]);
    expect(s.organizations.map((o) => [o.unit, o.reported, o.total])).toEqual([["Sở Tài chính", 1, 2], ["Sở Thông tin và Truyền thông", 1, 1]]);
    expect(s.meeting).toBeNull();
    expect(s.subordinates).toEqual([]);

    const mine = await core.summary.personal(people.member!);
    expect(mine.tasks.map((t) => t.code)).toEqual(["SO-02"]);
    expect(mine.answers).toEqual([]);
    expect(mine.notices).toEqual([]);
    expect(mine.opinions).toEqual([]);
  });

  it("counts the next meeting's answers as its roster does, and names who has not answered only for the drill-down", async () => {
    const now = Date.now();
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId: provinceId,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: new Date(now + 7 * DAY),
      endsAt: new Date(now + 7 * DAY + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    const target = async (who: string) => ({
      invitationId: (await db.handle.db.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", people[who]!.personId).executeTakeFirstOrThrow()).id,
      version: meeting.version,
    });
    // The member asks to be absent and the chair approves; the deputy sends a proxy, still waiting; the standing deputy attends; the chair chairs.
    const { requestId } = await core.meetings.absent(people.member!, await target("member"), "Đi công tác tại Hà Nội");
    await core.meetings.decide(people.chair!, "absence", requestId, true);
    await core.meetings.proxy(people.deputy!, await target("deputy"), { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" }, "Thống nhất với dự thảo báo cáo; đề nghị bổ sung chỉ tiêu về thanh toán không dùng tiền mặt.");
    await core.meetings.attend(people.standing!, await target("standing"));

    const roster = await core.meetings.roster(people.chair!, meeting.id);
    const s = await core.summary.of(people.chair!, provinceId);
    const c = roster.counts;
    expect(s.meeting).toMatchObject({
      meetingId: meeting.id,
      invited: c.invited,
      attending: c.attending,
      absent: c.absentApproved + c.absentPending + c.absentDeclined,
      proxy: c.proxyApproved + c.proxyPending,
      noAnswer: c.noAnswer,
      approvalsWaiting: c.absentPending + c.proxyPending,
      forecast: roster.forecast,
    });
    expect([s.meeting!.attending, s.meeting!.absent, s.meeting!.proxy, s.meeting!.approvalsWaiting]).toEqual([c.attending, 1, 1, 1]);
    expect(s.meeting!.noAnswerPeople).toBeUndefined();
    const named = await core.summary.of(people.chair!, provinceId, undefined, "meeting");
    expect(named.meeting).toEqual({ ...s.meeting, noAnswerPeople: roster.lines.filter((l) => l.answer === "none").map((l) => l.fullName) });
    expect(named.meeting!.noAnswerPeople!.length).toBe(c.noAnswer);
  });

  it("leaders and the secretariat may read it, a member may not; a commune's leader reads only the commune", async () => {
    await expect(core.summary.committee(people.member!)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.summary.of(people.member!, provinceId)).rejects.toMatchObject({ code: "errors:forbidden" });
    expect((await core.summary.committee(people.secretary!)).code).toBe("LS");
    // A deputy (Phó Trưởng ban) is a leader too.
    expect((await core.summary.committee(people.deputy!)).code).toBe("LS");

    const cl = await core.committees.create(cliActor, { code: "CL", name: "Ban Chỉ đạo chuyển đổi số xã Chi Lăng", level: "commune", parentCode: "LS" });
    await core.roster.importCsv(cliActor, cl.id, "full_name,role,organization,title,phone,email\nLương Văn Đức,chair,UBND xã Chi Lăng,Chủ tịch,0987654321,");
    const member = await reload("member");
    expect(await core.summary.committee(member)).toEqual({ id: cl.id, code: "CL" });
    await expect(core.summary.committee(member, "LS")).rejects.toMatchObject({ code: "errors:forbidden" });
    expect((await core.summary.of(member, cl.id)).committeeName).toBe("Ban Chỉ đạo chuyển đổi số xã Chi Lăng");

    // The province's chair reads the commune below, and sees it in the roll-up; not another province.
    expect((await core.summary.committee(people.chair!, "cl")).id).toBe(cl.id);
    const s = await core.summary.of(people.chair!, provinceId);
    expect(s.subordinates).toEqual([{ committeeId: cl.id, code: "CL", name: "Ban Chỉ đạo chuyển đổi số xã Chi Lăng", level: "commune", reported: 0, total: 0, complete: true }]);
    const bg = await core.committees.create(cliActor, { code: "BG", name: "Ban Chỉ đạo chuyển đổi số tỉnh Bắc Giang", level: "province" });
    await expect(core.summary.of(people.chair!, bg.id)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.summary.committee(people.chair!, "XX")).rejects.toMatchObject({ code: "summary:errors.committee_not_found" });
  });
});
