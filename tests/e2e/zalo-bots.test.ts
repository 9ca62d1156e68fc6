import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { enqueueMessage } from "../../src/core/outbox.js";
import { testDialects } from "../support/databases.js";
import { E2E, names } from "../support/e2e.js";
import { FakeZalo, startZaloRouter, zaloUser } from "../support/fake-zalo.js";
import { freePort } from "../support/zalo-driver.js";

/**
 * Two committees, each with a Zalo bot of its own (zalo:connect), against two fake bots behind one Bot API
 * address: people link through their committee's bot, each committee's messages go through its own bot, a
 * reply goes back through the bot the person wrote to, and one bot's spent quota stops only that bot.
 */
describe("Zalo: one bot per committee", () => {
  const BOT_A = "1111111111111111111";
  const BOT_B = "2222222222222222222";
  // Made up and assembled here, so no token-shaped string is committed.
  const tokenA = `${BOT_A}:${"BotA_not_a_token".repeat(3)}`;
  const tokenB = `${BOT_B}:${"BotB_not_a_token".repeat(3)}`;
  const BOT_C = "3333333333333333333";
  const tokenC = `${BOT_C}:${"BotC_not_a_token".repeat(3)}`;
  const LINK_B = "https://zalo.me/2222222222222222222";
  const LINK_C = "https://zalo.me/3333333333333333333";
  const XB_CSV = ["full_name,role,organization,title,phone,email", "Trần Văn Bình,member,UBND xã Bình An,Chủ tịch,,", "Lê Thị Cúc,secretariat,UBND xã Bình An,Công chức,,"].join("\n");

  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  /** The bot with committee LS on bot A and committee XB on bot B, connected as zalo:connect does, then restarted. */
  async function start(opts: { webhook?: boolean; dialect?: "sqlite" | "postgres"; zaloOnly?: boolean; only?: "XB"; links?: { XB?: string }; installation?: FakeZalo } = {}) {
    const a = await FakeZalo.start({ token: tokenA, botId: BOT_A, botName: "Bot BCĐ Lạng Sơn" });
    const b = await FakeZalo.start({ token: tokenB, botId: BOT_B, botName: "Bot BCĐ xã Bình An" });
    const router = await startZaloRouter(opts.installation ? [a, b, opts.installation] : [a, b]);
    const dir = mkdtempSync(join(tmpdir(), "bcd-zalo-bots-"));
    const hook = opts.webhook ? { port: await freePort(), secret: "zalo-webhook-secret-for-tests" } : undefined;
    const e2e = await E2E.start(
      {
        ZALO_API_ROOT: router.apiRoot,
        ...(hook ? { ZALO_MODE: "webhook", ZALO_WEBHOOK_URL: "https://bot.example.gov.vn/zalo", ZALO_WEBHOOK_PORT: String(hook.port), ZALO_WEBHOOK_PATH: "/zalo", ZALO_WEBHOOK_SECRET: hook.secret } : {}),
      },
      opts.dialect ?? "sqlite",
      { zalo: { polling: { pollSeconds: 2, maxBackoffMs: 200 } } },
    );
    stop = async () => {
      await e2e.stop();
      await router.stop();
      await a.stop();
      await b.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    const ls = await e2e.seedRoster();
    const xb = await e2e.core.committees.create(cliActor, { code: "XB", name: "Ban Chỉ đạo xã Bình An", level: "commune" });
    const xbInvites = (await e2e.core.roster.importCsv(cliActor, xb.id, XB_CSV)).invites;
    for (const [code, bot, token, name] of [["LS", BOT_A, tokenA, "Bot BCĐ Lạng Sơn"], ["XB", BOT_B, tokenB, "Bot BCĐ xã Bình An"]] as const) {
      if (opts.only && code !== opts.only) continue;
      const file = join(dir, `${code}.token`);
      writeFileSync(file, `${token}\n`);
      chmodSync(file, 0o600);
      await e2e.core.zaloBots.connect(cliActor, code, { botId: bot, name, tokenFile: file, link: code === "XB" ? opts.links?.XB : undefined });
    }
    // Committees' bots alone make an app: no Telegram, no ZALO_BOT_TOKEN.
    if (opts.zaloOnly) e2e.env.TELEGRAM_BOT_TOKEN = "";
    if (opts.installation) Object.assign(e2e.env, { ZALO_BOT_TOKEN: tokenC, ZALO_BOT_LINK: LINK_C });
    await e2e.restart();
    if (hook) {
      // Zalo calls the https address; a reverse proxy hands it to the bot's server, path and all.
      a.proxyTo = `http://127.0.0.1:${hook.port}/zalo/${BOT_A}`;
      b.proxyTo = `http://127.0.0.1:${hook.port}/zalo/${BOT_B}`;
    }
    const db = e2e.app.database.db;
    const personOf = async (fullName: string) => (await db.selectFrom("people").select("id").where("full_name", "=", fullName).executeTakeFirstOrThrow()).id;
    const queue = async (to: number, committeeId: number, name: string) => {
      await db.transaction().execute((trx) => enqueueMessage(trx, e2e.clock.now(), { template: "delivery:unreachable_report", params: { name, organization: "Sở Thử", channel: "telegram" }, to: { personId: to }, committeeId }));
      e2e.app.worker.nudge();
    };
    /** A person writes on a bot; resolves with the bot's first answer to it. */
    const say = async (fake: FakeZalo, user: { id: string; display_name: string }, text: string) => {
      const before = fake.texts(user.id).length;
      await fake.sendText(user, text);
      return fake.waitFor(() => fake.texts(user.id)[before], 8000, `an answer to «${text}»`);
    };
    return { a, b, e2e, db, ls, xb, xbCode: (fullName: string) => xbInvites.find((i) => i.fullName === fullName)!.code, personOf, queue, say };
  }

  it.each(testDialects)("links each person through their committee's bot, sends each committee's messages through its own bot, and answers through the bot written to (%s)", async (dialect) => {
    const { a, b, e2e, db, ls, xb, xbCode, personOf, queue, say } = await start({ dialect });
    const ducOnA = zaloUser("Đức");
    const binhOnB = zaloUser("Bình");
    expect(await say(a, ducOnA, e2e.inviteOf(names.member))).toContain("Lương Văn Đức");
    expect(await say(b, binhOnB, xbCode("Trần Văn Bình"))).toContain("Trần Văn Bình");
    const accounts = await db.selectFrom("channel_identities").select(["person_id", "bot", "external_id"]).where("channel", "=", "zalo").orderBy("id").execute();
    const duc = await personOf(names.member);
    const binh = await personOf("Trần Văn Bình");
    expect(accounts).toEqual([
      { person_id: duc, bot: BOT_A, external_id: ducOnA.id },
      { person_id: binh, bot: BOT_B, external_id: binhOnB.id },
    ]);

    // Known on the bot he linked through only: on the other bot he is a stranger.
    expect(await say(b, ducOnA, "/help")).toContain("chỉ dành cho thành viên");
    expect(await say(a, ducOnA, "/help")).toContain("Lương Văn Đức");

    // Each committee's message goes through its own bot only.
    await queue(duc, ls, "Tin của tỉnh");
    await queue(binh, xb.id, "Tin của xã");
    await a.waitFor(() => a.texts(ducOnA.id).find((t) => t.includes("Tin của tỉnh")), 8000, "the province's message on bot A");
    await b.waitFor(() => b.texts(binhOnB.id).find((t) => t.includes("Tin của xã")), 8000, "the commune's message on bot B");
    expect(b.sent.map((s) => s.text).join("\n")).not.toContain("Tin của tỉnh");
    expect(a.sent.map((s) => s.text).join("\n")).not.toContain("Tin của xã");

    // Đức links through bot B too (a new invite): he now has an account on each bot, and uses B last.
    const reissued = await e2e.core.invites.reissue(cliActor, await membershipOf(db, duc, ls));
    const ducOnB = zaloUser("Đức");
    expect(await say(b, ducOnB, reissued.code)).toContain("Lương Văn Đức");
    expect(await say(b, ducOnB, "/help")).toContain("Lương Văn Đức");
    // The province's message still goes through the province's bot, where he is linked.
    await queue(duc, ls, "Tin thứ hai của tỉnh");
    await a.waitFor(() => a.texts(ducOnA.id).find((t) => t.includes("Tin thứ hai của tỉnh")), 8000, "the second message on bot A");
    expect(b.texts(ducOnB.id).join("\n")).not.toContain("Tin thứ hai của tỉnh");
    expect(e2e.logs.join("\n")).not.toContain(tokenA.split(":")[1]);
    expect(e2e.logs.join("\n")).not.toContain(tokenB.split(":")[1]);
  });

  it("holds the messages of the committee whose bot's quota is spent, while the other bot's flow; each quota speaks to its own secretariat", async () => {
    const { a, b, e2e, db, ls, xb, xbCode, personOf, queue, say } = await start();
    const ducOnA = zaloUser("Đức");
    const binhOnB = zaloUser("Bình");
    await say(a, ducOnA, e2e.inviteOf(names.member));
    await say(b, binhOnB, xbCode("Trần Văn Bình"));
    const duc = await personOf(names.member);
    const binh = await personOf("Trần Văn Bình");

    // Bot B reaches 80 % of its month: only committee XB's secretariat is warned.
    await e2e.core.zaloQuota.count(BOT_B, 2400, { monthly: 3000, warnPercent: 80, reservePercent: 10 });
    // Zalo says bot A's month is spent: only committee LS's secretariat is told.
    a.fail("sendMessage", { error_code: 429, description: "Quota exceeded" });
    await queue(duc, ls, "Tin chờ hạn mức");
    const held = await e2e.until(async () => {
      const row = await db.selectFrom("outbox").selectAll().where("person_id", "=", duc).where("template", "=", "delivery:unreachable_report").executeTakeFirst();
      return row?.status === "pending" && row.not_before === "2026-11-30T17:00:00.000Z" ? row : undefined;
    });
    expect(held.last_error).toContain("quota");
    const tellings = await db
      .selectFrom("outbox as o")
      .innerJoin("people as p", "p.id", "o.person_id")
      .select(["o.template", "p.full_name", "o.committee_id"])
      .where("o.template", "in", ["delivery:zalo_quota_warning", "delivery:zalo_quota_spent"])
      .orderBy("o.template")
      .execute();
    expect(tellings).toEqual([
      { template: "delivery:zalo_quota_spent", full_name: names.secretary, committee_id: ls },
      { template: "delivery:zalo_quota_warning", full_name: "Lê Thị Cúc", committee_id: xb.id },
    ]);

    // Bot B still sends.
    await queue(binh, xb.id, "Tin của xã vẫn đi");
    await b.waitFor(() => b.texts(binhOnB.id).find((t) => t.includes("Tin của xã vẫn đi")), 8000, "the commune's message on bot B");
    expect(a.texts(ducOnA.id).join("\n")).not.toContain("Tin chờ hạn mức");
    const usage = await db.selectFrom("zalo_usage").select(["bot", "spent_at"]).orderBy("bot").execute();
    expect(usage.map((u) => [u.bot, u.spent_at !== null])).toEqual([
      [BOT_A, true],
      [BOT_B, false],
    ]);
  });

  it("serves each bot's webhook on a path of its own, behind the same secret, with committees' bots alone", async () => {
    const { a, b, e2e, xbCode, say } = await start({ webhook: true, zaloOnly: true });
    expect(e2e.app.apps.map((app) => app.name)).toEqual(["zalo"]);
    expect(a.webhookUrl).toBe(`https://bot.example.gov.vn/zalo/${BOT_A}`);
    expect(b.webhookUrl).toBe(`https://bot.example.gov.vn/zalo/${BOT_B}`);
    const ducOnA = zaloUser("Đức");
    const binhOnB = zaloUser("Bình");
    expect(await say(a, ducOnA, e2e.inviteOf(names.member))).toContain("Lương Văn Đức");
    expect(await say(b, binhOnB, xbCode("Trần Văn Bình"))).toContain("Trần Văn Bình");
    // The same secret guards every path; a wrong one is refused there too.
    expect(await b.post(FakeZalo.update(binhOnB, "message.text.received", { text: "/help" }), "not-the-secret-at-all")).toBe(403);
    expect(a.webhookAnswers.every((s) => s === 200)).toBe(true);
  });

  it("tells the secretariat of a committee with its own bot to send invitees to that bot's link, and another committee's to ZALO_BOT_LINK", async () => {
    // The installation's bot (ZALO_BOT_TOKEN, ZALO_BOT_LINK) serves LS; committee XB has bot B with its link.
    const c = await FakeZalo.start({ token: tokenC, botId: BOT_C, botName: "Bot chung" });
    const { b, e2e, db, ls, xb, xbCode, personOf, say } = await start({ only: "XB", links: { XB: LINK_B }, installation: c });
    const stopAll = stop;
    stop = async () => {
      await stopAll?.();
      await c.stop();
    };
    const cuc = zaloUser("Cúc");
    expect(await say(b, cuc, xbCode("Lê Thị Cúc"))).toContain("Lê Thị Cúc");
    const issuedXb = await say(b, cuc, `/invite ${await membershipOf(db, await personOf("Trần Văn Bình"), xb.id)}`);
    expect(issuedXb).toContain("Đã cấp đường liên kết mời cho đồng chí Trần Văn Bình");
    expect(issuedXb).toMatch(/Trên Zalo: mở https:\/\/zalo\.me\/2222222222222222222 và gửi cho trợ lý mã [\w-]{16,}\./);
    expect(issuedXb).not.toContain(LINK_C);
    // Bình, sent to bot B, links there with the code he was given.
    const binh = zaloUser("Bình");
    expect(await say(b, binh, issuedXb)).toContain("Trần Văn Bình");

    const anh = zaloUser("Ánh");
    expect(await say(c, anh, e2e.inviteOf(names.secretary))).toContain(names.secretary);
    const issuedLs = await say(c, anh, `/invite ${await membershipOf(db, await personOf(names.member), ls)}`);
    expect(issuedLs).toMatch(/Trên Zalo: mở https:\/\/zalo\.me\/3333333333333333333 và gửi cho trợ lý mã [\w-]{16,}\./);
    expect(issuedLs).not.toContain(LINK_B);
  });
});

async function membershipOf(db: E2E["app"]["database"]["db"], personId: number, committeeId: number): Promise<number> {
  return (await db.selectFrom("memberships").select("id").where("person_id", "=", personId).where("committee_id", "=", committeeId).executeTakeFirstOrThrow()).id;
}
