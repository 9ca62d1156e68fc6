import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, loadActorByChannel } from "../../src/core/actor.js";
import { DomainError } from "../../src/core/errors.js";
import type { Core } from "../../src/core/index.js";
import { createTranslator } from "../../src/i18n/index.js";
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
    expect(members.find((m) => m.fullName === "Hồ Tiến Thiệu")).toMatchObject({ organization: "UBND tỉnh Lạng Sơn", link: "not_linked", apps: [], invite: "open" });
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

  it("finds a committee by its code in any case, and will not take the same code twice in another case", async () => {
    expect((await core.committees.require("ls")).id).toBe(committeeId);
    expect((await core.committees.byCode(" Ls "))?.id).toBe(committeeId);
    const district = await core.committees.create(cliActor, { code: "LS-CL", name: "Ban Chỉ đạo huyện Cao Lộc", level: "district", parentCode: "ls" });
    expect(district.parent_id).toBe(committeeId);
    await expect(core.committees.create(cliActor, { code: "ls", name: "Khác", level: "province" })).rejects.toMatchObject({ code: "committees:code_taken" });
    await expect(core.committees.require("XX")).rejects.toMatchObject({ code: "committees:not_found" });
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

  it("counts a member linked on any app as linked, and names the apps", async () => {
    const report = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
    const invite = report.invites.find((i) => i.fullName === "Lương Văn Đức")!;
    await core.invites.redeem({ channel: "zalo", externalId: "z-1001", chatId: "z-1001", username: null, code: invite.code });
    const members = await core.roster.list(cliActor, committeeId);
    expect(members.find((m) => m.fullName === "Lương Văn Đức")).toMatchObject({ link: "linked", apps: ["zalo"] });
    expect((await core.roster.list(cliActor, committeeId, { unlinkedOnly: true })).map((m) => m.fullName)).not.toContain("Lương Văn Đức");
  });

  describe("never rewrites another person", () => {
    const FIRST = [
      "Họ và tên;Vai trò;Cơ quan;Chức vụ;Điện thoại;Email",
      "Đinh Văn Một;Thành viên;Sở Nội vụ;Giám đốc;0912 345 678;mot.dv@langson.gov.vn",
      "Vi Thị Ba;Thành viên;Sở Y tế;Giám đốc;0933333333;ba.vt@langson.gov.vn",
    ].join("\n");
    const person = (name: string) => db.handle.db.selectFrom("people").selectAll().where("full_name", "=", name).executeTakeFirst();
    const seatsOf = async (personId: number) =>
      (await db.handle.db.selectFrom("memberships").select(["committee_id", "title", "active"]).where("person_id", "=", personId).orderBy("id").execute()).map((m) => ({ ...m }));

    /** Imports FIRST and links Đinh Văn Một's Telegram account through his invite. */
    async function importAndLinkMot() {
      const report = await core.roster.importCsv(cliActor, committeeId, FIRST);
      expect(report).toMatchObject({ created: 2, errors: [] });
      const invite = report.invites.find((i) => i.fullName === "Đinh Văn Một")!;
      await core.invites.redeem({ channel: "telegram", externalId: "5001", chatId: "5001", username: null, code: invite.code });
      const mot = (await person("Đinh Văn Một"))!;
      return { mot, seats: await seatsOf(mot.id) };
    }
    const identityOf = (externalId: string) =>
      db.handle.db.selectFrom("channel_identities").select("person_id").where("external_id", "=", externalId).executeTakeFirstOrThrow();

    it("refuses a row whose phone belongs to someone with another name, by line, and changes nothing of his", async () => {
      const { mot, seats } = await importAndLinkMot();
      const later = [
        "Họ và tên;Vai trò;Cơ quan;Chức vụ;Điện thoại;Email",
        "Đinh Văn Một;Thành viên;Sở Nội vụ;Giám đốc;0912345678;mot.dv@langson.gov.vn",
        "Vi Thị Ba;Thành viên;Sở Y tế;Giám đốc;0933333333;ba.vt@langson.gov.vn",
        "Lục Văn Bốn;Thành viên;Sở Tư pháp;Giám đốc;0944444444;",
        "Trịnh Thị Hai;Phó Trưởng ban;Sở Công Thương;Giám đốc;+84 912 345 678;",
      ].join("\n");
      const report = await core.roster.importCsv(cliActor, committeeId, later);
      expect(report).toMatchObject({ created: 1, updated: 0, unchanged: 2 });
      expect(report.errors).toEqual([{ line: 5, code: "roster:row.phone_taken", params: { value: "0912345678", name: "Đinh Văn Một" } }]);
      expect(await person("Đinh Văn Một")).toEqual(mot);
      expect(await person("Trịnh Thị Hai")).toBeUndefined();
      expect(await seatsOf(mot.id)).toEqual(seats);
      expect((await identityOf("5001")).person_id).toBe(mot.id);
      expect(await person("Lục Văn Bốn")).toBeDefined();

      const tr = createTranslator("vi");
      const shown = (lng: "vi" | "en") => tr.plain(lng, "roster:import.error_line", { line: 5, reason: tr.plain(lng, report.errors[0]!.code, report.errors[0]!.params) });
      expect(shown("vi")).toContain("Dòng 5: số điện thoại 0912345678 đã thuộc về đồng chí Đinh Văn Một");
      expect(shown("vi")).toContain("kiểm tra lại số điện thoại");
      expect(shown("en")).toContain("Line 5: the phone number 0912345678 already belongs to Đinh Văn Một");

      const again = await core.roster.importCsv(cliActor, committeeId, later);
      expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, invites: [] });
      expect(again.errors).toEqual(report.errors);
      expect(await person("Đinh Văn Một")).toEqual(mot);
    });

    it("refuses a row whose email belongs to someone with another name, diacritics included", async () => {
      const { mot, seats } = await importAndLinkMot();
      const later = [
        "full_name,role,organization,title,phone,email",
        "Trịnh Thị Hai,member,Sở Nội vụ,Giám đốc,,MOT.DV@langson.gov.vn",
        "Đinh Văn Mọt,member,Sở Nội vụ,Phó Giám đốc,,mot.dv@langson.gov.vn",
      ].join("\n");
      const report = await core.roster.importCsv(cliActor, committeeId, later);
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 0 });
      expect(report.errors).toEqual([
        { line: 2, code: "roster:row.email_taken", params: { value: "mot.dv@langson.gov.vn", name: "Đinh Văn Một" } },
        { line: 3, code: "roster:row.email_taken", params: { value: "mot.dv@langson.gov.vn", name: "Đinh Văn Một" } },
      ]);
      expect(await person("Đinh Văn Một")).toEqual(mot);
      expect(await seatsOf(mot.id)).toEqual(seats);
      expect((await identityOf("5001")).person_id).toBe(mot.id);
    });

    it("refuses a row with the email of one person and the phone of another", async () => {
      const { mot } = await importAndLinkMot();
      const ba = (await person("Vi Thị Ba"))!;
      const csv = "full_name,role,organization,title,phone,email\nĐinh Văn Một,member,Sở Nội vụ,Giám đốc,0933333333,mot.dv@langson.gov.vn\n";
      const report = await core.roster.importCsv(cliActor, committeeId, csv);
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 0 });
      expect(report.errors).toEqual([
        {
          line: 2,
          code: "roster:row.email_phone_split",
          params: { email: "mot.dv@langson.gov.vn", phone: "0933333333", emailOwner: "Đinh Văn Một", phoneOwner: "Vi Thị Ba" },
        },
      ]);
      expect(await person("Đinh Văn Một")).toEqual(mot);
      expect(await person("Vi Thị Ba")).toEqual(ba);
    });

    it("does not give a seat to someone of another committee whose phone a row with another name carries", async () => {
      const { mot, seats } = await importAndLinkMot();
      const district = await core.committees.create(cliActor, { code: "LS-CL", name: "Ban Chỉ đạo huyện Cao Lộc", level: "district", parentCode: "LS" });
      const csv = "full_name,role,organization,phone\nTrịnh Thị Hai,member,UBND huyện Cao Lộc,0912345678\nHoàng Văn Năm,member,UBND huyện Cao Lộc,0955555555\n";
      const report = await core.roster.importCsv(cliActor, district.id, csv);
      expect(report).toMatchObject({ created: 1 });
      // Another committee's member is not named to this committee's secretariat.
      expect(report.errors).toEqual([{ line: 2, code: "roster:row.phone_taken_elsewhere", params: { value: "0912345678" } }]);
      expect(await seatsOf(mot.id)).toEqual(seats);
      expect(await person("Đinh Văn Một")).toEqual(mot);
      expect(await person("Trịnh Thị Hai")).toBeUndefined();
      expect((await core.roster.list(cliActor, district.id)).map((m) => m.fullName)).toEqual(["Hoàng Văn Năm"]);
    });

    it("still updates the same person matched by phone and name, without touching the name as stored", async () => {
      const { mot } = await importAndLinkMot();
      const csv = "full_name,role,organization,title,phone\n  đinh   VĂN một ,member,Văn phòng UBND tỉnh,Chánh Văn phòng,+84 912 345 678\n";
      const report = await core.roster.importCsv(cliActor, committeeId, csv);
      expect(report).toMatchObject({ created: 0, updated: 1, errors: [] });
      expect((await person("Đinh Văn Một"))?.id).toBe(mot.id);
      const [seat] = await db.handle.db.selectFrom("memberships").selectAll().where("person_id", "=", mot.id).execute();
      expect(seat).toMatchObject({ title: "Chánh Văn phòng", organization: "Văn phòng UBND tỉnh" });
      expect((await identityOf("5001")).person_id).toBe(mot.id);
    });

    it("strips terminal escape codes, control characters and bidi overrides from the cells", async () => {
      const csv = "full_name,role,organization,title\n\u001b[31mTên\u001b[0m Mới\u202E,member,\u2066Sở\u0007 Nội vụ\u2069,\u202AGiám đốc\u202C\n";
      const report = await core.roster.importCsv(cliActor, committeeId, csv);
      expect(report).toMatchObject({ created: 1, errors: [] });
      const [member] = await core.roster.list(cliActor, committeeId);
      expect(member).toMatchObject({ fullName: "Tên Mới", organization: "Sở Nội vụ", title: "Giám đốc" });
      expect(report.invites[0]?.fullName).toBe("Tên Mới");
    });
  });
});
