import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { ensureNudge } from "../../src/core/nudges/daily.js";
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
  const alertOf = async (user: FakeUser, m: FakeMessage, data: string): Promise<string> => {
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(user, m, data, { force: true });
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
    expect(card.text).toContain("Chỉ tiêu: 80%");
    expect((await tap(users.member, "Báo cáo")).text).toContain("Bước 1/6");
    expect((await tap(users.member, "Đúng tiến độ")).text).toContain("Tỷ lệ hoàn thành");
    // Every refused step is asked again on its own; nothing typed before is lost.
    expect((await e2e.say(users.member, "120")).text).toBe("Tỷ lệ phải nằm trong khoảng từ 0 đến 100%.");
    expect((await e2e.say(users.member, "khoảng sáu mươi")).text).toContain("Đề nghị nhập tỷ lệ hoàn thành bằng số");
    expect((await e2e.say(users.member, "62,5")).text).toContain("Kết quả đạt được");
    const long = "Đã triển khai. ".repeat(250);
    expect((await e2e.say(users.member, long)).text).toBe(
      `Nội dung dài ${long.trim().length} ký tự, vượt giới hạn 3000 ký tự. Đề nghị đồng chí rút gọn rồi gửi lại; Trợ lý chưa cắt bớt nội dung nào.`,
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
    expect(preview.text).toContain("Tỷ lệ hoàn thành: 62,5%");
    expect(preview.text).toContain("Khó khăn, vướng mắc: Hạ tầng mạng cấp xã còn yếu");
    expect(preview.text).toContain("Tệp kèm theo: bao-cao-quy-4.pdf");
    // A correction from the preview goes back to the preview.
    expect((await tap(users.member, "✏️ Tiến độ")).text).toContain("Tỷ lệ hoàn thành");
    const corrected = await e2e.say(users.member, "65");
    expect(corrected.text).toContain("Tỷ lệ hoàn thành: 65%");
    const submit = FakeTelegram.buttons(corrected).find((b) => b.text.includes("Gửi báo cáo"))!.callback_data!;
    const done = await tap(users.member, "Gửi báo cáo");
    expect(done.text).toContain("Đã ghi nhận báo cáo NQ49-05 (lần 1). Đồng chí có thể sửa đến 15/12/2026 17:00.");
    expect(done.text).toContain("Còn 1 nhiệm vụ chưa báo cáo");
    // A second tap on the same button changes nothing.
    expect(await alertOf(users.member, corrected, submit)).toBe("Nút này không còn hiệu lực. Đề nghị đồng chí dùng tin nhắn mới nhất.");
    expect(await db().selectFrom("progress_updates").select("id").execute()).toHaveLength(1);

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
    expect(FakeTelegram.buttons(askPercent).map((b) => b.text)).toContain("↩️ Giữ nguyên: 65%");
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
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 5 });
    expect(String(sheet.getCell(2, 1).value)).toContain("QUÝ IV NĂM 2026");
    expect((sheet.getRow(5).values as unknown[]).slice(1)).toEqual([
      "STT", "Mã", "Nhiệm vụ, chỉ tiêu", "Chỉ tiêu", "Hạn hoàn thành", "Đơn vị chủ trì", "Tình trạng", "Tiến độ", "Kết quả đạt được", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Người báo cáo", "Thời gian báo cáo", "Nộp muộn",
    ]);
    const rows = [6, 7, 8].map((r) => Array.from((sheet.getRow(r).values as unknown[]).slice(1), (v) => v ?? ""));
    expect([...rows[0]!.slice(0, 3), ...rows[0]!.slice(5, 8)]).toEqual([1, "NQ49-05", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến", "Sở Tài chính", "Đúng tiến độ", "70%"]);
    expect(rows[0]!.slice(9, 12)).toEqual(["Hạ tầng mạng cấp xã còn yếu", "", names.member]);
    expect(rows[0]![13]).toBe("Không");
    expect([...rows[1]!.slice(1, 3), ...rows[1]!.slice(5, 8)]).toEqual(["NQ49-07", "Số hồ sơ thanh toán trực tuyến", "Sở Tài chính", "Có nguy cơ chậm", "1.500/2.000 hồ sơ (75%)"]);
    expect([...rows[2]!.slice(1, 3), ...rows[2]!.slice(5, 7)]).toEqual(["NQ49-09", "Hoàn thành kho dữ liệu dùng chung", "Sở Thông tin và Truyền thông", "Chưa báo cáo"]);

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

    // Drilling into one task: every version, and the files reported with it sent again.
    const history = await e2e.say(users.secretary, "/task NQ49-05");
    expect(history.text).toContain("Quý IV/2026 · lần 1");
    expect(history.text).toContain("Quý IV/2026 · lần 2");
    expect(history.text).toContain("Tệp kèm theo: bao-cao-quy-4.pdf");
    const pdfs = () => e2e.tg.transcript(users.secretary.id).filter((m) => m.document?.file_name === "bao-cao-quy-4.pdf");
    expect(pdfs()).toHaveLength(0);
    e2e.tg.pressButton(users.secretary, history, FakeTelegram.buttons(history).find((b) => b.text.includes("Tệp kèm theo (1)"))!.callback_data!);
    const pdf = await e2e.tg.waitFor(() => pdfs()[0]);
    expect(e2e.tg.documentContent(pdf.document!.file_id).toString()).toBe("%PDF-1.4");
  });

  it("in English: no-change shortcut, reminder, lateness, closing and reopening, someone else's task, reporting on behalf", async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member", "deputy"]);
    const committee = await e2e.core.committees.require("LS");
    e2e.clock.set("2026-08-03T02:00:00Z");
    await e2e.core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);
    await e2e.say(users.member, "/lang en");

    // Third quarter: the member reports once.
    expect((await e2e.say(users.member, "/report")).text).toContain("PROGRESS REPORT — Q3 2026");
    await tap(users.member, "NQ49-05");
    await tap(users.member, "✍️ Report");
    await tap(users.member, "On track");
    expect((await e2e.say(users.member, "40")).text).toContain("Results achieved");
    await e2e.say(users.member, "Pilot in three districts");
    await tap(users.member, "None");
    await tap(users.member, "None");
    await tap(users.member, "No files");
    expect((await tap(users.member, "Send the report")).text).toContain("Report on NQ49-05 recorded (version 1)");

    // Fourth quarter: "no change since last period" copies it and asks only for confirmation.
    e2e.clock.set("2026-11-23T02:00:00Z");
    const card = await e2e.say(users.member, "/report NQ49-05");
    expect(card.text).toContain("Last period (Q3 2026): On track, 40%");
    const same = await tap(users.member, "No change since last period");
    expect(same.text).toContain("Same as last period. Please check and confirm.");
    expect(same.text).toContain("Completion rate: 40%");
    expect(same.text).toContain("Results: Pilot in three districts");
    expect((await tap(users.member, "Send the report")).text).toContain("Report on NQ49-05 recorded (version 1)");
    const copied = await e2e.app.database.db.selectFrom("progress_updates").selectAll().orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(copied).toMatchObject({ unchanged: 1, percent: 40, results: "Pilot in three districts", late: 0 });

    // The daily nudge (three working days before the deadline is Thursday 10/12; the bot was stopped then, so it
    // comes once on Friday morning): those who still owe a report get one message, with a button per task.
    // (The committee was made after the bot started: its daily nudge is scheduled as committee:create does.)
    await ensureNudge(e2e.app.database.db, e2e.clock.now(), committee.id);
    e2e.clock.set("2026-12-11T01:30:00Z");
    await e2e.app.scheduler.tick();
    const reminder = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("FOR YOU TODAY")), 8000);
    expect(reminder.text).toContain("1. Report on task NQ49-07");
    expect(reminder.text).toContain("due 15/12/2026 17:00");
    expect(reminder.text).not.toContain("NQ49-05");
    const deputyReminder = await e2e.tg.waitFor(() => e2e.tg.transcript(users.deputy.id).find((m) => m.text?.includes("VIỆC CẦN XỬ LÝ HÔM NAY")), 8000);
    expect(deputyReminder.text).toContain("NQ49-09");
    expect(e2e.tg.transcript(users.chair.id).some((m) => m.text?.includes("VIỆC CẦN XỬ LÝ"))).toBe(false);

    // After the deadline: a first report is accepted and flagged late; an on-time report can no longer be changed.
    e2e.clock.set("2026-12-16T02:00:00Z");
    expect((await tap(users.member, "NQ49-07")).text).toContain("The deadline has passed; the report will be recorded as late.");
    await tap(users.member, "✍️ Report");
    await tap(users.member, "Behind schedule");
    await e2e.say(users.member, "900");
    await e2e.say(users.member, "Payments went live in November");
    await tap(users.member, "None");
    await tap(users.member, "None");
    const before = e2e.tg.transcript(users.member.id).length;
    e2e.tg.sendDocument(users.member, { fileName: "scan.pdf", content: Buffer.alloc(21 * 1024 * 1024) });
    expect((await e2e.tg.nextReply(users.member.id, before)).text).toBe("The file “scan.pdf” is too large (at most 20 MB).");
    await tap(users.member, "No files");
    expect((await tap(users.member, "Send the report")).text).toContain("It is recorded as late (due 15/12/2026 17:00)");
    const locked = await e2e.say(users.member, "/report NQ49-05");
    expect(locked.text).toContain("The deadline has passed, so a report already sent can no longer be changed.");
    expect(FakeTelegram.buttons(locked).map((b) => b.text)).not.toContain("✍️ Edit the report");
    // Leaders read the picture; a member may not.
    expect((await e2e.say(users.chair, "/progress")).text).toContain("Tổng số 3 nhiệm vụ: đã báo cáo 1, nộp muộn 1, quá hạn chưa báo cáo 1, chưa báo cáo (chưa đến hạn) 0.");
    expect((await e2e.say(users.member, "/progress")).text).toBe("You are not allowed to do this.");
    // Someone else's task is refused.
    expect((await e2e.say(users.member, "/report NQ49-09")).text).toBe("Task NQ49-09 is not assigned to you or your organization.");

    // After closing, only the secretariat can reopen the period for one person.
    e2e.clock.set("2027-01-04T02:00:00Z");
    expect((await tap(users.deputy, "NQ49-09")).text).toContain("Kỳ báo cáo đã hết hạn nhận báo cáo.");
    const deputySeat = await e2e.app.database.db.selectFrom("memberships as m").innerJoin("people as p", "p.id", "m.person_id").select("m.id").where("p.full_name", "=", names.deputy).executeTakeFirstOrThrow();
    expect((await e2e.say(users.secretary, `/period reopen 2026-Q4 ${deputySeat.id} 06/01/2027 17:00`)).text).toBe("Đã mở lại kỳ 2026-Q4 cho Nguyễn Hoàng Hà đến 06/01/2027 17:00.");
    const reopened = await tap(users.deputy, "NQ49-09");
    expect(reopened.text).toContain("Kỳ báo cáo: Quý IV/2026");
    await tap(users.deputy, "✍️ Báo cáo");
    await tap(users.deputy, "Đã hoàn thành");
    await e2e.say(users.deputy, "100");
    await e2e.say(users.deputy, "Kho dữ liệu dùng chung đã vận hành");
    await tap(users.deputy, "Không có");
    await tap(users.deputy, "Không có");
    await tap(users.deputy, "Không kèm tệp");
    expect((await tap(users.deputy, "Gửi báo cáo")).text).toContain("nộp muộn");
    // The member, for whom nothing was reopened, is still refused.
    const stillClosed = e2e.tg.transcript(users.member.id).filter((m) => m.text?.includes("FOR YOU TODAY")).at(-1)!;
    e2e.tg.pressButton(users.member, stillClosed, FakeTelegram.buttons(stillClosed)[0]!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("Report history") === false && e2e.tg.lastMessage(users.member.id)?.text?.includes("The reporting period is closed"));

    // The secretariat reports in the member's place for the new quarter; it is recorded as such.
    const task = await e2e.say(users.secretary, "/task NQ49-07");
    expect(task.text).toContain("Lịch sử báo cáo NQ49-07");
    expect(task.text).toContain("Quý IV/2026 · lần 1");
    expect(task.text).toContain("(nộp muộn)");
    expect((await tap(users.secretary, "Báo cáo thay")).text).toContain("Đồng chí đang báo cáo thay cho Lương Văn Đức.");
    await tap(users.secretary, "Báo cáo thay");
    expect((await tap(users.secretary, "Chưa triển khai")).text).toContain("Kết quả đạt được");
    await tap(users.secretary, "Không có");
    await tap(users.secretary, "Không có");
    await tap(users.secretary, "Không có");
    await tap(users.secretary, "Không kèm tệp");
    expect((await tap(users.secretary, "Gửi báo cáo")).text).toContain("Báo cáo được ghi nhận là do đồng chí báo cáo thay cho Lương Văn Đức.");
    const onBehalf = await e2e.app.database.db.selectFrom("progress_updates as u").innerJoin("people as p", "p.id", "u.on_behalf_of_person_id").select(["p.full_name", "u.status"]).orderBy("u.id", "desc").executeTakeFirstOrThrow();
    expect(onBehalf).toEqual({ full_name: names.member, status: "not_started" });
    const audit = await e2e.app.database.db.selectFrom("audit_log").select("action").where("action", "like", "progress.%").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["progress.submit", "progress.submit", "progress.submit", "progress.submit", "progress.submit_on_behalf"]);
  });
});
