import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { readDocx, readXlsx } from "../support/documents.js";
import { names } from "../support/e2e.js";
import { drivers, ZALO_DRIVER, type Driver } from "../support/drivers.js";

const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "KH12-01;Khai trương Trung tâm điều hành thông minh;12/KH-UBND;Sở Thông tin và Truyền thông;mốc;;;31/12/2026;",
].join("\n");

/** Quý IV/2026 (the clock at 23/11/2026): two tasks, one reported done; a notice two of three acknowledged. */
async function seedQuarter(d: Driver): Promise<number> {
  const core = d.e2e.core;
  const db = d.e2e.app.database.db;
  const committee = await core.committees.require("LS");
  await core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);
  const period = await core.periods.find(cliActor, committee.id);
  const task = (await db.selectFrom("tasks").select("id").where("code", "=", "KH12-01").executeTakeFirstOrThrow()).id;
  const at = "2026-11-20T02:00:00.000Z";
  await db
    .insertInto("progress_updates")
    .values({ task_id: task, period_id: period.id, version: 1, status: "done", percent: null, value: null, results: "Đã khai trương", obstacles: null, proposals: null, submitted_by_person_id: null, on_behalf_of_person_id: null, submitted_at: at, late: 0, unchanged: 0 })
    .execute();
  const notice = await db
    .insertInto("notices")
    .values({ committee_id: committee.id, created_by_person_id: null, body: "Đề nghị các đồng chí dự họp đúng giờ.", attachment_id: null, audience: "{}", ack_required: 1, ack_deadline: "2026-11-28T10:00:00.000Z", status: "sending", created_at: at, cancelled_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [name, acked] of [[names.member, false], [names.deputy, true], [names.standing, true]] as const) {
    const person = (await db.selectFrom("people").select("id").where("full_name", "=", name).executeTakeFirstOrThrow()).id;
    await db.insertInto("notice_recipients").values({ notice_id: notice.id, person_id: person, outbox_id: null, acknowledged_at: acked ? at : null, reminded_at: null }).execute();
  }
  return notice.id;
}

describe.each(drivers)("the quarter's files on %s", (app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("a leader asks for the quarter's files and receives one ZIP; a bad quarter is named back; a member is refused", async () => {
    d = await start(["chair", "member"]);
    const noticeId = await seedQuarter(d);

    await d.say("chair", "/export 2026-Q5");
    await d.next("chair", "Quý «2026-Q5» không hợp lệ.");

    await d.say("chair", "/export");
    const caption = await d.next("chair", "Hồ sơ Quý IV/2026");
    expect(caption).toContain("Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn: 4 tệp (danh mục trong tệp 00-danh-muc.txt).");
    if (app === ZALO_DRIVER) {
      // Zalo takes no documents: the ZIP comes as a signed link to download.
      await d.next("chair", "ho-so-LS-2026-Q4.zip: đồng chí mở đường dẫn sau để tải tệp");
    }
    const files = unzipSync(new Uint8Array(await d.file("chair", "ho-so-LS-2026-Q4.zip")));
    expect(Object.keys(files)).toEqual(["01-tong-hop-2026-Q4.docx", "02-bao-cao-tien-do-2026-Q4.xlsx", `03-thong-bao-so-${noticeId}-xac-nhan.xlsx`, "00-danh-muc.txt"]);
    const summary = readDocx(Buffer.from(files["01-tong-hop-2026-Q4.docx"]!)).text;
    expect(summary).toContain("Có 1/2 nhiệm vụ đã được báo cáo (0 báo cáo nộp muộn); 1 nhiệm vụ chưa được báo cáo.");
    expect(summary).toContain(`Thông báo số ${noticeId} ngày 20/11/2026: 2/3 người đã xác nhận đã nhận.`);
    const notice = await readXlsx(files[`03-thong-bao-so-${noticeId}-xac-nhan.xlsx`]!);
    expect(notice.text).toContain("Lương Văn Đức");
    expect(strFromU8(files["00-danh-muc.txt"]!)).toContain("Trong quý không có: cuộc họp; văn bản xin ý kiến.");

    await d.say("member", "/export");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
    expect(d.said("member").join("\n")).not.toContain("ho-so-LS");
  });

  it("the summary offers the quarter's files a button away, in the leader's language", async () => {
    d = await start(["chair"]);
    await seedQuarter(d);
    await d.e2e.core.people.setLanguage(await d.actorOf("chair"), "en");
    await d.say("chair", "/summary");
    await d.next("chair", "STATUS SUMMARY — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    await d.choose("chair", "Quarter's files (ZIP)");
    await d.next("chair", "Files of Q4 2026");
    const files = unzipSync(new Uint8Array(await d.file("chair", "files-LS-2026-Q4.zip")));
    expect(Object.keys(files)[0]).toBe("01-summary-2026-Q4.docx");
    expect(readDocx(Buffer.from(files["01-summary-2026-Q4.docx"]!)).text).toContain("Reported: 1/2 tasks (0 late); not reported: 1.");
  });
});
