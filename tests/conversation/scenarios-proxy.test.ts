import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { drivers, type Driver } from "../support/drivers.js";

const OPINION = "Sở Tài chính thống nhất với dự thảo kế hoạch; đề nghị bổ sung nguồn kinh phí cho nền tảng dùng chung của tỉnh.";
const COMMENT = "Đề nghị đồng chí Đức trực tiếp dự họp vì có nội dung của Sở Tài chính";

describe.each(drivers)("a proxy conversation on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  const createMeeting = async () => {
    const committee = await d.e2e.core.committees.require("LS");
    const begins = new Date(d.e2e.clock.now().getTime() + 7 * DAY);
    // The secretariat's side (creating the meeting) is not the subject here: the CLI's way in is used.
    await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: begins,
      endsAt: new Date(begins.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    d.e2e.app.worker.nudge();
  };

  it("a proxy with a written opinion, declined by the chair with a comment", async () => {
    d = await start(["secretary", "chair", "member"]);
    await createMeeting();
    await d.next("member", "GIẤY MỜI HỌP");

    // The member appoints a delegate step by step, skipping the contact and the document.
    await d.choose("member", "Cử người dự thay");
    expect(await d.next("member", "Đồng chí cử người dự họp thay")).toContain("họ và tên");
    await d.say("member", "Nông Văn Bình");
    await d.next("member", "chức vụ của người dự thay");
    await d.say("member", "Phó Giám đốc");
    await d.next("member", "cơ quan, đơn vị của người dự thay");
    await d.say("member", "Sở Tài chính");
    await d.next("member", "Số điện thoại hoặc tài khoản");
    await d.choose("member", "Bỏ qua");
    await d.next("member", "ý kiến bằng văn bản của đồng chí về nội dung cuộc họp");
    // Core's minimum applies: too short is refused and the step stays open.
    await d.say("member", "Đồng ý.");
    expect(await d.next("member", "cần tối thiểu 50 ký tự")).toContain("(hiện có 7)");
    await d.say("member", OPINION);
    await d.next("member", "gửi kèm văn bản ý kiến");
    await d.choose("member", "Bỏ qua");
    const summary = await d.next("member", "Đề nghị cử người dự họp thay");
    expect(summary).toContain("Người dự thay: Nông Văn Bình, Phó Giám đốc, Sở Tài chính");
    expect(summary).toContain("Liên hệ: —");
    expect(summary).toContain(OPINION);
    expect(summary).toContain("Văn bản kèm theo: —");
    expect(await d.e2e.app.database.db.selectFrom("proxies").selectAll().execute()).toHaveLength(0);
    await d.choose("member", "Xác nhận gửi");
    await d.next("member", "Đã gửi đề nghị cử đồng chí Nông Văn Bình dự họp thay");

    // The chair comments, then declines.
    const request = await d.next("chair", "Đề nghị cử người dự họp thay của đồng chí Lương Văn Đức");
    expect(request).toContain("Người dự thay: Nông Văn Bình, Phó Giám đốc, Sở Tài chính");
    expect(request).toContain(OPINION);
    await d.choose("chair", "Cho ý kiến kèm theo");
    await d.next("chair", "Kính đề nghị đồng chí cho ý kiến chỉ đạo");
    await d.say("chair", COMMENT);
    expect(await d.next("chair", "Đồng chí đồng ý hay không đồng ý?")).toContain(`Ý kiến của đồng chí: ${COMMENT}`);
    await d.choose("chair", "Không đồng ý");
    expect(await d.next("chair", "Đã ghi nhận: không đồng ý")).toContain(`Ý kiến: ${COMMENT}`);

    // The member is told, with the comment.
    const decision = await d.next("member", "không đồng ý việc cử đồng chí Nông Văn Bình");
    expect(decision).toContain(`Ý kiến của đồng chí chủ trì: ${COMMENT}`);

    const row = await d.e2e.app.database.db.selectFrom("proxies").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "declined", delegate_name: "Nông Văn Bình", delegate_title: "Phó Giám đốc", delegate_organization: "Sở Tài chính", delegate_contact: null, opinion: OPINION, comment: COMMENT });
    expect(await d.e2e.app.database.db.selectFrom("dialogs").selectAll().execute()).toEqual([]);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });

  it("a proxy appointment cancelled halfway keeps nothing and sends nothing", async () => {
    d = await start(["chair", "member"]);
    await createMeeting();
    await d.next("member", "GIẤY MỜI HỌP");
    await d.choose("member", "Cử người dự thay");
    await d.next("member", "Đồng chí cử người dự họp thay");
    await d.say("member", "Nông Văn Bình");
    await d.next("member", "chức vụ của người dự thay");
    await d.choose("member", "Hủy");
    await d.next("member", "Đã hủy. Thông tin chưa được gửi đi.");
    // Nothing is left open: /cancel says so, and the next line is no longer taken as the delegate's title.
    await d.say("member", "/cancel");
    await d.next("member", "Không có thao tác nào đang dở.");
    await d.say("member", "Phó Giám đốc");
    await d.next("member", "Trợ lý chưa hiểu");
    expect(await d.e2e.app.database.db.selectFrom("proxies").selectAll().execute()).toEqual([]);
  });
});
