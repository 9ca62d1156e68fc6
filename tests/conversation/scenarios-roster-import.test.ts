import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { drivers, takesDocuments, type Driver, type Who } from "../support/drivers.js";

const ROSTER = [
  "Họ và tên,Vai trò,Cơ quan,Chức vụ,Điện thoại,Email",
  "Hoàng Văn Minh,Thành viên,Sở Kế hoạch và Đầu tư,Giám đốc,0913000001,minh@ls.gov.vn",
  "Vy Thị Hồng,giám sát,Sở Tư pháp,Giám đốc,,",
  "Triệu Văn Hùng,Thành viên,Viettel Lạng Sơn,Giám đốc,0913000002,",
].join("\n");

describe.each(drivers)("a roster sent to the bot as a file on %s", (_app, start) => {
  let d: Driver;
  let who: Who[] = [];
  const begin = async (people: Who[]) => {
    who = people;
    d = await start(people);
  };
  afterEach(async () => {
    // Every placeholder of every text the bot sent was filled in.
    for (const w of who) expect(d.said(w).filter((m) => m.includes("{{"))).toEqual([]);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
    await d.stop();
  });
  const db = () => d.e2e.app.database.db;
  const memberships = async () => (await db().selectFrom("memberships").select("id").execute()).length;

  it("imports it, reports a bad row by its line, and sends back the new members' invites, which sign them in", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    await begin(["secretary"]);
    await d.sendFile("secretary", { fileName: "thanh-vien.csv", content: "\uFEFF" + ROSTER });
    const summary = await d.next("secretary", "Kết quả nhập danh sách Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(summary).toContain("Thêm mới: 2; cập nhật: 0; không thay đổi: 0; dòng lỗi: 1");
    expect(summary).toContain("Dòng 3: vai trò «giám sát» không hợp lệ");
    await d.next("secretary", "Đường liên kết mời của 2 thành viên mới.");
    const rows = parse(await d.file("secretary", "invites-LS.csv"), { bom: true }) as string[][];
    expect(rows[0]).toEqual(["Họ và tên", "Cơ quan, đơn vị", "Đường liên kết mời", "Hết hạn"]);
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ["Hoàng Văn Minh", "Sở Kế hoạch và Đầu tư"],
      ["Triệu Văn Hùng", "Viettel Lạng Sơn"],
    ]);
    expect(rows[1]![3]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    // Telegram's deep link, or what to send on an app without one; either way its code signs the person in.
    const link = rows[2]![2]!;
    expect(link).toMatch(/^(https:\/\/t\.me\/bcd_test_bot\?start=|\/start )[A-Za-z0-9_-]{32}$/);
    const code = link.split(/start[= ]/)[1]!;
    const signedIn = await d.e2e.core.invites.redeem({ channel: "zalo", externalId: "z-hung", chatId: "z-hung", username: null, code });
    expect(JSON.stringify(signedIn)).toContain("Triệu Văn Hùng");

    // The same file again changes nothing and sends no invites.
    const before = await memberships();
    await d.sendFile("secretary", { fileName: "thanh-vien.csv", content: "\uFEFF" + ROSTER });
    await d.next("secretary", "Thêm mới: 0; cập nhật: 0; không thay đổi: 2; dòng lỗi: 1");
    expect(await memberships()).toBe(before);
  });

  it("refuses what is not a UTF-8 CSV, and anyone who keeps no roster, changing nothing", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    await begin(["secretary", "member"]);
    const before = await memberships();
    await d.sendFile("secretary", { fileName: "thanh-vien.csv", content: Buffer.from("full_name,role\nNguy\xea\xf1,member\n", "latin1") });
    await d.next("secretary", "Tệp không ở bảng mã UTF-8");
    await d.sendFile("secretary", { fileName: "bao-cao.docx", content: "hello" });
    await d.next("secretary", "Trợ lý chỉ nhận danh sách thành viên dạng tệp CSV (.csv).");
    await d.sendFile("secretary", { fileName: "lon.csv", content: Buffer.alloc(1024 * 1024 + 1, "a") });
    await d.next("secretary", "Tệp quá lớn (tối đa 1024 KB).");
    await d.sendFile("member", { fileName: "x.csv", content: "full_name,role\nA B,member\n" });
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
    expect(await memberships()).toBe(before);
  });

  it("asks which committee when the secretariat keeps several, and imports into the one the caption names", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    await begin(["secretary"]);
    // The secretary also keeps the roster of a commune's committee.
    const commune = await d.e2e.core.committees.create(cliActor, { code: "CB", name: "Ban Chỉ đạo chuyển đổi số xã Cao Lộc", level: "district", parentCode: "LS" });
    await d.e2e.core.roster.importCsv(cliActor, commune.id, "full_name,role,organization,phone,email\nPhạm Thị Ngọc Ánh,secretariat,Sở Thông tin và Truyền thông,0909090909,anh@langson.gov.vn\n");
    const csv = "full_name,role,organization\nLộc Văn Sơn,member,UBND xã Cao Lộc\n";

    await d.sendFile("secretary", { fileName: "xa.csv", content: csv });
    await d.next("secretary", "Đồng chí phụ trách nhiều Ban Chỉ đạo. Đề nghị gửi lại tệp và ghi mã Ban Chỉ đạo vào phần chú thích, một trong các mã: LS, CB.");
    expect(await db().selectFrom("people").select("id").where("full_name", "=", "Lộc Văn Sơn").execute()).toEqual([]);

    await d.sendFile("secretary", { fileName: "xa.csv", content: csv, caption: "cb" });
    await d.next("secretary", "Kết quả nhập danh sách Ban Chỉ đạo chuyển đổi số xã Cao Lộc");
    const seat = await db()
      .selectFrom("memberships as m")
      .innerJoin("people as p", "p.id", "m.person_id")
      .select(["m.committee_id", "m.role"])
      .where("p.full_name", "=", "Lộc Văn Sơn")
      .execute();
    expect(seat).toEqual([{ committee_id: commune.id, role: "member" }]);
  });
});
