import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import type { Core } from "../../src/core/index.js";
import { conclusionsXlsx } from "../../src/documents/conclusions-xlsx.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { readXlsx } from "../support/documents.js";

const translator = createTranslator("vi");

describe.each(testDialects)("the conclusions' follow-up XLSX, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let meetingId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["member", "secretary", "deputy"]));
    const { meeting } = await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-11-25T07:00:00.000Z"),
      endsAt: new Date("2026-11-25T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
    meetingId = meeting.id;
    clock.set("2026-11-26T01:00:00.000Z");
    const { tasks } = await core.conclusions.record(people.secretary!, translator.bind("vi"), {
      committeeId,
      meetingId,
      conclusions: [
        { text: "Hoàn thành thanh toán trực tuyến phí, lệ phí", organization: "Sở Tài chính", due: "04/12/2026" },
        { text: "Báo cáo kết quả kết nối Trục liên thông", organization: "Sở Thông tin và Truyền thông", due: "30/11/2026" },
        { text: "Rà soát hạ tầng số cấp xã", organization: "Sở Thông tin và Truyền thông", due: "31/12/2026" },
      ],
    });
    // Done on Monday 07/12, after its deadline (04/12); the second is never reported; the third reported on track.
    const period = await core.periods.find(people.member!, committeeId);
    await core.reports.submit(people.deputy!, { taskId: tasks[2]!.id, periodId: period.id, status: "on_track", progress: 40, results: "Đã rà soát 40% số xã" });
    clock.set("2026-12-07T03:00:00.000Z");
    await core.reports.submit(people.member!, { taskId: tasks[0]!.id, periodId: period.id, status: "done", progress: 100, results: "Đã triển khai" });
    clock.set("2026-12-10T03:00:00.000Z");
  });
  afterEach(() => db.drop());

  it("lists each conclusion with its meeting, organization, deadline, latest report and where it stands", async () => {
    const view = await core.conclusions.report(people.secretary!, committeeId, "2026-Q4");
    const { rows, text } = await readXlsx(await conclusionsXlsx(translator.bind("vi"), view));
    expect(text).toContain("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ TỈNH LẠNG SƠN");
    expect(text).toContain("THEO DÕI THỰC HIỆN KẾT LUẬN CỦA TRƯỞNG BAN — QUÝ IV NĂM 2026");
    expect(text).toContain("Số liệu đến 10/12/2026 10:00");
    const header = rows.findIndex((r) => r[0] === "STT");
    expect(rows[header]).toEqual(["STT", "Phiên họp ngày", "Nội dung kết luận", "Đơn vị chủ trì", "Thời hạn", "Tình hình báo cáo gần nhất", "Ngày báo cáo", "Kết quả theo dõi"]);
    expect(rows.slice(header + 1, header + 4)).toEqual([
      ["1", "25/11/2026", `KL-${meetingId}-1. Hoàn thành thanh toán trực tuyến phí, lệ phí`, "Sở Tài chính", "04/12/2026", "Đã hoàn thành", "07/12/2026", "Hoàn thành (quá hạn)"],
      ["2", "25/11/2026", `KL-${meetingId}-2. Báo cáo kết quả kết nối Trục liên thông`, "Sở Thông tin và Truyền thông", "30/11/2026", "Chưa báo cáo", "", "Quá hạn"],
      ["3", "25/11/2026", `KL-${meetingId}-3. Rà soát hạ tầng số cấp xã`, "Sở Thông tin và Truyền thông", "31/12/2026", "Đúng tiến độ", "26/11/2026", "Đang thực hiện, trong hạn"],
    ]);
    expect(text).toContain("Tổng số 3 kết luận: 1 hoàn thành, 1 đang thực hiện trong hạn, 1 quá hạn.");
  });

  it("is in English for an English reader; a quarter before the meeting has none; a member may not have it", async () => {
    const view = await core.conclusions.report(people.secretary!, committeeId, "Q4/2026");
    const { rows, text } = await readXlsx(await conclusionsXlsx(translator.bind("en"), view));
    expect(text).toContain("FOLLOW-UP OF THE CHAIR'S CONCLUSIONS — Q4 2026");
    expect(rows.find((r) => r[0] === "2")?.slice(5)).toEqual(["Not reported", "", "Overdue"]);
    expect((await core.conclusions.report(people.secretary!, committeeId, "2026-Q3")).rows).toEqual([]);
    await expect(core.conclusions.report(people.member!, committeeId, "2026-Q4")).rejects.toMatchObject({ code: "errors:forbidden" });
  });
});
