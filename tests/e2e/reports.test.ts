import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { E2E, names, users } from "../support/e2e.js";
import { FakeTelegram, type FakeMessage, type FakeUser } from "../support/fake-telegram.js";

const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
  "NQ49-09;Hoàn thành kho dữ liệu dùng chung;KH 120/KH-UBND;Sở Thông tin và Truyền thông;mốc;;;30/06/2027;",
  "NQ49-10;Chỉ tiêu lỗi;49-NQ/TU;Sở Tài chính;số lượng;100;;;",
].join("\n");

describe("progress reporting, through the fake Bot API", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  /** Presses the newest button whose text contains `label` in the user's chat; resolves with the bot's next message there. */
  const tap = async (user: FakeUser, label: string): Promise<FakeMessage> => {
    const m = e2e.tg.transcript(user.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1);
    if (!m) throw new Error(`no button «${label}» in ${user.first_name}'s chat`);
    const before = e2e.tg.transcript(user.id).length;
    e2e.tg.pressButton(user, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!);
    return e2e.tg.nextReply(user.id, before);
  };
  /** Presses a button and resolves with the text of the alert Telegram shows (answerCallbackQuery). */
  const alertOf = async (user: FakeUser, label: string): Promise<string> => {
    const m = e2e.tg.transcript(user.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1)!;
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(user, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!, { force: true });
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    return (e2e.tg.answeredCallbacks.at(-1) as { text?: string }).text ?? "";
  };
  const importTasks = async () => {
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "nhiem-vu.csv", content: TASKS_CSV });
    return e2e.tg.nextReply(users.secretary.id, before);
  };
  const db = () => e2e.app.database.db;

  it("a member reports both tasks of the quarter from the phone; the secretariat sees, exports and answers", async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member"]);
    const imported = await importTasks();
    expect(imported.text).toContain("thêm mới 3, cập nhật 0, không đổi 0, lỗi 1");
    expect(imported.text).toContain("Dòng 5: Chỉ tiêu định lượng cần có đơn vị tính.");
    // Re-importing updates instead of duplicating.
    expect((await importTasks()).text).toContain("thêm mới 0, cập nhật 0, không đổi 3, lỗi 1");

    const list = await e2e.say(users.member, "/report");
    expect(list.text).toContain("BÁO CÁO TIẾN ĐỘ — Quý IV/2026");
    expect(list.text).toContain("Hạn nộp: 15/12/2026 17:00. Đồng chí đã báo cáo 0/2 nhiệm vụ.");
    expect(list.text).toContain("NQ49-05");
    expect(list.text).not.toContain("NQ49-09");

    const card = await tap(users.member, "NQ49-05");
    expect(card.text).toContain("Đơn vị chủ trì: Sở Tài chính");
    expect(card.text).toContain("Chỉ tiêu: 80 %");
    expect((await tap(users.member, "Báo cáo")).text).toContain("Bước 1/6");
    expect((await tap(users.member, "Đúng tiến độ")).text).toContain("Tỷ lệ hoàn thành");
    // Every refused step is asked again on its own; nothing typed before is lost.
    expect((await e2e.say(users.member, "120")).text).toBe("Tỷ lệ phải nằm trong khoảng từ 0 đến 100 %.");
    expect((await e2e.say(users.member, "khoảng sáu mươi")).text).toContain("Đề nghị nhập tỷ lệ hoàn thành bằng số");
    expect((await e2e.say(users.member, "62,5")).text).toContain("Kết quả đạt được");
    const long = "Đã triển khai. ".repeat(250);
    expect((await e2e.say(users.member, long)).text).toBe(
      `Nội dung dài ${long.trim().length} ký tự, vượt giới hạn 3000 ký tự. Đề nghị đồng chí rút gọn rồi gửi lại; bot chưa cắt bớt nội dung nào.`,
    );
    expect((await e2e.say(users.member, "Đã đưa 1.250 thủ tục lên Cổng dịch vụ công")).text).toContain("Khó khăn, vướng mắc");
    expect((await e2e.say(users.member, "Hạ tầng mạng cấp xã còn yếu")).text).toContain("Đề xuất, kiến nghị");
    expect((await tap(users.member, "Không có")).text).toContain("tài liệu, hình ảnh");
    let before = e2e.tg.transcript(users.member.id).length;
    e2e.tg.sendDocument(users.member, { fileName: "virus.exe", content: "MZ" });
    expect((await e2e.tg.nextReply(users.member.id, before)).text).toContain("không thuộc loại được nhận");
    before = e2e.tg.transcript(users.member.id).length;
    e2e.tg.sendDocument(users.member, { fileName: "bao-cao-quy-4.pdf", content: "%PDF-1.4" });
    expect((await e2e.tg.nextReply(users.member.id, before)).text).toContain("Đã nhận tệp «bao-cao-quy-4.pdf» (1 tệp)");
    const preview = await tap(users.member, "Xong");
    expect(preview.text).toContain("Tình trạng: Đúng tiến độ");
    expect(preview.text).toContain("Tỷ lệ hoàn thành: 62,5 %");
    expect(preview.text).toContain("Khó khăn, vướng mắc: Hạ tầng mạng cấp xã còn yếu");
    expect(preview.text).toContain("Tệp kèm theo: bao-cao-quy-4.pdf");
    // A correction from the preview goes back to the preview.
    expect((await tap(users.member, "✏️ Tiến độ")).text).toContain("Tỷ lệ hoàn thành");
    expect((await e2e.say(users.member, "65")).text).toContain("Tỷ lệ hoàn thành: 65 %");
    const done = await tap(users.member, "Gửi báo cáo");
    expect(done.text).toContain("Đã ghi nhận báo cáo NQ49-05 (lần 1). Đồng chí có thể sửa đến 15/12/2026 17:00.");
    expect(done.text).toContain("Còn 1 nhiệm vụ chưa báo cáo");

    // The secretariat hears of the obstacle.
    const raised = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Khó khăn, đề xuất mới")), 8000);
    expect(raised.text).toContain("Lương Văn Đức báo cáo NQ49-05 (Quý IV/2026)");
    expect(raised.text).toContain("Khó khăn, vướng mắc: «Hạ tầng mạng cấp xã còn yếu»");

    // The numeric indicator: the unit is checked.
    await e2e.say(users.member, "/report NQ49-07");
    await tap(users.member, "Báo cáo");
    expect((await tap(users.member, "Có nguy cơ chậm")).text).toContain("Giá trị đạt được (đơn vị: hồ sơ; mục tiêu 2.000 hồ sơ)");
    expect((await e2e.say(users.member, "1.500 km")).text).toBe("Chỉ tiêu này tính theo đơn vị «hồ sơ», không phải «km». Đề nghị nhập lại số liệu theo đơn vị «hồ sơ».");
    await e2e.say(users.member, "1.500 hồ sơ");
    await e2e.say(users.member, "Thanh toán qua Cổng dịch vụ công quốc gia");
    await tap(users.member, "Không có");
    await e2e.say(users.member, "Đề nghị hỗ trợ kinh phí đào tạo");
    expect((await tap(users.member, "Không kèm tệp")).text).toContain("Giá trị đạt được: 1.500 hồ sơ");
    expect((await tap(users.member, "Gửi báo cáo")).text).toContain("Đồng chí đã báo cáo đủ các nhiệm vụ của kỳ này");

    // A revision before the deadline: the current values are offered to keep; version 2 counts, version 1 stays.
    await e2e.say(users.member, "/report NQ49-05");
    await tap(users.member, "Sửa báo cáo");
    const askPercent = await tap(users.member, "Giữ nguyên: Đúng tiến độ");
    expect(FakeTelegram.buttons(askPercent).map((b) => b.text)).toContain("↩️ Giữ nguyên: 65 %");
    await e2e.say(users.member, "70");
    await tap(users.member, "Giữ nguyên");
    await tap(users.member, "Giữ nguyên");
    await tap(users.member, "Không có");
    await tap(users.member, "Không kèm tệp");
    expect((await tap(users.member, "Gửi báo cáo")).text).toContain("(lần 2)");
    const versions = await db().selectFrom("progress_updates").select(["version", "percent"]).orderBy("id").execute();
    expect(versions.filter((v) => v.percent !== null)).toEqual([{ version: 1, percent: 65 }, { version: 2, percent: 70 }]);

    // The secretariat's picture, by organization, and the export.
    const status = await e2e.say(users.secretary, "/progress");
    expect(status.text).toContain("TÌNH HÌNH BÁO CÁO — Quý IV/2026");
    expect(status.text).toContain("Tổng số 3 nhiệm vụ: đã báo cáo 2, nộp muộn 0, quá hạn chưa báo cáo 0, chưa báo cáo (chưa đến hạn) 1.");
    expect(status.text).toContain("Sở Tài chính: 2/2 đã báo cáo");
    expect(status.text).toContain("Sở Thông tin và Truyền thông: 0/1 đã báo cáo");
    expect(status.text).toContain("Chưa báo cáo: Nguyễn Hoàng Hà");
    expect(status.text).toContain("Khó khăn, kiến nghị chưa trả lời: 2");
    e2e.tg.pressButton(users.secretary, status, FakeTelegram.buttons(status).find((b) => b.text.includes("Excel"))!.callback_data!);
    const file = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.document?.file_name === "bao-cao-tien-do-2026-Q4.xlsx"), 8000);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(e2e.tg.documentContent(file.document!.file_id) as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 4 });
    expect(String(sheet.getCell(1, 1).value)).toContain("Quý IV/2026");
    expect((sheet.getRow(4).values as unknown[]).slice(1)).toEqual([
      "STT", "Mã", "Nhiệm vụ, chỉ tiêu", "Đơn vị chủ trì", "Tình trạng", "Tiến độ", "Kết quả đạt được", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Người báo cáo", "Thời điểm báo cáo", "Nộp muộn",
    ]);
    const rows = [5, 6, 7].map((r) => (sheet.getRow(r).values as unknown[]).slice(1));
    expect(rows[0]!.slice(0, 6)).toEqual([1, "NQ49-05", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "Sở Tài chính", "Đúng tiến độ", "70 %"]);
    expect(rows[0]!.slice(7, 10)).toEqual(["Hạ tầng mạng cấp xã còn yếu", "", names.member]);
    expect(rows[0]![11]).toBe("Không");
    expect(rows[1]!.slice(1, 6)).toEqual(["NQ49-07", "Số hồ sơ thanh toán trực tuyến", "Sở Tài chính", "Có nguy cơ chậm", "1.500/2.000 hồ sơ (75 %)"]);
    expect(rows[2]!.slice(1, 5)).toEqual(["NQ49-09", "Hoàn thành kho dữ liệu dùng chung", "Sở Thông tin và Truyền thông", "Chưa báo cáo"]);

    // The secretariat answers the proposal in chat; the member is told.
    const items = await e2e.say(users.secretary, "/items");
    expect(items.text).toContain("Khó khăn, đề xuất chưa trả lời (2)");
    const proposal = (await db().selectFrom("report_items").select("id").where("text", "=", "Đề nghị hỗ trợ kinh phí đào tạo").executeTakeFirstOrThrow()).id;
    expect((await tap(users.secretary, `Trả lời #${proposal}`)).text).toContain("Đề nghị hỗ trợ kinh phí đào tạo");
    expect((await e2e.say(users.secretary, "Sở TT&TT sẽ bố trí lớp tập huấn trong quý I/2027.")).text).toBe(`Đã gửi trả lời kiến nghị #${proposal} tới Lương Văn Đức.`);
    const answer = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Tổ giúp việc trả lời")), 8000);
    expect(answer.text).toContain("đề xuất, kiến nghị của đồng chí về NQ49-07 (Quý IV/2026)");
    expect(answer.text).toContain("Trả lời: Sở TT&TT sẽ bố trí lớp tập huấn trong quý I/2027.");
    expect((await e2e.say(users.secretary, "/items")).text).toContain("(1)");
  });
});
