import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe.each(testDialects)("written-opinion requests on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "member", "secretary"]));
  });
  afterEach(() => db.drop());

  const create = () =>
    core.opinions.create(people.secretary!, {
      committeeId,
      title: "Dự thảo Kế hoạch chuyển đổi số năm 2027",
      body: "Kính gửi các đồng chí dự thảo kế hoạch.",
      questions: ["Đồng ý với các chỉ tiêu?", "Đồng ý với phân công nhiệm vụ?"],
      deadline: new Date(clock.now().getTime() + 5 * DAY),
      audience: { kind: "all" },
    });
  const recipientOf = async (requestId: number, who: string) =>
    (await db.handle.db.selectFrom("opinion_recipients").select("id").where("request_id", "=", requestId).where("person_id", "=", people[who]!.personId).executeTakeFirstOrThrow()).id;

  it("sends the request to every recipient and validates it", async () => {
    await expect(core.opinions.create(people.member!, { committeeId, title: "x", body: "", questions: ["q"], deadline: new Date(clock.now().getTime() + DAY), audience: { kind: "all" } })).rejects.toMatchObject({
      code: "errors:forbidden",
    });
    await expect(core.opinions.create(people.secretary!, { committeeId, title: "x", body: "", questions: [" "], deadline: new Date(clock.now().getTime() + DAY), audience: { kind: "all" } })).rejects.toMatchObject({
      code: "opinions:errors.questions_required",
    });
    const valid = { committeeId, title: "x", body: "Dự thảo", questions: ["q"], deadline: new Date(clock.now().getTime() + DAY), audience: { kind: "all" } as const };
    await expect(core.opinions.create(people.secretary!, { ...valid, title: "D".repeat(301) })).rejects.toMatchObject({ code: "opinions:errors.title_too_long", params: { max: 300, length: 301 } });
    await expect(core.opinions.create(people.secretary!, { ...valid, body: "  " })).rejects.toMatchObject({ code: "opinions:errors.body_required" });
    await expect(core.opinions.create(people.secretary!, { ...valid, questions: Array.from({ length: 11 }, (_, i) => `Câu ${i + 1}?`) })).rejects.toMatchObject({
      code: "opinions:errors.too_many_questions",
    });
    await expect(core.opinions.create(people.secretary!, { ...valid, deadline: clock.now() })).rejects.toMatchObject({ code: "opinions:errors.deadline_in_past" });
    expect(await db.handle.db.selectFrom("opinion_requests").selectAll().execute()).toEqual([]);
    // An id beyond any integer column is not found, on PostgreSQL too.
    await expect(core.opinions.compile(people.secretary!, 99_999_999_999)).rejects.toMatchObject({ code: "opinions:errors.not_found" });
    const { recipients } = await create();
    expect(recipients).toBe(5);
    expect(await db.handle.db.selectFrom("outbox").selectAll().where("template", "=", "opinions:request").execute()).toHaveLength(5);
  });

  it("takes answers with the comments they need, keeps revisions, and refuses others and late answers", async () => {
    const { requestId } = await create();
    const mine = await recipientOf(requestId, "member");
    await expect(core.opinions.answer(people.member!, mine, 0, "agree_with_comments", "  ")).rejects.toMatchObject({ code: "opinions:errors.comment_required" });
    await expect(core.opinions.answer(people.member!, mine, 0, "disagree")).rejects.toMatchObject({ code: "opinions:errors.reason_required" });
    await expect(core.opinions.answer(people.chair!, mine, 0, "agree")).rejects.toMatchObject({ code: "opinions:errors.not_yours" });
    await expect(core.opinions.answer(people.member!, mine, 5, "agree")).rejects.toMatchObject({ code: "opinions:errors.bad_question" });
    await core.opinions.answer(people.member!, mine, 0, "agree");
    await core.opinions.answer(people.member!, mine, 0, "agree_with_comments", "Đề nghị nâng chỉ tiêu dịch vụ công trực tuyến lên 90%");
    await core.opinions.answer(people.member!, mine, 1, "disagree", "Sở Tài chính không chủ trì nhiệm vụ này");
    const card = await core.opinions.card(mine);
    expect(card!.answers.map((a) => a?.position)).toEqual(["agree_with_comments", "disagree"]);
    expect(await db.handle.db.selectFrom("opinion_answers").selectAll().execute()).toHaveLength(3);

    const compiled = await core.opinions.compile(people.secretary!, requestId);
    expect(compiled.counts).toMatchObject({ recipients: 5, answered: 1, agreeWithComments: [1, 0], disagree: [0, 1] });
    expect(compiled.rows.find((r) => r.fullName === "Lương Văn Đức")!.answers[0]!.comment).toBe("Đề nghị nâng chỉ tiêu dịch vụ công trực tuyến lên 90%");
    expect(compiled.rows.filter((r) => r.receivedAt === null)).toHaveLength(4);
    await expect(core.opinions.compile(people.member!, requestId)).rejects.toMatchObject({ code: "errors:forbidden" });

    clock.advance(5 * DAY + HOUR);
    await expect(core.opinions.answer(people.member!, mine, 0, "agree")).rejects.toMatchObject({ code: "opinions:errors.closed" });
  });

  it("schedules no reminder job of its own (the daily nudge reminds), and an old queued one sends nothing", async () => {
    const { requestId } = await create();
    expect(await db.handle.db.selectFrom("due_jobs").select("id").where("kind", "=", "opinion.reminder").execute()).toEqual([]);
    await db.handle.db
      .insertInto("due_jobs")
      .values({ kind: "opinion.reminder", idempotency_key: `opinion.reminder:${requestId}`, payload: JSON.stringify({ requestId }), run_at: clock.now().toISOString(), status: "pending", created_at: clock.now().toISOString() })
      .execute();
    clock.advance(4 * DAY + HOUR);
    for (const j of await core.jobs.claimDue("t")) if (j.kind === "opinion.reminder") expect(await core.jobs.run(j)).toBe("done");
    expect(await db.handle.db.selectFrom("outbox").select("person_id").where("template", "=", "opinions:reminder").execute()).toEqual([]);
  });
});
