import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { E2E, users } from "../support/e2e.js";
import { FakeTelegram } from "../support/fake-telegram.js";


describe("the secretariat in chat", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.start();
    await e2e.seedRoster();
    await e2e.link(users.secretary, "Phạm Thị Ngọc Ánh");
  });
  afterEach(() => e2e.stop());

  const sendCsv = async (content: string | Buffer, fileName = "thanh-vien.csv", caption?: string) => {
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName, content, ...(caption ? { caption } : {}) });
    return e2e.tg.nextReply(users.secretary.id, before);
  };

  it("imports a CSV sent to the bot, reports bad rows by line and returns the new invite links as a file", async () => {
    const csv = [
      "Họ và tên,Vai trò,Cơ quan,Chức vụ,Điện thoại,Email",
      "Hoàng Văn Minh,Thành viên,Sở Kế hoạch và Đầu tư,Giám đốc,0913000001,minh@ls.gov.vn",
      "Vy Thị Hồng,giám sát <tạm>,Sở Tư pháp,Giám đốc,,",
      "Triệu Văn Hùng,Thành viên,Viettel Lạng Sơn,Giám đốc,0913000002,",
    ].join("\n");
    const summary = await sendCsv("\uFEFF" + csv);
    expect(summary.text).toContain("Thêm mới: 2; cập nhật: 0; không thay đổi: 0; dòng lỗi: 1");
    expect(summary.text).toContain("Dòng 3: vai trò «giám sát <tạm>» không hợp lệ");
    const file = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.document));
    expect(file.document!.file_name).toBe("invites-LS.csv");
    const rows = parse(e2e.tg.documentContent(file.document!.file_id), { bom: true }) as string[][];
    expect(rows[0]).toEqual(["Họ và tên", "Cơ quan, đơn vị", "Đường liên kết mời", "Hết hạn"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(["Hoàng Văn Minh", "Triệu Văn Hùng"]);
    expect(rows[1]![2]).toMatch(/^https:\/\/t\.me\/bcd_test_bot\?start=[A-Za-z0-9_-]{32}$/);
    expect(rows[1]![3]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

    // The link in the file signs the new member in.
    const code = rows[2]![2]!.split("start=")[1]!;
    const hung = { id: 720_000_001, first_name: "Hùng" };
    const welcome = await e2e.say(hung, `/start ${code}`);
    expect(welcome.text).toContain("Kính chào đồng chí Triệu Văn Hùng, Thành viên");

    // Sending the same file again changes nothing.
    const again = await sendCsv("\uFEFF" + csv);
    expect(again.text).toContain("Thêm mới: 0; cập nhật: 0; không thay đổi: 2; dòng lỗi: 1");
  });

  it("refuses a file that is not UTF-8, and one that is not CSV, changing nothing", async () => {
    const latin1 = Buffer.from("full_name,role\nNguy\xea\xf1,member\n", "latin1");
    expect((await sendCsv(latin1)).text).toContain("không ở bảng mã UTF-8");
    expect((await sendCsv("hello", "bao-cao.docx")).text).toContain("chỉ nhận danh sách thành viên dạng tệp CSV");
    expect(await e2e.app.database.db.selectFrom("memberships").selectAll().execute()).toHaveLength(5);
  });

  it("does not let a member import a roster", async () => {
    await e2e.link(users.member, "Lương Văn Đức");
    const before = e2e.tg.transcript(users.member.id).length;
    e2e.tg.sendDocument(users.member, { fileName: "x.csv", content: "full_name,role\nA B,member\n" });
    const reply = await e2e.tg.nextReply(users.member.id, before);
    expect(reply.text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect(await e2e.app.database.db.selectFrom("memberships").selectAll().execute()).toHaveLength(5);
  });

  it("lists members with link status, re-issues and revokes invites by number", async () => {
    await e2e.link(users.member, "Lương Văn Đức");
    const list = await e2e.say(users.secretary, "/members");
    expect(list.text).toContain("Danh sách thành viên Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn: 5 người, 2 đã liên kết tài khoản.");
    expect(list.text).toMatch(/#4 Lương Văn Đức — Thành viên; Giám đốc, Sở Tài chính — ✅ đã liên kết/);
    const unlinked = await e2e.say(users.secretary, "/unlinked");
    expect(unlinked.text).toContain("chưa liên kết tài khoản: 3 người");
    expect(unlinked.text).not.toContain("Lương Văn Đức");

    const issued = await e2e.say(users.secretary, "/invite 1");
    const link = issued.text!.match(/https:\/\/t\.me\/bcd_test_bot\?start=([A-Za-z0-9_-]+)/);
    expect(link).not.toBeNull();
    expect((await e2e.link(users.chair, "Hồ Tiến Thiệu")).text).toContain("đã bị thu hồi");
    expect((await e2e.say(users.chair, `/start ${link![1]}`)).text).toContain("Kính chào đồng chí Hồ Tiến Thiệu, Trưởng ban");

    expect((await e2e.say(users.secretary, "/revoke 2")).text).toContain("Đã thu hồi đường liên kết mời của đồng chí Đoàn Thu Hà");
    expect((await e2e.say(users.secretary, "/revoke 2")).text).toContain("không có liên kết mời nào đang còn hiệu lực");
    expect((await e2e.say(users.secretary, "/invite abc")).text).toContain("ví dụ: /invite 12");
    expect((await e2e.say(users.secretary, "/invite 999")).text).toContain("Không tìm thấy thành viên số 999");
  });

  it("lets leaders see the roster but not manage invites", async () => {
    await e2e.link(users.deputy, "Nguyễn Hoàng Hà");
    expect((await e2e.say(users.deputy, "/members")).text).toContain("5 người");
    expect((await e2e.say(users.deputy, "/invite 4")).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.deputy, "/deactivate 4")).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
  });

  it("switches language with a button, remembers it, and speaks English afterwards", async () => {
    const ask = await e2e.say(users.secretary, "/lang");
    expect(FakeTelegram.buttons(ask).map((b) => b.text)).toEqual(["Tiếng Việt", "English"]);
    e2e.tg.pressButton(users.secretary, ask, "lang:en");
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.message_id === ask.message_id && m.edits > 0));
    expect(e2e.tg.transcript(users.secretary.id).find((m) => m.message_id === ask.message_id)!.text).toContain("Switched to English");
    expect(e2e.tg.answeredCallbacks.length).toBeGreaterThan(0);
    const person = await e2e.app.database.db.selectFrom("people").select("locale").where("full_name", "=", "Phạm Thị Ngọc Ánh").executeTakeFirstOrThrow();
    expect(person.locale).toBe("en");
    await e2e.restart();
    expect((await e2e.say(users.secretary, "/members")).text).toContain("Members of Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn: 5, 1 with a linked account.");
    expect((await e2e.say(users.secretary, "/lang xx")).text).toContain("not supported");
  });

  it("apologizes when handling fails, logs the context without the token, and keeps working", async () => {
    // Telegram refuses the invites file the import sends back: nothing the bot expects, so it apologizes.
    e2e.tg.failNext("sendDocument", 1, { error_code: 400, description: "Bad Request: file is too big" });
    await sendCsv("full_name,role\nA B,member\n");
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).some((m) => m.text?.includes("Xin lỗi đồng chí, hệ thống vừa gặp sự cố")));
    expect((await e2e.say(users.secretary, "/help")).text).toContain("Trợ lý Ban Chỉ đạo");
    const line = e2e.logs.find((l) => l.includes("update handling failed"));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ chatId: users.secretary.id, userId: users.secretary.id });
    expect(e2e.logs.join("\n")).not.toContain(e2e.tg.token);
  });

  it("asks for the file again when it cannot be downloaded from Telegram", async () => {
    e2e.tg.failNext("getFile", 1, { error_code: 400, description: "Bad Request: file is too big" });
    const reply = await sendCsv("full_name,role\nA B,member\n");
    expect(reply.text).toBe("Không tải được tệp đồng chí gửi. Đề nghị đồng chí gửi lại.");
    expect(e2e.logs.join("\n")).not.toContain(e2e.tg.token);
  });
});
