import ExcelJS from "exceljs";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor, loadSeats, type Actor } from "../../src/core/actor.js";
import { DAY } from "../../src/core/clock.js";
import { formatDateTime } from "../../src/i18n/format.js";
import { createTranslator } from "../../src/i18n/index.js";
import { drivers, takesDocuments, type Driver } from "../support/drivers.js";
import { names } from "../support/e2e.js";

const tr = createTranslator("vi");
const TITLE = "Dự thảo Kế hoạch chuyển đổi số năm 2027";
const DRAFT = "%PDF-1.4 dự thảo kế hoạch (nội dung giả lập)";

describe.each(drivers)("the secretariat's written-opinion requests on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const db = () => d.e2e.app.database.db;
  const failures = () => d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"));
  /** A time `days` from now, as the secretariat types it (committee time). */
  const typed = (days: number) => formatDateTime(new Date(d.e2e.clock.now().getTime() + days * DAY), "Asia/Ho_Chi_Minh");

  it("composes a request with the draft as a file, refusing bad values as it goes, and sends it", async ({ skip }) => {
    skip(!takesDocuments(_app), "Zalo passes no documents on to bots");
    d = await start(["secretary", "member"]);
    await d.say("secretary", "/opinion");
    await d.next("secretary", "tên dự thảo");

    // Core's rules, step by step: each refusal is said and the same question waits, nothing kept of it.
    await d.say("secretary", "D".repeat(301));
    await d.next("secretary", "Tên dự thảo quá dài (301 ký tự, tối đa 300)");
    await d.say("secretary", TITLE);
    await d.next("secretary", "nội dung dự thảo");
    await d.sendFile("secretary", { fileName: "du-thao-ke-hoach.pdf", content: DRAFT, mimeType: "application/pdf", caption: "Kính gửi các đồng chí dự thảo Kế hoạch." });
    await d.next("secretary", "Nhập câu hỏi 1");
    await d.say("secretary", "   ");
    await d.next("secretary", "Đề nghị nhập nội dung câu hỏi.");
    await d.say("secretary", "Đồng chí có đồng ý với các chỉ tiêu?");
    await d.next("secretary", "Nhập câu hỏi 2");
    await d.say("secretary", "Đồng chí có đồng ý với phân công chủ trì?");
    await d.next("secretary", "Nhập câu hỏi 3");
    await d.choose("secretary", "Xong");
    await d.next("secretary", "Hạn cho ý kiến");
    await d.say("secretary", "thứ sáu tuần sau");
    await d.next("secretary", "Thời gian chưa đúng định dạng dd/MM/yyyy HH:mm");
    await d.say("secretary", typed(-1));
    await d.next("secretary", "Hạn cho ý kiến phải sau thời điểm hiện tại.");
    const deadline = typed(3);
    await d.say("secretary", deadline);
    await d.next("secretary", "Gửi tới:");
    await d.choose("secretary", "Tất cả thành viên và Tổ giúp việc");
    const preview = await d.next("secretary", "Xem trước");
    expect(preview).toContain(`«${TITLE}», 2 câu hỏi, hạn ${deadline}, gửi tới`);
    expect(await db().selectFrom("opinion_requests").selectAll().execute()).toEqual([]);
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Đã gửi đề nghị xin ý kiến số 1 tới");

    const request = await db().selectFrom("opinion_requests").selectAll().executeTakeFirstOrThrow();
    expect(request).toMatchObject({ title: TITLE, body: "Kính gửi các đồng chí dự thảo Kế hoạch.", status: "open" });
    expect(JSON.parse(request.questions)).toEqual(["Đồng chí có đồng ý với các chỉ tiêu?", "Đồng chí có đồng ý với phân công chủ trì?"]);
    expect(formatDateTime(request.deadline, "Asia/Ho_Chi_Minh")).toBe(deadline);
    expect(request.attachment_id).not.toBeNull();
    const members = await db().selectFrom("memberships").select("person_id").where("active", "=", 1).execute();
    expect(await db().selectFrom("opinion_recipients").selectAll().execute()).toHaveLength(new Set(members.map((m) => m.person_id)).size);

    // The member receives the request with the draft attached, and the file itself.
    const card = await d.next("member", "XIN Ý KIẾN BẰNG VĂN BẢN");
    expect(card).toContain("📎 Dự thảo kèm theo: du-thao-ke-hoach.pdf");
    expect(card).toContain("Câu 2. Đồng chí có đồng ý với phân công chủ trì?");
    expect((await d.file("member", "du-thao-ke-hoach.pdf")).toString()).toBe(DRAFT);
    expect(failures()).toEqual([]);
  });

  it("a request with no question cannot go on, and Cancel leaves nothing behind", async () => {
    d = await start(["secretary"]);
    await d.say("secretary", "/opinion");
    await d.say("secretary", TITLE);
    await d.say("secretary", "Kế hoạch gồm 30 chỉ tiêu.");
    await d.next("secretary", "Nhập câu hỏi 1");
    await d.choose("secretary", "Hủy");
    await d.next("secretary", tr.plain("vi", "meetings:dialog.cancelled"));
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("opinion_requests").selectAll().execute()).toEqual([]);
  });

  it("a draft sent at another step is not taken, and a preview kept past its deadline asks for the deadline again", async () => {
    d = await start(["secretary"]);
    await d.say("secretary", "/opinion");
    await d.next("secretary", "tên dự thảo");
    await d.sendFile("secretary", { fileName: "du-thao.pdf", content: DRAFT, caption: TITLE });
    await d.say("secretary", TITLE);
    await d.say("secretary", "Kế hoạch gồm 30 chỉ tiêu.");
    await d.say("secretary", "Đồng chí có đồng ý với các chỉ tiêu?");
    await d.choose("secretary", "Xong");
    await d.next("secretary", "Hạn cho ý kiến (dd/MM/yyyy HH:mm)");
    await d.say("secretary", typed(1));
    await d.choose("secretary", "Lãnh đạo Ban Chỉ đạo");
    await d.next("secretary", "Xem trước");
    d.e2e.clock.advance(2 * DAY);
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Hạn cho ý kiến phải sau thời điểm hiện tại.");
    expect(await db().selectFrom("opinion_requests").selectAll().execute()).toEqual([]);
    expect(await db().selectFrom("attachments").selectAll().execute()).toEqual([]);
    // The rest is kept: a new deadline leads to the audience and the preview again.
    await d.e2e.until(async () => (await db().selectFrom("dialogs").select("data").executeTakeFirst())?.data.includes('"step":"deadline"') || undefined);
    const deadline = typed(3);
    await d.say("secretary", deadline);
    await d.choose("secretary", "Thành viên (không gồm lãnh đạo Ban)");
    await d.next("secretary", `1 câu hỏi, hạn ${deadline}`);
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Đã gửi đề nghị xin ý kiến số 1");
    const request = await db().selectFrom("opinion_requests").selectAll().executeTakeFirstOrThrow();
    expect(request).toMatchObject({ title: TITLE, body: "Kế hoạch gồm 30 chỉ tiêu.", attachment_id: null });
    expect(JSON.parse(request.audience)).toEqual({ kind: "members" });
  });

  it("a secretary of two committees names the one the request is for", async () => {
    d = await start(["secretary", "member"]);
    const cl = await d.e2e.core.committees.create(cliActor, { code: "CL", name: "Ban Chỉ đạo chuyển đổi số xã Chi Lăng", level: "district", parentCode: "LS" });
    await d.e2e.core.roster.importCsv(cliActor, cl.id, "full_name,role,organization,title,phone,email\nPhạm Thị Ngọc Ánh,secretariat,UBND xã Chi Lăng,Chuyên viên,0909090909,anh@langson.gov.vn");
    await d.say("secretary", "/opinion");
    await d.next("secretary", "Đề nghị gõ /opinion kèm mã Ban Chỉ đạo, một trong các mã: LS, CL.");
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);
    await d.say("secretary", "/opinion cl");
    await d.next("secretary", "tên dự thảo");
    await d.say("secretary", TITLE);
    await d.say("secretary", "Kế hoạch của xã.");
    await d.say("secretary", "Đồng chí có đồng ý?");
    await d.choose("secretary", "Xong");
    await d.next("secretary", "Hạn cho ý kiến (dd/MM/yyyy HH:mm)");
    await d.say("secretary", typed(2));
    await d.choose("secretary", "Tất cả thành viên và Tổ giúp việc");
    await d.next("secretary", "gửi tới 1 người");
    await d.choose("secretary", "Gửi");
    await d.next("secretary", "Đã gửi đề nghị xin ý kiến số 1 tới 1 người");
    expect(await db().selectFrom("opinion_requests").select("committee_id").execute()).toEqual([{ committee_id: cl.id }]);
  });

  it("lists the requests, sums one up and gives the compiled table as Excel and Word; a member may not", async () => {
    d = await start(["secretary", "member"]);
    const committee = await d.e2e.core.committees.require("LS");
    // The request and its answers come through core: the summary is the subject here.
    const { requestId } = await d.e2e.core.opinions.create(cliActor, {
      committeeId: committee.id,
      title: TITLE,
      body: "Kế hoạch gồm 30 chỉ tiêu, trong đó 12 chỉ tiêu mới.",
      questions: ["Đồng chí có đồng ý với các chỉ tiêu?", "Đồng chí có đồng ý với phân công chủ trì?"],
      deadline: new Date(d.e2e.clock.now().getTime() + 5 * DAY),
      audience: { kind: "all" },
    });
    // The member's answers, by core too (on whichever app they are linked).
    const person = await db().selectFrom("people").select("id").where("full_name", "=", names.member).executeTakeFirstOrThrow();
    const member: Actor = { kind: "person", personId: person.id, fullName: names.member, locale: "vi", seats: await loadSeats(db(), person.id) };
    const mine = await db().selectFrom("opinion_recipients").select("id").where("request_id", "=", requestId).where("person_id", "=", person.id).executeTakeFirstOrThrow();
    await d.e2e.core.opinions.answer(member, mine.id, 0, "agree");
    await d.e2e.core.opinions.answer(member, mine.id, 1, "disagree", "Sở Tài chính không chủ trì nhiệm vụ số 7");
    const recipients = (await db().selectFrom("opinion_recipients").select("id").where("request_id", "=", requestId).execute()).length;

    await d.say("secretary", "/opinions");
    const list = await d.next("secretary", "Các đề nghị xin ý kiến gần đây");
    expect(list).toContain(`#1 ${TITLE} — hạn`);
    await d.say("secretary", "/opinions 1");
    const summary = await d.next("secretary", "Tổng hợp ý kiến số 1");
    expect(summary).toContain(`Đã có ý kiến: 1/${recipients}.`);
    expect(summary).toContain("Câu 1: đồng ý 1, đồng ý có ý kiến 0, không đồng ý 0.");
    expect(summary).toContain("Câu 2: đồng ý 0, đồng ý có ý kiến 0, không đồng ý 1.");

    await d.choose("secretary", "Bảng tổng hợp (Excel)");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await d.file("secretary", "tong-hop-y-kien-1.xlsx")) as never);
    const cells: string[] = [];
    book.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    expect(cells).toContain("Lương Văn Đức");
    expect(cells).toContain("Không đồng ý: Sở Tài chính không chủ trì nhiệm vụ số 7");
    await d.choose("secretary", "Bảng tổng hợp (Word)");
    const docx = await d.file("secretary", "tong-hop-y-kien-1.docx");
    const words = strFromU8(unzipSync(new Uint8Array(docx))["word/document.xml"]!).replace(/<[^>]+>/g, "");
    expect(words).toContain("Lương Văn Đức");
    expect(words).toContain("Không đồng ý: Sở Tài chính không chủ trì nhiệm vụ số 7");

    await d.say("secretary", "/opinions 99");
    await d.next("secretary", "Không tìm thấy đề nghị xin ý kiến số 99.");
    // A member neither reads the summary nor composes a request.
    await d.say("member", "/opinions 1");
    await d.next("member", tr.plain("vi", "errors:forbidden"));
    await d.say("member", "/opinion");
    expect(await db().selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(failures()).toEqual([]);
  });
});
