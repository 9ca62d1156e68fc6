import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import { parseDecimal } from "../../src/core/reports/numbers.js";
import { ensureNudge } from "../../src/core/nudges/daily.js";
import { momentIn, readerSeat, readMemberNumber, readMoment } from "../../src/core/reports/periods.js";
import { readFieldEdit } from "../../src/core/reports/tasks.js";
import { readProgress } from "../../src/core/reports/updates.js";
import type { ProgressStatus, Role } from "../../src/db/schema.js";
import { progressXlsx } from "../../src/documents/progress-xlsx.js";
import { formatDateTime, parseLocalDateTime } from "../../src/i18n/format.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const TZ = "Asia/Ho_Chi_Minh";
/** A moment typed as the committee reads it. */
const local = (text: string) => parseLocalDateTime(text, TZ)!;
const shown = (iso: string) => formatDateTime(iso, TZ);

/**
 * The task registry most tests use: two tasks of the Department of Finance (the member's organization),
 * one of the Department of Information and Communications (the deputy's) and one assigned to the chair by name.
 */
const TASKS_CSV = [
  "code,title,source_document,organization,person,kind,target,unit,due_date,period",
  "DVC-01,Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình,Nghị quyết 05-NQ/TU,Sở Tài chính,,percent,80,,31/12/2026,",
  "SO-02,Số hóa hồ sơ đất đai,Kế hoạch 120/KH-UBND,Sở Tài chính,,numeric,1.500,hồ sơ,31/12/2026,hằng quý",
  "HT-03,Đưa nền tảng họp trực tuyến vào sử dụng,,Sở Thông tin và Truyền thông,,milestone,,,30/11/2026,",
  'CD-04,"Chỉ đạo sơ kết, đánh giá Đề án 06",,,Hồ Tiến Thiệu,milestone,,,,',
].join("\r\n");

/** Codes and reasons, as a person reading the import report would see them. */
const errorsOf = (report: { errors: { line: number; code: string }[] }) => report.errors.map((e) => [e.line, e.code]);

describe("reading the secretariat's commands", () => {
  const seat = (committeeCode: string, role: Role) => ({ membershipId: committeeCode.length, committeeId: committeeCode.length, committeeCode, committeeName: committeeCode, timeZone: TZ, committeeLocale: "vi" as const, role, organization: null, title: null });
  const person = (...seats: ReturnType<typeof seat>[]): Actor => ({ kind: "person", personId: 1, fullName: "A", locale: "vi", seats });

  it("a field name of several Vietnamese words is read whole, the rest is the value", () => {
    expect(readFieldEdit(["đơn", "vị", "tính", "hồ", "sơ"])).toEqual({ field: "đơn vị tính", value: "hồ sơ" });
    expect(readFieldEdit(["Người", "phụ", "trách", "Lương", "Văn", "Đức"])).toEqual({ field: "Người phụ trách", value: "Lương Văn Đức" });
    expect(readFieldEdit(["title", "Số", "hóa"])).toEqual({ field: "title", value: "Số hóa" });
    expect(readFieldEdit(["màu", "đỏ"])).toEqual({ field: "màu", value: "đỏ" });
  });

  it("member numbers and moments are read as /members and the committee's clock show them", () => {
    expect(readMemberNumber("#12")).toBe(12);
    expect(readMemberNumber("7")).toBe(7);
    for (const bad of ["Đức", "1.5", "#", ""]) expect(() => readMemberNumber(bad), bad).toThrow(expect.objectContaining({ code: "reports:errors.member_not_found" }));
    expect(momentIn("20/12/2026 17:00 #12")).toBe("20/12/2026 17:00");
    expect(momentIn("hôm nay")).toBeUndefined();
    expect(readMoment("20/12/2026 17:00", TZ).toISOString()).toBe("2026-12-20T10:00:00.000Z");
    expect(() => readMoment("32/12/2026 17:00", TZ)).toThrow(expect.objectContaining({ code: "reports:periods.bad_datetime" }));
  });

  it("a reports command is about the committee named, else the first the person reads; members read none", () => {
    const both = person(seat("LS", "secretariat"), seat("CBX", "deputy"));
    expect(readerSeat(both).committeeCode).toBe("LS");
    expect(readerSeat(both, "cbx").committeeCode).toBe("CBX");
    expect(() => readerSeat(both, "HN")).toThrow(expect.objectContaining({ code: "meetings:create.choose_committee", params: { codes: "LS, CBX" } }));
    expect(() => readerSeat(person(seat("LS", "member")))).toThrow(expect.objectContaining({ code: "errors:forbidden" }));
  });
});

describe("reading numbers as people type them", () => {
  it("parseDecimal takes the Vietnamese decimal comma, dots grouping thousands and English grouping", () => {
    expect(parseDecimal("12,5")).toBe(12.5);
    expect(parseDecimal("12.5")).toBe(12.5);
    expect(parseDecimal("1.500")).toBe(1500);
    expect(parseDecimal("1.234.567")).toBe(1234567);
    expect(parseDecimal("1,234.5")).toBe(1234.5);
    expect(parseDecimal("1.234,5")).toBe(1234.5);
    expect(parseDecimal("0.125")).toBe(0.125);
    expect(parseDecimal(" 75 ")).toBe(75);
  });

  it("parseDecimal refuses what is not one number", () => {
    for (const bad of ["abc", "1,2,3", "", "  ", "1.23.4", "12,", "1,234.5.6", "12a"]) expect(parseDecimal(bad), bad).toBeUndefined();
  });

  const percent = { indicator_kind: "percent" as const, unit: "%" };
  const files = { indicator_kind: "numeric" as const, unit: "hồ sơ" };
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as { code?: string; params?: Record<string, unknown> }).code;
    }
    return "no error";
  };

  it("readProgress reads a percentage, with or without the sign, and keeps it within 0–100", () => {
    expect(readProgress(percent, "85%")).toBe(85);
    expect(readProgress(percent, "85 %")).toBe(85);
    expect(readProgress(percent, "12,5")).toBe(12.5);
    expect(readProgress(percent, "100")).toBe(100);
    expect(codeOf(() => readProgress(percent, "101"))).toBe("reports:errors.percent_range");
    expect(codeOf(() => readProgress(percent, "-1"))).toBe("reports:errors.percent_range");
    expect(codeOf(() => readProgress(percent, "khoảng một nửa"))).toBe("reports:errors.not_a_percent");
    // A milestone is reported as a percentage of completion too.
    expect(readProgress({ indicator_kind: "milestone", unit: null }, "50")).toBe(50);
  });

  it("readProgress reads a value in the indicator's own unit and refuses another unit", () => {
    expect(readProgress(files, "1.500 hồ sơ")).toBe(1500);
    expect(readProgress(files, "1.500")).toBe(1500);
    expect(readProgress(files, "12,5 Hồ sơ")).toBe(12.5);
    let error: { code?: string; params?: Record<string, unknown> } = {};
    try {
      readProgress(files, "15 km");
    } catch (e) {
      error = e as typeof error;
    }
    expect(error).toMatchObject({ code: "reports:errors.wrong_unit", params: { unit: "hồ sơ", value: "km" } });
    expect(codeOf(() => readProgress(files, "-3"))).toBe("reports:errors.negative");
    expect(codeOf(() => readProgress(files, "nhiều"))).toBe("reports:errors.not_a_number");
  });
});

describe.each(testDialects)("progress reports on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "deputy", "member", "secretary"]));
  });
  afterEach(() => db.drop());

  const q = () => db.handle.db;
  const importTasks = async (csv = TASKS_CSV) => {
    const report = await core.tasks.importCsv(people.secretary!, committeeId, csv);
    expect(report.errors).toEqual([]);
    return report;
  };
  const task = (code: string) => q().selectFrom("tasks").selectAll().where("code", "=", code).executeTakeFirstOrThrow();
  const taskId = async (code: string) => (await task(code)).id;
  /** The current quarter's period, created on first use as any way in would. */
  const quarter = () => core.periods.find(people.secretary!, committeeId, "2026-Q4");
  const audits = (action: string) => q().selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
  const outbox = (template: string) => q().selectFrom("outbox").selectAll().where("template", "=", template).orderBy("id").execute();
  const updates = () => q().selectFrom("progress_updates").selectAll().orderBy("id").execute();
  const membership = (who: string) => people[who]!.seats[0]!.membershipId;
  const report = async (who: string, code: string, input: { status?: ProgressStatus; progress?: number | null; results?: string | null; obstacles?: string; proposals?: string; periodId?: number } = {}) =>
    core.reports.submit(people[who]!, {
      taskId: await taskId(code),
      periodId: input.periodId ?? (await quarter()).id,
      status: input.status ?? "on_track",
      progress: input.progress === undefined ? 60 : input.progress,
      results: input.results === undefined ? "Đã triển khai theo kế hoạch." : input.results,
      obstacles: input.obstacles,
      proposals: input.proposals,
    });

  describe("the task registry", () => {
    it("imports a CSV with English headers and reads each kind of indicator", async () => {
      const r = await importTasks();
      expect(r).toEqual({ created: 4, updated: 0, unchanged: 0, errors: [], unstaffed: [] });
      expect(await task("DVC-01")).toMatchObject({
        committee_id: committeeId,
        title: "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
        source_document: "Nghị quyết 05-NQ/TU",
        responsible_organization: "Sở Tài chính",
        responsible_person_id: null,
        indicator_kind: "percent",
        target_value: 80,
        unit: "%",
        due_date: "2026-12-31",
        period: "quarterly",
        active: 1,
      });
      expect(await task("SO-02")).toMatchObject({ indicator_kind: "numeric", target_value: 1500, unit: "hồ sơ", period: "quarterly" });
      expect(await task("HT-03")).toMatchObject({ indicator_kind: "milestone", target_value: null, unit: null, due_date: "2026-11-30" });
      expect(await task("CD-04")).toMatchObject({ title: "Chỉ đạo sơ kết, đánh giá Đề án 06", responsible_organization: null, responsible_person_id: people.chair!.personId });
      expect(await audits("task.create")).toHaveLength(4);
      expect((await core.tasks.list(people.chair!, committeeId)).map((t) => [t.code, t.personName])).toEqual([
        ["CD-04", "Hồ Tiến Thiệu"],
        ["DVC-01", null],
        ["HT-03", null],
        ["SO-02", null],
      ]);
    });

    it("imports Vietnamese headers, semicolons and a byte-order mark, finding people by email or phone", async () => {
      const csv = [
        "\uFEFFMã nhiệm vụ;Tên nhiệm vụ;Văn bản giao;Đơn vị chủ trì;Người phụ trách;Loại chỉ tiêu;Mục tiêu;Đơn vị tính;Thời hạn;Kỳ báo cáo",
        "NV-01;Cấp chứng thư chữ ký số cho cán bộ, công chức;Kế hoạch 45/KH-UBND;Sở Tài chính;;Số lượng;1.250;chứng thư;15/12/2026;Quý IV/2026",
        "NV-02;Tỷ lệ hồ sơ được số hóa;;;ha.nh@langson.gov.vn;Tỷ lệ;12,5;;2026-12-31;",
        "NV-03;Kết nối hệ thống quản lý văn bản;;;0987 654 321;Mốc;;;;6T-2026",
        "",
      ].join("\n");
      const r = await importTasks(csv);
      expect(r).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
      // A semicolon file keeps the commas inside its cells: in the title and in the decimal "12,5".
      expect(await task("NV-01")).toMatchObject({ title: "Cấp chứng thư chữ ký số cho cán bộ, công chức", indicator_kind: "numeric", target_value: 1250, unit: "chứng thư", due_date: "2026-12-15", period: "2026-Q4", source_document: "Kế hoạch 45/KH-UBND" });
      expect(await task("NV-02")).toMatchObject({ indicator_kind: "percent", target_value: 12.5, unit: "%", responsible_person_id: people.deputy!.personId, period: "quarterly" });
      expect(await task("NV-03")).toMatchObject({ indicator_kind: "milestone", responsible_person_id: people.member!.personId, period: "6T-2026" });
    });

    it("reports each bad row with its line number and still imports the good ones", async () => {
      const csv = [
        "code,title,organization,person,kind,target,unit",
        "A-01,Nhiệm vụ hợp lệ thứ nhất,Sở Tài chính,,milestone,,", // 2
        "A-02,Loại chỉ tiêu sai,Sở Tài chính,,hằng tuần,,", // 3
        "A-03,Chỉ tiêu số lượng thiếu đơn vị tính,Sở Tài chính,,numeric,300,", // 4
        "", // 5: an empty line still counts
        "A-04,Người phụ trách không có trong danh sách,,Nguyễn Văn Không,milestone,,", // 6
        "a-01,Trùng mã với dòng 2,Sở Tài chính,,milestone,,", // 7
        "A-05,Không ghi đơn vị chủ trì và người phụ trách,,,milestone,,", // 8
        "A-06,Nhiệm vụ hợp lệ thứ hai,Sở Thông tin và Truyền thông,,percent,90,", // 9
      ].join("\n");
      const r = await core.tasks.importCsv(people.secretary!, committeeId, csv);
      expect(r).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
      expect(errorsOf(r)).toEqual([
        [3, "reports:row.bad_kind"],
        [4, "reports:row.unit_required"],
        [6, "reports:row.person_unknown"],
        [7, "reports:row.duplicate"],
        [8, "reports:row.responsible_required"],
      ]);
      expect(r.errors.find((e) => e.line === 7)!.params).toEqual({ code: "a-01", other: 2 });
      expect(r.errors.find((e) => e.line === 6)!.params).toEqual({ value: "Nguyễn Văn Không" });
      expect((await q().selectFrom("tasks").select("code").orderBy("code").execute()).map((t) => t.code)).toEqual(["A-01", "A-06"]);
    });

    it("imports a task for an organization nobody on the roster reports for, and lists it", async () => {
      const csv = `${TASKS_CSV}\r\nNV-05,Cải cách hành chính,,Sở Nội vụ,,milestone,,,,`;
      const r = await importTasks(csv);
      expect(r).toMatchObject({ created: 5, unstaffed: [{ line: 6, code: "NV-05", organization: "Sở Nội vụ" }] });
      // Sở Tài chính's only member leaves: its tasks have nobody to report on them; a task with a person is fine.
      await core.roster.deactivate(cliActor, membership("member"));
      expect((await importTasks(csv)).unstaffed.map((u) => u.code)).toEqual(["DVC-01", "SO-02", "NV-05"]);
      expect(await q().selectFrom("tasks").select("code").orderBy("code").execute()).toHaveLength(5);
    });

    it("refuses a file that names no code or title column, importing nothing", async () => {
      const r = await core.tasks.importCsv(people.secretary!, committeeId, "full_name,role,organization\nLương Văn Đức,member,Sở Tài chính\n");
      expect(r).toEqual({ created: 0, updated: 0, unchanged: 0, errors: [{ line: 1, code: "roster:csv.missing_columns", params: { columns: "code, title" } }], unstaffed: [] });
      expect(await q().selectFrom("tasks").selectAll().execute()).toEqual([]);
    });

    it("changes nothing when the same file is imported again, and updates only the changed task", async () => {
      await importTasks();
      expect(await importTasks()).toEqual({ created: 0, updated: 0, unchanged: 4, errors: [], unstaffed: [] });
      expect(await audits("task.update")).toEqual([]);

      const changed = TASKS_CSV.replace("numeric,1.500,hồ sơ", "numeric,2.000,hồ sơ");
      expect(await importTasks(changed)).toEqual({ created: 0, updated: 1, unchanged: 3, errors: [], unstaffed: [] });
      const so = await task("SO-02");
      expect(so.target_value).toBe(2000);
      const [audit, ...more] = await audits("task.update");
      expect(more).toEqual([]);
      expect(audit).toMatchObject({ object_type: "task", object_id: String(so.id), committee_id: committeeId, actor_person_id: people.secretary!.personId });
      expect(JSON.parse(audit!.before_json!)).toEqual({ target_value: 1500 });
      expect(JSON.parse(audit!.after_json!)).toEqual({ target_value: 2000 });
      expect(await importTasks(changed)).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    });

    it("lets only the secretariat import the registry", async () => {
      await expect(core.tasks.importCsv(people.member!, committeeId, TASKS_CSV)).rejects.toMatchObject({ code: "errors:forbidden" });
      await expect(core.tasks.importCsv(people.chair!, committeeId, TASKS_CSV)).rejects.toMatchObject({ code: "errors:forbidden" });
      expect(await q().selectFrom("tasks").selectAll().execute()).toEqual([]);
    });

    it("edits one field of a task, deactivates it, and changes nothing on a refusal", async () => {
      await importTasks();
      const id = await taskId("HT-03");
      const edited = await core.tasks.edit(people.secretary!, id, "hạn", "20/12/2026");
      expect(edited.due_date).toBe("2026-12-20");
      expect((await task("HT-03")).due_date).toBe("2026-12-20");
      const [audit] = await audits("task.update");
      expect(JSON.parse(audit!.before_json!)).toEqual({ due_date: "2026-11-30" });
      expect(JSON.parse(audit!.after_json!)).toEqual({ due_date: "2026-12-20" });

      const before = await task("HT-03");
      await expect(core.tasks.edit(people.secretary!, id, "màu sắc", "đỏ")).rejects.toMatchObject({ code: "reports:errors.bad_field", params: { field: "màu sắc" } });
      await expect(core.tasks.edit(people.secretary!, id, "due", "31/02/2026")).rejects.toMatchObject({ code: "reports:row.bad_date", params: { value: "31/02/2026" } });
      await expect(core.tasks.edit(people.secretary!, id, "organization", "")).rejects.toMatchObject({ code: "reports:row.responsible_required" });
      await expect(core.tasks.edit(people.secretary!, id, "active", "có lẽ")).rejects.toMatchObject({ code: "reports:errors.bad_active" });
      await expect(core.tasks.edit(people.member!, id, "due", "21/12/2026")).rejects.toMatchObject({ code: "errors:forbidden" });
      expect(await task("HT-03")).toEqual(before);
      expect(await audits("task.update")).toHaveLength(1);

      // A kind is checked against the task's other fields: 1.500 records cannot become a percentage.
      await expect(core.tasks.edit(people.secretary!, await taskId("SO-02"), "kind", "percent")).rejects.toMatchObject({ code: "reports:row.percent_target", params: { value: 1500 } });
      expect(await core.tasks.edit(people.secretary!, await taskId("DVC-01"), "loại", "mốc")).toMatchObject({ indicator_kind: "milestone", target_value: null, unit: null });
      await expect(core.tasks.edit(people.secretary!, await taskId("DVC-01"), "person", "Không Có Ai")).rejects.toMatchObject({ code: "reports:row.person_unknown" });
      expect((await core.tasks.edit(people.secretary!, await taskId("DVC-01"), "người phụ trách", "Lương Văn Đức")).responsible_person_id).toBe(people.member!.personId);

      const off = await core.tasks.edit(people.secretary!, id, "active", "off");
      expect(off.active).toBe(0);
      expect((await core.tasks.list(people.secretary!, committeeId)).map((t) => t.code)).toEqual(["CD-04", "DVC-01", "SO-02"]);
      // An inactive task is no longer reported in the period.
      const status = await core.reports.status(people.secretary!, (await quarter()).id);
      expect(status.rows.map((r) => r.task.code)).toEqual(["CD-04", "DVC-01", "SO-02"]);
    });
  });

  describe("reporting periods", () => {
    it("creates the current quarter on demand with its default dates (the daily nudge reminds, not jobs of its own)", async () => {
      expect(await q().selectFrom("reporting_periods").selectAll().execute()).toEqual([]);
      const p = await quarter();
      expect(p).toMatchObject({ code: "2026-Q4", kind: "quarter", scope: "assigned", committee_id: committeeId });
      expect(shown(p.opens_at)).toBe("01/10/2026 00:00");
      expect(shown(p.due_at)).toBe("15/12/2026 17:00");
      expect(shown(p.closes_at)).toBe("31/12/2026 23:59");
      // Reports due are nudged by the committee's daily nudge (core/nudges): the period schedules no reminder jobs.
      expect(await q().selectFrom("due_jobs").selectAll().where("kind", "=", "report.reminder").execute()).toEqual([]);

      // Asked again (and listed), the same period comes back: nothing is created twice.
      expect((await quarter()).id).toBe(p.id);
      expect((await core.periods.list(people.chair!, committeeId)).map((x) => x.code)).toEqual(["2026-Q4"]);
      await expect(core.periods.list(people.member!, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    });

    it("opens an extra period over the tasks that name it, or over every task when none does", async () => {
      await importTasks(TASKS_CSV.replace("31/12/2026,hằng quý", "31/12/2026,6T-2026"));
      const input = { committeeId, name: "Sơ kết 6 tháng", dueAt: local("20/12/2026 17:00"), closesAt: local("25/12/2026 17:00") };
      const six = await core.periods.openExtra(people.secretary!, { ...input, code: "6T-2026" });
      expect(six).toMatchObject({ code: "6T-2026", kind: "extra", scope: "assigned", tasks: 1 });
      expect((await core.reports.status(people.secretary!, six.id)).rows.map((r) => r.task.code)).toEqual(["SO-02"]);
      // The task reported in the extra period is no longer a quarterly one.
      expect((await core.reports.status(people.secretary!, (await quarter()).id)).rows.map((r) => r.task.code)).toEqual(["CD-04", "DVC-01", "HT-03"]);

      const review = await core.periods.openExtra(people.secretary!, { ...input, code: "RA-SOAT", name: "Rà soát cuối năm" });
      expect(review).toMatchObject({ scope: "all", tasks: 4 });
      expect((await core.reports.status(people.secretary!, review.id)).rows).toHaveLength(4);
      expect(await audits("period.open")).toHaveLength(2);

      await expect(core.periods.openExtra(people.secretary!, { ...input, code: "6t-2026" })).rejects.toMatchObject({ code: "reports:errors.period_exists", params: { code: "6t-2026" } });
      await expect(core.periods.openExtra(people.secretary!, { ...input, code: "X", dueAt: local("20/11/2026 17:00") })).rejects.toMatchObject({ code: "reports:errors.due_in_past" });
      await expect(core.periods.openExtra(people.secretary!, { ...input, code: "X", closesAt: local("19/12/2026 17:00") })).rejects.toMatchObject({ code: "reports:errors.close_before_due" });
      await expect(core.periods.openExtra(people.secretary!, { ...input, code: "có dấu cách" })).rejects.toMatchObject({ code: "reports:errors.bad_period_code" });
      await expect(core.periods.openExtra(people.chair!, { ...input, code: "X" })).rejects.toMatchObject({ code: "errors:forbidden" });
      expect((await q().selectFrom("reporting_periods").select("code").orderBy("code").execute()).map((p) => p.code)).toEqual(["2026-Q4", "6T-2026", "RA-SOAT"]);
    });

    it("extends the deadline for everyone or for one member only", async () => {
      await importTasks();
      const p = await quarter();
      await expect(core.periods.extend(people.secretary!, p.id, local("10/12/2026 17:00"))).rejects.toMatchObject({ code: "reports:errors.not_later" });
      await expect(core.periods.extend(people.member!, p.id, local("20/12/2026 17:00"))).rejects.toMatchObject({ code: "errors:forbidden" });

      await core.periods.extend(people.secretary!, p.id, local("20/12/2026 17:00"));
      const extended = await q().selectFrom("reporting_periods").selectAll().where("id", "=", p.id).executeTakeFirstOrThrow();
      expect(shown(extended.due_at)).toBe("20/12/2026 17:00");
      expect(shown(extended.closes_at)).toBe("31/12/2026 23:59");

      // Past the common deadline: the member's own extension still lets them report on time.
      const result = await core.periods.extend(people.secretary!, p.id, local("28/12/2026 17:00"), membership("member"));
      expect(result).toEqual({ fullName: "Lương Văn Đức" });
      expect(shown((await q().selectFrom("reporting_periods").select("due_at").where("id", "=", p.id).executeTakeFirstOrThrow()).due_at)).toBe("20/12/2026 17:00");
      clock.set(local("22/12/2026 09:00"));
      const mine = await core.reports.context(people.member!, await taskId("DVC-01"), p.id);
      expect(mine.window).toMatchObject({ extended: true, reopened: false });
      expect(shown(mine.window.dueAt)).toBe("28/12/2026 17:00");
      expect(mine.late).toBe(false);
      const theirs = await core.reports.context(people.deputy!, await taskId("HT-03"), p.id);
      expect(theirs.window.extended).toBe(false);
      expect(theirs.late).toBe(true);
      expect((await report("member", "DVC-01")).late).toBe(false);
      expect((await report("deputy", "HT-03")).late).toBe(true);
      await expect(core.periods.extend(people.secretary!, p.id, local("27/12/2026 17:00"), membership("member"))).rejects.toMatchObject({ code: "reports:errors.not_later" });
      await expect(core.periods.extend(people.secretary!, p.id, local("30/12/2026 17:00"), 9999)).rejects.toMatchObject({ code: "reports:errors.member_not_found" });
      expect((await audits("period.extend")).length + (await audits("period.extend_person")).length).toBe(2);
    });

    it("after closing, reopens the period for one person only, whose report counts as late", async () => {
      await importTasks();
      const p = await quarter();
      clock.set(local("02/01/2027 09:00"));
      await expect(report("member", "DVC-01", { periodId: p.id })).rejects.toMatchObject({ code: "reports:errors.closed" });
      await expect(core.periods.reopen(people.secretary!, p.id, membership("member"), local("01/01/2027 17:00"))).rejects.toMatchObject({ code: "reports:errors.until_in_past" });
      await expect(core.periods.reopen(people.member!, p.id, membership("member"), local("05/01/2027 17:00"))).rejects.toMatchObject({ code: "errors:forbidden" });

      expect(await core.periods.reopen(people.secretary!, p.id, membership("member"), local("05/01/2027 17:00"))).toEqual({ fullName: "Lương Văn Đức" });
      const r = await report("member", "DVC-01", { periodId: p.id });
      expect(r).toMatchObject({ version: 1, late: true });
      // Reopened, the person may still correct what they sent.
      expect(await report("member", "DVC-01", { periodId: p.id, progress: 70 })).toMatchObject({ version: 2, late: true });
      await expect(report("deputy", "HT-03", { periodId: p.id })).rejects.toMatchObject({ code: "reports:errors.closed" });
      const rows = await updates();
      expect(rows.map((u) => [u.task_id, u.period_id, u.version, u.late])).toEqual([
        [await taskId("DVC-01"), p.id, 1, 1],
        [await taskId("DVC-01"), p.id, 2, 1],
      ]);
      expect((await core.reports.status(people.secretary!, p.id)).rows.find((x) => x.task.code === "DVC-01")!.state).toBe("late");

      clock.set(local("05/01/2027 17:01"));
      await expect(report("member", "DVC-01", { periodId: p.id })).rejects.toMatchObject({ code: "reports:errors.closed" });
    });
  });

  describe("progress updates", () => {
    it("takes a member's report on their organization's tasks, keeps every version and counts the latest", async () => {
      await importTasks();
      const p = await quarter();
      expect(await report("member", "DVC-01", { progress: 60, results: "Đã cung cấp 120/200 thủ tục." })).toMatchObject({ version: 1, late: false, items: 0 });
      expect(await report("member", "DVC-01", { progress: 75, results: "Đã cung cấp 150/200 thủ tục." })).toMatchObject({ version: 2, late: false });
      expect(await report("member", "SO-02", { status: "at_risk", progress: 1200 })).toMatchObject({ version: 1 });

      const rows = await updates();
      expect(rows.map((u) => [u.version, u.percent, u.value, u.submitted_by_person_id, u.on_behalf_of_person_id])).toEqual([
        [1, 60, null, people.member!.personId, null],
        [2, 75, null, people.member!.personId, null],
        [1, null, 1200, people.member!.personId, null],
      ]);
      expect(rows[0]!.results).toBe("Đã cung cấp 120/200 thủ tục.");
      expect(await audits("progress.submit")).toHaveLength(3);

      const status = await core.reports.status(people.secretary!, p.id);
      const dvc = status.rows.find((r) => r.task.code === "DVC-01")!;
      expect(dvc.state).toBe("on_time");
      expect(dvc.latest).toMatchObject({ version: 2, percent: 75, results: "Đã cung cấp 150/200 thủ tục." });
      expect(status.rows.find((r) => r.task.code === "SO-02")!.latest).toMatchObject({ status: "at_risk", value: 1200 });
      const history = await core.tasks.history(people.member!, await taskId("DVC-01"));
      expect(history.updates.map((u) => u.version)).toEqual([1, 2]);
    });

    it("refuses a report on another organization's task", async () => {
      await importTasks();
      await expect(report("member", "HT-03")).rejects.toMatchObject({ code: "reports:errors.not_your_task", params: { code: "HT-03" } });
      await expect(report("member", "CD-04")).rejects.toMatchObject({ code: "reports:errors.not_your_task" });
      await expect(report("deputy", "DVC-01")).rejects.toMatchObject({ code: "reports:errors.not_your_task" });
      // The chair reports on the task assigned to him by name.
      expect(await report("chair", "CD-04", { status: "done", progress: 100 })).toMatchObject({ version: 1 });
      expect(await updates()).toHaveLength(1);
    });

    it("after the deadline accepts a first report as late but refuses to change an on-time one", async () => {
      await importTasks();
      const p = await quarter();
      await report("member", "DVC-01");
      clock.set(local("16/12/2026 09:00"));
      const late = await report("member", "SO-02", { progress: 900 });
      expect(late).toMatchObject({ version: 1, late: true });
      await expect(report("member", "DVC-01", { progress: 90 })).rejects.toMatchObject({ code: "reports:errors.edit_after_due" });
      // The late report, once sent, is not open to edits either.
      await expect(report("member", "SO-02", { progress: 950 })).rejects.toMatchObject({ code: "reports:errors.edit_after_due" });
      expect((await updates()).map((u) => u.late)).toEqual([0, 1]);
      const status = await core.reports.status(people.secretary!, p.id);
      expect(status.rows.map((r) => [r.task.code, r.state])).toEqual([
        ["CD-04", "missing"],
        ["DVC-01", "on_time"],
        ["HT-03", "missing"],
        ["SO-02", "late"],
      ]);
    });

    it("lets the secretariat report in the member's place, recorded as such", async () => {
      await importTasks();
      const ctx = await core.reports.context(people.secretary!, await taskId("DVC-01"));
      expect(ctx.onBehalfOf).toEqual({ personId: people.member!.personId, fullName: "Lương Văn Đức" });
      const r = await report("secretary", "DVC-01", { progress: 40 });
      const [row] = await updates();
      expect(row).toMatchObject({ id: r.updateId, submitted_by_person_id: people.secretary!.personId, on_behalf_of_person_id: people.member!.personId, percent: 40 });
      const [audit] = await audits("progress.submit_on_behalf");
      expect(audit).toMatchObject({ object_id: String(r.updateId), actor_person_id: people.secretary!.personId });
      expect(JSON.parse(audit!.after_json!)).toMatchObject({ task: "DVC-01", period: "2026-Q4", version: 1, onBehalfOf: people.member!.personId });
      expect(await audits("progress.submit")).toEqual([]);
      // The member sees it as their own task's report, and may revise it.
      expect(await report("member", "DVC-01", { progress: 45 })).toMatchObject({ version: 2 });
      // A leader who does not manage the registry may not report in someone else's place.
      await expect(report("chair", "DVC-01")).rejects.toMatchObject({ code: "reports:errors.not_your_task" });
    });

    it("refuses an incomplete or oversized report without recording anything", async () => {
      await importTasks();
      await expect(report("member", "DVC-01", { results: "   " })).rejects.toMatchObject({ code: "reports:errors.results_required" });
      await expect(report("member", "DVC-01", { results: "x".repeat(3001) })).rejects.toMatchObject({ code: "reports:errors.text_too_long", params: { length: 3001, max: 3000 } });
      await expect(report("member", "DVC-01", { obstacles: "y".repeat(2001) })).rejects.toMatchObject({ code: "reports:errors.text_too_long", params: { length: 2001, max: 2000 } });
      await expect(report("member", "DVC-01", { progress: 120 })).rejects.toMatchObject({ code: "reports:errors.percent_range" });
      await expect(report("member", "DVC-01", { progress: null })).rejects.toMatchObject({ code: "reports:errors.percent_required" });
      await expect(report("member", "SO-02", { progress: -5 })).rejects.toMatchObject({ code: "reports:errors.negative" });
      await expect(report("member", "SO-02", { progress: null })).rejects.toMatchObject({ code: "reports:errors.value_required", params: { unit: "hồ sơ" } });
      await expect(report("member", "DVC-01", { status: "almost" as ProgressStatus })).rejects.toMatchObject({ code: "reports:errors.bad_status" });
      expect(await updates()).toEqual([]);
      expect(await q().selectFrom("report_items").selectAll().execute()).toEqual([]);
      expect(await audits("progress.submit")).toEqual([]);
      // Not started needs neither a figure nor results.
      expect(await report("member", "DVC-01", { status: "not_started", progress: null, results: null })).toMatchObject({ version: 1 });
      // Exactly at the limit is accepted, never cut.
      await report("member", "SO-02", { progress: 10, results: "z".repeat(3000) });
      expect((await updates())[1]!.results).toHaveLength(3000);
    });

    it("raises obstacles and proposals once for the secretariat, who answer them to the member", async () => {
      await importTasks();
      const first = await report("member", "DVC-01", { obstacles: "Thiếu kinh phí nâng cấp phần mềm một cửa.", proposals: "Đề nghị bổ sung 500 triệu đồng kinh phí." });
      expect(first.items).toBe(2);
      const items = await q().selectFrom("report_items").selectAll().orderBy("id").execute();
      expect(items.map((i) => [i.kind, i.status, i.raised_by_person_id, i.update_id])).toEqual([
        ["obstacle", "open", people.member!.personId, first.updateId],
        ["proposal", "open", people.member!.personId, first.updateId],
      ]);
      const raised = await outbox("reports:items_raised");
      expect(raised.map((o) => [o.person_id, JSON.parse(o.params)])).toEqual([[people.secretary!.personId, { updateId: first.updateId }]]);

      // The same text again (a revision of the figures) raises nothing new.
      const again = await report("member", "DVC-01", { progress: 65, obstacles: "Thiếu kinh phí nâng cấp phần mềm một cửa.", proposals: "Đề nghị bổ sung 500 triệu đồng kinh phí." });
      expect(again.items).toBe(0);
      expect(await q().selectFrom("report_items").selectAll().execute()).toHaveLength(2);
      expect(await outbox("reports:items_raised")).toHaveLength(1);

      const open = await core.reports.items(people.secretary!);
      expect(open.map((i) => [i.taskCode, i.kind, i.raisedByName, i.organization])).toEqual([
        ["DVC-01", "obstacle", "Lương Văn Đức", "Sở Tài chính"],
        ["DVC-01", "proposal", "Lương Văn Đức", "Sở Tài chính"],
      ]);
      await expect(core.reports.items(people.member!)).rejects.toMatchObject({ code: "errors:forbidden" });

      const obstacle = items[0]!.id;
      // Whether an answer may be asked for at all: the same rules as the answer itself.
      expect((await core.reports.answerable(people.secretary!, obstacle)).text).toBe("Thiếu kinh phí nâng cấp phần mềm một cửa.");
      await expect(core.reports.answerable(people.chair!, obstacle)).rejects.toMatchObject({ code: "errors:forbidden" });
      await expect(core.reports.answerItem(people.member!, obstacle, "Tự trả lời")).rejects.toMatchObject({ code: "errors:forbidden" });
      await expect(core.reports.answerItem(people.chair!, obstacle, "Đồng ý")).rejects.toMatchObject({ code: "errors:forbidden" });
      await expect(core.reports.answerItem(people.secretary!, obstacle, "  ")).rejects.toMatchObject({ code: "reports:errors.answer_required" });
      expect((await q().selectFrom("report_items").select("status").where("id", "=", obstacle).executeTakeFirstOrThrow()).status).toBe("open");

      const answered = await core.reports.answerItem(people.secretary!, obstacle, "Sở Tài chính tham mưu bố trí kinh phí trong dự toán năm 2027.");
      expect(answered).toMatchObject({ status: "answered", answer: "Sở Tài chính tham mưu bố trí kinh phí trong dự toán năm 2027." });
      expect(await q().selectFrom("report_items").selectAll().where("id", "=", obstacle).executeTakeFirstOrThrow()).toMatchObject({
        status: "answered",
        answered_by_person_id: people.secretary!.personId,
      });
      const told = await outbox("reports:item_answer");
      expect(told.map((o) => [o.person_id, JSON.parse(o.params)])).toEqual([[people.member!.personId, { itemId: obstacle }]]);
      await expect(core.reports.answerItem(people.secretary!, obstacle, "Lần nữa")).rejects.toMatchObject({ code: "reports:errors.item_answered" });
      await expect(core.reports.answerable(people.secretary!, obstacle)).rejects.toMatchObject({ code: "reports:errors.item_answered" });
      await expect(core.reports.answerable(people.secretary!, 9999)).rejects.toMatchObject({ code: "reports:errors.item_not_found" });
      await expect(core.reports.answerItem(people.secretary!, 9999, "Không có")).rejects.toMatchObject({ code: "reports:errors.item_not_found" });
      expect((await core.reports.items(people.secretary!)).map((i) => i.kind)).toEqual(["proposal"]);

      // Once answered, the same obstacle raised again is a new item.
      const third = await report("member", "DVC-01", { progress: 70, obstacles: "Thiếu kinh phí nâng cấp phần mềm một cửa." });
      expect(third.items).toBe(1);
      expect(await q().selectFrom("report_items").selectAll().where("status", "=", "open").execute()).toHaveLength(2);
    });
  });

  describe("the period's picture", () => {
    it("counts on-time, late, missing and pending reports, by organization, for leaders and the secretariat", async () => {
      await importTasks();
      const p = await quarter();
      const before = await core.reports.status(people.chair!, p.id);
      expect(before.counts).toEqual({ on_time: 0, late: 0, missing: 0, pending: 4, total: 4 });
      expect(before.committeeName).toBe("Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");

      await report("member", "DVC-01");
      await core.periods.extend(people.secretary!, p.id, local("20/12/2026 17:00"), membership("deputy"));
      clock.set(local("16/12/2026 09:00"));
      await report("member", "SO-02", { progress: 1000 });

      const s = await core.reports.status(people.chair!, p.id);
      expect(s.counts).toEqual({ on_time: 1, late: 1, missing: 1, pending: 1, total: 4 });
      expect(s.rows.map((r) => [r.task.code, r.unit, r.state])).toEqual([
        ["CD-04", "Hồ Tiến Thiệu", "missing"],
        ["DVC-01", "Sở Tài chính", "on_time"],
        // The deputy's own extension keeps his task pending rather than overdue.
        ["HT-03", "Sở Thông tin và Truyền thông", "pending"],
        ["SO-02", "Sở Tài chính", "late"],
      ]);
      expect(s.byOrganization).toEqual([
        { unit: "Hồ Tiến Thiệu", total: 1, counts: { on_time: 0, late: 0, missing: 1, pending: 0 }, missingPeople: ["Hồ Tiến Thiệu"] },
        { unit: "Sở Tài chính", total: 2, counts: { on_time: 1, late: 1, missing: 0, pending: 0 }, missingPeople: [] },
        { unit: "Sở Thông tin và Truyền thông", total: 1, counts: { on_time: 0, late: 0, missing: 0, pending: 1 }, missingPeople: ["Nguyễn Hoàng Hà"] },
      ]);
      expect(s.openItems).toBe(0);
      expect((await core.reports.status(people.secretary!, p.id)).counts).toEqual(s.counts);
      await expect(core.reports.status(people.member!, p.id)).rejects.toMatchObject({ code: "errors:forbidden" });
    });
  });

  describe("reminders (the daily nudge)", () => {
    /** The committee's daily nudge on each working morning (08:00) of the days given; the new bundles' recipients. */
    const mornings = async (...days: string[]) => {
      const before = (await outbox("cycle:nudge.bundle")).length;
      for (const day of days) {
        clock.set(local(`${day} 08:00`));
        await ensureNudge(q(), clock.now(), committeeId);
        for (const j of await core.jobs.claimDue("t")) if (j.kind === "nudge.daily") expect(await core.jobs.run(j)).toBe("done");
      }
      return (await outbox("cycle:nudge.bundle")).slice(before).map((o) => o.person_id).sort();
    };
    const owing = (...who: string[]) => who.map((w) => people[w]!.personId).sort();

    it("reminds on working days before the deadline (−7, −3, −1, the day) each person who still owes a report, once a day", async () => {
      await importTasks();
      const p = await quarter();
      await report("member", "DVC-01");
      await report("member", "SO-02", { progress: 800 });
      // Tuesday 15/12: seven working days before is Friday 04/12, three is Thursday 10/12.
      expect(await mornings("03/12/2026")).toEqual([]);
      expect(await mornings("04/12/2026")).toEqual(owing("chair", "deputy"));
      expect(await mornings("07/12/2026", "08/12/2026", "09/12/2026")).toEqual([]);
      expect(await mornings("10/12/2026")).toEqual(owing("chair", "deputy"));
      const bundle = (await outbox("cycle:nudge.bundle")).at(-1)!;
      expect(bundle.committee_id).toBe(committeeId);
      expect((await core.reports.owedBy(p.id, people.deputy!.personId)).tasks.map((t) => t.code)).toEqual(["HT-03"]);
      expect((await core.reports.owedBy(p.id, people.member!.personId)).tasks).toEqual([]);

      // Those who have reported since are left alone.
      await report("deputy", "HT-03", { progress: 100, status: "done" });
      expect(await mornings("11/12/2026", "14/12/2026")).toEqual(owing("chair"));
      expect(await mornings("15/12/2026")).toEqual(owing("chair"));
      expect(await outbox("reports:reminder")).toEqual([]);
    });

    it("follows a deadline that has since been extended", async () => {
      await importTasks();
      const p = await quarter();
      await core.periods.extend(people.secretary!, p.id, local("22/12/2026 17:00"));
      // Tuesday 22/12: −7 is Friday 11/12, −3 Thursday 17/12; the old deadline's days (10/12, 14/12, 15/12) pass quietly.
      expect(await mornings("10/12/2026")).toEqual([]);
      expect(await mornings("11/12/2026")).toEqual(owing("chair", "deputy", "member"));
      expect(await mornings("14/12/2026", "15/12/2026", "16/12/2026")).toEqual([]);
      expect(await mornings("17/12/2026")).toEqual(owing("chair", "deputy", "member"));
    });

    it("does not remind a person of the common deadline when they hold a later one of their own", async () => {
      await importTasks();
      const p = await quarter();
      await core.periods.extend(people.secretary!, p.id, local("28/12/2026 17:00"), membership("member"));
      expect(await mornings("10/12/2026")).toEqual(owing("chair", "deputy"));
      // Their own deadline is nudged before it: seven working days before Monday 28/12 is Thursday 17/12, three is Wednesday 23/12.
      expect(await mornings("11/12/2026", "14/12/2026", "15/12/2026", "16/12/2026")).not.toContain(people.member!.personId);
      // The others, past the common deadline, are chased as overdue every second working day (17/12, 21/12, 23/12).
      expect(await mornings("17/12/2026")).toEqual(owing("chair", "deputy", "member"));
      expect(await mornings("18/12/2026")).toEqual([]);
      expect(await mornings("21/12/2026")).toEqual(owing("chair", "deputy"));
      expect(await mornings("22/12/2026")).toEqual([]);
      expect(await mornings("23/12/2026")).toEqual(owing("chair", "deputy", "member"));
      // At most three times: after 23/12 the overdue ones are not chased again.
      expect(await mornings("24/12/2026", "25/12/2026")).toEqual(owing("member"));
    });
  });

  describe("the Excel export", () => {
    it("lays out one row per task under a frozen header, in Vietnamese", async () => {
      await importTasks();
      const p = await quarter();
      await report("member", "DVC-01", { progress: 75, results: "Đã cung cấp 150/200 thủ tục.", obstacles: "Thiếu kinh phí." });
      await report("secretary", "SO-02", { status: "at_risk", progress: 1200, results: "Đã số hóa 1.200 hồ sơ." });
      clock.set(local("16/12/2026 09:00"));
      await report("deputy", "HT-03", { status: "done", progress: 100, results: "Đã đưa vào sử dụng từ 01/12/2026." });

      const status = await core.reports.status(people.secretary!, p.id);
      const buffer = await progressXlsx(createTranslator("vi").bind("vi"), "vi", status, clock.now());
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(buffer as unknown as ArrayBuffer);
      const sheet = book.worksheets[0]!;
      expect(sheet.name).toBe("Báo cáo tiến độ");
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 5 });
      expect(String(sheet.getCell("A1").value)).toBe("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN");
      expect(String(sheet.getCell("A2").value)).toBe("BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ, CHỈ TIÊU CHUYỂN ĐỔI SỐ QUÝ IV NĂM 2026");
      expect(String(sheet.getCell("A3").value)).toBe("(Số liệu tổng hợp đến 09 giờ 00 ngày 16/12/2026; hạn nộp báo cáo 17 giờ 00 ngày 15/12/2026)");
      const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? "" : v));
      expect(values(5)).toEqual([
        "STT",
        "Mã",
        "Nhiệm vụ, chỉ tiêu",
        "Chỉ tiêu",
        "Hạn hoàn thành",
        "Đơn vị chủ trì",
        "Tình trạng",
        "Tiến độ",
        "Kết quả đạt được",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
        "Người báo cáo",
        "Thời gian báo cáo",
        "Nộp muộn",
      ]);
      expect(sheet.rowCount).toBe(9);
      const rows = [6, 7, 8, 9].map(values);
      // A task never reported after the deadline is overdue, not "submitted late".
      expect(rows.map((r) => [r[0], r[1], r[3], r[5], r[6], r[7], r[13]])).toEqual([
        [1, "CD-04", "", "Hồ Tiến Thiệu", "Quá hạn, chưa báo cáo", "", ""],
        [2, "DVC-01", "80%", "Sở Tài chính", "Đúng tiến độ", "75%", "Không"],
        [3, "HT-03", "", "Sở Thông tin và Truyền thông", "Đã hoàn thành", "100%", "Có"],
        [4, "SO-02", "1.500 hồ sơ", "Sở Tài chính", "Có nguy cơ chậm", "1.200/1.500 hồ sơ (80%)", "Không"],
      ]);
      expect(rows[1]!.slice(8, 12)).toEqual(["Đã cung cấp 150/200 thủ tục.", "Thiếu kinh phí.", "", "Lương Văn Đức"]);
      expect(rows[3]![11]).toBe("Phạm Thị Ngọc Ánh (thay cho Lương Văn Đức)");
      expect(rows[2]![12]).toBe("16/12/2026 09:00");
      expect(rows[1]![4]).toBe("31/12/2026");
      expect(JSON.stringify(rows)).not.toContain("Chưa báo cáo");
    });
  });
});
