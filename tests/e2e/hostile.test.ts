import { spawn } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../src/core/clock.js";
import { E2E, names, users } from "../support/e2e.js";
import { FakeTelegram, type FakeMessage, type FakeUser } from "../support/fake-telegram.js";

/**
 * What a person types is a value, never translation syntax. i18next's nesting used to run over text that
 * already had the values in it: an unclosed `$t(` made its regular expression backtrack for hours (and
 * the bot handles one update at a time, so everyone waited), and `$t(roles:chair)` in a value was
 * resolved. Every field a person types is fed such values here, end to end, and the bot must answer the
 * typist, answer a bystander's /help within a second, show the value verbatim wherever it goes, and store
 * it exactly.
 */

/** The old translator would have backtracked for hours on this. */
const STALL = "$t(" + "a".repeat(45);
/** Markup, placeholders and nesting that must all come out as the characters typed. */
const NEST = "<b>&amp;</b> {{name}} $t(roles:chair) {{- name}} $t(common:apology)";
const BOTH = `${NEST} ${STALL}`;

/** A value as the bot's markup stores and sends it: the four reserved characters escaped (written out here, so the test does not lean on the code it checks). */
const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const APOLOGY = "Xin lỗi đồng chí, hệ thống vừa gặp sự cố";
const CHAIR_ROLE = "Trưởng ban";
const UNKNOWN_COMMAND = "Trợ lý chưa hiểu yêu cầu của đồng chí. Đồng chí gõ /help để xem các chức năng có thể sử dụng.";
const HELP_TITLE = "các chức năng dành cho đồng chí";

const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-07;Số hồ sơ thanh toán trực tuyến;49-NQ/TU;Sở Tài chính;số lượng;2.000;hồ sơ;31/12/2026;",
].join("\n");

/**
 * The translator run over the hostile values in a child process, which is killed after `timeoutMs`. The E2E
 * tests below run the bot in this very process: were the translator to loop again, it would freeze the test
 * runner itself (no timeout could fire) instead of failing. This probe turns that into a failure.
 */
async function probeTranslator(values: string[], timeoutMs: number): Promise<{ ok: true; out: { t: string; plain: string; raw: string }[] } | { ok: false; why: string }> {
  const code = `
    const { createTranslator } = await import("./src/i18n/index.ts");
    const tr = createTranslator("vi");
    const out = JSON.parse(process.argv[1]).map((v) => ({
      t: tr.t("vi", "lang:unknown", { value: v }),
      plain: tr.plain("vi", "meetings:request.reason", { reason: v }),
      raw: tr.t("vi", "opinions:card.your_answer", { answer: v }),
    }));
    process.stdout.write(JSON.stringify(out));`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code, JSON.stringify(values)], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const exit = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  if (timedOut) return { ok: false, why: `the translator did not render the hostile values within ${timeoutMs} ms: it stalls on them` };
  if (exit !== 0) return { ok: false, why: `the translator probe failed (exit ${exit}): ${stderr.slice(0, 2000)}` };
  return { ok: true, out: JSON.parse(stdout) };
}

describe("hostile text in every typed field, through the fake Bot API", () => {
  let e2e: E2E;
  let probe: Awaited<ReturnType<typeof probeTranslator>>;
  beforeAll(async () => {
    probe = await probeTranslator([STALL, NEST, BOTH], 15_000);
  }, 25_000);
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined as unknown as E2E;
  });

  const start = () => {
    // A stalling translator would freeze this process for good: fail instead of starting the bot.
    if (!probe.ok) throw new Error(probe.why);
    return E2E.startLinked(["secretary", "chair", "member", "deputy"]);
  };
  const db = () => e2e.app.database.db;

  /**
   * A person writes `text`; resolves with the bot's answer in that chat within `ms` real milliseconds, or
   * fails. `match` picks the answer out of whatever else the chat receives meanwhile (outbox deliveries).
   */
  const answersWithin = async (user: FakeUser, text: string, ms: number, match: (m: FakeMessage) => boolean = (m) => m.text !== undefined && !m.document): Promise<FakeMessage> => {
    const before = e2e.tg.transcript(user.id).length;
    e2e.tg.sendText(user, text);
    return e2e.tg.waitFor(() => e2e.tg.transcript(user.id).slice(before).find(match), ms, `${user.first_name}'s "${text}" answered within ${ms} ms`);
  };
  /** The deputy, who typed nothing hostile, is not kept waiting. */
  const bystander = async () => {
    const help = await answersWithin(users.deputy, "/help", 1000, (m) => m.text?.includes(HELP_TITLE) === true);
    expect(help.text).toContain(names.deputy);
  };

  /** The message shows `value` as the characters typed: not as markup, not resolved, not replaced, no apology. */
  const shows = (m: FakeMessage | undefined, value: string) => {
    const text = m?.text ?? m?.caption ?? "";
    expect(text).toContain(value);
    expect(text).not.toContain(APOLOGY);
    // Where the value stood, "Trưởng ban" (what $t(roles:chair) resolves to) must not appear.
    expect(text.split(value).join("¶")).not.toContain(CHAIR_ROLE);
  };

  /** No update failed, no delivery step failed, nobody got an apology. */
  const allClean = () => {
    expect(e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("delivery worker step failed"))).toEqual([]);
    for (const u of Object.values(users)) {
      expect(e2e.tg.transcript(u.id).filter((m) => (m.text ?? m.caption ?? "").includes(APOLOGY)).map((m) => m.text)).toEqual([]);
    }
  };

  /** Presses the newest button whose text contains `label` in the user's chat; resolves with the bot's next message there. */
  const tap = async (user: FakeUser, label: string): Promise<FakeMessage> => {
    const m = e2e.tg.transcript(user.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1);
    if (!m) throw new Error(`no button «${label}» in ${user.first_name}'s chat`);
    const before = e2e.tg.transcript(user.id).length;
    e2e.tg.pressButton(user, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!);
    return e2e.tg.nextReply(user.id, before);
  };
  /** Presses a button and waits for the press to be answered. */
  const press = async (user: FakeUser, message: FakeMessage, label: string) => {
    const data = FakeTelegram.buttons(message).find((b) => b.text.includes(label))?.callback_data;
    if (!data) throw new Error(`no button «${label}» on: ${message.text}`);
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(user, message, data);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    return e2e.tg.answeredCallbacks.at(-1) as { text?: string };
  };
  const current = (user: FakeUser, m: FakeMessage) => e2e.tg.transcript(user.id).find((x) => x.message_id === m.message_id)!;
  const incoming = (user: FakeUser, needle: string) => e2e.tg.waitFor(() => e2e.tg.transcript(user.id).find((m) => m.text?.includes(needle)), 8000, `«${needle}» for ${user.first_name}`);

  const importTasks = async () => {
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "nhiem-vu.csv", content: TASKS_CSV });
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toContain("thêm mới 2");
  };
  const createMeeting = async () => {
    const begins = new Date(e2e.clock.now().getTime() + 7 * DAY);
    const { meeting } = await e2e.core.meetings.create(await e2e.actorOf(users.secretary), {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: begins,
      endsAt: new Date(begins.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    e2e.app.worker.nudge();
    return meeting;
  };

  it("the translator renders hostile values at once, escaped and unresolved (in a child process it may be killed)", () => {
    if (!probe.ok) throw new Error(probe.why);
    expect(probe.out).toEqual(
      [STALL, NEST, BOTH].map((v) => ({
        t: `Ngôn ngữ «${escapeHtml(v)}» chưa được hỗ trợ. Đồng chí chọn vi (tiếng Việt) hoặc en (English).`,
        plain: `Lý do: ${v}`,
        raw: `→ Ý kiến của đồng chí: ${v}`,
      })),
    );
  });

  it("/lang, /start, task and period codes, an unknown command and plain text are echoed as text, never stalling", async () => {
    e2e = await start();
    await importTasks();
    const localeBefore = (await db().selectFrom("people").select("locale").where("full_name", "=", names.member).executeTakeFirstOrThrow()).locale;

    // 1. /lang <value>: refused, the value repeated as typed.
    for (const value of [STALL, NEST, BOTH]) {
      const reply = await e2e.say(users.member, `/lang ${value}`);
      expect(reply.text).toContain("chưa được hỗ trợ");
      shows(reply, `«${value}»`);
      await bystander();
    }
    expect((await db().selectFrom("people").select("locale").where("full_name", "=", names.member).executeTakeFirstOrThrow()).locale).toBe(localeBefore);
    expect((await e2e.say(users.member, "/help")).text).toContain(HELP_TITLE); // still Vietnamese

    // 2. Task codes: /report CODE (the whole rest), /task CODE (the first word), a field name, a new title.
    for (const value of [STALL, BOTH]) {
      const reply = await e2e.say(users.member, `/report ${value}`);
      expect(reply.text).toContain("Không tìm thấy nhiệm vụ có mã");
      shows(reply, `«${value}»`);
      await bystander();
    }
    const byStall = await e2e.say(users.secretary, `/task ${STALL}`);
    expect(byStall.text).toContain("Không tìm thấy nhiệm vụ có mã");
    shows(byStall, `«${STALL}»`);
    await bystander();
    const byMarkup = await e2e.say(users.secretary, `/task ${NEST}`);
    shows(byMarkup, "Không tìm thấy nhiệm vụ có mã «<b>&amp;</b>».");
    await bystander();
    const badField = await e2e.say(users.secretary, `/task NQ49-05 ${STALL}`);
    expect(badField.text).toContain("Không có trường");
    shows(badField, `«${STALL}»`);
    await bystander();
    const edited = await e2e.say(users.secretary, `/task NQ49-05 title ${BOTH}`);
    expect(edited.text).toBe("Đã cập nhật nhiệm vụ NQ49-05.");
    shows(await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Lịch sử báo cáo NQ49-05"))), BOTH);
    await bystander();
    expect((await db().selectFrom("tasks").select("title").where("code", "=", "NQ49-05").executeTakeFirstOrThrow()).title).toBe(BOTH);
    // The new title reaches the member's list (clipped at 80 characters, after the whole of NEST).
    const list = await e2e.say(users.member, "/report");
    expect(list.text).toContain("BÁO CÁO TIẾN ĐỘ");
    shows(list, `NQ49-05 ${NEST}`);
    // /period extend CODE …
    const period = await e2e.say(users.secretary, `/period extend ${STALL} 20/12/2026 17:00`);
    shows(period, `Không tìm thấy kỳ báo cáo «${STALL}».`);
    await bystander();

    // 9. An unknown command and plain text.
    for (const text of [`/${STALL}`, `/${BOTH}`, STALL, BOTH]) {
      expect((await e2e.say(users.member, text)).text).toBe(UNKNOWN_COMMAND);
      await bystander();
    }
    // /start with a made-up invite code, from a stranger and from a member.
    for (const who of [users.stranger, users.member]) {
      const reply = await e2e.say(who, `/start ${BOTH}`);
      expect(reply.text).not.toContain(APOLOGY);
      expect(reply.text).not.toContain(CHAIR_ROLE);
      await bystander();
    }
    allClean();
  });

  it("an absence reason reaches the chair, and the chair's comment reaches the member, as typed", async () => {
    e2e = await start();
    await createMeeting();
    const card = await incoming(users.member, "GIẤY MỜI HỌP");
    await press(users.member, card, "Vắng mặt");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("chọn lý do"));
    const sent = await e2e.say(users.member, BOTH);
    expect(sent.text).toContain("Đã gửi báo cáo xin vắng mặt");
    shows(sent, `(lý do: ${BOTH})`);
    await bystander();
    shows(await e2e.tg.waitFor(() => current(users.member, card).text?.includes("đang chờ đồng chí chủ trì") && current(users.member, card)), `(lý do: ${BOTH})`);

    // The outbox delivers the request to the chair.
    const request = await incoming(users.chair, "Báo cáo xin vắng mặt");
    shows(request, `Lý do: ${BOTH}`);
    await bystander();
    // The roster shows the reason as typed too (it used to come out escaped twice: &amp;quot;).
    shows(await answersWithin(users.chair, "/roster 1", 2000, (m) => m.text?.includes("Danh sách dự họp") === true), `vắng, chờ ý kiến chủ trì (${BOTH})`);

    // The chair comments, then declines; the comment goes back to the member.
    await incoming(users.chair, "Đồng chí chủ trì cuộc họp");
    await press(users.chair, request, "Cho ý kiến kèm theo");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.chair.id)?.text?.includes("Kính đề nghị đồng chí cho ý kiến chỉ đạo"));
    const ask = await e2e.say(users.chair, BOTH);
    shows(ask, `Ý kiến của đồng chí: ${BOTH}`);
    await bystander();
    await press(users.chair, ask, "Không đồng ý");
    shows(await e2e.tg.waitFor(() => current(users.chair, ask).text?.includes("Đã ghi nhận: không đồng ý") && current(users.chair, ask)), `Ý kiến: ${BOTH}`);
    const decision = await incoming(users.member, "để đồng chí vắng mặt");
    expect(decision.text).toContain("không đồng ý");
    shows(decision, `Ý kiến của đồng chí chủ trì: ${BOTH}`);
    await bystander();

    const row = await db().selectFrom("absence_requests").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "declined", reason: BOTH, comment: BOTH });
    allClean();
  });

  it("a proxy's name, title, organization, contact and written opinion reach the chair and the delegate as typed", async () => {
    e2e = await start();
    await createMeeting();
    const opinion = `Ý kiến: ${BOTH}`;
    const card = await incoming(users.member, "GIẤY MỜI HỌP");
    await press(users.member, card, "Cử người dự thay");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes("họ và tên người dự thay"));
    expect((await e2e.say(users.member, NEST)).text).toContain("chức vụ");
    await bystander();
    expect((await e2e.say(users.member, STALL)).text).toContain("cơ quan, đơn vị");
    await bystander();
    expect((await e2e.say(users.member, BOTH)).text).toContain("Số điện thoại hoặc tài khoản Zalo, Telegram");
    await bystander();
    expect((await e2e.say(users.member, NEST)).text).toContain("ý kiến bằng văn bản");
    await bystander();
    // Too short: a clear refusal, the step asked again.
    expect((await e2e.say(users.member, STALL)).text).toBe(`Ý kiến bằng văn bản cần tối thiểu 50 ký tự (hiện có ${STALL.length}). Đề nghị đồng chí bổ sung và gửi lại.`);
    await bystander();
    const attachAsk = await e2e.say(users.member, opinion);
    expect(attachAsk.text).toContain("gửi kèm văn bản ý kiến");
    await bystander();
    const summary = await tap(users.member, "Bỏ qua");
    expect(summary.text).toContain("Đề nghị cử người dự họp thay");
    shows(summary, `Người dự thay: ${NEST}, ${STALL}, ${BOTH}`);
    shows(summary, `Liên hệ: ${NEST}`);
    shows(summary, opinion);
    await press(users.member, summary, "Xác nhận");
    shows(await e2e.tg.waitFor(() => current(users.member, summary).text?.includes("Đã gửi đề nghị cử đồng chí") && current(users.member, summary)), `Đã gửi đề nghị cử đồng chí ${NEST} dự họp thay`);
    await bystander();
    shows(await e2e.tg.waitFor(() => current(users.member, card).text?.includes("đang chờ đồng chí chủ trì") && current(users.member, card)), `Đồng chí cử ${NEST} dự thay`);

    const request = await incoming(users.chair, "Đề nghị cử người dự họp thay");
    shows(request, `Người dự thay: ${NEST}, ${STALL}, ${BOTH}`);
    shows(request, `Liên hệ: ${NEST}`);
    shows(request, opinion);
    await bystander();
    const proxy = await db().selectFrom("proxies").selectAll().executeTakeFirstOrThrow();
    expect(proxy).toMatchObject({ status: "pending", delegate_name: NEST, delegate_title: STALL, delegate_organization: BOTH, delegate_contact: NEST, opinion });

    // Approved: the member is told, takes the delegate's link, and the delegate is greeted by the name typed.
    await press(users.chair, request, "Đồng ý");
    const decision = await incoming(users.member, "dự họp thay đồng chí tại cuộc họp");
    shows(decision, `đã đồng ý để đồng chí ${NEST} dự họp thay`);
    await press(users.member, decision, "Lấy liên kết mời");
    const link = await incoming(users.member, "Đường liên kết mời dự họp");
    shows(link, NEST);
    const code = link.text!.match(/https:\/\/t\.me\/bcd_test_bot\?start=([A-Za-z0-9_-]+)/)![1]!;
    const delegate = { id: 730_000_009, first_name: "Bình" };
    const welcome = await e2e.say(delegate, `/start ${code}`);
    shows(welcome, `Kính chào đồng chí ${NEST}. Đồng chí dự cuộc họp`);
    await bystander();
    shows(await incoming(delegate, "GIẤY MỜI HỌP"), "thay đồng chí Lương Văn Đức");
    allClean();
  });

  it("a consultation's title, draft and questions reach the members, and their comments are kept, as typed", async () => {
    e2e = await start();
    expect((await e2e.say(users.secretary, "/opinion")).text).toContain("tên dự thảo");
    expect((await e2e.say(users.secretary, BOTH)).text).toContain("nội dung dự thảo");
    await bystander();
    expect((await e2e.say(users.secretary, NEST)).text).toContain("câu hỏi 1");
    await bystander();
    expect((await e2e.say(users.secretary, BOTH)).text).toContain("câu hỏi 2");
    await bystander();
    expect((await e2e.say(users.secretary, STALL)).text).toContain("câu hỏi 3");
    await bystander();
    expect((await tap(users.secretary, "Xong")).text).toContain("Hạn cho ý kiến");
    expect((await e2e.say(users.secretary, STALL)).text).toContain("chưa đúng định dạng");
    await bystander();
    await e2e.say(users.secretary, "28/11/2026 17:00");
    const preview = await tap(users.secretary, "Tất cả");
    shows(preview, `Xem trước: «${BOTH}», 2 câu hỏi`);
    expect((await tap(users.secretary, "Gửi")).text).toContain("Đã gửi đề nghị xin ý kiến số 1");
    await bystander();

    const card = await incoming(users.member, "XIN Ý KIẾN BẰNG VĂN BẢN");
    shows(card, `\n${BOTH}\n`);
    shows(card, `\n${NEST}\n`);
    shows(card, `Câu 1. ${BOTH}`);
    shows(card, `Câu 2. ${STALL}`);
    shows(await incoming(users.deputy, "XIN Ý KIẾN BẰNG VĂN BẢN"), `Câu 1. ${BOTH}`);

    const answer = async (label: string, asks: string, text: string, n: number) => {
      const m = current(users.member, card);
      e2e.tg.pressButton(users.member, m, FakeTelegram.buttons(m).find((b) => b.text.endsWith(label))!.callback_data!);
      await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.member.id)?.text?.includes(asks));
      expect((await e2e.say(users.member, text)).text).toBe(`Đã ghi nhận ý kiến của đồng chí cho câu ${n}.`);
      await bystander();
    };
    await answer("2 · Không đồng ý", "nêu lý do không đồng ý", BOTH, 2);
    shows(await e2e.tg.waitFor(() => current(users.member, card).text?.includes("Không đồng ý —") && current(users.member, card)), `→ Ý kiến của đồng chí: Không đồng ý — ${BOTH}`);
    await answer("1 · Đồng ý, có ý kiến", "nhập ý kiến", STALL, 1);
    shows(await e2e.tg.waitFor(() => current(users.member, card).text?.includes("Đồng ý, có ý kiến —") && current(users.member, card)), `→ Ý kiến của đồng chí: Đồng ý, có ý kiến — ${STALL}`);

    await incoming(users.secretary, "XIN Ý KIẾN BẰNG VĂN BẢN"); // the secretariat is a recipient too: its card first, then the summary
    const summary = await e2e.say(users.secretary, "/opinions 1");
    shows(summary, `Tổng hợp ý kiến số 1: «${BOTH}»`);
    expect(summary.text).toContain("Câu 2: đồng ý 0, đồng ý có ý kiến 0, không đồng ý 1.");
    const list = await e2e.say(users.secretary, "/opinions");
    shows(list, `#1 ${BOTH} — hạn`);

    const request = await db().selectFrom("opinion_requests").selectAll().executeTakeFirstOrThrow();
    expect(request.title).toBe(BOTH);
    expect(request.body).toBe(escapeHtml(NEST));
    expect(JSON.parse(request.questions)).toEqual([BOTH, STALL]);
    const answers = await db().selectFrom("opinion_answers").select(["question_index", "position", "comment"]).orderBy("id").execute();
    expect(answers).toEqual([
      { question_index: 1, position: "disagree", comment: BOTH },
      { question_index: 0, position: "agree_with_comments", comment: STALL },
    ]);
    allClean();
  });

  it("a progress report's results, obstacles and proposals, and the secretariat's answer, travel as typed", async () => {
    e2e = await start();
    await importTasks();
    const results = `Kết quả: ${BOTH}`;
    const obstacles = `Khó khăn: ${BOTH}`;
    const proposals = `Đề xuất: ${BOTH}`;
    await e2e.say(users.member, "/report NQ49-05");
    expect((await tap(users.member, "Báo cáo")).text).toContain("Bước 1/6");
    expect((await tap(users.member, "Đúng tiến độ")).text).toContain("Tỷ lệ hoàn thành");
    expect((await e2e.say(users.member, STALL)).text).toContain("Đề nghị nhập tỷ lệ hoàn thành bằng số");
    await bystander();
    expect((await e2e.say(users.member, "62,5")).text).toContain("Kết quả đạt được");
    expect((await e2e.say(users.member, results)).text).toContain("Khó khăn, vướng mắc");
    await bystander();
    expect((await e2e.say(users.member, obstacles)).text).toContain("Đề xuất, kiến nghị");
    await bystander();
    expect((await e2e.say(users.member, proposals)).text).toContain("tài liệu, hình ảnh");
    await bystander();
    const preview = await tap(users.member, "Không kèm tệp");
    shows(preview, results);
    shows(preview, `Khó khăn, vướng mắc: ${obstacles}`);
    shows(preview, proposals);
    expect((await tap(users.member, "Gửi báo cáo")).text).toContain("Đã ghi nhận báo cáo NQ49-05 (lần 1)");
    await bystander();

    // The secretariat hears of the obstacle and the proposal.
    const raised = await incoming(users.secretary, "Khó khăn, đề xuất mới");
    shows(raised, `Khó khăn, vướng mắc: «${obstacles}»`);
    shows(raised, `«${proposals}»`);
    const update = await db().selectFrom("progress_updates").selectAll().executeTakeFirstOrThrow();
    expect(update).toMatchObject({ results, obstacles, proposals, percent: 62.5 });
    const items = await db().selectFrom("report_items").select(["id", "kind", "text"]).orderBy("id").execute();
    expect(items.map((i) => [i.kind, i.text])).toEqual([
      ["obstacle", obstacles],
      ["proposal", proposals],
    ]);

    // The history shows them back; /items lists them; the answer goes to the member through the outbox.
    const history = await e2e.say(users.secretary, "/task NQ49-05");
    shows(history, `Khó khăn: ${obstacles}`);
    shows(history, `Đề xuất: ${proposals}`);
    shows(await e2e.say(users.secretary, "/items"), proposals);
    const proposal = items.find((i) => i.kind === "proposal")!.id;
    shows(await tap(users.secretary, `Trả lời #${proposal}`), proposals);
    expect((await e2e.say(users.secretary, BOTH)).text).toBe(`Đã gửi trả lời kiến nghị #${proposal} tới ${names.member}.`);
    await bystander();
    const reply = await incoming(users.member, "Tổ giúp việc trả lời");
    shows(reply, `Trả lời: ${BOTH}`);
    expect((await db().selectFrom("report_items").select("answer").where("id", "=", proposal).executeTakeFirstOrThrow()).answer).toBe(BOTH);

    // A unit typed with a numeric value is repeated in the refusal.
    await e2e.say(users.member, "/report NQ49-07");
    await tap(users.member, "Báo cáo");
    expect((await tap(users.member, "Có nguy cơ chậm")).text).toContain("Giá trị đạt được");
    const wrongUnit = await e2e.say(users.member, `1.500 ${STALL}`);
    expect(wrongUnit.text).toContain("Chỉ tiêu này tính theo đơn vị «hồ sơ»");
    shows(wrongUnit, `không phải «${STALL}»`);
    await bystander();
    expect((await e2e.say(users.member, "/cancel")).text).toBe("Đã hủy. Thông tin chưa được gửi đi.");
    allClean();
  });

  it("a meeting called in chat carries its title, place and agenda to the invitation card as typed", async () => {
    e2e = await start();
    const title = BOTH;
    const place = `Phòng họp ${BOTH}`;
    const agenda = `1. ${BOTH}\n2. ${NEST}`;
    const tapLast = (label: string) => tap(users.secretary, label);
    await e2e.say(users.secretary, "/newmeeting");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.secretary.id)?.text === "Loại cuộc họp?");
    expect((await tapLast("Phiên họp định kỳ")).text).toContain("tên cuộc họp");
    expect((await e2e.say(users.secretary, title)).text).toContain("Thời gian bắt đầu");
    await bystander();
    expect((await e2e.say(users.secretary, STALL)).text).toContain("chưa đúng định dạng");
    await bystander();
    expect((await e2e.say(users.secretary, "30/11/2026 14:00")).text).toContain("Thời gian kết thúc");
    expect((await e2e.say(users.secretary, STALL)).text).toContain("chưa đúng định dạng");
    await bystander();
    expect((await e2e.say(users.secretary, "16:30")).text).toContain("Địa điểm");
    expect((await e2e.say(users.secretary, place)).text).toContain("Đường liên kết họp trực tuyến");
    await bystander();
    expect((await e2e.say(users.secretary, STALL)).text).toContain("không hợp lệ");
    await bystander();
    expect((await tapLast("Bỏ qua")).text).toContain("Nội dung");
    expect((await e2e.say(users.secretary, agenda)).text).toContain("Gửi tài liệu của cuộc họp");
    await bystander();
    const chairAsk = await tapLast("Bỏ qua");
    expect(chairAsk.text).toContain("chủ trì");
    expect((await tapLast("Hồ Tiến Thiệu")).text).toContain("Hạn xác nhận");
    expect((await e2e.say(users.secretary, STALL)).text).toContain("chưa đúng định dạng");
    await bystander();
    const summary = await tapLast("Mặc định");
    shows(summary, `Tên: ${title}`);
    shows(summary, `Địa điểm: ${place}`);
    shows(summary, `Nội dung:\n${agenda}`);
    expect((await tapLast("Xác nhận gửi")).text).toMatch(/Đã tạo cuộc họp số 1 và đang gửi giấy mời tới 4 thành viên/);
    await bystander();

    for (const who of [users.member, users.deputy]) {
      const card = await incoming(who, "GIẤY MỜI HỌP");
      shows(card, `Phiên họp định kỳ\n${title}`);
      shows(card, `Địa điểm: ${place}`);
      shows(card, agenda);
    }
    const meeting = await db().selectFrom("meetings").selectAll().executeTakeFirstOrThrow();
    expect(meeting).toMatchObject({ title, place, agenda, online_link: null });
    allClean();
  });

  it("a notice's body reaches the members as typed", async () => {
    e2e = await start();
    expect((await e2e.say(users.secretary, "/notice")).text).toContain("Soạn thông báo");
    expect((await e2e.say(users.secretary, BOTH)).text).toBe("Gửi tới:");
    await bystander();
    await tap(users.secretary, "Tất cả");
    const body = await tap(users.secretary, "Không cần xác nhận");
    shows(body, BOTH);
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.text?.includes("Xem trước")));
    const sent = await tap(users.secretary, "Gửi");
    const id = Number(sent.text!.match(/thông báo số (\d+)/)![1]);
    await bystander();
    for (const who of [users.member, users.deputy, users.chair]) shows(await incoming(who, "THÔNG BÁO"), `\n${BOTH}`);
    expect((await db().selectFrom("notices").select("body").where("id", "=", id).executeTakeFirstOrThrow()).body).toBe(escapeHtml(BOTH));
    // The secretariat is among the recipients: the report is told apart from the notice arriving meanwhile.
    const report = await answersWithin(users.secretary, `/notices ${id}`, 5000, (m) => m.text?.includes(`Thông báo số ${id}`) === true);
    expect(report.text).not.toContain(APOLOGY);
    expect(report.text).not.toContain(CHAIR_ROLE);
    allClean();
  });
});
