import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { drivers, type Driver } from "../support/drivers.js";

/** Two tasks of the Finance department (the member's), reported quarterly; titles short enough to show whole on a button. */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
].join("\n");

describe.each(drivers)("progress reporting on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("a member reports a task of the quarter", async () => {
    d = await start(["secretary", "member"]);
    const committee = await d.e2e.core.committees.require("LS");
    // The secretariat's side (the task registry, and with it the quarter's period) is not the subject here: core's way in is used.
    await d.e2e.core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);

    await d.say("member", "/report");
    const list = await d.next("member", "BÁO CÁO TIẾN ĐỘ — Quý IV/2026");
    expect(list).toContain("Đồng chí đã báo cáo 0/2 nhiệm vụ.");
    expect(list).toContain("NQ49-05");
    await d.choose("member", "NQ49-05 · Tỷ lệ hồ sơ xử lý trực tuyến");
    const card = await d.next("member", "Đơn vị chủ trì: Sở Tài chính");
    expect(card).toContain("Chỉ tiêu: 80%");

    await d.choose("member", "Báo cáo");
    await d.next("member", "Bước 1/6");
    await d.choose("member", "Đúng tiến độ");
    await d.next("member", "Tỷ lệ hoàn thành");
    // Refused, and the question still waits for its number: on a plain-text app "7" is then the answer, not the
    // choice numbered 7 of an earlier message.
    await d.say("member", "150");
    await d.next("member", "Tỷ lệ phải nằm trong khoảng từ 0 đến 100%.");
    await d.say("member", "7");
    await d.next("member", "Kết quả đạt được");
    await d.say("member", "Đã đưa 1.250 thủ tục lên Cổng dịch vụ công");
    await d.next("member", "Khó khăn, vướng mắc");
    await d.choose("member", "Không có");
    await d.next("member", "Đề xuất, kiến nghị");
    await d.choose("member", "Không có");
    await d.next("member", "tài liệu, hình ảnh");
    await d.choose("member", "Không kèm tệp");

    const preview = await d.next("member", "Tình trạng: Đúng tiến độ");
    expect(preview).toContain("Tỷ lệ hoàn thành: 7%");
    expect(preview).toContain("Đã đưa 1.250 thủ tục lên Cổng dịch vụ công");
    await d.choose("member", "Gửi báo cáo");
    const done = await d.next("member", "Đã ghi nhận báo cáo NQ49-05 (lần 1)");
    expect(done).toContain("Đồng chí có thể sửa đến 15/12/2026 17:00.");
    expect(done).toContain("Còn 1 nhiệm vụ chưa báo cáo");

    const rows = await d.e2e.app.database.db.selectFrom("progress_updates").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: 1, status: "on_track", percent: 7, results: "Đã đưa 1.250 thủ tục lên Cổng dịch vụ công", obstacles: null, proposals: null, unchanged: 0, late: 0 });
    // The dialog is over: nothing of it is left open on either app.
    expect(await d.e2e.app.database.db.selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });

  it("a report begun, then cancelled: nothing is recorded", async () => {
    d = await start(["member"]);
    const committee = await d.e2e.core.committees.require("LS");
    await d.e2e.core.tasks.importCsv(cliActor, committee.id, TASKS_CSV);
    await d.say("member", "/report NQ49-07");
    await d.next("member", "Đơn vị chủ trì: Sở Tài chính");
    await d.choose("member", "Báo cáo");
    await d.next("member", "Bước 1/6");
    await d.choose("member", "Có nguy cơ chậm");
    await d.next("member", "Giá trị đạt được (đơn vị: hồ sơ; mục tiêu 2.000 hồ sơ)");
    await d.choose("member", "Hủy");
    await d.next("member", "Đã hủy. Thông tin chưa được gửi đi.");
    expect(await d.e2e.app.database.db.selectFrom("dialogs").selectAll().execute()).toEqual([]);
    await d.say("member", "/cancel");
    await d.next("member", "Không có thao tác nào đang dở.");
    expect(await d.e2e.app.database.db.selectFrom("progress_updates").selectAll().execute()).toEqual([]);
  });
});
