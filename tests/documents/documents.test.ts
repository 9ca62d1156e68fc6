import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { minutesDocx } from "../../src/documents/minutes-docx.js";
import { noticeReportXlsx } from "../../src/documents/notice-report-xlsx.js";
import { opinionsDocx, opinionsXlsx } from "../../src/documents/opinions.js";
import { progressXlsx } from "../../src/documents/progress-xlsx.js";
import { createTranslator } from "../../src/i18n/index.js";
import { parseLocalDateTime } from "../../src/i18n/format.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { readDocx } from "../support/documents.js";

const t = createTranslator("vi").bind("vi");
const local = (text: string) => parseLocalDateTime(text, "Asia/Ho_Chi_Minh")!;
const QUESTIONS = ["Đồng chí có đồng ý với các chỉ tiêu của Kế hoạch?", "Đồng chí có đồng ý với phân công nhiệm vụ?"];
const TASKS_CSV = [
  "code,title,source_document,organization,person,kind,target,unit,due_date,period",
  "SO-02,Số hóa hồ sơ đất đai,Kế hoạch 120/KH-UBND,Sở Tài chính,,numeric,1.500,hồ sơ,31/12/2026,hằng quý",
].join("\r\n");

const readXlsx = async (buffer: Buffer) => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? "" : String(v)));
  const all: string[] = [];
  sheet.eachRow((row) => row.eachCell((cell) => all.push(String(cell.value ?? ""))));
  return { sheet, values, text: all.join("\n") };
};

/** The sheet's table: the row whose first cell is "STT", and the rows under it up to the first empty one. */
const tableOf = (sheet: ExcelJS.Worksheet) => {
  let header = 0;
  sheet.eachRow((row, n) => {
    if (!header && row.getCell(1).value === "STT") header = n;
  });
  const rows: number[] = [];
  for (let n = header + 1; n <= sheet.rowCount && sheet.getRow(n).getCell(2).value; n++) rows.push(n);
  return { header, rows };
};

describe.each(testDialects)("generated documents on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let people: Record<string, Actor & { kind: "person" }>;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    await core.committees.edit(cliActor, "LS", { governingBody: "UBND tỉnh Lạng Sơn", placeName: "Lạng Sơn", codePrefix: "BCĐ", focalBody: "Sở Khoa học và Công nghệ" });
    people = await linkRoster(core, db, committeeId, ["chair", "standing", "deputy", "member", "secretary"]);
  });
  afterEach(() => db.drop());

  const consult = async () => {
    const { requestId } = await core.opinions.create(people.secretary!, {
      committeeId,
      title: "Dự thảo Kế hoạch chuyển đổi số năm 2027",
      body: "Kính gửi các đồng chí dự thảo Kế hoạch.",
      questions: QUESTIONS,
      deadline: local("30/11/2026 17:00"),
      audience: { kind: "all" },
    });
    const recipient = async (who: string) =>
      (await db.handle.db.selectFrom("opinion_recipients").select("id").where("request_id", "=", requestId).where("person_id", "=", people[who]!.personId).executeTakeFirstOrThrow()).id;
    await core.opinions.answer(people.member!, await recipient("member"), 0, "agree");
    await core.opinions.answer(people.member!, await recipient("member"), 1, "disagree", "Sở Tài chính không chủ trì nhiệm vụ này");
    await core.opinions.answer(people.deputy!, await recipient("deputy"), 0, "agree_with_comments", "Đề nghị nâng chỉ tiêu dịch vụ công trực tuyến lên 90%");
    await core.opinions.answer(people.chair!, await recipient("chair"), 0, "agree");
    return core.opinions.compile(people.secretary!, requestId);
  };

  const notice = async () => {
    const { noticeId } = await core.notices.send(people.secretary!, { committeeId, body: "Đề nghị các đồng chí gửi báo cáo quý IV trước ngày 05/12/2026.", audience: { kind: "all" }, ackRequired: true, ackDeadline: local("05/12/2026 17:00") });
    // What the delivery worker stores when an app refuses a message: the app's own words.
    const rows = await db.handle.db.selectFrom("notice_recipients as r").innerJoin("people as p", "p.id", "r.person_id").select(["r.outbox_id", "p.full_name"]).where("r.notice_id", "=", noticeId).execute();
    const outboxOf = (name: string) => rows.find((r) => r.full_name === name)!.outbox_id!;
    const set = (name: string, status: "failed" | "unreachable" | "sent", error: string | null) =>
      db.handle.db.updateTable("outbox").set({ status, last_error: error, sent_at: status === "sent" ? clock.now().toISOString() : null }).where("id", "=", outboxOf(name)).execute();
    await set("Lương Văn Đức", "failed", "Forbidden: bot was blocked by the user");
    await set("Đoàn Thu Hà", "unreachable", "no linked account");
    await set("Nguyễn Hoàng Hà", "failed", "Bad Request: chat not found");
    await set("Hồ Tiến Thiệu", "sent", null);
    return core.notices.report(people.secretary!, noticeId);
  };

  const progress = async () => {
    expect((await core.tasks.importCsv(people.secretary!, committeeId, TASKS_CSV)).errors).toEqual([]);
    const period = await core.periods.find(people.secretary!, committeeId, "2026-Q4");
    clock.set(local("16/12/2026 09:00"));
    return progressXlsx(t, "vi", await core.reports.status(people.secretary!, period.id), clock.now());
  };

  it("compiles opinions into an XLSX with the subject, deadline, questions, member columns, a totals row and a response column", async () => {
    const { sheet, values, text } = await readXlsx(await opinionsXlsx(t, await consult()));
    expect(values(1)[0]).toBe("UBND TỈNH LẠNG SƠN");
    expect(text).toContain("BẢNG TỔNG HỢP Ý KIẾN");
    expect(text).toContain("của thành viên Ban Chỉ đạo đối với Dự thảo Kế hoạch chuyển đổi số năm 2027");
    expect(text).toContain("thời hạn gửi ý kiến: 30/11/2026 17:00");
    expect(text).toContain(`Câu 1: ${QUESTIONS[0]}`);
    expect(text).toContain(`Câu 2: ${QUESTIONS[1]}`);
    const { header, rows } = tableOf(sheet);
    expect(values(header)).toEqual(["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Câu 1", "Câu 2", "Thời gian gửi ý kiến", "Ý kiến tiếp thu, giải trình của Tổ giúp việc"]);
    expect(rows).toHaveLength(6); // five recipients and the totals
    expect(values(rows[3]!).slice(0, 6)).toEqual(["4", "Lương Văn Đức", "Giám đốc", "Sở Tài chính", "Đồng ý", "Không đồng ý: Sở Tài chính không chủ trì nhiệm vụ này"]);
    const totals = values(rows[5]!);
    expect(totals[1]).toBe("Tổng hợp");
    expect(totals[4]).toBe("Đồng ý: 2\nĐồng ý, có ý kiến: 1\nKhông đồng ý: 0\nChưa có ý kiến: 2");
    expect(totals[6]).toBe("3/5 thành viên có ý kiến");
    expect(text).toContain("Câu 1: 2 đồng ý, 1 đồng ý có ý kiến, 0 không đồng ý, 2 chưa có ý kiến; 3/5 thành viên có ý kiến.");
    expect(text).toContain("Câu 2: 0 đồng ý, 0 đồng ý có ý kiến, 1 không đồng ý, 4 chưa có ý kiến; 1/5 thành viên có ý kiến.");
  });

  it("compiles opinions into a DOCX with the national header, the subject, the questions, the columns and the totals", async () => {
    const { paragraphs, text, xml } = readDocx(await opinionsDocx(t, await consult()));
    expect(paragraphs.slice(0, 2)).toEqual(["UBND TỈNH LẠNG SƠN", "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN"]);
    expect(paragraphs).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(paragraphs).toContain("của thành viên Ban Chỉ đạo đối với Dự thảo Kế hoạch chuyển đổi số năm 2027");
    expect(paragraphs).toContain(`Câu 1: ${QUESTIONS[0]}`);
    const header = ["STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Câu 1", "Câu 2", "Thời gian gửi ý kiến", "Ý kiến tiếp thu, giải trình của Tổ giúp việc"];
    expect(paragraphs.join("|")).toContain(header.join("|"));
    expect(text).toContain("Tổng hợp\n\n\nĐồng ý: 2\nĐồng ý, có ý kiến: 1\nKhông đồng ý: 0\nChưa có ý kiến: 2");
    expect(text).toContain("3/5 thành viên có ý kiến");
    // Landscape A4, 30 mm on the left, the header row repeated on each page, fixed column widths (STT narrow).
    expect(xml).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"\/>/);
    expect(xml).toContain('w:left="1701"');
    expect(xml).toContain("<w:tblHeader/>");
    const grids = xml.match(/<w:tblGrid>[\s\S]*?<\/w:tblGrid>/g)!.map((g) => [...g.matchAll(/w:w="(\d+)"/g)].map((m) => Number(m[1])));
    const widths = grids.find((g) => g.length === 8)!;
    expect(widths).toBeDefined();
    expect(widths[0]).toBeLessThan(widths[4]! / 2);
  });

  it("reports a notice's delivery in Vietnamese, never an app's error text, under a title that identifies it", async () => {
    const r = await notice();
    const { sheet, values, text } = await readXlsx(await noticeReportXlsx(t, r));
    expect(text).toContain(`TÌNH HÌNH GỬI, NHẬN THÔNG BÁO SỐ ${r.noticeId}`);
    expect(text).toContain("Gửi ngày 23/11/2026 09:00");
    expect(text).toContain("Nội dung: «Đề nghị các đồng chí gửi báo cáo quý IV trước ngày 05/12/2026.»");
    expect(text).toContain("Hạn xác nhận đã nhận: 05/12/2026 17:00");
    const { header, rows } = tableOf(sheet);
    expect(values(header)).toEqual(["STT", "Họ và tên", "Cơ quan, đơn vị", "Tình trạng gửi", "Thời điểm gửi", "Thời điểm xác nhận đã nhận", "Ghi chú"]);
    const byName = Object.fromEntries(rows.map((n) => values(n)).map((v) => [v[1], [v[3], v[6]]]));
    expect(byName).toMatchObject({
      "Hồ Tiến Thiệu": ["Đã gửi", ""],
      "Lương Văn Đức": ["Gửi không thành công", "Người nhận đã chặn Trợ lý"],
      "Đoàn Thu Hà": ["Không liên lạc được", "Chưa liên kết tài khoản với Trợ lý"],
      "Nguyễn Hoàng Hà": ["Gửi không thành công", "Không tìm thấy cuộc trò chuyện (tài khoản có thể đã bị xóa)"],
    });
    for (const english of ["Forbidden", "blocked by the user", "no linked account", "Bad Request", "chat not found"]) expect(text).not.toContain(english);
  });

  it("prints every spreadsheet on A4 landscape, one page wide, in Times New Roman, bordered, with the header row repeated and rows tall enough", async () => {
    const books = { opinions: await opinionsXlsx(t, await consult()), notice: await noticeReportXlsx(t, await notice()), progress: await progress() };
    for (const [name, buffer] of Object.entries(books)) {
      const { sheet } = await readXlsx(buffer);
      const { header, rows } = tableOf(sheet);
      expect(sheet.pageSetup, name).toMatchObject({ paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${header}:${header}` });
      for (const n of [header, ...rows]) {
        const row = sheet.getRow(n);
        for (let c = 1; c <= sheet.columnCount; c++) {
          const cell = row.getCell(c);
          expect(cell.font?.name, `${name} ${cell.address}`).toBe("Times New Roman");
          expect(cell.border?.left?.style, `${name} ${cell.address}`).toBe("thin");
          expect(cell.border?.bottom?.style, `${name} ${cell.address}`).toBe("thin");
        }
        // A row of several wrapped lines is stored taller than one line.
        const lines = Math.max(...Array.from(row.values as unknown[], (v) => String(v ?? "").split("\n").length));
        expect(row.height, `${name} row ${n}`).toBeGreaterThanOrEqual(lines * 15);
      }
    }
  });

  it("leaves no unreplaced placeholder in any generated document", async () => {
    const start = new Date(clock.now().getTime() + 3 * DAY);
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "Kết quả chuyển đổi số quý IV",
    });
    const compiled = await consult();
    const minutes = await core.meetings.minutes(people.secretary!, meeting.id);
    const report = await notice();
    const en = createTranslator("vi").bind("en");
    const texts = [
      readDocx(await minutesDocx(t, minutes)).xml,
      readDocx(await opinionsDocx(t, compiled)).xml,
      (await readXlsx(await opinionsXlsx(t, compiled))).text,
      (await readXlsx(await noticeReportXlsx(t, report))).text,
      (await readXlsx(await progress())).text,
      // The English wording has the same placeholders.
      readDocx(await minutesDocx(en, minutes)).xml,
      readDocx(await opinionsDocx(en, compiled)).xml,
      (await readXlsx(await noticeReportXlsx(en, report))).text,
    ];
    for (const text of texts) {
      expect(text).not.toContain("{{");
      expect(text).not.toContain("}}");
    }
    // The focal body comes from the committee's settings.
    expect(texts[4]).toContain("Sở Khoa học và Công nghệ (cơ quan thường trực)");
  });
});
