import { afterEach, describe, expect, it } from "vitest";
import { drivers, type Driver } from "../support/drivers.js";

/** 08:00 in Hanoi on a day, as the fake clock takes it. */
const morning = (day: string) => `${day}T01:00:00.000Z`;

describe.each(drivers)("the chair's conclusions on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("the secretariat records two after a meeting; members are told; each is nudged, reported, and followed up to the summary", async () => {
    d = await start(["secretary", "member", "deputy", "chair"]);
    const core = d.e2e.core;
    const db = d.e2e.app.database.db;
    const committee = await core.committees.require("LS");
    // Held on Wednesday 25/11/2026 at 14:00 in Hanoi.
    const { meeting } = await core.meetings.create(await d.actorOf("secretary"), {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-11-25T07:00:00.000Z"),
      endsAt: new Date("2026-11-25T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
    await d.next("member", "Phiên họp quý IV");
    await core.cycle.ensurePlanner(committee.id);
    d.e2e.clock.set(morning("2026-11-26"));
    await d.e2e.app.scheduler.tick();

    // A member may not record them.
    await d.say("member", "/conclusions");
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    await d.say("secretary", "/conclusions");
    await d.next("secretary", "Đề nghị chọn phiên họp");
    await d.choose("secretary", "25/11/2026 · Phiên họp quý IV");
    await d.next("secretary", "Kết luận 1");
    await d.say("secretary", "Thanh toán trực tuyến phí, lệ phí");
    await d.next("secretary", "Đơn vị chủ trì thực hiện kết luận 1");
    await d.choose("secretary", "Sở Tài chính");
    await d.next("secretary", "Thời hạn hoàn thành kết luận 1");
    // A deadline already past is refused, and asked again.
    await d.say("secretary", "20/11/2026");
    await d.next("secretary", "Thời hạn 20/11/2026 đã qua (hôm nay là 26/11/2026).");
    await d.say("secretary", "04/12/2026");
    await d.next("secretary", "Xem lại 1 kết luận");
    await d.choose("secretary", "Thêm kết luận");
    await d.next("secretary", "Kết luận 2");
    await d.say("secretary", "Kết nối Trục liên thông");
    await d.next("secretary", "Đơn vị chủ trì thực hiện kết luận 2");
    await d.say("secretary", "Sở Thông tin và Truyền thông");
    await d.next("secretary", "Thời hạn hoàn thành kết luận 2");
    await d.say("secretary", "30/11/2026");
    const review = await d.next("secretary", "Xem lại 2 kết luận");
    expect(review).toContain("1. Thanh toán trực tuyến phí, lệ phí — Sở Tài chính, hạn 04/12/2026");
    expect(review).toContain("2. Kết nối Trục liên thông — Sở Thông tin và Truyền thông, hạn 30/11/2026");
    await d.choose("secretary", "Ghi và thông báo");
    const [first, second] = [`KL-${meeting.id}-1`, `KL-${meeting.id}-2`];
    await d.next("secretary", `Đã ghi 2 kết luận (${first}, ${second}) và gửi thông báo tới 5 người.`);
    expect(await db.selectFrom("dialogs").selectAll().execute()).toEqual([]);

    // Every member is told, as by any notice.
    for (const who of ["member", "deputy", "chair"] as const) {
      const notice = await d.next(who, "KẾT LUẬN CỦA TRƯỞNG BAN");
      expect(notice).toContain(`1. [${first}] Thanh toán trực tuyến phí, lệ phí — Đơn vị chủ trì: Sở Tài chính; thời hạn: 04/12/2026.`);
    }
    // Only a notice a person has received is chased, and its delivery is marked sent a moment after the app has it:
    // the mornings below start once every delivery (but those held for the one who has not linked) is marked.
    const unmarked = () =>
      db.selectFrom("notice_recipients as r").innerJoin("outbox as o", "o.id", "r.outbox_id").select("o.id").where("o.status", "!=", "sent").where("o.held_since", "is", null).execute();
    for (let i = 0; i < 100 && (await unmarked()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await unmarked()).toEqual([]);

    // Friday 27/11 and Monday 30/11: the deputy (Information and Communications) is nudged before and on the deadline.
    for (const day of ["2026-11-27", "2026-11-30"]) {
      d.e2e.clock.set(morning(day));
      await d.e2e.app.scheduler.tick();
    }
    expect(await d.next("deputy", `Thực hiện kết luận của Trưởng Ban ${second} Kết nối Trục liên thông — hạn 30/11/2026 23:59`)).toContain("VIỆC CẦN XỬ LÝ HÔM NAY");
    // Tuesday 01/12, three working days before the member's deadline: a line leading straight to reporting on it.
    d.e2e.clock.set(morning("2026-12-01"));
    await d.e2e.app.scheduler.tick();
    await d.next("member", `1. 📌 Thực hiện kết luận của Trưởng Ban ${first} Thanh toán trực tuyến phí, lệ phí — hạn 04/12/2026 23:59`);
    await d.choose("member", `1. ✍️ ${first} · Thanh toán trực tuyến phí, lệ phí`);
    // The task's card names its source, the meeting.
    expect(await d.next("member", "Văn bản giao: Kết luận phiên họp ngày 25/11/2026")).toContain("Đơn vị chủ trì: Sở Tài chính");
    await d.choose("member", "Báo cáo");
    await d.next("member", "Bước 1/6");
    await d.choose("member", "Đã hoàn thành");
    await d.next("member", "Tỷ lệ hoàn thành");
    await d.say("member", "100");
    await d.next("member", "Kết quả đạt được");
    await d.say("member", "Đã triển khai thanh toán trực tuyến trên Cổng dịch vụ công");
    await d.next("member", "Khó khăn, vướng mắc");
    await d.choose("member", "Không có");
    await d.next("member", "Đề xuất, kiến nghị");
    await d.choose("member", "Không có");
    await d.next("member", "tài liệu, hình ảnh");
    await d.choose("member", "Không kèm tệp");
    await d.next("member", "Tình trạng: Đã hoàn thành");
    await d.choose("member", "Gửi báo cáo");
    await d.next("member", `Đã ghi nhận báo cáo ${first} (lần 1)`);

    // Done: no more nudges about it (Thursday 03/12 would have been −1). Wednesday 02/12 the deputy's is overdue.
    for (const day of ["2026-12-02", "2026-12-03"]) {
      d.e2e.clock.set(morning(day));
      await d.e2e.app.scheduler.tick();
    }
    await d.next("deputy", `Kết luận của Trưởng Ban ${second} Kết nối Trục liên thông đã quá hạn 30/11/2026 23:59`);
    const memberId = (await d.actorOf("member")).personId;
    const bundles = await db.selectFrom("outbox").select("params").where("template", "=", "cycle:nudge.bundle").where("person_id", "=", memberId).execute();
    // Friday 27/11 asked for the conclusions' notice to be acknowledged (its deadline is Sunday); Tuesday 01/12 the conclusion; nothing since.
    const kinds = bundles.map((b) => JSON.parse(b.params) as { day: string; items: string }).map((b) => [b.day, (JSON.parse(b.items) as [string][]).map((i) => i[0])]);
    expect(kinds).toEqual([
      ["2026-11-27", ["notice_ack"]],
      ["2026-12-01", ["conclusion"]],
    ]);

    // Monday 30/11 brought the leaders' weekly digest, which counts them as they stood that morning.
    expect(await d.next("chair", "BÁO CÁO TUẦN GỬI LÃNH ĐẠO")).toContain("Kết luận của Trưởng Ban: 0 hoàn thành, 1 đúng hạn, 1 quá hạn");
    // The chair's summary counts them now and drills into the overdue one.
    await d.say("chair", "/summary");
    await d.next("chair", "Kết luận của Trưởng Ban: 1 hoàn thành, 0 đúng hạn, 1 quá hạn");
    await d.choose("chair", "Kết luận quá hạn");
    const drill = await d.next("chair", "Kết luận của Trưởng Ban quá hạn");
    expect(drill).toContain(`${second} Kết nối Trục liên thông — Sở Thông tin và Truyền thông, hạn 30/11/2026`);
    expect(drill).not.toContain(first);

    // The secretariat's follow-up list.
    await d.say("secretary", "/conclusions list");
    const list = await d.next("secretary", "2 kết luận — 1 hoàn thành, 0 đúng hạn, 1 quá hạn");
    expect(list).toContain(`${first} (25/11/2026) Thanh toán trực tuyến phí, lệ phí — Sở Tài chính, hạn 04/12/2026: Hoàn thành`);
    expect(list).toContain(`${second} (25/11/2026) Kết nối Trục liên thông — Sở Thông tin và Truyền thông, hạn 30/11/2026: Quá hạn`);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });

  it("a recording begun, then cancelled with «huỷ»: nothing is recorded", async () => {
    d = await start(["secretary"]);
    const core = d.e2e.core;
    const committee = await core.committees.require("LS");
    await core.meetings.create(await d.actorOf("secretary"), {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: new Date("2026-11-25T07:00:00.000Z"),
      endsAt: new Date("2026-11-25T09:00:00.000Z"),
      place: "Phòng họp số 1",
      agenda: "1.",
    });
    d.e2e.clock.set(morning("2026-11-26"));
    await d.say("secretary", "/conclusions");
    await d.choose("secretary", "25/11/2026 · Phiên họp quý IV");
    await d.next("secretary", "Kết luận 1");
    await d.say("secretary", "Rà soát hạ tầng số");
    await d.next("secretary", "Đơn vị chủ trì thực hiện kết luận 1");
    await d.say("secretary", "huỷ");
    await d.next("secretary", "Đã hủy. Thông tin chưa được gửi đi.");
    expect(await d.e2e.app.database.db.selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(await d.e2e.app.database.db.selectFrom("tasks").selectAll().execute()).toEqual([]);
  });
});
