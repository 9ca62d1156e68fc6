import { afterEach, describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../src/core/clock.js";
import { E2E, names, users } from "../support/e2e.js";
import { FakeTelegram, type FakeUser } from "../support/fake-telegram.js";

const TITLE = "Phiên họp Ban Chỉ đạo quý IV/2026";

/**
 * Importing the roster, then creating the first meeting before everyone has linked: what is sent to a
 * person who has not linked yet waits for them, through a restart, and reaches them once when they link.
 */
describe("messages for people who have not linked an app yet", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const rowsOf = (personId: number) =>
    e2e.app.database.db.selectFrom("outbox").select(["id", "template", "status", "held_since", "last_error"]).where("person_id", "=", personId).orderBy("id").execute();
  const personId = async (fullName: string) =>
    (await e2e.app.database.db.selectFrom("people").select("id").where("full_name", "=", fullName).executeTakeFirstOrThrow()).id;
  const cards = (user: FakeUser) => e2e.tg.transcript(user.id).filter((m) => m.text?.includes("GIẤY MỜI HỌP"));

  it.each(["sqlite", "postgres"] as const)("holds an invitation until the member links, then sends it once after a list of what is open (%s)", async (dialect) => {
    if (dialect === "postgres" && !process.env.TEST_DATABASE_URL) return;
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    await e2e.link(users.secretary, names.secretary);
    await e2e.link(users.chair, names.chair);
    const secretary = await e2e.actorOf(users.secretary);
    const member = await personId(names.member);

    // The first meeting, and a notice to acknowledge within the hour, before the member links.
    const start = new Date(e2e.clock.now().getTime() + 7 * DAY);
    await e2e.core.meetings.create(secretary, {
      committeeId: 1,
      kind: "regular",
      title: TITLE,
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    await e2e.core.notices.send(secretary, { committeeId: 1, body: "Đề nghị rà soát danh mục dịch vụ công", audience: { kind: "all" }, ackRequired: true, ackDeadline: new Date(e2e.clock.now().getTime() + HOUR) });
    e2e.app.worker.nudge();
    // The chair chairs the meeting: his card is the schedule, sent to him at once.
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).find((m) => m.text?.includes("LỊCH HỌP")), 8000);
    await new Promise((r) => setTimeout(r, 300));

    // Held, not finished as unreachable, and not in the way of anyone else's messages.
    const held = await rowsOf(member);
    expect(held.map((r) => r.template)).toEqual(["meetings:invitation", "meetings:calendar", "notices:notice"]);
    expect(held.every((r) => r.status === "pending" && r.held_since !== null)).toBe(true);

    // The secretariat sees what waits for whom.
    const unlinked = await e2e.say(users.secretary, "/unlinked");
    expect(unlinked.text).toMatch(/Lương Văn Đức — .*; 3 tin đang chờ/);
    expect(unlinked.text).toMatch(/Tổng cộng \d+ tin đang chờ các thành viên chưa liên kết/);

    // A restart while they are held loses nothing.
    await e2e.restart();
    expect((await rowsOf(member)).map((r) => [r.status, r.held_since !== null])).toEqual([
      ["pending", true],
      ["pending", true],
      ["pending", true],
    ]);

    // The notice's deadline passes before the member links.
    e2e.clock.advance(2 * HOUR);
    const greeting = await e2e.link(users.member, names.member);
    expect(greeting.text).toContain("Kính chào đồng chí");
    const list = await e2e.tg.nextReply(users.member.id, e2e.tg.transcript(users.member.id).indexOf(greeting) + 1, 5000);
    expect(list.text).toContain("Trong thời gian chưa liên kết, đồng chí có các việc sau:");
    expect(list.text).toContain(`Giấy mời họp «${TITLE}»`);
    expect(list.text).not.toContain("dịch vụ công");

    const card = await e2e.tg.waitFor(() => cards(users.member)[0], 8000);
    const transcript = e2e.tg.transcript(users.member.id);
    expect(transcript.indexOf(greeting)).toBeLessThan(transcript.indexOf(list));
    expect(transcript.indexOf(list)).toBeLessThan(transcript.indexOf(card));
    await e2e.tg.waitFor(() => e2e.tg.transcript(users.member.id).find((m) => m.document), 8000);

    // The card is answerable.
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(users.member, card, FakeTelegram.buttons(card).find((b) => b.text === "Tham dự")!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
    const answer = await e2e.until(async () => {
      const inv = await e2e.app.database.db.selectFrom("invitations").select("answer").where("person_id", "=", member).executeTakeFirstOrThrow();
      return inv.answer === "attend" && inv.answer;
    });
    expect(answer).toBe("attend");

    // Once: the card and the calendar file, and not the notice whose deadline had passed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(cards(users.member)).toHaveLength(1);
    expect(e2e.tg.transcript(users.member.id).filter((m) => m.document)).toHaveLength(1);
    expect(e2e.tg.transcript(users.member.id).some((m) => m.text?.includes("dịch vụ công"))).toBe(false);
    const after = await rowsOf(member);
    expect(after.map((r) => r.status)).toEqual(["sent", "sent", "cancelled"]);
    expect(after[2]!.last_error).toBe("skipped: the notice's acknowledgement deadline has passed");

    // The member no longer waits; the deputy, still unlinked, does.
    const again = await e2e.say(users.secretary, "/unlinked");
    expect(again.text).not.toContain("Lương Văn Đức");
    expect(again.text).toMatch(/Nguyễn Hoàng Hà — .*; 3 tin đang chờ/);
  });
});
