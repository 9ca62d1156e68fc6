import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY } from "../../src/core/clock.js";
import { drivers, type Driver } from "../support/drivers.js";

describe.each(drivers)("a written-opinion answer on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());

  it("an opinion answer with a comment, revised before the deadline", async () => {
    d = await start(["secretary", "member"]);
    const committee = await d.e2e.core.committees.require("LS");
    // The secretariat's side (composing the request) is not the subject here: the CLI's way in is used.
    await d.e2e.core.opinions.create(cliActor, {
      committeeId: committee.id,
      title: "Dự thảo Kế hoạch chuyển đổi số năm 2027",
      body: "Kế hoạch gồm 30 chỉ tiêu, trong đó 12 chỉ tiêu mới.",
      questions: ["Đồng chí có đồng ý với các chỉ tiêu?", "Đồng chí có đồng ý với phân công chủ trì?"],
      deadline: new Date(d.e2e.clock.now().getTime() + 5 * DAY),
      audience: { kind: "all" },
    });
    d.e2e.app.worker.nudge();
    const card = await d.next("member", "XIN Ý KIẾN BẰNG VĂN BẢN");
    expect(card).toContain("Câu 1. Đồng chí có đồng ý với các chỉ tiêu?");

    await d.choose("member", "1 · Đồng ý");
    await d.next("member", "Đã ghi nhận ý kiến của đồng chí cho câu 1.");
    await d.next("member", "→ Ý kiến của đồng chí: Đồng ý");

    await d.choose("member", "2 · Không đồng ý");
    await d.next("member", "nêu lý do không đồng ý");
    await d.say("member", "   ");
    await d.next("member", "Đề nghị đồng chí nêu lý do không đồng ý.");
    await d.say("member", "Sở Tài chính không chủ trì nhiệm vụ số 7");
    await d.next("member", "Đã ghi nhận ý kiến của đồng chí cho câu 2.");
    await d.next("member", "Không đồng ý — Sở Tài chính không chủ trì nhiệm vụ số 7");

    // A revision before the deadline: the answer that counts is replaced, the earlier one stays on record.
    await d.choose("member", "1 · Đồng ý, có ý kiến");
    await d.next("member", "nhập ý kiến");
    await d.say("member", "Đề nghị bổ sung chỉ tiêu về chữ ký số");
    const revised = await d.next("member", "Đồng ý, có ý kiến — Đề nghị bổ sung chỉ tiêu về chữ ký số");
    expect(revised).toContain("XIN Ý KIẾN BẰNG VĂN BẢN");
    expect(revised).toContain("Không đồng ý — Sở Tài chính không chủ trì nhiệm vụ số 7");

    const rows = await d.e2e.app.database.db.selectFrom("opinion_answers").select(["question_index", "position", "comment"]).orderBy("id").execute();
    expect(rows).toEqual([
      { question_index: 0, position: "agree", comment: null },
      { question_index: 1, position: "disagree", comment: "Sở Tài chính không chủ trì nhiệm vụ số 7" },
      { question_index: 0, position: "agree_with_comments", comment: "Đề nghị bổ sung chỉ tiêu về chữ ký số" },
    ]);

    // After the deadline nothing changes.
    d.e2e.clock.advance(6 * DAY);
    await d.choose("member", "2 · Đồng ý");
    await d.next("member", "Đã hết hạn cho ý kiến.");
    expect(await d.e2e.app.database.db.selectFrom("opinion_answers").select("id").execute()).toHaveLength(3);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed") || l.includes("outbox message failed"))).toEqual([]);
  });
});
