import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyboardOf } from "../../src/channels/telegram/printer.js";
import type { Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { meetingActions } from "../../src/conversation/meetings/actions.js";
import { createOutboxViews, type OutboxView } from "../../src/conversation/outbox-views.js";
import { actionsOf, printPlainText } from "../../src/conversation/plain-text.js";
import { createTranslator } from "../../src/i18n/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

const HINT = "Đồng chí trả lời bằng số tương ứng để chọn.";

describe.each(testDialects)("an outbox message on any app, on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    const committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "member", "secretary"]));
    await core.meetings.create(people.secretary!, {
      committeeId,
      kind: "regular",
      title: "Phiên họp quý IV & kế hoạch 2027",
      startsAt: new Date(clock.now().getTime() + 7 * DAY),
      endsAt: new Date(clock.now().getTime() + 7 * DAY + 2 * HOUR),
      place: "Phòng họp số 1",
      agenda: "1. Kết quả quý IV",
    });
  });
  afterEach(() => db.drop());

  const viewOf = async (template: string, personId: number): Promise<OutboxView> => {
    const row = await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", template).where("person_id", "=", personId).executeTakeFirstOrThrow();
    return createOutboxViews(core, createTranslator("vi"), clock.now)({ row, channel: "telegram", locale: "vi", timeZone: "Asia/Ho_Chi_Minh" });
  };

  it("is one invitation card: buttons on Telegram, the same actions as numbered choices on a plain-text app", async () => {
    const view = await viewOf("meetings:invitation", people.member!.personId);
    if (view.kind !== "send") throw new Error("the card was skipped");
    const { message } = view;

    const telegram = keyboardOf(message.buttons)!.inline_keyboard.flat().map((b) => ({ text: b.text, data: "callback_data" in b ? b.callback_data : undefined }));
    expect(telegram.map((b) => b.text)).toEqual(["Tham dự", "Vắng mặt", "Cử người dự thay"]);

    const numbers = await core.choices.number("zalo", "z-member", actionsOf(message));
    const [text] = printPlainText(message, numbers, { limit: 2000, hint: HINT });
    expect(text).toContain("Phiên họp quý IV & kế hoạch 2027");
    expect(text).not.toMatch(/<\/?b>|&amp;/);
    expect(text).toMatch(/\n1\. Tham dự {3}2\. Vắng mặt\n3\. Cử người dự thay\nĐồng chí trả lời bằng số/);

    // "2" typed on the plain-text app stands for exactly what the Telegram button sends, and is read back typed.
    const chosen = await core.choices.resolve("zalo", "z-member", "2");
    expect(chosen).toEqual({ action: telegram[1]!.data });
    const values = meetingActions.absent.parse((chosen as { action: string }).action);
    expect(values).toMatchObject({ invitationId: expect.any(Number), version: 1 });
  });
});
