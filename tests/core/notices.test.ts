import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { readMembershipNumbers } from "../../src/core/notices/audience.js";
import { checkNoticeBody, NOTICE_MAX_LENGTH, readAckDeadline } from "../../src/core/notices/notices.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe.each(testDialects)("notices on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  const people: Record<string, Actor & { kind: "person" }> = {};

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    Object.assign(people, await linkRoster(core, db, committeeId, ["chair", "deputy", "member", "secretary"]));
    const district = await core.committees.create(cliActor, { code: "LS-CL", name: "Ban Chỉ đạo huyện Cao Lộc", level: "district", parentCode: "LS" });
    await core.roster.importCsv(cliActor, district.id, "full_name,role,organization\nVi Thị Hoa,member,UBND huyện Cao Lộc\nHoàng Văn Lâm,secretariat,UBND huyện Cao Lộc");
  });
  afterEach(() => db.drop());

  const recipientsOf = async (noticeId: number) =>
    (await db.handle.db.selectFrom("notice_recipients as r").innerJoin("people as p", "p.id", "r.person_id").where("r.notice_id", "=", noticeId).select("p.full_name").execute())
      .map((r) => r.full_name)
      .sort();
  const send = (audience: Parameters<Core["notices"]["send"]>[1]["audience"], extra: Partial<Parameters<Core["notices"]["send"]>[1]> = {}) =>
    core.notices.send(people.secretary!, { committeeId, body: "<b>Thông báo</b> kết luận phiên họp", audience, ackRequired: false, ...extra });

  it("reaches each audience kind, each person once", async () => {
    expect(await recipientsOf((await send({ kind: "all" })).noticeId)).toHaveLength(5);
    expect(await recipientsOf((await send({ kind: "leaders" })).noticeId)).toEqual(["Hồ Tiến Thiệu", "Nguyễn Hoàng Hà", "Đoàn Thu Hà"].sort());
    expect(await recipientsOf((await send({ kind: "members" })).noticeId)).toEqual(["Lương Văn Đức"]);
    expect(await recipientsOf((await send({ kind: "secretariat" })).noticeId)).toEqual(["Phạm Thị Ngọc Ánh"]);
    expect(await recipientsOf((await send({ kind: "organizations", organizations: ["Sở Tài chính", "Sở Thông tin và Truyền thông"] })).noticeId)).toEqual(
      ["Lương Văn Đức", "Nguyễn Hoàng Hà", "Phạm Thị Ngọc Ánh"].sort(),
    );
    const member = (await core.roster.list(cliActor, committeeId)).find((m) => m.fullName === "Lương Văn Đức")!;
    expect(await recipientsOf((await send({ kind: "people", membershipIds: [member.membershipId] })).noticeId)).toEqual(["Lương Văn Đức"]);
    expect(await recipientsOf((await send({ kind: "districts" })).noticeId)).toEqual(["Hoàng Văn Lâm", "Vi Thị Hoa"].sort());
    await expect(send({ kind: "organizations", organizations: ["Không có"] })).rejects.toMatchObject({ code: "notices:errors.empty_audience" });
    const outbox = await db.handle.db.selectFrom("outbox").select("template").where("template", "=", "notices:notice").execute();
    expect(outbox).toHaveLength(5 + 3 + 1 + 1 + 3 + 1 + 2);
  });

  it("previews how many it reaches and how many cannot be reached now", async () => {
    expect(await core.notices.preview(people.secretary!, committeeId, { kind: "all" })).toEqual({ recipients: 5, unreachable: 1 });
    await expect(core.notices.preview(people.member!, committeeId, { kind: "all" })).rejects.toMatchObject({ code: "errors:forbidden" });
    await expect(send({ kind: "all" }, { body: "  " })).rejects.toMatchObject({ code: "notices:errors.empty" });
    await expect(core.notices.send(people.chair!, { committeeId, body: "x", audience: { kind: "all" }, ackRequired: false })).rejects.toMatchObject({ code: "errors:forbidden" });
  });

  it("records acknowledgements of one's own notice once, refuses others', and leaves the reminding to the daily nudge", async () => {
    const { noticeId } = await send({ kind: "all" }, { ackRequired: true, ackDeadline: new Date(clock.now().getTime() + 2 * DAY) });
    const rows = await db.handle.db.selectFrom("notice_recipients").selectAll().where("notice_id", "=", noticeId).orderBy("id").execute();
    const mine = rows.find((r) => r.person_id === people.member!.personId)!;
    await expect(core.notices.acknowledge(people.deputy!, mine.id)).rejects.toMatchObject({ code: "notices:errors.not_yours" });
    expect((await core.notices.acknowledge(people.member!, mine.id)).changed).toBe(true);
    expect((await core.notices.acknowledge(people.member!, mine.id)).changed).toBe(false);
    // Mark everything delivered, as the worker would.
    await db.handle.db.updateTable("outbox").set({ status: "sent", sent_at: clock.now().toISOString() }).where("template", "=", "notices:notice").execute();
    const report = await core.notices.report(people.secretary!, noticeId);
    // The member, and the author (the secretary), whose copy counts as acknowledged when sent.
    expect(report.counts).toMatchObject({ total: 5, sent: 5, acknowledged: 2 });
    expect(report.lines.find((l) => l.fullName === "Lương Văn Đức")!.acknowledgedAt).not.toBeNull();

    // No reminder job of its own any more (core/notices/obligations.ts nudges in the daily bundle); one queued by an
    // older version completes without sending anything.
    expect(await db.handle.db.selectFrom("due_jobs").select("id").where("kind", "=", "notice.ack_reminder").execute()).toEqual([]);
    await db.handle.db
      .insertInto("due_jobs")
      .values({ kind: "notice.ack_reminder", idempotency_key: `notice.ack_reminder:${noticeId}`, payload: JSON.stringify({ noticeId }), run_at: clock.now().toISOString(), status: "pending", created_at: clock.now().toISOString() })
      .execute();
    clock.advance(2 * DAY + HOUR);
    for (const job of await core.jobs.claimDue("t")) if (job.kind === "notice.ack_reminder") expect(await core.jobs.run(job)).toBe("done");
    expect(await db.handle.db.selectFrom("outbox").select("person_id").where("template", "=", "notices:reminder").execute()).toEqual([]);
  });

  it("keeps the author's copy, acknowledged when sent: never among those to chase, never reminded", async () => {
    const sentAt = clock.now().toISOString();
    const { noticeId } = await send({ kind: "secretariat" }, { ackRequired: true, ackDeadline: new Date(clock.now().getTime() + DAY) });
    const own = await db.handle.db.selectFrom("notice_recipients").selectAll().where("notice_id", "=", noticeId).executeTakeFirstOrThrow();
    expect(own).toMatchObject({ person_id: people.secretary!.personId, acknowledged_at: sentAt });
    expect(await core.notices.card(own.id)).toMatchObject({ authored: true, acknowledgedAt: sentAt });
    expect((await core.notices.acknowledge(people.secretary!, own.id)).changed).toBe(false);
    const report = await core.notices.report(people.secretary!, noticeId);
    expect(report.lines).toEqual([expect.objectContaining({ fullName: "Phạm Thị Ngọc Ánh", acknowledgedAt: sentAt })]);
    await db.handle.db.updateTable("outbox").set({ status: "sent", sent_at: sentAt }).where("template", "=", "notices:notice").execute();
    clock.advance(DAY + HOUR);
    for (const job of await core.jobs.claimDue("t")) if (job.kind === "notice.ack_reminder") await core.jobs.run(job);
    expect(await db.handle.db.selectFrom("outbox").select("person_id").where("template", "=", "notices:reminder").execute()).toEqual([]);
    // Without an acknowledgement asked, nothing is marked, the author's copy included.
    const plain = await send({ kind: "all" });
    const marked = await db.handle.db.selectFrom("notice_recipients").select("id").where("notice_id", "=", plain.noticeId).where("acknowledged_at", "is not", null).execute();
    expect(marked).toEqual([]);
  });

  it("reads the member numbers typed to choose recipients, and the acknowledgement deadline, or says what is wrong", () => {
    expect(readMembershipNumbers("3, 5 12;5")).toEqual([3, 5, 12]);
    expect(() => readMembershipNumbers("3, năm")).toThrow(expect.objectContaining({ code: "notices:errors.bad_number", params: { value: "năm" } }));
    expect(() => readMembershipNumbers("0")).toThrow(expect.objectContaining({ code: "notices:errors.bad_number" }));
    const now = new Date("2026-11-20T03:00:00Z");
    expect(readAckDeadline("25/11/2026 17:00", "Asia/Ho_Chi_Minh", now).toISOString()).toBe("2026-11-25T10:00:00.000Z");
    expect(() => readAckDeadline("25/11 17h", "Asia/Ho_Chi_Minh", now)).toThrow(expect.objectContaining({ code: "meetings:create.bad_datetime" }));
    expect(() => readAckDeadline("19/11/2026 17:00", "Asia/Ho_Chi_Minh", now)).toThrow(expect.objectContaining({ code: "notices:errors.deadline_in_past" }));
    expect(() => checkNoticeBody("   ")).toThrow(expect.objectContaining({ code: "notices:errors.empty" }));
    expect(() => checkNoticeBody("x".repeat(NOTICE_MAX_LENGTH + 1))).toThrow(expect.objectContaining({ code: "notices:errors.too_long" }));
  });

  it("stops a broadcast: what is not sent stays unsent, and the buttons of the withdrawn notice change nothing", async () => {
    const { noticeId } = await send({ kind: "all" }, { ackRequired: true });
    const first = await db.handle.db.selectFrom("outbox").select("id").where("template", "=", "notices:notice").orderBy("id").executeTakeFirstOrThrow();
    await db.handle.db.updateTable("outbox").set({ status: "sent" }).where("id", "=", first.id).execute();
    await expect(core.notices.cancel(people.member!, noticeId)).rejects.toMatchObject({ code: "errors:forbidden" });
    expect(await core.notices.cancel(people.secretary!, noticeId)).toEqual({ stopped: 4 });
    const report = await core.notices.report(people.secretary!, noticeId);
    expect(report.counts).toMatchObject({ sent: 1, cancelled: 4 });
    expect(report.withdrawn).toBe(true);
    const r = await db.handle.db.selectFrom("notice_recipients").selectAll().where("notice_id", "=", noticeId).where("person_id", "=", people.member!.personId).executeTakeFirstOrThrow();
    await expect(core.notices.acknowledge(people.member!, r.id)).rejects.toMatchObject({ code: "notices:errors.withdrawn" });
  });
});
