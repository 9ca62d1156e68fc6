import ExcelJS from "exceljs";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { E2E, users } from "../support/e2e.js";
import { FakeTelegram, type FakeMessage } from "../support/fake-telegram.js";

describe("notices, through the fake Bot API", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const tap = async (label: string) => {
    const m = e2e.tg.transcript(users.secretary.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1);
    if (!m) throw new Error(`no button ${label}`);
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.pressButton(users.secretary, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!);
    return e2e.tg.nextReply(users.secretary.id, before);
  };
  const noticeOf = (id: number) => e2e.tg.waitFor(() => e2e.tg.transcript(id).find((m) => m.text?.includes("THÔNG BÁO")), 8000);

  it("composes a formatted notice to chosen organizations with acknowledgement, tracks it and exports the report", async () => {
    e2e = await E2E.startLinked(["secretary", "chair", "member", "deputy"]);
    expect((await e2e.say(users.member, "/notice")).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await e2e.say(users.secretary, "/notice")).text).toContain("Soạn thông báo");
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendText(users.secretary, "Kính gửi các đồng chí: đề nghị gửi báo cáo quý IV trước ngày 05/12.", { entities: [{ type: "bold", offset: 0, length: 22 }] });
    await e2e.tg.nextReply(users.secretary.id, before).catch((e) => {
      throw new Error(`${e}\n${e2e.tg.history(users.secretary.id).map((m) => `${m.fromBot ? "bot" : "user"}: ${m.text}`).join("\n")}\n${e2e.logs.slice(-5).join("\n")}`);
    });
    const orgs = await tap("Theo cơ quan");
    const toggle = async (label: string, checked: number) => {
      e2e.tg.pressButton(users.secretary, orgs, FakeTelegram.buttons(orgs).find((b) => b.text.includes(label))!.callback_data!);
      await e2e.tg.waitFor(() => FakeTelegram.buttons(orgs).filter((b) => b.text.startsWith("☑️")).length === checked);
    };
    await toggle("Sở Tài chính", 1);
    await toggle("Sở Thông tin", 2);
    expect((await tap("Xong")).text).toContain("xác nhận «Đã nhận»");
    expect((await tap("Yêu cầu xác nhận")).text).toContain("Hạn xác nhận");
    await tap("Mặc định");
    const preview = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Xem trước")));
    expect(preview.text).toContain("3 người, trong đó 0 người hiện không nhận được tin");
    const sent = await tap("Gửi");
    const id = Number(sent.text!.match(/thông báo số (\d+)/)![1]);

    const notice = await noticeOf(users.member.id);
    expect(notice.raw).toContain("<b>Kính gửi các đồng chí:</b> đề nghị gửi báo cáo quý IV");
    expect(notice.text).toMatch(/bấm «Đã nhận» để xác nhận trước \d\d\/\d\d\/2026 \d\d:\d\d/);
    expect(e2e.tg.transcript(users.chair.id).some((m) => m.text?.includes("THÔNG BÁO"))).toBe(false);
    const memberAck = FakeTelegram.buttons(notice)[0]!.callback_data!;
    e2e.tg.pressButton(users.member, notice, memberAck);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.message_id === notice.message_id)?.text?.includes("Đồng chí đã xác nhận nhận được thông báo lúc"));
    // Someone else pressing the member's button changes nothing.
    const deputyNotice = await noticeOf(users.deputy.id);
    const n = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(users.deputy, deputyNotice, memberAck, { force: true });
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > n);
    expect((e2e.tg.answeredCallbacks.at(-1) as { text: string }).text).toBe("Thông báo này không gửi tới đồng chí.");

    await e2e.until(async () => (await e2e.core.notices.report(await e2e.actorOf(users.secretary), id)).counts.sent === 3);
    const report = await e2e.say(users.secretary, `/notices ${id}`);
    expect(report.text).toContain("Tổng: 3; đã gửi: 3;");
    expect(report.text).toMatch(/• Lương Văn Đức \(Sở Tài chính\) — đã gửi · ✅/);
    const beforeX = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.pressButton(users.secretary, report, FakeTelegram.buttons(report).find((b) => b.text.includes("Excel"))!.callback_data!);
    const file = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).slice(beforeX).find((m) => m.document), 8000);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(e2e.tg.documentContent(file.document!.file_id) as never);
    const sheet = book.worksheets[0]!;
    // A title block identifies the notice; the table starts under it.
    expect(sheet.getRow(2).getCell(1).value).toBe(`TÌNH HÌNH GỬI, NHẬN THÔNG BÁO SỐ ${id}`);
    expect(sheet.getRow(7).values).toEqual([undefined, "STT", "Họ và tên", "Cơ quan, đơn vị", "Tình trạng gửi", "Thời điểm gửi", "Thời điểm xác nhận đã nhận", "Ghi chú"]);
    const names = [8, 9, 10].map((r) => sheet.getRow(r).getCell(2).value);
    expect(names).toContain("Lương Văn Đức");
    expect([8, 9, 10].map((r) => sheet.getRow(r).getCell(4).value)).toEqual(["Đã gửi", "Đã gửi", "Đã gửi"]);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 7 });

    // The author (the secretary, of the Department of Information) keeps a copy, acknowledged when sent.
    const own = await noticeOf(users.secretary.id);
    expect(own.text).toContain("Đồng chí là người gửi thông báo này");
    expect(FakeTelegram.buttons(own)).toEqual([]);
    expect(report.text).toMatch(/• Phạm Thị Ngọc Ánh \(.*\) — đã gửi · ✅/);

    // The working day before the deadline (three days on, the default), those who have not acknowledged find it in
    // their daily nudge, with "Đã nhận" at hand: not the member, nor the author.
    await e2e.core.cycle.ensurePlanner(1);
    e2e.clock.set("2026-11-25T01:00:00.000Z");
    await e2e.app.scheduler.tick();
    const nudge = await e2e.tg.waitFor(() => e2e.tg.transcript(users.deputy.id).find((m) => m.text?.includes("VIỆC CẦN XỬ LÝ HÔM NAY")), 8000);
    expect(nudge.text).toContain(`1. Xác nhận đã nhận thông báo số ${id}: Kính gửi các đồng chí: đề nghị gửi báo cáo quý IV`);
    expect(FakeTelegram.buttons(nudge).map((b) => b.text)).toEqual(["1. ✅ Đã nhận"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(e2e.tg.transcript(users.member.id).some((m) => m.text?.includes("VIỆC CẦN XỬ LÝ HÔM NAY"))).toBe(false);
    expect(e2e.tg.transcript(users.secretary.id).some((m) => m.text?.includes("VIỆC CẦN XỬ LÝ HÔM NAY"))).toBe(false);
    e2e.tg.pressButton(users.deputy, nudge, FakeTelegram.buttons(nudge)[0]!.callback_data!);
    await e2e.until(async () => (await e2e.core.notices.report(await e2e.actorOf(users.secretary), id)).counts.acknowledged === 3);
  });

  it("stops a broadcast mid-send: what is not yet sent stays unsent", async () => {
    e2e = await E2E.startLinked(["secretary"], { OUTBOX_RATE_PER_SECOND: "4" });
    const rows = Array.from({ length: 30 }, (_, i) => `Thành viên ${i + 1},member,Đơn vị ${i + 1},Giám đốc,,n${i + 1}@ls.gov.vn`);
    const imported = await e2e.core.roster.importCsv(cliActor, 1, ["full_name,role,organization,title,phone,email", ...rows].join("\n"));
    for (const [i, invite] of imported.invites.entries()) {
      const id = String(950_000 + i);
      await e2e.core.invites.redeem({ channel: "telegram", externalId: id, chatId: id, username: null, code: invite.code });
    }
    const secretary = await e2e.actorOf(users.secretary);
    const { noticeId } = await e2e.core.notices.send(secretary, { committeeId: 1, body: "Thông báo khẩn", audience: { kind: "members" }, ackRequired: true });
    e2e.app.worker.nudge();
    await e2e.tg.waitFor(() => e2e.tg.calls("sendMessage").filter((c) => c.status === 200).length >= 3, 8000);
    const report = await e2e.say(users.secretary, `/notices ${noticeId}`);
    e2e.tg.pressButton(users.secretary, report, FakeTelegram.buttons(report).find((b) => b.text.includes("Dừng gửi"))!.callback_data!);
    await e2e.until(async () => (await e2e.core.notices.report(secretary, noticeId)).withdrawn);
    const delivered = () => imported.invites.filter((_, i) => e2e.tg.transcript(950_000 + i).length > 0).length;
    await new Promise((r) => setTimeout(r, 1500));
    const after = delivered();
    expect(after).toBeLessThan(31);
    const final = await e2e.core.notices.report(secretary, noticeId);
    expect(final.counts.total).toBe(31);
    // Lương Văn Đức has not linked an account: his copy was held for him, and stopped with the rest.
    expect(final.counts).toMatchObject({ unreachable: 0, held: 0 });
    expect(final.counts.cancelled).toBeGreaterThan(10);
    expect(final.counts.sent).toBe(delivered());
    // A member whose notice was delivered before the stop sees it withdrawn when pressing "Đã nhận".
    const got = imported.invites.findIndex((_, i) => e2e.tg.transcript(950_000 + i).length > 0);
    const msg: FakeMessage = e2e.tg.transcript(950_000 + got)[0]!;
    const n = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton({ id: 950_000 + got, first_name: "TV" }, msg, FakeTelegram.buttons(msg)[0]!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > n);
    expect((e2e.tg.answeredCallbacks.at(-1) as { text: string }).text).toBe("Thông báo này đã được thu hồi.");
  });

  it("reaches everyone once through a 429 storm, a blocked recipient and a restart in the middle", async () => {
    e2e = await E2E.startLinked(["secretary"], { OUTBOX_RATE_PER_SECOND: "20" });
    const rows = Array.from({ length: 40 }, (_, i) => `Thành viên ${i + 1},member,Đơn vị ${i + 1},Giám đốc,,r${i + 1}@ls.gov.vn`);
    const imported = await e2e.core.roster.importCsv(cliActor, 1, ["full_name,role,organization,title,phone,email", ...rows].join("\n"));
    const chats = imported.invites.map((_, i) => 960_000 + i);
    for (const [i, invite] of imported.invites.entries()) {
      await e2e.core.invites.redeem({ channel: "telegram", externalId: String(chats[i]), chatId: String(chats[i]), username: null, code: invite.code });
    }
    e2e.tg.blockChat(chats[7]!);
    e2e.tg.failNext("sendMessage", 5, { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    const { noticeId } = await e2e.core.notices.send(await e2e.actorOf(users.secretary), { committeeId: 1, body: "<b>Thông báo</b> lịch trực Tết", audience: { kind: "members" }, ackRequired: false });
    e2e.app.worker.nudge();
    await e2e.tg.waitFor(() => chats.filter((c) => e2e.tg.transcript(c).length > 0).length >= 10, 10_000);
    await e2e.restart();
    await e2e.tg.waitFor(() => chats.filter((c, i) => i !== 7 && e2e.tg.transcript(c).length > 0).length === 39, 20_000);
    for (const [i, c] of chats.entries()) expect(e2e.tg.transcript(c)).toHaveLength(i === 7 ? 0 : 1);
    const report = await e2e.until(async () => {
      const r = await e2e.core.notices.report(await e2e.actorOf(users.secretary), noticeId);
      return r.counts.pending === 0 && r;
    });
    // The blocked recipient cannot be reached; Lương Văn Đức, not linked yet, will get it when he links.
    expect(report.counts).toMatchObject({ total: 41, sent: 39, unreachable: 1, held: 1 });
    expect(e2e.tg.stats.rejected429 + e2e.tg.calls("sendMessage").filter((c) => c.status === 429).length).toBeGreaterThan(0);
  });

  it("links the committee's group from inside it and posts a notice there too, without the acknowledgement button", async () => {
    e2e = await E2E.startLinked(["secretary", "member"]);
    const group = { id: -1001234567, type: "supergroup" as const, title: "BCĐ chuyển đổi số Lạng Sơn" };
    const inGroup = async (user: typeof users.member, text: string) => {
      const before = e2e.tg.transcript(group.id).length;
      e2e.tg.sendText(user, text, { chat: group });
      return e2e.tg.nextReply(group.id, before);
    };
    expect((await inGroup(users.member, "/linkgroup")).text).toBe("Đồng chí không có quyền thực hiện thao tác này.");
    expect((await inGroup(users.secretary, "/linkgroup")).text).toContain("Đã liên kết nhóm này với Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    // Anything else said in the group gets no answer.
    e2e.tg.sendText(users.member, "/help", { chat: group });
    await new Promise((r) => setTimeout(r, 300));
    expect(e2e.tg.transcript(group.id)).toHaveLength(2);

    await e2e.say(users.secretary, "/notice");
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendText(users.secretary, "Lịch trực Tết Nguyên đán của Tổ giúp việc");
    await e2e.tg.nextReply(users.secretary.id, before);
    await tap("Tất cả");
    expect((await tap("Không cần xác nhận")).text).toBe("Đăng cả vào nhóm Telegram của Ban Chỉ đạo?");
    await tap("Đăng vào nhóm");
    const preview = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Xem trước")));
    expect(preview.text).toContain("Nhóm Telegram: Đăng vào nhóm.");
    await tap("Gửi");
    const posted = await e2e.tg.waitFor(() => e2e.tg.transcript(group.id).find((m) => m.text?.includes("Lịch trực Tết")), 8000);
    expect(posted.text).toContain("THÔNG BÁO — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn");
    expect(FakeTelegram.buttons(posted)).toEqual([]);
    await noticeOf(users.member.id);
  });
});

