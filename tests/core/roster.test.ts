import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, loadActorByChannel } from "../../src/core/actor.js";
import { DomainError } from "../../src/core/errors.js";
import type { Core } from "../../src/core/index.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { coreFor, createProvince, ROSTER_CSV } from "../support/core.js";

describe.each(testDialects)("roster on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let committeeId: number;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core } = coreFor(db));
    committeeId = (await createProvince(core)).id;
  });
  afterEach(() => db.drop());

  it("imports a roster with Vietnamese names, gives each new person an invite, and audits the additions", async () => {
    const report = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    expect(report).toMatchObject({ created: 5, updated: 0, unchanged: 0, errors: [] });
    expect(report.invites.map((i) => i.fullName)).toContain("Phạm Thị Ngọc Ánh");
    for (const i of report.invites) expect(i.code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const members = await core.roster.list(cliActor, committeeId);
    expect(members.map((m) => m.role)).toEqual(["chair", "standing_deputy", "deputy", "member", "secretariat"]);
    expect(members.find((m) => m.fullName === "Hồ Tiến Thiệu")).toMatchObject({ organization: "UBND tỉnh Lạng Sơn", telegram: "not_linked", invite: "open" });
    const phone = await db.handle.db.selectFrom("people").select("phone").where("full_name", "=", "Hồ Tiến Thiệu").executeTakeFirstOrThrow();
    expect(phone.phone).toBe("0912345678");
    const audits = await db.handle.db.selectFrom("audit_log").select("action").where("action", "=", "member.add").execute();
    expect(audits).toHaveLength(5);
  });

  it("reads a semicolon file from Excel whose cells hold commas", async () => {
    const csv = "\uFEFFHọ và tên;Vai trò;Cơ quan;Chức vụ\nHoàng Văn Bình;Thành viên;UBND huyện Cao Lộc, tỉnh Lạng Sơn;Chủ tịch, Trưởng ban\n";
    const report = await core.roster.importCsv(cliActor, committeeId, csv);
    expect(report).toMatchObject({ created: 1, errors: [] });
    const [member] = await core.roster.list(cliActor, committeeId);
    expect(member).toMatchObject({ fullName: "Hoàng Văn Bình", organization: "UBND huyện Cao Lộc, tỉnh Lạng Sơn", title: "Chủ tịch, Trưởng ban" });
  });

  it("stores only the hash of an invite code", async () => {
    const report = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const rows = await db.handle.db.selectFrom("invites").select("code_hash").execute();
    const stored = rows.map((r) => r.code_hash).join(" ");
    for (const i of report.invites) expect(stored).not.toContain(i.code);
  });

  it("changes nothing when the same file is imported twice", async () => {
    await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const before = await db.handle.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const again = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 5, invites: [] });
    const after = await db.handle.db.selectFrom("audit_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await db.handle.db.selectFrom("invites").select("id").execute()).toHaveLength(5);
  });

  it("reports malformed rows by line number and still imports the valid ones", async () => {
    const csv = [
      "Họ và tên;Vai trò;Cơ quan;Chức vụ;Điện thoại;Email",
      "Vi Văn Sơn;Thành viên;Sở Nội vụ;Giám đốc;0911111111;son@ls.gov.vn",
      ";Thành viên;Sở Y tế;Giám đốc;;",
      "Hoàng Văn Nam;Phó chủ tịch;Sở Y tế;Giám đốc;;",
      "Nông Thị Mai;Tổ giúp việc;Sở TT&TT;Chuyên viên;12ab;",
      "Lý Thị Lan;Thành viên;Sở Xây dựng;Giám đốc;;lan-at-ls",
      "Vi Văn Sơn;Thành viên;Sở Nội vụ;Giám đốc;0911111111;son@ls.gov.vn",
    ].join("\n");
    const report = await core.roster.importCsv(cliActor, committeeId, csv);
    expect(report.created).toBe(1);
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [3, "roster:row.name_required"],
      [4, "roster:row.bad_role"],
      [5, "roster:row.bad_phone"],
      [6, "roster:row.bad_email"],
      [7, "roster:row.duplicate"],
    ]);
  });

  it("refuses a file without the required columns", async () => {
    const report = await core.roster.importCsv(cliActor, committeeId, "name_only\nA\n");
    expect(report.created).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 1, code: "roster:csv.missing_columns" });
  });

  it("updates a changed row and records before and after", async () => {
    await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const changed = ROSTER_CSV.replace("Lương Văn Đức,member,Sở Tài chính,Giám đốc", "Lương Văn Đức,member,Sở Tài chính,Phó Giám đốc");
    const report = await core.roster.importCsv(cliActor, committeeId, changed);
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 4 });
    const entry = await db.handle.db.selectFrom("audit_log").selectAll().where("action", "=", "member.update").executeTakeFirstOrThrow();
    expect(JSON.parse(entry.before_json!)).toEqual({ title: "Giám đốc" });
    expect(JSON.parse(entry.after_json!)).toEqual({ title: "Phó Giám đốc" });
  });

  it("lets one person sit on two committees, recognized by email", async () => {
    await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const district = await core.committees.create(cliActor, { code: "LS-CL", name: "Ban Chỉ đạo huyện Cao Lộc", level: "district", parentCode: "LS" });
    await core.roster.importCsv(cliActor, district.id, "full_name,role,email\nNguyễn Hoàng Hà,member,ha.nh@langson.gov.vn");
    const people = await db.handle.db.selectFrom("people").select("id").where("email", "=", "ha.nh@langson.gov.vn").execute();
    expect(people).toHaveLength(1);
    const seats = await db.handle.db.selectFrom("memberships").select("committee_id").where("person_id", "=", people[0]!.id).execute();
    expect(seats).toHaveLength(2);
  });

  it("deactivates instead of deleting, and the person then has no seat", async () => {
    await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const [member] = (await core.roster.list(cliActor, committeeId)).filter((m) => m.role === "member");
    await core.roster.deactivate(cliActor, member!.membershipId);
    expect((await core.roster.list(cliActor, committeeId)).map((m) => m.fullName)).not.toContain("Lương Văn Đức");
    const all = await core.roster.list(cliActor, committeeId, { includeInactive: true });
    expect(all.find((m) => m.fullName === "Lương Văn Đức")?.active).toBe(false);
    await expect(core.roster.deactivate(cliActor, member!.membershipId)).rejects.toMatchObject({ code: "roster:already_inactive" });
  });

  it("lets only the secretariat import and leaders view", async () => {
    const report = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const link = async (name: string, tgId: string) => {
      const invite = report.invites.find((i) => i.fullName === name)!;
      await core.invites.redeem({ channel: "telegram", externalId: tgId, chatId: tgId, username: null, code: invite.code });
      return (await loadActorByChannel(db.handle.db, "telegram", tgId))!;
    };
    const member = await link("Lương Văn Đức", "1001");
    const chair = await link("Hồ Tiến Thiệu", "1002");
    const secretary = await link("Phạm Thị Ngọc Ánh", "1003");
    await expect(core.roster.importCsv(member, committeeId, ROSTER_CSV)).rejects.toBeInstanceOf(DomainError);
    await expect(core.roster.importCsv(chair, committeeId, ROSTER_CSV)).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(core.roster.list(member, committeeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    expect(await core.roster.list(chair, committeeId)).toHaveLength(5);
    await expect(core.roster.importCsv(secretary, committeeId, ROSTER_CSV)).resolves.toMatchObject({ unchanged: 5 });
  });
});
