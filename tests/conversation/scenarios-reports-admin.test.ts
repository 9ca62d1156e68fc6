import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { drivers, takesDocuments, type Driver, type Who } from "../support/drivers.js";
import { names } from "../support/e2e.js";

/** Two tasks of the Finance department (the member's), one of the Information department (the deputy's), and a bad row. */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
  "NQ49-09;Hoàn thành kho dữ liệu dùng chung;KH 120/KH-UBND;Sở Thông tin và Truyền thông;mốc;;;30/06/2027;",
  "NQ49-10;Chỉ tiêu lỗi;49-NQ/TU;Sở Tài chính;số lượng;100;;;",
].join("\n");

describe.each(drivers)("the secretariat's and leaders' side of reporting on %s", (_app, start) => {
  let d: Driver;
  let who: Who[] = [];
  const begin = async (people: Who[]) => {
    who = people;
    d = await start(people);
    return d;
  };
  afterEach(async () => {
    // Every placeholder of every text the bot sent was filled in.
    for (const w of who) expect(d.said(w).filter((m) => m.includes("{{"))).toEqual([]);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
    await d.stop();
  });
  const db = () => d.e2e.app.database.db;
  const committeeId = async () => (await d.e2e.core.committees.require("LS")).id;
  const taskId = async (code: string) => (await db().selectFrom("tasks").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  /** The quarter's period, made the first time anyone needs it. */
  const periodId = async () => (await d.e2e.core.periods.find(cliActor, await committeeId(), "2026-Q4")).id;
  const memberNumber = async (fullName: string) =>
    (await db().selectFrom("memberships as m").innerJoin("people as p", "p.id", "m.person_id").select("m.id").where("p.full_name", "=", fullName).executeTakeFirstOrThrow()).id;

  it("the task registry sent as a file; the quarter by organization, task by task and in Excel", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    await begin(["secretary", "chair", "member"]);
    await d.sendFile("secretary", { fileName: "nhiem-vu.csv", content: TASKS_CSV });
    const imported = await d.next("secretary", "Đã nhập danh mục nhiệm vụ");
    expect(imported).toContain("thêm mới 3, cập nhật 0, không đổi 0, lỗi 1");
    expect(imported).toContain("Dòng 5: Chỉ tiêu định lượng cần có đơn vị tính.");
    expect((await db().selectFrom("tasks").select("code").orderBy("code").execute()).map((t) => t.code)).toEqual(["NQ49-05", "NQ49-07", "NQ49-09"]);

    // The member reports one task on time and the other after the deadline (core's way in: not the subject here).
    const member = await d.actorOf("member");
    await d.e2e.core.reports.submit(member, { taskId: await taskId("NQ49-05"), periodId: await periodId(), status: "on_track", progress: 65, results: "Đã đưa 1.250 thủ tục lên Cổng" });
    d.e2e.clock.set("2026-12-16T02:00:00Z");
    await d.e2e.core.reports.submit(member, { taskId: await taskId("NQ49-07"), periodId: await periodId(), status: "behind", progress: 900, results: "Thanh toán từ tháng 11" });

    await d.say("secretary", "/progress");
    const status = await d.next("secretary", "TÌNH HÌNH BÁO CÁO — Quý IV/2026");
    expect(status).toContain("Tổng số 3 nhiệm vụ: đã báo cáo 1, nộp muộn 1, quá hạn chưa báo cáo 1, chưa báo cáo (chưa đến hạn) 0.");
    // Each organization's line ends with its count, and with the late ones when there are any.
    expect(status.split("\n")).toContain("• Sở Tài chính: 2/2 đã báo cáo (1 muộn)");
    expect(status.split("\n")).toContain("• Sở Thông tin và Truyền thông: 0/1 đã báo cáo");
    expect(status).toContain("Chưa báo cáo: Nguyễn Hoàng Hà");

    await d.choose("secretary", "Từng nhiệm vụ");
    const details = await d.next("secretary", "NQ49-09 Hoàn thành kho dữ liệu dùng chung — Sở Thông tin và Truyền thông: Quá hạn, chưa báo cáo");
    expect(details).toContain("NQ49-07 Số hồ sơ thanh toán trực tuyến — Sở Tài chính: Nộp muộn · Chậm tiến độ, 900/2.000 hồ sơ (45%)");

    await d.choose("secretary", "Xuất Excel");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await d.file("secretary", "bao-cao-tien-do-2026-Q4.xlsx")) as never);
    const sheet = book.worksheets[0]!;
    // Read as a person reads it: the title names the quarter, and each task has its row.
    const rows: string[][] = [];
    sheet.eachRow((row) => void rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ""))));
    expect(rows.some((r) => r.some((c) => c.includes("QUÝ IV NĂM 2026")))).toBe(true);
    const rowOf = (code: string) => rows.find((r) => r.includes(code))?.join(" | ");
    expect(rowOf("NQ49-05")).toBeDefined();
    expect(rowOf("NQ49-07")).toContain("Có");
    expect(rowOf("NQ49-09")).toContain("Quá hạn, chưa báo cáo");

    // A leader reads the same picture; a member may not.
    await d.say("chair", "/progress 2026-Q4");
    expect(await d.next("chair", "TÌNH HÌNH BÁO CÁO")).toContain("• Sở Tài chính: 2/2 đã báo cáo (1 muộn)");
    await d.say("member", "/progress");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
  });

  it("the registry listed, a task's field changed by its Vietnamese name, a bad field refused", async () => {
    await begin(["secretary", "member"]);
    await d.e2e.core.tasks.importCsv(cliActor, await committeeId(), TASKS_CSV);

    await d.say("secretary", "/tasks");
    const list = await d.next("secretary", "Danh mục nhiệm vụ, chỉ tiêu");
    expect(list).toContain("Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn (3)");
    expect(list).toContain("NQ49-07 Số hồ sơ thanh toán trực tuyến — Sở Tài chính");
    expect(list).toContain("Sửa một trường: /task <mã> <trường> <giá trị>.");

    await d.say("secretary", "/task NQ49-07 mục tiêu 2.500");
    await d.next("secretary", "Đã cập nhật nhiệm vụ NQ49-07.");
    const history = await d.next("secretary", "Lịch sử báo cáo NQ49-07");
    expect(history).toContain("Chưa có báo cáo nào");
    expect((await db().selectFrom("tasks").select("target_value").where("code", "=", "NQ49-07").executeTakeFirstOrThrow()).target_value).toBe(2500);

    // The same value again changes nothing; an unknown field is refused and changes nothing.
    await d.say("secretary", "/task NQ49-07 mục tiêu 2.500");
    await d.next("secretary", "Nhiệm vụ NQ49-07 không có gì thay đổi.");
    await d.say("secretary", "/task NQ49-07 màu đỏ");
    await d.next("secretary", "Không có trường «màu». Các trường có thể sửa: title, source");
    const audit = await db().selectFrom("audit_log").select("action").where("action", "=", "task.update").execute();
    expect(audit).toHaveLength(1);

    // The secretariat may report in the member's place from the task's card.
    await d.choose("secretary", "Báo cáo thay");
    await d.next("secretary", "Đồng chí đang báo cáo thay cho Lương Văn Đức.");

    // A member reads no registry.
    await d.say("member", "/tasks");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
  });

  it("periods listed, an extra one opened, a deadline extended for one member; bad moments and numbers refused", async () => {
    await begin(["secretary", "chair"]);
    await d.e2e.core.tasks.importCsv(cliActor, await committeeId(), TASKS_CSV);

    await d.say("secretary", "/period");
    const list = await d.next("secretary", "Các kỳ báo cáo");
    expect(list).toContain("2026-Q4 Quý IV/2026: mở 01/10/2026 00:00, hạn 15/12/2026 17:00, chốt số liệu 31/12/2026 23:59 — đang mở");
    expect(list).toContain("/period open <mã>; <tên kỳ>;");

    await d.say("secretary", "/period open 6T-2026; Sơ kết 6 tháng; 32/12/2026 17:00; 31/12/2026 23:59");
    await d.next("secretary", "Thời gian «32/12/2026 17:00» không đúng dạng dd/MM/yyyy HH:mm.");
    await d.say("secretary", "/period open 6T-2026; Sơ kết 6 tháng; 20/12/2026 17:00; 18/12/2026 17:00");
    await d.next("secretary", "Thời điểm chốt số liệu không được trước hạn nộp.");
    expect(await db().selectFrom("reporting_periods").select("code").where("kind", "=", "extra").execute()).toEqual([]);
    await d.say("secretary", "/period open 6T-2026; Sơ kết 6 tháng; 20/12/2026 17:00; 31/12/2026 23:59");
    await d.next("secretary", "Đã mở kỳ báo cáo Sơ kết 6 tháng (6T-2026) gồm 3 nhiệm vụ, hạn nộp 20/12/2026 17:00, chốt số liệu 31/12/2026 23:59.");
    expect(await db().selectFrom("reporting_periods").select(["code", "name"]).where("kind", "=", "extra").execute()).toEqual([{ code: "6T-2026", name: "Sơ kết 6 tháng" }]);

    await d.say("secretary", "/period extend 2026-Q4 18/12/2026 17:00 Đức");
    await d.next("secretary", "Không tìm thấy thành viên số Đức.");
    const member = await memberNumber(names.member);
    await d.say("secretary", `/period extend 2026-Q4 18/12/2026 17:00 #${member}`);
    await d.next("secretary", "Đã gia hạn kỳ 2026-Q4 cho Lương Văn Đức đến 18/12/2026 17:00.");
    const exceptions = await db().selectFrom("period_exceptions").select(["due_at", "reopened_until"]).execute();
    expect(exceptions).toEqual([{ due_at: "2026-12-18T10:00:00.000Z", reopened_until: null }]);

    // A leader reads the periods but may not change them.
    await d.say("chair", "/period open 9T; Chín tháng; 20/12/2026 17:00; 31/12/2026 23:59");
    await d.next("chair", "Đồng chí không có quyền thực hiện thao tác này.");
    expect(await db().selectFrom("reporting_periods").select("code").where("kind", "=", "extra").execute()).toHaveLength(1);
  });

  it("an obstacle and a proposal answered in chat: a file or a too long answer asked again, the member told", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    await begin(["secretary", "member"]);
    await d.e2e.core.tasks.importCsv(cliActor, await committeeId(), TASKS_CSV);
    await d.e2e.core.reports.submit(await d.actorOf("member"), {
      taskId: await taskId("NQ49-05"),
      periodId: await periodId(),
      status: "at_risk",
      progress: 40,
      results: "Thí điểm ở ba xã",
      obstacles: "Hạ tầng mạng cấp xã còn yếu",
      proposals: "Đề nghị hỗ trợ kinh phí đào tạo",
    });

    await d.say("secretary", "/items");
    const items = await d.next("secretary", "Khó khăn, đề xuất chưa trả lời (2)");
    expect(items).toContain("Đề nghị hỗ trợ kinh phí đào tạo");
    const proposal = (await db().selectFrom("report_items").select("id").where("kind", "=", "proposal").executeTakeFirstOrThrow()).id;
    await d.choose("secretary", `Trả lời #${proposal}`);
    await d.next("secretary", `Nhập nội dung trả lời cho #${proposal}`);

    // While the answer is awaited, a file is not an answer, nor is it imported.
    await d.sendFile("secretary", { fileName: "thanh-vien.csv", content: "full_name,role\nVi Văn Toàn,member\n" });
    await d.next("secretary", "Đề nghị đồng chí nhập nội dung bằng văn bản ở bước này.");
    await d.say("secretary", "Sẽ bố trí. ".repeat(301));
    await d.next("secretary", "vượt giới hạn 3000 ký tự");
    expect((await db().selectFrom("report_items").select("status").where("id", "=", proposal).executeTakeFirstOrThrow()).status).toBe("open");

    await d.say("secretary", "Sở sẽ bố trí lớp tập huấn trong quý I/2027.");
    await d.next("secretary", `Đã gửi trả lời kiến nghị #${proposal} tới Lương Văn Đức.`);
    expect(await db().selectFrom("report_items").select(["status", "answer"]).where("id", "=", proposal).executeTakeFirstOrThrow()).toEqual({
      status: "answered",
      answer: "Sở sẽ bố trí lớp tập huấn trong quý I/2027.",
    });
    const told = await d.next("member", "Tổ giúp việc trả lời");
    expect(told).toContain("Trả lời: Sở sẽ bố trí lớp tập huấn trong quý I/2027.");
    await d.say("secretary", "/items");
    await d.next("secretary", "Khó khăn, đề xuất chưa trả lời (1)");
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("people").select("id").where("full_name", "=", "Vi Văn Toàn").execute()).toEqual([]);
  });
});
