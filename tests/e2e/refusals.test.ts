import { afterEach, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../src/core/clock.js";
import { createTranslator } from "../../src/i18n/index.js";
import { E2E, users } from "../support/e2e.js";
import { FakeTelegram, type FakeMessage, type FakeUser } from "../support/fake-telegram.js";

const translator = createTranslator("vi");
const APOLOGIES = [translator.plain("vi", "common:apology"), translator.plain("en", "common:apology")];
const FORBIDDEN = translator.plain("vi", "errors:forbidden");

interface Answer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
}

/** Refusals reach the person — as an alert within Telegram's limits or as a message — instead of an apology. */
describe("refusals are seen, not swallowed", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const failures = () => e2e.logs.filter((l) => l.includes("update handling failed"));

  /** Presses a button (forced: its data need not be on the message) and waits for the press's answer. */
  const press = async (user: FakeUser, message: FakeMessage, data: string): Promise<Answer> => {
    const update = e2e.tg.pressButton(user, message, data, { force: true });
    const id = update.callback_query!.id;
    return e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.find((c) => c.callback_query_id === id) as Answer | undefined, 5000, `answer to ${data}`);
  };

  const createMeeting = async (startsIn = 7 * DAY) => {
    const secretary = await e2e.actorOf(users.secretary);
    const start = new Date(e2e.clock.now().getTime() + startsIn);
    const { meeting } = await e2e.core.meetings.create(secretary, {
      committeeId: 1,
      kind: "regular",
      title: "Phiên họp Ban Chỉ đạo quý IV/2026",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
      // A meeting less than a day ahead has no default deadline (it would already have passed).
      ...(startsIn < DAY ? { answerDeadline: new Date(start.getTime() - startsIn / 2) } : {}),
    });
    e2e.app.worker.nudge();
    return meeting;
  };

  /** Says something and waits a moment more, so that a second message would have been seen. */
  const sayOnce = async (user: FakeUser, text: string) => {
    const before = e2e.tg.transcript(user.id).length;
    const reply = await e2e.say(user, text);
    await new Promise((r) => setTimeout(r, 300));
    return { reply, added: e2e.tg.transcript(user.id).slice(before) };
  };

  it("a stranger pressing a member's invitation button gets the explanation, not an apology", async () => {
    e2e = await E2E.startLinked(["secretary", "member"]);
    await createMeeting();
    const card = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
    const attend = FakeTelegram.buttons(card)[0]!.callback_data!;
    const stranger = translator.plain("en", "start:stranger");
    expect(stranger.length).toBeGreaterThan(200); // the reason the alert used to fail

    const answer = await press(users.stranger, card, attend);
    expect(APOLOGIES).not.toContain(answer.text);
    expect((answer.text ?? "").length).toBeLessThanOrEqual(200);
    // The whole explanation comes as a message to the stranger; the alert points to it.
    const message = await e2e.tg.waitFor(() => e2e.tg.transcript(users.stranger.id).find((m) => m.text === stranger));
    expect(message.text).toContain("invite link");
    expect(answer.text).toBe(translator.plain("en", "common:see_message"));
    expect(e2e.tg.transcript(users.member.id).some((m) => m.text === stranger)).toBe(false);
    expect(failures()).toEqual([]);
    // Nothing was recorded for the member.
    expect(await e2e.app.database.db.selectFrom("audit_log").selectAll().where("action", "=", "invitation.attend").execute()).toEqual([]);
  });

  it("a member who is not of the secretariat refreshing a notice's report is told why", async () => {
    e2e = await E2E.startLinked(["secretary", "member"]);
    const secretary = await e2e.actorOf(users.secretary);
    const { noticeId } = await e2e.core.notices.send(secretary, { committeeId: 1, body: "Kính gửi các đồng chí.", audience: { kind: "all" }, ackRequired: false });
    const someMessage = e2e.tg.transcript(users.member.id).at(-1)!;
    const answer = await press(users.member, someMessage, `nr:r:${noticeId}`);
    expect(answer).toMatchObject({ text: FORBIDDEN, show_alert: true });
    expect(failures()).toEqual([]);
  });

  it("a member who is not of the secretariat turning a page of the attendance sheet is told why", async () => {
    e2e = await E2E.startLinked(["secretary", "member"]);
    const meeting = await createMeeting(HOUR);
    const someMessage = e2e.tg.transcript(users.member.id).at(-1)!;
    const answer = await press(users.member, someMessage, `at:p:${meeting.id}:1`);
    expect(answer).toMatchObject({ text: FORBIDDEN, show_alert: true });
    expect(failures()).toEqual([]);
  });

  it("a refusal after the press was answered comes as a message", async () => {
    e2e = await E2E.startLinked(["secretary"]);
    // Composing a notice: the audience button is answered at once, core's refusal (no districts) follows.
    await e2e.say(users.secretary, "/notice");
    const ask = await e2e.say(users.secretary, "Kính gửi các đồng chí.");
    const before = e2e.tg.transcript(users.secretary.id).length;
    await press(users.secretary, ask, "nc:a:districts");
    const refusal = translator.plain("vi", "notices:errors.no_districts");
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).slice(before).find((m) => m.text === refusal));
    expect(e2e.tg.transcript(users.secretary.id).slice(before).some((m) => APOLOGIES.includes(m.text ?? ""))).toBe(false);
    expect(failures()).toEqual([]);
  });

  describe("a reply repeating 4,096 typed characters still fits one message", () => {
    const long = (prefix: string) => prefix + "ư&<".repeat(2000).slice(0, 4096 - prefix.length);

    const expectOneRefusal = (added: FakeMessage[], start: string) => {
      expect(added).toHaveLength(1);
      const text = added[0]!.text!;
      expect(APOLOGIES).not.toContain(text);
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(text).toContain(start);
      expect(text).toContain("…");
    };

    it("an unknown language, an unknown task code, a plain long text", async () => {
      e2e = await E2E.startLinked(["member"]);
      const lang = long("/lang ");
      expect(lang).toHaveLength(4096);
      expectOneRefusal((await sayOnce(users.member, lang)).added, "Ngôn ngữ «ư&<ư");

      expectOneRefusal((await sayOnce(users.member, long("/report "))).added, "Không tìm thấy nhiệm vụ có mã «ư&<");

      const { added } = await sayOnce(users.member, long(""));
      expect(added).toHaveLength(1);
      expect(added[0]!.text).toBe(translator.plain("vi", "common:unknown_command"));
      expect(failures()).toEqual([]);
    });

    it("a chair's comment on a request, and a proxy's written opinion", async () => {
      e2e = await E2E.startLinked(["secretary", "chair", "member"]);
      const chair = await e2e.actorOf(users.chair);
      await e2e.core.dialogs.put(chair.personId, "telegram", { kind: "meeting.decision_comment", data: { kind: "absence", id: 1 } });
      const comment = await sayOnce(users.chair, long(""));
      expect(comment.added).toHaveLength(1);
      expect(comment.added[0]!.text).toBe(translator.plain("vi", "meetings:errors.reason_too_long", { max: 1000, length: 4096 }));

      const meeting = await createMeeting();
      const card = await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.text?.includes("GIẤY MỜI HỌP")), 8000);
      const proxy = FakeTelegram.buttons(card).find((b) => b.text.includes("Cử người dự thay"))!.callback_data!;
      await press(users.member, card, proxy);
      for (const answer of ["Nông Văn Bình", "Phó Giám đốc", "Sở Tài chính", "0912345678"]) await e2e.say(users.member, answer);
      const opinion = await sayOnce(users.member, long(""));
      expect(opinion.added).toHaveLength(1);
      expect(opinion.added[0]!.text).toBe(translator.plain("vi", "meetings:errors.opinion_too_long", { max: 4000, length: 4096 }));
      expect(meeting.id).toBeGreaterThan(0);
      expect(failures()).toEqual([]);
    });
  });

  it("a malformed update is dropped quietly, and the bot still answers the next message", async () => {
    e2e = await E2E.startLinked(["member"]);
    const chat = { id: users.member.id, type: "private", first_name: users.member.first_name };
    const from = { id: users.member.id, is_bot: false, first_name: users.member.first_name };
    const someMessage = e2e.tg.transcript(users.member.id).at(-1)!;
    e2e.tg.injectRaw({ message: { message_id: 9001, date: 1, chat, from, text: 12345 } } as never);
    e2e.tg.injectRaw({ message: { message_id: 9002, date: 1, chat, from, text: { a: 1 } } } as never);
    e2e.tg.injectRaw({ message: { message_id: 9003, date: 1, chat, text: "/help" } } as never);
    e2e.tg.injectRaw({ message: { message_id: 9004, date: 1, chat, from: { ...from, id: "x" }, text: "/help" } } as never);
    e2e.tg.injectRaw({ message: { message_id: 9005, date: 1, chat, from, document: { file_id: 7 } } } as never);
    e2e.tg.injectRaw({ callback_query: { id: "malformed-1", from, chat_instance: "x", data: {}, message: { ...someMessage, chat } } } as never);
    e2e.tg.injectRaw({ callback_query: { id: "malformed-2", chat_instance: "x", data: "lang:en", message: { ...someMessage, chat } } } as never);

    const reply = await e2e.say(users.member, "xin chào");
    expect(reply.text).toBe(translator.plain("vi", "common:unknown_command"));
    await e2e.until(async () => e2e.logs.filter((l) => l.includes("malformed update dropped")).length === 7);
    expect(failures()).toEqual([]);
    expect(e2e.tg.answeredCallbacks.map((c) => c.callback_query_id)).toContain("malformed-1");
    // Nothing else was said in the chat but the reply to the well-formed message.
    expect(e2e.tg.transcript(users.member.id).filter((m) => m.message_id > someMessage.message_id).map((m) => m.text)).toEqual([reply.text]);
  });
});
