import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY } from "../../src/core/clock.js";
import { formatDateTime } from "../../src/i18n/format.js";
import { drivers, takesDocuments, type Driver } from "../support/drivers.js";

/** A notice whose first line is longer than a header's excerpt, and a second line the header leaves out. */
const BODY = [
  "Kính gửi các đồng chí thành viên Ban Chỉ đạo: đề nghị gửi báo cáo quý IV trước ngày 05/12 theo mẫu đính kèm.",
  "Chi tiết xem tại Cổng thông tin điện tử tỉnh.",
].join("\n");

describe.each(drivers)("notices on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const db = () => d.e2e.app.database.db;
  const failures = () => d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"));

  it("the secretariat sends a notice to chosen organizations with a typed deadline, follows it and exports the report", async () => {
    d = await start(["secretary", "member", "deputy"]);
    await d.say("secretary", "/notice");
    await d.next("secretary", "Soạn thông báo");
    await d.say("secretary", BODY);
    await d.next("secretary", "Gửi tới:");
    await d.choose("secretary", "Theo cơ quan, đơn vị…");
    await d.next("secretary", "Chọn các cơ quan, đơn vị nhận thông báo");
    await d.choose("secretary", "Sở Tài chính");
    await d.choose("secretary", "Sở Thông tin và Truyền thông");
    await d.choose("secretary", "Xong");
    await d.next("secretary", "Có yêu cầu người nhận xác nhận «Đã nhận» không?");
    await d.choose("secretary", "Yêu cầu xác nhận");
    await d.next("secretary", "Hạn xác nhận (dd/MM/yyyy HH:mm)");

    // A deadline not written as a date, then one already past: each is refused and asked again, nothing is sent.
    await d.say("secretary", "thứ Sáu tuần sau");
    await d.next("secretary", "Thời gian chưa đúng định dạng dd/MM/yyyy HH:mm");
    await d.say("secretary", "01/01/2020 08:00");
    await d.next("secretary", "Hạn xác nhận phải sau thời điểm hiện tại.");
    expect(await db().selectFrom("notices").selectAll().execute()).toEqual([]);
    const deadline = new Date(d.e2e.clock.now().getTime() + 5 * DAY);
    const typed = formatDateTime(deadline, "Asia/Ho_Chi_Minh");
    await d.say("secretary", typed);

    const preview = await d.next("secretary", "Xem trước");
    expect(preview).toContain("Gửi tới: Theo cơ quan, đơn vị… — 3 người, trong đó 0 người hiện không nhận được tin");
    expect(preview).toContain(`Xác nhận: yêu cầu xác nhận trước ${typed}.`);
    await d.choose("secretary", "Gửi");
    const sent = await d.next("secretary", "Đã bắt đầu gửi thông báo số");
    const id = Number(/thông báo số (\d+)/.exec(sent)![1]);

    const notice = await db().selectFrom("notices").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ ack_required: 1, status: "sending" });
    expect(JSON.parse(notice.audience)).toEqual({ kind: "organizations", organizations: ["Sở Tài chính", "Sở Thông tin và Truyền thông"] });
    expect(new Date(notice.ack_deadline!).getTime()).toBe(Math.floor(deadline.getTime() / 60_000) * 60_000);
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);

    // The member acknowledges it; the author's copy asks nothing of them.
    const card = await d.next("member", "THÔNG BÁO — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(card).toContain("Chi tiết xem tại Cổng thông tin điện tử tỉnh.");
    expect(card).toContain(`Đề nghị đồng chí bấm «Đã nhận» để xác nhận trước ${typed}.`);
    await d.choose("member", "Đã nhận");
    await d.next("member", "Đã ghi nhận đồng chí đã nhận thông báo.");
    await d.next("secretary", "Đồng chí là người gửi thông báo này; bản này để lưu, không cần xác nhận.");

    await d.e2e.until(async () => (await d.e2e.core.notices.report(cliActor, id)).counts.sent === 3);
    await d.say("secretary", `/notices ${id}`);
    const report = await d.next("secretary", `Thông báo số ${id} (`);
    // The header gives the notice's first line, cut after a whole word.
    const header = report.split("\n")[0]!;
    expect(header).toMatch(new RegExp(`^Thông báo số ${id} \\(\\d\\d/\\d\\d/2026 \\d\\d:\\d\\d\\): Kính gửi các đồng chí thành viên Ban Chỉ đạo: đề nghị gửi báo cáo quý IV trước…$`));
    expect(report).toContain("Tổng: 3; đã gửi: 3;");
    expect(report).toContain("đã xác nhận: 2.");
    expect(report).toMatch(/• Lương Văn Đức \(Sở Tài chính\) — đã gửi · ✅/);
    expect(report).toMatch(/• Nguyễn Hoàng Hà \(.*\) — đã gửi · chưa xác nhận/);

    await d.choose("secretary", "Xuất Excel");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await d.file("secretary", `thong-bao-${id}.xlsx`)) as never);
    // One row per recipient, under the report's title block.
    const cells: string[] = [];
    book.worksheets[0]!.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value))));
    for (const name of ["Lương Văn Đức", "Nguyễn Hoàng Hà", "Phạm Thị Ngọc Ánh"]) expect(cells.filter((c) => c === name)).toHaveLength(1);
    expect(failures()).toEqual([]);
  });

  it("people chosen by number: a wrong number is asked again; a member may not compose; cancelled, nothing is sent", async () => {
    d = await start(["secretary", "member"]);
    await d.say("member", "/notice");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    await d.say("secretary", "/notice");
    await d.next("secretary", "Soạn thông báo");
    await d.say("secretary", "Lịch trực Tết Nguyên đán của Tổ giúp việc");
    await d.choose("secretary", "Chọn từng người (theo số thứ tự)…");
    await d.next("secretary", "Nhập số thứ tự của những người nhận");
    await d.say("secretary", "3, năm");
    await d.next("secretary", "«năm» không phải là số thứ tự.");
    const stored = await db().selectFrom("dialogs").select("data").executeTakeFirstOrThrow();
    expect(JSON.parse(stored.data)).toMatchObject({ step: "people", body: "Lịch trực Tết Nguyên đán của Tổ giúp việc" });

    const committee = await d.e2e.core.committees.require("LS");
    const member = (await d.e2e.core.roster.list(cliActor, committee.id)).find((m) => m.fullName === "Lương Văn Đức")!;
    await d.say("secretary", String(member.membershipId));
    await d.next("secretary", "Có yêu cầu người nhận xác nhận «Đã nhận» không?");
    await d.choose("secretary", "Không cần xác nhận");
    const preview = await d.next("secretary", "Xem trước");
    expect(preview).toContain("Chọn từng người (theo số thứ tự)… — 1 người");
    await d.choose("secretary", "Hủy");
    await d.next("secretary", "Đã hủy. Thông tin chưa được gửi đi.");
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("notices").selectAll().execute()).toEqual([]);

    await d.say("secretary", "/notices");
    await d.next("secretary", "Chưa có thông báo nào.");
    expect(failures()).toEqual([]);
  });

  it("a notice made of a file with a caption reaches the member with the file, without acknowledgement", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    d = await start(["secretary", "member"]);
    const pdf = Buffer.from("%PDF-1.4 kế hoạch chuyển đổi số năm 2027");
    await d.say("secretary", "/notice");
    await d.next("secretary", "Soạn thông báo");
    await d.sendFile("secretary", { fileName: "ke-hoach-2027.pdf", content: pdf, mimeType: "application/pdf", caption: "Kế hoạch chuyển đổi số năm 2027" });
    await d.next("secretary", "Gửi tới:");
    await d.choose("secretary", "Thành viên (không gồm lãnh đạo Ban)");
    await d.choose("secretary", "Không cần xác nhận");
    expect(await d.next("secretary", "Xem trước")).toContain("Thành viên (không gồm lãnh đạo Ban) — 1 người");
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Đã bắt đầu gửi thông báo số");

    const card = await d.next("member", "Kế hoạch chuyển đổi số năm 2027");
    expect(card).toContain("Tệp kèm theo: ke-hoach-2027.pdf");
    expect(card).not.toContain("Đã nhận");
    expect((await d.file("member", "ke-hoach-2027.pdf")).equals(pdf)).toBe(true);
    const notice = await db().selectFrom("notices").selectAll().executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ body: "Kế hoạch chuyển đổi số năm 2027", ack_required: 0 });
    expect(notice.attachment_id).not.toBeNull();
    expect(failures()).toEqual([]);
  });
});
