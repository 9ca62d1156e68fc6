import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, MINUTE } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { MAX_FAILED_CHECKS_PER_MINUTE, type IssuedInvite } from "../../src/core/invites/invites.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";
import { coreFor, createProvince, ROSTER_CSV } from "../support/core.js";
import type { FakeClock } from "../support/clock.js";

describe.each(testDialects)("invites and sign-in on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let invites: IssuedInvite[];
  const redeem = (code: string, tg = "5001") => core.invites.redeem({ channel: "telegram", externalId: tg, chatId: tg, username: "u" + tg, code });
  const inviteOf = (name: string) => invites.find((i) => i.fullName === name)!;

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    const committee = await createProvince(core);
    invites = (await core.roster.importCsv(cliActor, committee.id, ROSTER_CSV)).invites;
  });
  afterEach(() => db.drop());

  it("links the account once and says so politely on a second tap", async () => {
    const first = await redeem(inviteOf("Lương Văn Đức").code);
    expect(first).toMatchObject({ alreadyLinked: false, person: { full_name: "Lương Văn Đức" }, membership: { role: "member" } });
    const again = await redeem(inviteOf("Lương Văn Đức").code);
    expect(again.alreadyLinked).toBe(true);
    const ids = await db.handle.db.selectFrom("channel_identities").selectAll().execute();
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatchObject({ external_id: "5001", channel: "telegram" });
  });

  it("refuses a used invite from another account, an expired one and a revoked one", async () => {
    await redeem(inviteOf("Lương Văn Đức").code, "5001");
    await expect(redeem(inviteOf("Lương Văn Đức").code, "5002")).rejects.toMatchObject({ code: "invites:used" });

    clock.advance(15 * DAY);
    await expect(redeem(inviteOf("Hồ Tiến Thiệu").code, "5003")).rejects.toMatchObject({ code: "invites:expired" });

    const committee = await core.committees.require("LS");
    const [member] = (await core.roster.list(cliActor, committee.id)).filter((m) => m.fullName === "Đoàn Thu Hà");
    const fresh = await core.invites.reissue(cliActor, member!.membershipId);
    await core.invites.revoke(cliActor, member!.membershipId);
    await expect(redeem(fresh.code, "5004")).rejects.toMatchObject({ code: "invites:revoked" });
  });

  it("makes earlier links stop working when an invite is re-issued", async () => {
    const committee = await core.committees.require("LS");
    const [m] = (await core.roster.list(cliActor, committee.id)).filter((x) => x.fullName === "Đoàn Thu Hà");
    const old = inviteOf("Đoàn Thu Hà");
    const fresh = await core.invites.reissue(cliActor, m!.membershipId);
    expect(fresh.code).not.toBe(old.code);
    await expect(redeem(old.code, "6001")).rejects.toMatchObject({ code: "invites:revoked" });
    await expect(redeem(fresh.code, "6001")).resolves.toMatchObject({ alreadyLinked: false });
  });

  it("slows down repeated wrong codes and lets the right code in after the wait", async () => {
    for (let i = 0; i < 5; i++) await expect(redeem(`wrong-code-${i}-aaaaaaaaaaaaaaaa`)).rejects.toMatchObject({ code: "invites:invalid" });
    await expect(redeem(inviteOf("Lương Văn Đức").code)).rejects.toMatchObject({ code: "invites:too_many_attempts", params: { minutes: 1 } });
    clock.advance(61_000);
    await expect(redeem("still-wrong-aaaaaaaaaaaaaaaaaaaa")).rejects.toMatchObject({ code: "invites:invalid" });
    await expect(redeem(inviteOf("Lương Văn Đức").code)).rejects.toMatchObject({ code: "invites:too_many_attempts", params: { minutes: 2 } });
    clock.advance(2 * MINUTE + 1000);
    await expect(redeem(inviteOf("Lương Văn Đức").code)).resolves.toMatchObject({ alreadyLinked: false });
    // Another account is not affected by someone else's failures.
    await expect(redeem(inviteOf("Hồ Tiến Thiệu").code, "7777")).resolves.toMatchObject({ alreadyLinked: false });
  });

  it("refuses every check for the rest of the minute once 60 wrong guesses came from different strangers", async () => {
    for (let i = 0; i < MAX_FAILED_CHECKS_PER_MINUTE; i++) {
      await expect(redeem(`wrong-guess-${i}-aaaaaaaaaaaaaaaa`, String(9100 + i))).rejects.toMatchObject({ code: "invites:invalid" });
    }
    // A stranger never seen before, with a code that would work: refused like the per-account wait, not looked up.
    await expect(redeem(inviteOf("Lương Văn Đức").code, "9200")).rejects.toMatchObject({ code: "invites:too_many_attempts", params: { minutes: 1 } });
    await expect(redeem("another-wrong-guess-aaaaaaaaaaaa", "9201")).rejects.toMatchObject({ code: "invites:too_many_attempts" });
    expect(await db.handle.db.selectFrom("channel_identities").selectAll().execute()).toEqual([]);

    clock.advance(MINUTE + 1000);
    await expect(redeem(inviteOf("Lương Văn Đức").code, "9200")).resolves.toMatchObject({ alreadyLinked: false });
    await expect(redeem("yet-another-wrong-guess-aaaaaaaa", "9201")).rejects.toMatchObject({ code: "invites:invalid" });
  });

  it("prunes the sign-in failures throttling no longer needs, hourly with the processed updates", async () => {
    const start = clock.now();
    await expect(redeem("wrong-once-aaaaaaaaaaaaaaaaaaaaaa", "8001")).rejects.toMatchObject({ code: "invites:invalid" });
    for (let i = 0; i < 5; i++) await expect(redeem(`wrong-${i}-aaaaaaaaaaaaaaaaaaaaa`, "8002")).rejects.toMatchObject({ code: "invites:invalid" });
    // An account waiting out a long lock, its window long over.
    await db.handle.db
      .insertInto("signin_failures")
      .values({ channel: "telegram", external_id: "8004", failures: 11, window_started_at: new Date(start.getTime() - 5 * MINUTE).toISOString(), locked_until: new Date(start.getTime() + 50 * MINUTE).toISOString() })
      .execute();
    clock.advance(16 * MINUTE);
    await expect(redeem("wrong-recent-aaaaaaaaaaaaaaaaaaaa", "8003")).rejects.toMatchObject({ code: "invites:invalid" });

    expect(await core.updates.prune()).toBe(2);
    const left = await db.handle.db.selectFrom("signin_failures").select("external_id").where("external_id", "like", "800%").orderBy("external_id").execute();
    expect(left.map((r) => r.external_id)).toEqual(["8003", "8004"]);
    // What is kept still works: the locked account waits, the recent one's count goes on.
    await expect(redeem(inviteOf("Lương Văn Đức").code, "8004")).rejects.toMatchObject({ code: "invites:too_many_attempts" });
    await expect(redeem("wrong-recent-2-aaaaaaaaaaaaaaaaaa", "8003")).rejects.toMatchObject({ code: "invites:invalid" });
    expect(await db.handle.db.selectFrom("signin_failures").select("failures").where("external_id", "=", "8003").executeTakeFirst()).toEqual({ failures: 2 });
  });

  it("refuses an account that already belongs to someone else", async () => {
    await redeem(inviteOf("Lương Văn Đức").code, "5001");
    await expect(redeem(inviteOf("Hồ Tiến Thiệu").code, "5001")).rejects.toMatchObject({ code: "invites:account_taken" });
  });

  it("refuses the invite of a deactivated member", async () => {
    const committee = await core.committees.require("LS");
    const [m] = (await core.roster.list(cliActor, committee.id)).filter((x) => x.fullName === "Lương Văn Đức");
    await core.roster.deactivate(cliActor, m!.membershipId);
    await expect(redeem(inviteOf("Lương Văn Đức").code)).rejects.toMatchObject({ code: "invites:revoked" });
  });

  it("reminds the secretariat once before an unused invite expires, through a due job", async () => {
    const secretary = inviteOf("Phạm Thị Ngọc Ánh");
    await redeem(secretary.code, "9000");
    await redeem(inviteOf("Hồ Tiến Thiệu").code, "9001");
    expect(await core.jobs.claimDue("t")).toEqual([]);
    clock.advance(12 * DAY + MINUTE);
    const jobs = await core.jobs.claimDue("t");
    expect(jobs.map((j) => j.kind)).toEqual(Array(3).fill("invite.expiry_reminder"));
    for (const j of jobs) expect(await core.jobs.run(j)).toBe("done");
    expect(await core.jobs.claimDue("t")).toEqual([]);
    const messages = await db.handle.db.selectFrom("outbox").selectAll().execute();
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => m.person_id === secretary.personId && m.template === "invites:expiry_reminder")).toBe(true);
    const names = messages.map((m) => JSON.parse(m.params).name).sort();
    expect(names).toEqual(["Nguyễn Hoàng Hà", "Lương Văn Đức", "Đoàn Thu Hà"].sort());
  });

  it("claims each due job once even when two instances tick together", async () => {
    clock.advance(13 * DAY);
    const [a, b] = await Promise.all([core.jobs.claimDue("a"), core.jobs.claimDue("b")]);
    const ids = [...a, ...b].map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
  });
});
