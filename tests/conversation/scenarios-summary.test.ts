import { inflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import type { ProgressStatus } from "../../src/db/schema.js";
import { names } from "../support/e2e.js";
import { drivers, ZALO_DRIVER, type Driver } from "../support/drivers.js";

/**
 * A quarter with known answers (the clock stands at 23/11/2026 09:00 in Hà Nội, inside Quý IV/2026):
 * five tasks of three organizations, three reported (one done, one on track past its target, one behind
 * with an obstacle), two not; a meeting on 01/12 with one answer of each kind; a notice two people have
 * not acknowledged; a request for opinions one person still owes.
 */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
  "KH12-01;Khai trương Trung tâm điều hành thông minh;12/KH-UBND;Sở Thông tin và Truyền thông;mốc;;;31/12/2026;",
  "KH12-02;Tỷ lệ cơ quan dùng chữ ký số;12/KH-UBND;Sở Thông tin và Truyền thông;tỷ lệ;100;;31/12/2026;",
  "KH12-03;Hồ sơ sức khỏe điện tử;12/KH-UBND;Sở Y tế;mốc;;;31/12/2026;",
].join("\n");

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function seedQuarter(d: Driver): Promise<{ noticeId: number; requestId: number }> {
  const core = d.e2e.core;
  const db = d.e2e.app.database.db;
  const committee = await core.committees.require("LS");
  await core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);
  const period = await core.periods.find(cliActor, committee.id);
  const task = async (code: string) => (await db.selectFrom("tasks").select("id").where("code", "=", code).executeTakeFirstOrThrow()).id;
  const at = "2026-11-23T02:00:00.000Z";
  const report = async (code: string, status: ProgressStatus, percent: number | null, obstacle?: string) => {
    const taskId = await task(code);
    const u = await db
      .insertInto("progress_updates")
      .values({ task_id: taskId, period_id: period.id, version: 1, status, percent, value: null, results: "Đã triển khai theo kế hoạch", obstacles: obstacle ?? null, proposals: null, submitted_by_person_id: null, on_behalf_of_person_id: null, submitted_at: at, late: 0, unchanged: 0 })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (obstacle) {
      await db
        .insertInto("report_items")
        .values({ committee_id: committee.id, task_id: taskId, period_id: period.id, update_id: u.id, kind: "obstacle", text: obstacle, raised_by_person_id: null, status: "open", answer: null, answered_by_person_id: null, answered_at: null, created_at: at })
        .execute();
    }
  };
  await report("NQ49-05", "on_track", 85);
  await report("KH12-01", "done", null);
  await report("KH12-02", "behind", 30, "Thiếu kinh phí mua chứng thư số");

  const person = async (name: string) => (await db.selectFrom("people").select("id").where("full_name", "=", name).executeTakeFirstOrThrow()).id;
  const now = "2026-11-23T02:00:00.000Z";
  const meeting = await db
    .insertInto("meetings")
    .values({
      committee_id: committee.id, kind: "regular", title: "Phiên họp thường kỳ quý IV", starts_at: "2026-12-01T01:00:00.000Z", ends_at: "2026-12-01T04:00:00.000Z",
      place: "Phòng họp số 1", online_link: null, agenda: "Đánh giá kết quả quý IV", chair_person_id: await person(names.chair), answer_deadline: "2026-11-30T10:00:00.000Z",
      status: "scheduled", created_by_person_id: null, created_at: now, updated_at: now, cancelled_at: null, secretary_person_id: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const invite = async (name: string, answer: "attend" | "absent" | "proxy" | "none") =>
    (await db.insertInto("invitations").values({ meeting_id: meeting.id, person_id: await person(name), title: null, organization: null, represents_person_id: null, answer, answered_at: answer === "none" ? null : now, answered_by_person_id: null, created_at: now }).returning("id").executeTakeFirstOrThrow()).id;
  await invite(names.standing, "attend");
  const absent = await invite(names.deputy, "absent");
  await db.insertInto("absence_requests").values({ invitation_id: absent, reason: "Đi công tác", status: "pending", created_at: now, decided_by_person_id: null, decided_at: null, comment: null }).execute();
  await invite(names.member, "none");
  const proxy = await invite(names.secretary, "proxy");
  await db
    .insertInto("proxies")
    .values({ invitation_id: proxy, delegate_name: "Trần Văn Bình", delegate_title: "Phó phòng", delegate_organization: "Sở Thông tin và Truyền thông", delegate_contact: null, opinion: "Nhất trí với dự thảo kế hoạch.", status: "approved", created_at: now, decided_by_person_id: null, decided_at: now, comment: null })
    .execute();

  const notice = await db
    .insertInto("notices")
    .values({ committee_id: committee.id, created_by_person_id: null, body: "Đề nghị các đồng chí dự họp đúng giờ.", attachment_id: null, audience: "{}", ack_required: 1, ack_deadline: "2026-11-28T10:00:00.000Z", status: "sending", created_at: now, cancelled_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [name, acked] of [[names.member, false], [names.deputy, false], [names.standing, true]] as const) {
    await db.insertInto("notice_recipients").values({ notice_id: notice.id, person_id: await person(name), outbox_id: null, acknowledged_at: acked ? now : null, reminded_at: null }).execute();
  }

  const request = await db
    .insertInto("opinion_requests")
    .values({ committee_id: committee.id, created_by_person_id: null, title: "Dự thảo Kế hoạch chuyển đổi số năm 2027", body: "Đề nghị cho ý kiến.", attachment_id: null, questions: JSON.stringify(["Đồng chí có đồng ý với dự thảo?"]), audience: "all", deadline: "2026-11-30T10:00:00.000Z", status: "open", created_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("opinion_recipients").values({ request_id: request.id, person_id: await person(names.member), reminded_at: null }).execute();
  const answered = await db.insertInto("opinion_recipients").values({ request_id: request.id, person_id: await person(names.standing), reminded_at: null }).returning("id").executeTakeFirstOrThrow();
  await db.insertInto("opinion_answers").values({ recipient_id: answered.id, question_index: 0, position: "agree", comment: null, attachment_id: null, answered_at: now }).execute();
  return { noticeId: notice.id, requestId: request.id };
}

/** The image data of a PNG: every IDAT chunk's bytes, joined. */
function idat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** Reads width and height from a PNG's IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.each(drivers)("the leaders' summary and a member's status on %s", (app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("the chair reads the quarter at a glance, drills into each part and gets the chart", async () => {
    d = await start(["chair", "member"]);
    await seedQuarter(d);

    await d.say("chair", "/summary");
    const s = await d.next("chair", "TÓM TẮT TÌNH HÌNH — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(s).toContain("Kỳ: Quý IV/2026");
    expect(s).toContain("Phiên họp thường kỳ quý IV");
    expect(s).toContain("Tham dự 1 · Vắng 1 · Ủy quyền 1 · Chưa trả lời 1 (trên 4 người được mời)");
    expect(s).toContain("Chờ phê duyệt: 1 · Dự kiến có mặt: 50%");
    expect(s).toContain("3/5 nhiệm vụ đã báo cáo (0 nộp muộn), 2 chưa báo cáo");
    expect(s).toContain("Đã hoàn thành 1 · Đúng tiến độ 1 · Có nguy cơ chậm 0 · Chậm tiến độ 1 · Chưa triển khai 2");
    expect(s).toContain("Chỉ tiêu đạt: 2/5");
    expect(s).toContain("Khó khăn, đề xuất chưa trả lời: 1");
    expect(s).toContain("Thông báo chưa xác nhận: 2 lượt (1 thông báo)");
    expect(s).toContain("Xin ý kiến còn chờ: 1 ý kiến (1 văn bản)");
    expect(s).not.toContain("cấp dưới");
    expect(s.length).toBeLessThanOrEqual(app === "Telegram" ? 4096 : 2000);
    // An earlier quarter on request; one the committee never had is named back.
    await d.say("chair", "/summary 2025-Q1");
    await d.next("chair", "Không tìm thấy kỳ báo cáo «2025-Q1».");

    await d.choose("chair", "Chưa báo cáo");
    const missing = await d.next("chair", "Chưa báo cáo — Quý IV/2026");
    expect(missing).toContain("Sở Tài chính: 1/2 đã báo cáo: Lương Văn Đức");
    expect(missing).toContain("Sở Y tế: 0/1 đã báo cáo");
    expect(missing).not.toContain("Sở Thông tin và Truyền thông");

    await d.choose("chair", "Nhiệm vụ chậm");
    await d.next("chair", "KH12-02 · Tỷ lệ cơ quan dùng chữ ký số — Chậm tiến độ (Sở Thông tin và Truyền thông)");
    await d.choose("chair", "Phiên họp");
    const meeting = await d.next("chair", "Phiên họp sắp tới — chưa trả lời (1)");
    expect(meeting).toContain("Lương Văn Đức");
    await d.choose("chair", "Khó khăn, đề xuất");
    await d.next("chair", "KH12-02 (khó khăn): Thiếu kinh phí mua chứng thư số");
    await d.choose("chair", "Thông báo");
    await d.next("chair", "2 người chưa xác nhận — Lương Văn Đức, Nguyễn Hoàng Hà");
    await d.choose("chair", "Xin ý kiến");
    await d.next("chair", "Dự thảo Kế hoạch chuyển đổi số năm 2027 (hạn 30/11/2026 17:00): 1 người chưa cho ý kiến — Lương Văn Đức");

    await d.choose("chair", "Biểu đồ tiến độ");
    await d.next("chair", "Tiến độ nhiệm vụ theo đơn vị — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn, Quý IV/2026");
    if (app === "Telegram") {
      // Sent as a photo, not a document.
      const photo = await d.e2e.tg.waitFor(() => d.e2e.tg.transcript(710_000_001).find((m) => m.photo !== undefined));
      const png = d.e2e.tg.documentContent(photo.photo![photo.photo!.length - 1]!.file_id);
      expectChart(png);
    } else if (app === ZALO_DRIVER) {
      // Zalo takes a picture by its link: the chart is sent as a photo whose address serves the PNG.
      const isLink = (m: string) => /^https?:\/\/\S+\/files\/\d+\?\S+$/.test(m);
      await expect.poll(() => d.said("chair").some(isLink)).toBe(true);
      const link = d.said("chair").find(isLink)!;
      expectChart(Buffer.from(await (await fetch(link)).arrayBuffer()));
    } else {
      expectChart(await d.file("chair", /^tien-do-ls-2026-q4\.png$/));
    }
  });

  it("a member is refused the summary but sees their own status and acts on it at once", async () => {
    d = await start(["member"]);
    const { noticeId, requestId } = await seedQuarter(d);
    await d.say("member", "/summary");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    await d.say("member", "/status");
    const st = await d.next("member", "VIỆC CẦN LÀM CỦA ĐỒNG CHÍ");
    expect(st).toContain("Nhiệm vụ chưa báo cáo (1):");
    expect(st).toContain("NQ49-07 · Số hồ sơ thanh toán trực tuyến (hạn 15/12/2026 17:00)");
    expect(st).not.toContain("NQ49-05");
    expect(st).toContain("Phiên họp chưa trả lời (1):");
    expect(st).toContain("Phiên họp thường kỳ quý IV");
    expect(st).toContain("Thông báo cần xác nhận (1):");
    expect(st).toContain("Văn bản xin ý kiến cần trả lời (1):");
    expect(st).toContain(`#${requestId} Dự thảo Kế hoạch chuyển đổi số năm 2027 (hạn 30/11/2026 17:00)`);
    expect(st).not.toContain("TÓM TẮT");

    await d.choose("member", `Xác nhận thông báo #${noticeId}`);
    const db = d.e2e.app.database.db;
    await expect.poll(async () => (await db.selectFrom("notice_recipients as r").innerJoin("people as p", "p.id", "r.person_id").select("r.acknowledged_at").where("p.full_name", "=", names.member).executeTakeFirstOrThrow()).acknowledged_at).not.toBeNull();

    // The acknowledged notice is gone from the list; the rest can still be done from here.
    const statuses = () => d.said("member").filter((m) => m.includes("VIỆC CẦN LÀM CỦA ĐỒNG CHÍ"));
    // Telegram shows the list again in place of the one pressed; a plain-text app says it anew.
    await expect.poll(() => statuses().filter((m) => !m.includes("Thông báo cần xác nhận")).length).toBeGreaterThanOrEqual(1);
    expect(statuses().at(-1)).not.toContain("Thông báo cần xác nhận");
    expect(statuses().at(-1)).toContain("Nhiệm vụ chưa báo cáo (1):");
    await d.choose("member", `Cho ý kiến #${requestId}`);
    await d.next("member", "Đồng chí có đồng ý với dự thảo?");
    await d.choose("member", "Báo cáo NQ49-07");
    await d.next("member", "Đơn vị chủ trì: Sở Tài chính");
  });

  it("reads the summary in the leader's language", async () => {
    d = await start(["chair"]);
    await seedQuarter(d);
    await d.e2e.core.people.setLanguage(await d.actorOf("chair"), "en");
    await d.say("chair", "/summary");
    const s = await d.next("chair", "STATUS SUMMARY — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(s).toContain("Period: Q4 2026");
    expect(s).toContain("Attending 1 · Absent 1 · Proxy 1 · No answer 1 (of 4 invited)");
    expect(s).toContain("Reports: 3/5 tasks reported (0 late), 2 not reported");
    expect(s).toContain("Completed 1 · On track 1 · At risk 0 · Behind schedule 1 · Not started 2");
    expect(s).toContain("Indicators met: 2/5");
  });

  it("a provincial leader gets the roll-up of the committees below; a commune's leader sees only that commune", async () => {
    d = await start(["chair", "member"]);
    await seedQuarter(d);
    const core = d.e2e.core;
    const cl = await core.committees.create(cliActor, { code: "CL", name: "Ban Chỉ đạo chuyển đổi số xã Chi Lăng", level: "commune", parentCode: "LS" });
    await core.committees.create(cliActor, { code: "HL", name: "Ban Chỉ đạo chuyển đổi số xã Hữu Lũng", level: "commune", parentCode: "LS" });
    await core.roster.importCsv(cliActor, cl.id, "full_name,role,organization,title,phone,email\nLương Văn Đức,chair,UBND xã Chi Lăng,Chủ tịch,0987654321,");
    await core.tasks.importCsv(cliActor, cl.id, ["Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo", "XA-01;Phủ sóng 4G thôn bản;;UBND xã Chi Lăng;tỷ lệ;100;;31/12/2026;hằng quý"].join("\n"));

    await d.say("chair", "/summary");
    const s = await d.next("chair", "TÓM TẮT TÌNH HÌNH — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    // Hữu Lũng has no tasks (nothing owed), Chi Lăng has one not reported.
    expect(s).toContain("Ban Chỉ đạo cấp xã: 1/2 ban đã báo cáo đủ trong kỳ");
    await d.choose("chair", "Ban Chỉ đạo cấp dưới");
    const below = await d.next("chair", "Ban Chỉ đạo cấp dưới — Quý IV/2026");
    expect(below).toContain("Ban Chỉ đạo chuyển đổi số xã Chi Lăng: 0/1 nhiệm vụ đã báo cáo");
    expect(below).toContain("Ban Chỉ đạo chuyển đổi số xã Hữu Lũng: 0/0 nhiệm vụ đã báo cáo");
    await d.choose("chair", "Ban Chỉ đạo chuyển đổi số xã Chi Lăng");
    const commune = await d.next("chair", "TÓM TẮT TÌNH HÌNH — Ban Chỉ đạo chuyển đổi số xã Chi Lăng");
    expect(commune).toContain("0/1 nhiệm vụ đã báo cáo (0 nộp muộn), 1 chưa báo cáo");

    // The member chairs Chi Lăng: his summary is that commune's; the province's is not his to read.
    await d.say("member", "/summary");
    const own = await d.next("member", "TÓM TẮT TÌNH HÌNH — Ban Chỉ đạo chuyển đổi số xã Chi Lăng");
    expect(own).toContain("0/1 nhiệm vụ đã báo cáo");
    expect(own).not.toContain("cấp xã:");
    await d.say("member", "/summary LS");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");
  });
});

/** A real PNG of the expected size with a picture on it (many colours, not one blank fill). */
function expectChart(png: Buffer): void {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const { width, height } = pngSize(png);
  expect(width).toBe(1350);
  expect(height).toBeGreaterThanOrEqual(390);
  // The pixels themselves (IDAT inflated): drawn bars and text, not one blank fill.
  const pixels = inflateSync(idat(png));
  expect(new Set(pixels).size).toBeGreaterThan(100);
  expect(pixels.filter((b) => b !== 0xff).length / pixels.length).toBeGreaterThan(0.02);
}
