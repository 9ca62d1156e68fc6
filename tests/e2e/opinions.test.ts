import ExcelJS from "exceljs";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { DAY } from "../../src/core/clock.js";
import { E2E, users } from "../support/e2e.js";
import { FakeTelegram, type FakeMessage } from "../support/fake-telegram.js";

describe("written-opinion requests, through the fake Bot API", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const tapFor = (user: typeof users.secretary) => async (label: string) => {
    const m = e2e.tg.transcript(user.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1);
    if (!m) throw new Error(`no button ${label}`);
    const before = e2e.tg.transcript(user.id).length;
    e2e.tg.pressButton(user, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!);
    return e2e.tg.nextReply(user.id, before);
  };
  const current = (user: typeof users.member, m: FakeMessage) => e2e.tg.transcript(user.id).find((x) => x.message_id === m.message_id)!;

  it("runs a consultation from the draft to the compiled table, with revision before the deadline and refusal after it", async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member"]);
    const tap = tapFor(users.secretary);
    expect((await e2e.say(users.secretary, "/opinion")).text).toContain("tên dự thảo");
    expect((await e2e.say(users.secretary, "Dự thảo Kế hoạch chuyển đổi số năm 2027")).text).toContain("nội dung dự thảo");
    expect((await e2e.say(users.secretary, "Kế hoạch gồm 30 chỉ tiêu, trong đó 12 chỉ tiêu mới.")).text).toContain("câu hỏi 1");
    expect((await e2e.say(users.secretary, "Đồng chí có đồng ý với các chỉ tiêu?")).text).toContain("câu hỏi 2");
    await e2e.say(users.secretary, "Đồng chí có đồng ý với phân công chủ trì?");
    expect((await tap("Xong")).text).toContain("Hạn cho ý kiến");
    expect((await e2e.say(users.secretary, "01/01/2020 08:00")).text).toBe("Hạn cho ý kiến phải sau thời điểm hiện tại.");
    await e2e.say(users.secretary, "28/11/2026 17:00");
    const preview = await tap("Tất cả");
    expect(preview.text).toContain("«Dự thảo Kế hoạch chuyển đổi số năm 2027», 2 câu hỏi, hạn 28/11/2026 17:00, gửi tới 5 người (2 người hiện không nhận được tin)");
    expect((await tap("Gửi")).text).toContain("Đã gửi đề nghị xin ý kiến số 1 tới 5 người");

    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("XIN Ý KIẾN BẰNG VĂN BẢN")), 8000);
    expect(card.text).toContain("Câu 1. Đồng chí có đồng ý với các chỉ tiêu?");
    const press = (label: string) => {
      const m = current(users.member, card);
      e2e.tg.pressButton(users.member, m, FakeTelegram.buttons(m).find((b) => b.text.endsWith(label))!.callback_data!);
    };
    press("1 · Đồng ý");
    await e2e.tg.waitFor(() => current(users.member, card).text?.includes("→ Ý kiến của đồng chí: Đồng ý"));
    press("2 · Không đồng ý");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("nêu lý do không đồng ý"));
    expect((await e2e.say(users.member, "   ")).text).toBe("Đề nghị đồng chí nêu lý do không đồng ý.");
    expect((await e2e.say(users.member, "Sở Tài chính không chủ trì nhiệm vụ số 7")).text).toBe("Đã ghi nhận ý kiến của đồng chí cho câu 2.");
    await e2e.tg.waitFor(() => current(users.member, card).text?.includes("Không đồng ý — Sở Tài chính không chủ trì nhiệm vụ số 7"));
    // A revision replaces the answer that counts; the earlier one stays on record.
    press("1 · Đồng ý, có ý kiến");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("nhập ý kiến"));
    await e2e.say(users.member, "Đề nghị bổ sung chỉ tiêu về chữ ký số");
    await e2e.tg.waitFor(() => current(users.member, card).text?.includes("Đồng ý, có ý kiến — Đề nghị bổ sung chỉ tiêu về chữ ký số"));

    const summary = await e2e.say(users.secretary, "/opinions 1");
    expect(summary.text).toContain("Đã có ý kiến: 1/5.");
    expect(summary.text).toContain("Câu 1: đồng ý 0, đồng ý có ý kiến 1, không đồng ý 0.");
    expect(summary.text).toContain("Câu 2: đồng ý 0, đồng ý có ý kiến 0, không đồng ý 1.");
    e2e.tg.pressButton(users.secretary, summary, FakeTelegram.buttons(summary)[0]!.callback_data!);
    const xlsx = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.document?.file_name === "tong-hop-y-kien-1.xlsx"), 8000);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(e2e.tg.documentContent(xlsx.document!.file_id) as never);
    const sheet = book.worksheets[0]!;
    // Committee, title, subject, deadline and the two questions above a blank row and the table.
    expect(sheet.getRow(2).getCell(1).value).toBe("BẢNG TỔNG HỢP Ý KIẾN");
    expect(sheet.getRow(8).values).toEqual([undefined, "STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Câu 1", "Câu 2", "Thời gian gửi ý kiến", "Ý kiến tiếp thu, giải trình của Tổ giúp việc"]);
    const rows = [9, 10, 11, 12, 13].map((r) => sheet.getRow(r).values as unknown[]);
    const duc = rows.find((r) => r[2] === "Lương Văn Đức")!;
    expect(duc.slice(3, 7)).toEqual(["Giám đốc", "Sở Tài chính", "Đồng ý, có ý kiến: Đề nghị bổ sung chỉ tiêu về chữ ký số", "Không đồng ý: Sở Tài chính không chủ trì nhiệm vụ số 7"]);
    expect(rows.filter((r) => r[7] === "Chưa có ý kiến")).toHaveLength(4);
    expect(sheet.getRow(14).getCell(2).value).toBe("Tổng hợp");
    expect(sheet.getRow(14).getCell(7).value).toBe("1/5 thành viên có ý kiến");
    e2e.tg.pressButton(users.secretary, summary, FakeTelegram.buttons(summary)[1]!.callback_data!);
    const docx = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.document?.file_name === "tong-hop-y-kien-1.docx"), 8000);
    const words = strFromU8(unzipSync(new Uint8Array(e2e.tg.documentContent(docx.document!.file_id)))["word/document.xml"]!).replace(/<[^>]+>/g, "");
    expect(words).toContain("BẢNG TỔNG HỢP Ý KIẾN");
    expect(words).toContain("đối với Dự thảo Kế hoạch chuyển đổi số năm 2027");
    expect(words).toContain("Không đồng ý: Sở Tài chính không chủ trì nhiệm vụ số 7");
    expect(words).toContain("Chưa có ý kiến");

    // After the deadline nothing changes.
    e2e.clock.advance(6 * DAY);
    const before = e2e.tg.answeredCallbacks.length;
    const m = current(users.member, card);
    e2e.tg.pressButton(users.member, m, FakeTelegram.buttons(m)[0]!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    expect((e2e.tg.answeredCallbacks.at(-1) as { text: string }).text).toBe("Đã hết hạn cho ý kiến.");
  });
});
