import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { E2E, users } from "../support/e2e.js";
import { strFromU8, unzipSync } from "fflate";
import { FakeTelegram, type FakeMessage, type FakeUser } from "../support/fake-telegram.js";

const OPINION = "Thống nhất với dự thảo báo cáo quý IV; đề nghị bổ sung chỉ tiêu thanh toán không dùng tiền mặt tại các huyện.";

describe("meetings in chat, through the fake Bot API", () => {
  let e2e: E2E;
  let meetingId: number;

  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member", "deputy"]);
  });
  afterEach(() => e2e.stop());

  const createMeeting = async () => {
    const secretary = (await e2e.actorOf(users.secretary));
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    const { meeting } = await e2e.core.meetings.create(secretary, {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV\n2. Kế hoạch năm 2027",
    });
    meetingId = meeting.id;
    e2e.app.worker.nudge();
    return meeting;
  };
  const cardOf = (user: FakeUser) => e2e.tg.waitFor(() => e2e.tg.transcript(user.id).find((m) => m.text?.includes("GIẤY MỜI HỌP") || m.text?.includes("MEETING INVITATION")), 8000);
  const press = async (user: FakeUser, message: FakeMessage, data: string, force = false) => {
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(user, message, data, { force });
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    return e2e.tg.answeredCallbacks.at(-1) as { text?: string; show_alert?: boolean };
  };
  const dataOf = (m: FakeMessage, label: string) => FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!;
  const current = (user: FakeUser, m: FakeMessage) => e2e.tg.transcript(user.id).find((x) => x.message_id === m.message_id)!;

  it("sends each invitee the card and a calendar file, records Attend in place, and ignores a double tap", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    const ics = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.document), 8000);
    const calendar = e2e.tg.documentContent(ics.document!.file_id).toString("utf8");
    expect(calendar).toContain("SUMMARY:Phiên họp Ban Chỉ đạo quý IV/2026");
    expect(calendar).toMatch(/DTSTART:20261130T\d{4}00Z/);
    expect(calendar).toContain("LOCATION:Phòng họp số 1\\, UBND tỉnh");
    expect(ics.caption).toContain("Tệp lịch (.ics)");
    expect(card.text).toContain("Phiên họp Ban Chỉ đạo quý IV/2026");
    expect(card.text).toMatch(/Thời gian: \d{2}:\d{2} – \d{2}:\d{2}, thứ Hai, ngày 30\/11\/2026/);
    expect(card.text).toContain("Chủ trì: đồng chí Hồ Tiến Thiệu");
    expect(FakeTelegram.buttons(card).map((b) => b.text)).toEqual(["Tham dự", "Vắng mặt", "Cử người dự thay"]);
    // The chair is not invited to the meeting he chairs: his card says so, counts him present and offers only the hand-over.
    const chairCard = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("Đồng chí chủ trì cuộc họp")), 8000);
    expect(chairCard.text).toContain("LỊCH HỌP");
    expect(FakeTelegram.buttons(chairCard).map((b) => b.text)).toEqual(["Giao chủ trì cho Phó Trưởng ban Thường trực"]);
    await cardOf(users.deputy);
    expect(e2e.tg.transcript(users.secretary.id).some((m) => m.text?.includes("GIẤY MỜI HỌP"))).toBe(false);

    const first = await press(users.member, card, dataOf(card, "Tham dự"));
    expect(first.text).toBe("Đã ghi nhận đồng chí tham dự.");
    await e2e.tg.waitFor(() => current(users.member, card).text?.includes("đã xác nhận: tham dự"));
    expect(FakeTelegram.buttons(current(users.member, card))[0]!.text).toBe("✅ Tham dự");
    const again = await press(users.member, current(users.member, card), dataOf(current(users.member, card), "Tham dự"));
    expect(again.text).toBe("Đồng chí đã xác nhận tham dự từ trước.");
    const audits = await e2e.app.database.db.selectFrom("audit_log").selectAll().where("action", "=", "invitation.attend").execute();
    expect(audits).toHaveLength(1);
  });

  it("asks the reason for an absence, sends it to the chair, and tells the member the chair's consent", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    await press(users.member, card, dataOf(card, "Vắng mặt"));
    const ask = await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("chọn lý do") && e2e.tg.lastMessage(users.member.id));
    expect(FakeTelegram.buttons(ask).map((b) => b.text)).toEqual(["Đi công tác", "Ốm, điều trị bệnh", "Trùng lịch họp khác", "Hủy"]);

    expect((await e2e.say(users.member, "   ")).text).toBe("Đề nghị đồng chí nhập lý do vắng mặt.");
    const sent = await e2e.say(users.member, "Dự hội nghị của Bộ tại Hà Nội");
    expect(sent.text).toContain("Đã gửi báo cáo xin vắng mặt (lý do: Dự hội nghị của Bộ tại Hà Nội)");
    await e2e.tg.waitFor(() => current(users.member, card).text?.includes("đang chờ đồng chí chủ trì"));

    const request = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("Báo cáo xin vắng mặt")), 8000);
    expect(request.text).toContain("Báo cáo xin vắng mặt của đồng chí Lương Văn Đức (Giám đốc, Sở Tài chính)");
    expect(request.text).toContain("Lý do: Dự hội nghị của Bộ tại Hà Nội");

    // A member who is not the chair cannot decide, even with the button's data.
    const approveData = dataOf(request, "Đồng ý");
    const forgedBefore = e2e.tg.transcript(users.deputy.id).length;
    e2e.tg.injectRaw({
      update_id: 0,
      callback_query: { id: "forged-1", from: { id: users.deputy.id, is_bot: false, first_name: "Hà" }, chat_instance: "x", data: approveData, message: { ...request, chat: { id: users.deputy.id, type: "private", first_name: "Hà" } } },
    } as never);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.some((c) => (c as { callback_query_id: string }).callback_query_id === "forged-1"));
    const answer = e2e.tg.answeredCallbacks.find((c) => (c as { callback_query_id: string }).callback_query_id === "forged-1") as { text: string };
    expect(answer.text).toContain("Chỉ đồng chí chủ trì cuộc họp");
    expect(e2e.tg.transcript(users.deputy.id)).toHaveLength(forgedBefore);

    const ok = await press(users.chair, request, approveData);
    expect(ok.text).toBe("Đã đồng ý.");
    await e2e.tg.waitFor(() => current(users.chair, request).text?.includes("Đã đồng ý (Hồ Tiến Thiệu)"));
    const decision = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("đã đồng ý để đồng chí vắng mặt")), 8000);
    expect(decision.text).toContain("Đồng chí Hồ Tiến Thiệu đã đồng ý để đồng chí vắng mặt tại cuộc họp «Phiên họp Ban Chỉ đạo quý IV/2026»");
    const row = await e2e.app.database.db.selectFrom("absence_requests").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "approved", reason: "Dự hội nghị của Bộ tại Hà Nội" });
  });

  it("takes a proxy's details and a written opinion step by step; a decline asks the member again", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    await press(users.member, card, dataOf(card, "Cử người dự thay"));
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("họ và tên người dự thay"));
    expect((await e2e.say(users.member, "Nông Văn Bình")).text).toContain("chức vụ");
    expect((await e2e.say(users.member, "Phó Giám đốc")).text).toContain("cơ quan, đơn vị");
    const contactAsk = await e2e.say(users.member, "Sở Tài chính");
    expect(FakeTelegram.buttons(contactAsk).map((b) => b.text)).toContain("Bỏ qua");

    // A restart in the middle loses nothing typed so far.
    await e2e.restart();
    await press(users.member, contactAsk, dataOf(contactAsk, "Bỏ qua"));
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("ý kiến bằng văn bản"));
    const short = await e2e.say(users.member, "Đồng ý.");
    expect(short.text).toBe("Ý kiến bằng văn bản cần tối thiểu 50 ký tự (hiện có 7). Đề nghị đồng chí bổ sung và gửi lại.");
    expect((await e2e.say(users.member, OPINION)).text).toContain("gửi kèm văn bản ý kiến");
    const before = e2e.tg.transcript(users.member.id).length;
    e2e.tg.sendDocument(users.member, { fileName: "y-kien-so-tai-chinh.docx", content: "ý kiến" });
    const summary = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).slice(before).find((m) => m.text?.includes("Đề nghị cử người dự họp thay")));
    expect(summary.text).toContain("Người dự thay: Nông Văn Bình, Phó Giám đốc, Sở Tài chính");
    expect(summary.text).toContain("Văn bản kèm theo: y-kien-so-tai-chinh.docx");
    expect(await e2e.app.database.db.selectFrom("proxies").selectAll().execute()).toHaveLength(0);
    await press(users.member, summary, dataOf(summary, "Xác nhận"));
    await e2e.tg.waitFor(() => current(users.member, summary).text?.includes("Đã gửi đề nghị cử đồng chí Nông Văn Bình"));

    const request = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("Đề nghị cử người dự họp thay")), 8000);
    expect(request.text).toContain(OPINION);
    const attached = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.document?.file_name === "y-kien-so-tai-chinh.docx"), 8000);
    expect(attached.caption).toContain("Văn bản ý kiến kèm theo đề nghị cử người dự thay");
    await press(users.chair, request, dataOf(request, "Cho ý kiến kèm theo"));
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.chair.id)?.text?.includes("Kính đề nghị đồng chí cho ý kiến chỉ đạo"));
    const ask = await e2e.say(users.chair, "Đề nghị đồng chí Đức trực tiếp dự họp vì có nội dung của Sở Tài chính");
    await press(users.chair, ask, dataOf(ask, "Không đồng ý"));
    const decision = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("không đồng ý việc cử")), 8000);
    expect(decision.text).toContain("Ý kiến của đồng chí chủ trì: Đề nghị đồng chí Đức trực tiếp dự họp vì có nội dung của Sở Tài chính");
    expect(FakeTelegram.buttons(decision).map((b) => b.text)).toEqual(["Tham dự", "Vắng mặt", "✅ Cử người dự thay"]);
    const proxy = await e2e.app.database.db.selectFrom("proxies").selectAll().executeTakeFirstOrThrow();
    expect(proxy).toMatchObject({ status: "declined", delegate_name: "Nông Văn Bình", delegate_contact: null, opinion: OPINION });
  });

  it("answers a forged or foreign button politely, logs it, and changes nothing", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    const deputyCard = await cardOf(users.deputy);
    const foreign = await press(users.member, card, dataOf(deputyCard, "Tham dự"), true);
    expect(foreign.text).toBe("Giấy mời này không dành cho đồng chí.");
    const nonsense = await press(users.member, card, "m:a:99999:1", true);
    expect(nonsense.text).toBe("Giấy mời này không dành cho đồng chí.");
    const garbage = await press(users.member, card, "zz:top", true);
    expect(garbage.text).toBe("Nút này không còn hiệu lực. Đề nghị đồng chí dùng tin nhắn mới nhất.");
    // Only the chair's presence, recorded when the meeting was called.
    const answers = await e2e.app.database.db.selectFrom("invitations").select("answer").execute();
    expect(answers.filter((a) => a.answer !== "none")).toEqual([{ answer: "attend" }]);
    expect(e2e.logs.some((l) => l.includes("someone else's invitation"))).toBe(true);
  });

  it("refuses answers after the deadline", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    e2e.clock.advance(6 * DAY + HOUR);
    const late = await press(users.member, card, dataOf(card, "Tham dự"));
    expect(late.text).toContain("Đã hết hạn xác nhận");
    expect((await e2e.app.database.db.selectFrom("invitations").select("answer").execute()).filter((a) => a.answer !== "none")).toEqual([{ answer: "attend" }]);
  });

  it("speaks English to a member who chose it", async () => {
    await e2e.say(users.member, "/lang en");
    await createMeeting();
    const card = await cardOf(users.member);
    expect(card.text).toContain("MEETING INVITATION");
    expect(FakeTelegram.buttons(card).map((b) => b.text)).toEqual(["Attend", "Absent", "Send a proxy"]);
    await press(users.member, card, dataOf(card, "Absent"));
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("choose a reason"));
    const sent = await e2e.say(users.member, "Business trip to Hanoi");
    expect(sent.text).toContain("Your absence request (reason: Business trip to Hanoi) has been sent");
  });

  it("shows the secretariat and leaders the live roster and the quorum forecast", async () => {
    await createMeeting();
    const card = await cardOf(users.member);
    await press(users.member, card, dataOf(card, "Tham dự"));
    const list = await e2e.say(users.secretary, "/meetings");
    expect(list.text).toMatch(/#\d+ Phiên họp Ban Chỉ đạo quý IV\/2026 — .*: 2\/4 tham dự, 2 chưa trả lời; dự kiến có mặt 50%/);
    const roster = await e2e.say(users.chair, `/roster ${meetingId}`);
    // The chair, present as he chairs it, and the member who answered.
    expect(roster.text).toContain("Mời: 4; tham dự: 2;");
    expect(roster.text).toContain("• #4 Lương Văn Đức (Sở Tài chính) — tham dự");
    expect(roster.text).toContain("Dự kiến có mặt (trực tiếp hoặc người dự thay đã được đồng ý): 50%.");
    expect((await e2e.say(users.member, `/roster ${meetingId}`)).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.chair, "/approvals")).text).toBe("Hiện không có đề nghị nào chờ đồng chí cho ý kiến.");

    // Three days before, with 2 of 4 expected, the chair and the secretariat are warned.
    e2e.clock.advance(4 * DAY + HOUR);
    expect(await e2e.app.scheduler.tick()).toMatchObject({ done: 1 });
    const warning = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("Lưu ý về thành phần dự họp")), 8000);
    expect(warning.text).toMatch(/«Phiên họp Ban Chỉ đạo quý IV\/2026», \d\d:\d\d, thứ Hai, ngày 30\/11\/2026, hiện dự kiến chỉ có 2\/4 thành viên có mặt .*50%, thấp hơn mức 67%\. Còn 2 thành viên chưa xác nhận tham dự\./);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Lưu ý về thành phần dự họp")), 8000);
    expect(e2e.tg.transcript(users.member.id).some((m) => m.text?.includes("Lưu ý về thành phần dự họp"))).toBe(false);
  });

  it("delivers a 40-member meeting's invitations once each", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `Thành viên ${i + 1},member,Đơn vị ${i + 1},Giám đốc,,m${i + 1}@ls.gov.vn`);
    const report = await e2e.core.roster.importCsv(cliActor, 1, ["full_name,role,organization,title,phone,email", ...rows].join("\n"));
    for (const [i, invite] of report.invites.entries()) {
      const id = String(900_000 + i);
      await e2e.core.invites.redeem({ channel: "telegram", externalId: id, chatId: id, username: null, code: invite.code });
    }
    await createMeeting();
    const chats = report.invites.map((_, i) => 900_000 + i);
    await e2e.tg.waitFor(() => chats.every((c) => e2e.tg.transcript(c).length >= 2), 20_000);
    for (const c of chats) {
      const [card, calendar] = e2e.tg.transcript(c);
      expect(card!.text).toContain("GIẤY MỜI HỌP");
      expect(calendar!.document?.file_name).toMatch(/^hop-\d+\.ics$/);
      expect(e2e.tg.transcript(c)).toHaveLength(2);
    }
    const outbox = await e2e.app.database.db.selectFrom("outbox").select(["status"]).where("template", "=", "meetings:invitation").execute();
    expect(outbox).toHaveLength(44);
  });
});

describe("rescheduling and cancelling, through the fake Bot API", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member"]);
  });
  afterEach(() => e2e.stop());

  const secretary = () => e2e.actorOf(users.secretary);
  const cards = (user: FakeUser) => e2e.tg.transcript(user.id).filter((m) => m.text?.includes("GIẤY MỜI HỌP"));

  it("a reschedule tells everyone, resets answers keeping the history, closes old cards and sends new ones", async () => {
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    const { meeting } = await e2e.core.meetings.create(await secretary(), {
      committeeId: 1,
      kind: "extraordinary",
      title: "Họp đột xuất về an toàn thông tin",
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      onlineLink: "https://meet.langson.gov.vn/bcd",
      agenda: "Sự cố an toàn thông tin",
    });
    e2e.app.worker.nudge();
    const old = await e2e.tg.waitFor(() => cards(users.member)[0], 8000);
    e2e.tg.pressButton(users.member, old, FakeTelegram.buttons(old)[0]!.callback_data!);
    await e2e.until(async () => (await e2e.app.database.db.selectFrom("invitations").select("answer").where("person_id", "=", 4).executeTakeFirst())?.answer === "attend");

    const newStart = new Date(start.getTime() + DAY);
    await e2e.core.meetings.reschedule(await secretary(), meeting.id, { startsAt: newStart, endsAt: new Date(newStart.getTime() + HOUR) });
    e2e.app.worker.nudge();
    const notice = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Thay đổi lịch họp")), 8000);
    expect(notice.text).toMatch(/chuyển từ \d\d:\d\d, thứ Hai, ngày 30\/11\/2026 sang \d\d:\d\d, thứ Ba, ngày 01\/12\/2026/);
    await e2e.tg.waitFor(() => cards(users.member).length === 2 && cards(users.member)[1]!.text?.includes("chưa xác nhận"), 8000);
    await e2e.tg.waitFor(() => current(old).text?.includes("đã được thay bằng giấy mời mới"), 8000);
    expect(FakeTelegram.buttons(current(old))).toEqual([]);

    // The old button, pressed from a stale client, changes nothing.
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(users.member, old, `m:a:${FakeTelegram.buttons(cards(users.member)[1]!)[0]!.callback_data!.split(":")[2]}:1`, { force: true });
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    expect((e2e.tg.answeredCallbacks.at(-1) as { text: string }).text).toBe("Lịch họp đã thay đổi; đề nghị đồng chí dùng giấy mời mới nhất.");
    const inv = await e2e.app.database.db.selectFrom("invitations").selectAll().where("person_id", "=", 4).executeTakeFirstOrThrow();
    expect(inv.answer).toBe("none");
    const history = await e2e.app.database.db.selectFrom("audit_log").select(["action", "before_json"]).where("object_type", "=", "invitation").where("object_id", "=", String(inv.id)).orderBy("id").execute();
    expect(history.map((h) => h.action)).toEqual(["invitation.attend", "invitation.reset"]);
    expect(JSON.parse(history[1]!.before_json!)).toEqual({ answer: "attend" });

    function current(m: FakeMessage) {
      return e2e.tg.transcript(users.member.id).find((x) => x.message_id === m.message_id)!;
    }
  });

  it("a cancel tells everyone and the old buttons answer politely", async () => {
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    const { meeting } = await e2e.core.meetings.create(await secretary(), {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp quý IV",
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      place: "Phòng họp số 1",
      agenda: "Báo cáo quý IV",
    });
    e2e.app.worker.nudge();
    const card = await e2e.tg.waitFor(() => cards(users.member)[0], 8000);
    const attendData = FakeTelegram.buttons(card)[0]!.callback_data!;
    await expect(e2e.core.meetings.cancel(await secretary(), meeting.id, "  ")).rejects.toMatchObject({ code: "meetings:errors.cancel_reason_required" });
    const member = (await e2e.actorOf(users.member));
    await expect(e2e.core.meetings.cancel(member, meeting.id, "x")).rejects.toMatchObject({ code: "errors:forbidden" });
    await e2e.core.meetings.cancel(await secretary(), meeting.id, "Lãnh đạo tỉnh có lịch công tác đột xuất");
    e2e.app.worker.nudge();
    const notice = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Thông báo không tổ chức cuộc họp")), 8000);
    expect(notice.text).toContain("Lý do: Lãnh đạo tỉnh có lịch công tác đột xuất");
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.message_id === card.message_id)?.text?.includes("Cuộc họp đã bị hủy"), 8000);
    const before = e2e.tg.answeredCallbacks.length;
    expect(FakeTelegram.buttons(card)).toEqual([]);
    e2e.tg.pressButton(users.member, card, attendData, { force: true });
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    expect((e2e.tg.answeredCallbacks.at(-1) as { text: string }).text).toBe("Cuộc họp này đã bị hủy.");
    expect((await e2e.app.database.db.selectFrom("invitations").select("answer").execute()).filter((a) => a.answer !== "none")).toEqual([{ answer: "attend" }]);
  });
});

describe("calling a meeting in chat (/newmeeting)", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "member"]);
  });
  afterEach(() => e2e.stop());

  const tap = async (label: string) => {
    const m = e2e.tg.lastMessage(users.secretary.id)!;
    const button = FakeTelegram.buttons(m).find((b) => b.text.includes(label));
    if (!button) throw new Error(`no button ${label} on: ${m.text}`);
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.pressButton(users.secretary, m, button.callback_data!);
    return e2e.tg.nextReply(users.secretary.id, before);
  };

  it("walks the secretariat through each step, re-asks only a bad step, and sends the invitations on confirm", async () => {
    expect((await e2e.say(users.member, "/newmeeting")).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    await e2e.say(users.secretary, "/newmeeting");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.secretary.id)?.text === "Loại cuộc họp?");
    expect((await tap("Cuộc họp đột xuất")).text).toContain("tên cuộc họp");
    expect((await e2e.say(users.secretary, "Họp đột xuất về sự cố mạng")).text).toContain("Thời gian bắt đầu");
    expect((await e2e.say(users.secretary, "ngày mai 8 giờ")).text).toContain("chưa đúng định dạng");
    expect((await e2e.say(users.secretary, "01/01/2020 08:00")).text).toBe("Thời gian bắt đầu phải sau thời điểm hiện tại.");
    expect((await e2e.say(users.secretary, "30/11/2026 14:00")).text).toContain("Thời gian kết thúc");
    expect((await e2e.say(users.secretary, "13:00")).text).toBe("Thời gian kết thúc phải sau thời gian bắt đầu.");
    expect((await e2e.say(users.secretary, "16:30")).text).toContain("Địa điểm");
    expect((await tap("Bỏ qua")).text).toContain("Đường liên kết họp trực tuyến");
    expect((await e2e.say(users.secretary, "meet.langson")).text).toContain("không hợp lệ");
    expect((await e2e.say(users.secretary, "https://meet.langson.gov.vn/bcd")).text).toContain("Nội dung");
    expect((await e2e.say(users.secretary, "Đánh giá sự cố và phương án khắc phục")).text).toContain("Gửi tài liệu của cuộc họp");
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "virus.exe", content: "MZ" });
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toContain("không thuộc loại được nhận");
    const before2 = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "bao-cao-su-co.pdf", content: "%PDF-1.4 báo cáo" });
    expect((await e2e.tg.nextReply(users.secretary.id, before2)).text).toContain("Đã nhận tệp «bao-cao-su-co.pdf» (1 tệp)");
    const chairAsk = await tap("Xong");
    expect(FakeTelegram.buttons(chairAsk).map((b) => b.text)).toEqual(["Hồ Tiến Thiệu (Trưởng ban)", "Đoàn Thu Hà (Phó Trưởng ban Thường trực)", "Hủy"]);

    // A restart mid-way keeps every answer.
    await e2e.restart();
    expect((await tap("Đoàn Thu Hà")).text).toContain("Hạn xác nhận");
    const summary = await tap("Mặc định");
    expect(summary.text).toContain("Loại: Cuộc họp đột xuất");
    expect(summary.text).toContain("Tài liệu: bao-cao-su-co.pdf");
    expect(summary.text).toContain("Bắt đầu: 30/11/2026 14:00");
    expect(summary.text).toContain("Kết thúc: 30/11/2026 16:30");
    expect(summary.text).toContain("Chủ trì: Đoàn Thu Hà");
    expect(await e2e.app.database.db.selectFrom("meetings").selectAll().execute()).toHaveLength(0);
    const done = await tap("Xác nhận gửi");
    expect(done.text).toMatch(/Đã tạo cuộc họp số 1 và đang gửi giấy mời tới 4 thành viên/);
    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
    expect(card.text).toContain("Chủ trì: đồng chí Đoàn Thu Hà");
    expect(card.text).toContain("Họp trực tuyến: https://meet.langson.gov.vn/bcd");
    expect(card.text).toContain("Thời gian: 14:00 – 16:30, thứ Hai, ngày 30/11/2026");
    const doc = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.document?.file_name === "bao-cao-su-co.pdf"), 8000);
    expect(doc.caption).toBe("📎 Tài liệu cuộc họp: bao-cao-su-co.pdf");
    expect(e2e.tg.documentContent(doc.document!.file_id).toString("utf8")).toBe("%PDF-1.4 báo cáo");
    // The secretariat's CSV import still works outside the dialog.
    const before3 = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "ds.csv", content: "full_name,role\nVi Văn Tân,member\n" });
    expect((await e2e.tg.nextReply(users.secretary.id, before3)).text).toContain("Thêm mới: 1");
  });

  it("cancels at any point and sends nothing", async () => {
    await e2e.say(users.secretary, "/newmeeting");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.secretary.id)?.text === "Loại cuộc họp?");
    await tap("Phiên họp định kỳ");
    await e2e.say(users.secretary, "Phiên họp quý IV");
    expect((await e2e.say(users.secretary, "/cancel")).text).toBe("Đã hủy. Thông tin chưa được gửi đi.");
    expect((await e2e.say(users.secretary, "30/11/2026 14:00")).text).toContain("chưa hiểu");
    expect(await e2e.app.database.db.selectFrom("meetings").selectAll().execute()).toHaveLength(0);
  });
});

describe("attendance and minutes", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member", "deputy"]);
  });
  afterEach(() => e2e.stop());

  it("records actual presence apart from the answers, and produces a Vietnamese DOCX minutes draft", async () => {
    const actor = (u: FakeUser) => e2e.actorOf(u);
    const start = new Date(e2e.clock.now().getTime() + 3 * DAY);
    const { meeting } = await e2e.core.meetings.create(await actor(users.secretary), {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV\n2. Kế hoạch năm 2027",
    });
    const inv = async (u: FakeUser) =>
      (await e2e.app.database.db.selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", (await actor(u)).personId).executeTakeFirstOrThrow()).id;
    await e2e.core.meetings.attend(await actor(users.deputy), { invitationId: await inv(users.deputy), version: 1 });
    const { proxyId } = await e2e.core.meetings.proxy(
      await actor(users.member),
      { invitationId: await inv(users.member), version: 1 },
      { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" },
      OPINION,
    );
    await e2e.core.meetings.decide(await actor(users.chair), "proxy", proxyId, true);

    expect((await e2e.say(users.secretary, `/attendance ${meeting.id}`)).text).toBe("Chỉ ghi nhận điểm danh trong vòng 2 tiếng trước giờ họp.");
    e2e.clock.advance(3 * DAY - HOUR);
    const sheet = await e2e.say(users.secretary, `/attendance ${meeting.id}`);
    expect(sheet.text).toContain("chưa ghi: 4");
    e2e.tg.pressButton(users.secretary, sheet, dataOf(sheet, "Điền theo xác nhận"));
    // The chair (present as he chairs it) and the deputy who confirmed; the proxy; the standing deputy, who never answered, absent.
    await e2e.tg.waitFor(() => current(sheet).text?.includes("Có mặt: 2; dự thay: 1; vắng: 1; chưa ghi: 0"));
    // The deputy stepped out: one tap marks him absent, his answer stays as he gave it; a second tap brings him back.
    e2e.tg.pressButton(users.secretary, current(sheet), dataOf(current(sheet), "Nguyễn Hoàng Hà"));
    await e2e.tg.waitFor(() => current(sheet).text?.includes("Có mặt: 1; dự thay: 1; vắng: 2"));
    const intent = await e2e.app.database.db.selectFrom("invitations").select("answer").where("id", "=", await inv(users.deputy)).executeTakeFirstOrThrow();
    expect(intent.answer).toBe("attend");
    e2e.tg.pressButton(users.secretary, current(sheet), dataOf(current(sheet), "Nguyễn Hoàng Hà"));
    await e2e.tg.waitFor(() => current(sheet).text?.includes("Có mặt: 2; dự thay: 1; vắng: 1"));
    expect((await e2e.say(users.member, `/attendance ${meeting.id}`)).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");

    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendText(users.secretary, `/minutes ${meeting.id}`);
    const doc = await e2e.tg.nextReply(users.secretary.id, before);
    expect(doc.document?.file_name).toBe(`bien-ban-hop-${meeting.id}.docx`);
    const xml = strFromU8(unzipSync(new Uint8Array(e2e.tg.documentContent(doc.document!.file_id)))["word/document.xml"]!);
    const words = xml.replace(/<[^>]+>/g, "");
    for (const expected of [
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "BIÊN BẢN",
      "II. THÀNH PHẦN THAM DỰ",
      "1. Chủ trì: đồng chí Hồ Tiến Thiệu, Chủ tịch UBND tỉnh Lạng Sơn, Trưởng Ban Chỉ đạo.",
      // The presiding chair is the chair line, not one of the members present.
      "3. Thành viên Ban Chỉ đạo dự họp: 1 đồng chí",
      "- Đồng chí Nông Văn Bình, Phó Giám đốc Sở Tài chính, dự thay đồng chí Lương Văn Đức, Giám đốc Sở Tài chính.",
      "5. Thành viên vắng mặt: 1 đồng chí",
      // Marked absent at the meeting without having reported anything beforehand.
      "- Đồng chí Đoàn Thu Hà, Phó Chủ tịch UBND tỉnh Lạng Sơn: vắng mặt không báo cáo.",
      OPINION,
    ]) {
      expect(words).toContain(expected);
    }
    expect(xml).toContain("<w:b/>");
  });

  const dataOf = (m: FakeMessage, label: string) => FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!;
  const current = (m: FakeMessage) => e2e.tg.transcript(users.secretary.id).find((x) => x.message_id === m.message_id)!;
});

describe("the secretariat changes a meeting from the chat", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member"]);
  });
  afterEach(() => e2e.stop());

  const create = async () => {
    const secretary = (await e2e.actorOf(users.secretary));
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    return (
      await e2e.core.meetings.create(secretary, {
        committeeId: 1,
        kind: "regular",
        title: "Phiên họp quý IV",
        startsAt: start,
        endsAt: new Date(start.getTime() + HOUR),
        place: "Phòng họp số 1",
        agenda: "Báo cáo quý IV",
      })
    ).meeting;
  };

  it("records an answer on a member's behalf after the deadline, with the reason, and only for the secretariat", async () => {
    const meeting = await create();
    e2e.clock.advance(6 * DAY + HOUR);
    expect((await e2e.say(users.member, `/setanswer ${meeting.id} 4 có Tôi tự ghi`)).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.secretary, `/setanswer ${meeting.id} 4 vắng`)).text).toContain("Đề nghị ghi lý do ghi nhận thay");
    expect((await e2e.say(users.secretary, `/setanswer ${meeting.id} 4 đi`)).text).toContain("Cách dùng: /setanswer");
    const done = await e2e.say(users.secretary, `/setanswer ${meeting.id} 4 vắng Đồng chí báo qua điện thoại: đi công tác`);
    expect(done.text).toBe("Đã ghi nhận cho đồng chí Lương Văn Đức: vắng mặt (đã gửi đồng chí chủ trì cho ý kiến).");
    const inv = await e2e.app.database.db.selectFrom("invitations").selectAll().where("person_id", "=", 4).executeTakeFirstOrThrow();
    expect(inv.answer).toBe("absent");
    const audit = await e2e.app.database.db.selectFrom("audit_log").selectAll().where("action", "=", "invitation.override").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toMatchObject({ answer: "absent", reason: "Đồng chí báo qua điện thoại: đi công tác" });
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("Báo cáo xin vắng mặt của đồng chí Lương Văn Đức")), 8000);
  });

  it("edits the title in place, keeping answers", async () => {
    const meeting = await create();
    e2e.app.worker.nudge();
    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
    e2e.tg.pressButton(users.member, card, FakeTelegram.buttons(card)[0]!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.message_id === card.message_id)?.text?.includes("đã xác nhận: tham dự"));
    expect((await e2e.say(users.secretary, `/editmeeting ${meeting.id} tên`)).text).toContain("Cách dùng: /editmeeting");
    expect((await e2e.say(users.secretary, `/editmeeting ${meeting.id} tên Phiên họp quý IV (mở rộng)`)).text).toContain(`Đã cập nhật cuộc họp số ${meeting.id}`);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Cập nhật nội dung")), 8000);
    const edited = await e2e.tg.waitFor(() => {
      const m = e2e.tg.transcript(users.member.id).find((x) => x.message_id === card.message_id)!;
      return m.text?.includes("Phiên họp quý IV (mở rộng)") && m;
    }, 8000);
    expect(edited.text).toContain("đã xác nhận: tham dự");
    expect(FakeTelegram.buttons(edited)[0]!.text).toBe("✅ Tham dự");
    const inv = await e2e.app.database.db.selectFrom("invitations").select("answer").where("person_id", "=", 4).executeTakeFirstOrThrow();
    expect(inv.answer).toBe("attend");
  });

  it("reschedules and cancels with one command each", async () => {
    const meeting = await create();
    expect((await e2e.say(users.secretary, `/reschedule ${meeting.id} mai`)).text).toContain("Cách dùng: /reschedule");
    const moved = await e2e.say(users.secretary, `/reschedule ${meeting.id} 02/12/2026 08:00 10:30`);
    expect(moved.text).toContain(`Đã dời cuộc họp số ${meeting.id} sang 08:00, thứ Tư, ngày 02/12/2026`);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Thay đổi lịch họp")), 8000);
    expect((await e2e.say(users.member, `/cancelmeeting ${meeting.id} Không họp`)).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.secretary, `/cancelmeeting ${meeting.id}`)).text).toBe("Đề nghị nhập lý do hủy cuộc họp.");
    expect((await e2e.say(users.secretary, `/cancelmeeting ${meeting.id} Trùng lịch tiếp khách của tỉnh`)).text).toContain(`Đã hủy cuộc họp số ${meeting.id}`);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Lý do: Trùng lịch tiếp khách của tỉnh")), 8000);
    expect((await e2e.say(users.secretary, `/cancelmeeting ${meeting.id} again`)).text).toBe("Cuộc họp này đã bị hủy.");
  });
});


describe("guests and delegates", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member"]);
  });
  afterEach(() => e2e.stop());

  const actor = (u: FakeUser) => e2e.actorOf(u);
  const create = async () => {
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    const { meeting } = await e2e.core.meetings.create(await actor(users.secretary), {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp mở rộng quý IV",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1",
      agenda: "Báo cáo quý IV",
    });
    e2e.app.worker.nudge();
    return meeting;
  };
  const linkIn = (m: FakeMessage) => m.text!.match(/https:\/\/t\.me\/bcd_test_bot\?start=([A-Za-z0-9_-]+)/)![1]!;

  it("gives an approved proxy's delegate a link that brings them the card and reminders, without a seat", async () => {
    const meeting = await create();
    const inv = await e2e.app.database.db.selectFrom("invitations").select("id").where("person_id", "=", 4).executeTakeFirstOrThrow();
    const { proxyId } = await e2e.core.meetings.proxy(await actor(users.member), { invitationId: inv.id, version: 1 }, { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" }, OPINION);
    await e2e.core.meetings.decide(await actor(users.chair), "proxy", proxyId, true);
    e2e.app.worker.nudge();
    const decision = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("đã đồng ý để đồng chí Nông Văn Bình")), 8000);
    e2e.tg.pressButton(users.member, decision, FakeTelegram.buttons(decision)[0]!.callback_data!);
    const link = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("Đường liên kết mời dự họp")), 8000);

    const delegate = { id: 730_000_001, first_name: "Bình" };
    const welcome = await e2e.say(delegate, `/start ${linkIn(link)}`);
    expect(welcome.text).toBe(`Kính chào đồng chí Nông Văn Bình. Đồng chí dự cuộc họp «Phiên họp mở rộng quý IV» của Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn thay đồng chí Lương Văn Đức. Trợ lý sẽ gửi giấy mời và nhắc lịch họp tại đây.`);
    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(delegate.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
    expect(card.text).toContain("thay đồng chí Lương Văn Đức");
    expect(FakeTelegram.buttons(card)).toEqual([]);
    await e2e.tg.waitFor(() => e2e.tg.transcript(delegate.id).find((m) => m.document), 8000);
    expect((await e2e.say(delegate, "/help")).text).toContain("Đồng chí được mời dự: «Phiên họp mở rộng quý IV»");
    // The delegate is not counted as a member in the quorum forecast.
    const roster = await e2e.core.meetings.roster(await actor(users.secretary), meeting.id);
    expect(roster.counts.invited).toBe(4);
    expect(roster.counts.proxyApproved).toBe(1);
  });

  it("invites a guest by link to an extended meeting, and lists guests in the minutes", async () => {
    const meeting = await create();
    expect((await e2e.say(users.member, `/addguest ${meeting.id} A; B; C`)).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.secretary, `/addguest ${meeting.id} Nguyễn Văn Khoa`)).text).toContain("Cách dùng: /addguest");
    const link = await e2e.say(users.secretary, `/addguest ${meeting.id} Nguyễn Văn Khoa; Giám đốc; Viettel Lạng Sơn`);
    expect(link.text).toContain("Đường liên kết mời dự họp cho đồng chí Nguyễn Văn Khoa");
    const guest = { id: 730_000_002, first_name: "Khoa" };
    expect((await e2e.say(guest, `/start ${linkIn(link)}`)).text).toContain("Đồng chí được mời dự cuộc họp «Phiên họp mở rộng quý IV»");
    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(guest.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
    expect(card.text).toContain("với tư cách khách mời");
    expect((await e2e.say({ id: 730_000_003, first_name: "X" }, `/start ${linkIn(link)}`)).text).toContain("đã được sử dụng");
    const minutes = await e2e.core.meetings.minutes(await actor(users.secretary), meeting.id);
    expect(minutes.guests).toEqual([{ name: "Nguyễn Văn Khoa", title: "Giám đốc", organization: "Viettel Lạng Sơn" }]);
    expect(minutes.present.map((p) => p.name)).not.toContain("Nguyễn Văn Khoa");
  });
});
