import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { monthOf } from "../src/core/zalo-quota.js";
import { cliSandbox } from "./support/cli.js";
import { FakeZalo } from "./support/fake-zalo.js";

// Made up and assembled here, so no token-shaped string is committed.
const SECRET = "NotAToken_".repeat(4);
const box = cliSandbox("bcd-cli-zalo-");
const cli = box.run;

describe("zalo:list", () => {
  it("says when Zalo is not set up", async () => {
    const r = await cli("zalo:list");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Chưa cấu hình Zalo");
  });

  it("shows the installation's bot's month against its quota and the people it serves, never the token", async () => {
    Object.assign(box.env, { ZALO_BOT_TOKEN: `${"12345".repeat(2)}:${SECRET}`, ZALO_MONTHLY_QUOTA: "10", ZALO_MAX_PEOPLE: "40" });
    expect((await cli("migrate")).code).toBe(0);
    const month = monthOf(new Date(), "Asia/Ho_Chi_Minh");
    box.withDb((db) => db.prepare("insert into zalo_usage (bot, month, sent) values (?, ?, 10)").run("1234512345", month));
    const r = await cli("zalo:list");
    expect(r.code).toBe(0);
    const shown = `${month.slice(5)}/${month.slice(0, 4)}`;
    expect(r.stdout).toContain(`Bot Zalo chung 1234512345 (cho các Ban Chỉ đạo chưa có bot riêng): đã gửi 10/10 tin nhắn trong tháng ${shown} (100%); 0/40 người đã liên kết.`);
    expect(r.stdout).toContain("Đã hết hạn mức tháng này");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const en = await cli("zalo:list", "--lang", "en");
    expect(en.stdout).toContain(`Installation's Zalo bot 1234512345 (for committees without their own): 10/10 messages sent in ${shown} (100%)`);
  });
});

describe("zalo:connect, zalo:list and zalo:disconnect: one bot per committee", () => {
  // Two committees' bots, each its own fake (its own token, id and name).
  const tokenA = `1111111111111111111:${SECRET}A`;
  const tokenB = `2222222222222222222:${SECRET}B`;
  let botA: FakeZalo;
  let botB: FakeZalo;
  beforeEach(async () => {
    botA = await FakeZalo.start({ token: tokenA, botId: "1111111111111111111", botName: "Bot BCĐ Xã A" });
    botB = await FakeZalo.start({ token: tokenB, botId: "2222222222222222222", botName: "Bot BCĐ Xã B" });
  });
  afterEach(async () => {
    await botA.stop();
    await botB.stop();
  });

  /** A token file with `mode`, as an operator would leave it. */
  const tokenFile = (name: string, content: string, mode: number) => {
    const file = join(box.dir, name);
    writeFileSync(file, content);
    chmodSync(file, mode);
    return file;
  };
  const everything = (...runs: { stdout: string; stderr: string }[]) => runs.map((r) => r.stdout + r.stderr).join("\n");

  const committees = async () => {
    expect((await cli("committee:create", "--code", "XA", "--name", "Ban Chỉ đạo xã A", "--level", "commune")).code).toBe(0);
    expect((await cli("committee:create", "--code", "XB", "--name", "Ban Chỉ đạo xã B", "--level", "commune")).code).toBe(0);
  };

  it("connects a bot from a 0600 file after Zalo knows its token, lists it without the token, and disconnects it", async () => {
    box.env.ZALO_API_ROOT = botA.apiRoot;
    await committees();
    const file = tokenFile("xa.token", `${tokenA}\n`, 0o600);
    const connected = await cli("zalo:connect", "XA", "--token-file", file);
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain("Đã kết nối bot Zalo Bot BCĐ Xã A (1111111111111111111) với Ban Chỉ đạo XA");
    expect(botA.calls.map((c) => c.method)).toEqual(["getMe"]);
    const row = box.withDb((db) => db.prepare("select * from zalo_bots").get() as Record<string, unknown>);
    expect(row).toMatchObject({ bot_id: "1111111111111111111", name: "Bot BCĐ Xã A", token_file: file });
    // The token is in no column of any table.
    const dump = box.withDb((db) => JSON.stringify(db.prepare("select * from zalo_bots").all()) + JSON.stringify(db.prepare("select * from audit_log").all()));
    expect(dump).not.toContain(SECRET);

    const month = monthOf(new Date(), "Asia/Ho_Chi_Minh");
    box.withDb((db) => db.prepare("insert into zalo_usage (bot, month, sent) values (?, ?, 2400)").run("1111111111111111111", month));
    const listed = await cli("zalo:list");
    expect(listed.stdout).toContain(`XA: bot Zalo Bot BCĐ Xã A (1111111111111111111): đã gửi 2400/3000 tin nhắn trong tháng ${month.slice(5)}/${month.slice(0, 4)} (80%); 0/50 người đã liên kết.`);
    expect(listed.stdout).not.toContain("Bot Zalo chung");

    const gone = await cli("zalo:disconnect", "XA");
    expect(gone.code).toBe(0);
    expect(gone.stdout).toContain("Đã ngắt kết nối bot Zalo 1111111111111111111 khỏi Ban Chỉ đạo XA");
    expect(box.withDb((db) => db.prepare("select count(*) as n from zalo_bots").get())).toEqual({ n: 0 });
    expect((await cli("zalo:disconnect", "XA")).stdout).toContain("chưa kết nối bot Zalo riêng");
    expect(everything(connected, listed, gone)).not.toContain(SECRET);
  });

  it("doctor checks each committee's bot: its file as the bot reads it, and its token with Zalo, never printing it", async () => {
    box.env.ZALO_API_ROOT = botA.apiRoot;
    await committees();
    const file = tokenFile("xa.token", `${tokenA}\n`, 0o600);
    expect((await cli("zalo:connect", "XA", "--token-file", file)).code).toBe(0);
    const ok = await cli("doctor");
    expect(ok.stdout).toContain(`✓ Bot Zalo của XA: tài khoản Bot BCĐ Xã A trả lời từ ${botA.apiRoot} (kết nối trực tiếp, không qua proxy)`);

    chmodSync(file, 0o644);
    const loose = await cli("doctor");
    expect(loose.code).toBe(1);
    expect(loose.stdout).toContain(`✗ Bot Zalo của XA: Tệp token ${file} đang cho người khác đọc được: bot này sẽ không chạy cho đến khi chạy chmod 600 ${file}.`);

    // Another bot's token put in the file: Zalo (this bot's server) refuses it.
    writeFileSync(file, tokenB);
    chmodSync(file, 0o600);
    const refused = await cli("--lang", "en", "doctor");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ Zalo bot of XA: Zalo refused the token of this bot (error 401).");

    // A token Zalo knows, but of another bot than the one connected: the bot would answer as someone else.
    const other = await FakeZalo.start({ token: tokenB, botId: "3333333333333333333", botName: "Bot khác" });
    try {
      box.env.ZALO_API_ROOT = other.apiRoot;
      const wrong = await cli("doctor");
      expect(wrong.stdout).toContain(`✗ Bot Zalo của XA: token trong tệp ${file} là của bot 3333333333333333333, không phải bot 1111111111111111111 đã kết nối với XA.`);
      expect(everything(ok, loose, refused, wrong)).not.toContain(SECRET);
    } finally {
      await other.stop();
    }
  });

  it("refuses a token file others may read, with the chmod to run, and never calls Zalo", async () => {
    box.env.ZALO_API_ROOT = botA.apiRoot;
    await committees();
    const file = tokenFile("loose.token", tokenA, 0o644);
    const r = await cli("zalo:connect", "XA", "--token-file", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`chmod 600 ${file}`);
    expect(botA.calls).toHaveLength(0);
    expect(box.withDb((db) => db.prepare("select count(*) as n from zalo_bots").get())).toEqual({ n: 0 });
    const en = await cli("zalo:connect", "XA", "--token-file", file, "--lang", "en");
    expect(en.stderr).toContain("readable by its group or others");
    expect(everything(r, en)).not.toContain(SECRET);
  });

  it("refuses a token Zalo does not know, and a file that holds no token, without printing either", async () => {
    box.env.ZALO_API_ROOT = botA.apiRoot;
    await committees();
    // Well shaped, but not botA's token: the fake answers getMe with 401, as Zalo does.
    const wrong = await cli("zalo:connect", "XA", "--token-file", tokenFile("wrong.token", tokenB, 0o600));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Zalo từ chối mã token này (lỗi 401");
    const junk = await cli("zalo:connect", "XA", "--token-file", tokenFile("junk.token", `token: ${SECRET}\n`, 0o600));
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain("không chứa đúng một mã token");
    expect(box.withDb((db) => db.prepare("select count(*) as n from zalo_bots").get())).toEqual({ n: 0 });
    expect(everything(wrong, junk)).not.toContain(SECRET);
  });

  it("refuses a bot already connected to another committee, and the installation's own bot", async () => {
    box.env.ZALO_API_ROOT = botB.apiRoot;
    await committees();
    const file = tokenFile("xb.token", tokenB, 0o600);
    expect((await cli("zalo:connect", "XB", "--token-file", file)).code).toBe(0);
    const again = await cli("zalo:connect", "XA", "--token-file", file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("đã được kết nối với Ban Chỉ đạo XB");
    // Connecting it again to its own committee (a new file) is fine.
    expect((await cli("zalo:connect", "XB", "--token-file", tokenFile("xb2.token", tokenB, 0o600))).code).toBe(0);

    box.env.ZALO_BOT_TOKEN = tokenA;
    box.env.ZALO_API_ROOT = botA.apiRoot;
    const own = await cli("zalo:connect", "XA", "--token-file", tokenFile("own.token", tokenA, 0o600));
    expect(own.code).toBe(1);
    expect(own.stderr).toContain("bot chung của hệ thống");
    expect(everything(again, own)).not.toContain(SECRET);
  });

  it("warns in the list when a connected bot's token file has become readable by others", async () => {
    box.env.ZALO_API_ROOT = botA.apiRoot;
    await committees();
    const file = tokenFile("xa.token", tokenA, 0o600);
    expect((await cli("zalo:connect", "XA", "--token-file", file)).code).toBe(0);
    chmodSync(file, 0o640);
    const listed = await cli("zalo:list");
    expect(listed.stdout).toContain(`chmod 600 ${file}`);
    expect(listed.stdout).not.toContain(SECRET);
  });
});

describe("each committee's bot's share link", () => {
  const tokenA = `1111111111111111111:${SECRET}A`;
  const LINK_A = "https://zalo.me/1111111111111111111";
  const INSTALLATION_LINK = "https://zalo.me/9999999999999999999";
  let botA: FakeZalo;
  beforeEach(async () => {
    botA = await FakeZalo.start({ token: tokenA, botId: "1111111111111111111", botName: "Bot BCĐ Xã A" });
    box.env.ZALO_API_ROOT = botA.apiRoot;
    expect((await cli("committee:create", "--code", "XA", "--name", "Ban Chỉ đạo xã A", "--level", "commune")).code).toBe(0);
    expect((await cli("committee:create", "--code", "XB", "--name", "Ban Chỉ đạo xã B", "--level", "commune")).code).toBe(0);
  });
  afterEach(async () => {
    await botA.stop();
  });

  const tokenFile = () => {
    const file = join(box.dir, "xa.token");
    writeFileSync(file, tokenA);
    chmodSync(file, 0o600);
    return file;
  };
  const storedLink = () => box.withDb((db) => db.prepare("select link from zalo_bots").get() as { link: string | null } | undefined);

  it("keeps the link given to zalo:connect, shows it in zalo:list, and sets it later with zalo:link", async () => {
    const connected = await cli("zalo:connect", "XA", "--token-file", tokenFile(), "--link", LINK_A);
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain(`Lời mời của Ban Chỉ đạo XA hướng dẫn liên kết Zalo qua ${LINK_A}.`);
    expect(storedLink()).toEqual({ link: LINK_A });
    expect((await cli("zalo:list")).stdout).toContain(`Đường dẫn trong lời mời: ${LINK_A}`);
    expect((await cli("zalo:list", "--lang", "en")).stdout).toContain(`Link in invites: ${LINK_A}`);

    // Connected again with a new token file and no --link: the same bot keeps its link.
    expect((await cli("zalo:connect", "XA", "--token-file", tokenFile())).code).toBe(0);
    expect(storedLink()).toEqual({ link: LINK_A });

    const later = await cli("zalo:link", "XA", "https://zalo.me/s/botxa");
    expect(later.code).toBe(0);
    expect(later.stdout).toContain("Đã lưu đường dẫn của bot Zalo 1111111111111111111 của Ban Chỉ đạo XA.");
    expect(storedLink()).toEqual({ link: "https://zalo.me/s/botxa" });
    expect(box.withDb((db) => db.prepare("select count(*) as n from audit_log where action = 'zalo.link'").get())).toEqual({ n: 1 });
  });

  it("says in zalo:connect and zalo:list when the bot has no link yet, so its committee's invites say nothing about Zalo", async () => {
    const connected = await cli("zalo:connect", "XA", "--token-file", tokenFile());
    expect(connected.code).toBe(0);
    expect(connected.stdout).toContain("Bot riêng của Ban Chỉ đạo XA chưa có đường dẫn chia sẻ");
    expect((await cli("zalo:list")).stdout).toContain("zalo:link XA <đường dẫn https>");
  });

  it("refuses a link that is not https, before reading the token or calling Zalo, and changes nothing", async () => {
    for (const bad of ["http://zalo.me/1111111111111111111", "zalo.me/1111111111111111111", "https://", "https://zalo.me/a b"]) {
      const r = await cli("zalo:connect", "XA", "--token-file", tokenFile(), "--link", bad);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("không hợp lệ. Đề nghị dùng đường dẫn chia sẻ của bot (bắt đầu bằng https://");
    }
    expect(botA.calls).toHaveLength(0);
    expect(storedLink()).toBeUndefined();
    const en = await cli("zalo:connect", "XA", "--token-file", tokenFile(), "--link", "ftp://zalo.me/x", "--lang", "en");
    expect(en.stderr).toContain("The Zalo bot link ftp://zalo.me/x is not valid.");

    expect((await cli("zalo:connect", "XA", "--token-file", tokenFile(), "--link", LINK_A)).code).toBe(0);
    const later = await cli("zalo:link", "XA", "javascript:alert(1)");
    expect(later.code).toBe(1);
    expect(later.stderr).toContain("không hợp lệ");
    expect(storedLink()).toEqual({ link: LINK_A });
    // A committee without a bot of its own has no link to set.
    const none = await cli("zalo:link", "XB", LINK_A);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Ban Chỉ đạo XB chưa kết nối bot Zalo riêng");
  });

  it("names in a committee's invites its own bot's link, and ZALO_BOT_LINK in another committee's", async () => {
    expect((await cli("zalo:connect", "XA", "--token-file", tokenFile(), "--link", LINK_A)).code).toBe(0);
    Object.assign(box.env, { ZALO_BOT_TOKEN: `12345689:${SECRET}`, ZALO_BOT_LINK: INSTALLATION_LINK });
    const roster = join(box.dir, "roster.csv");
    const codeIn = (text: string, link: string) => new RegExp(`Trên Zalo: mở ${link.replace(/[./]/g, "\\$&")} và gửi cho trợ lý mã ([\\w-]{16,})\\.`).exec(text)?.[1];

    writeFileSync(roster, "full_name,role,organization,title,phone,email\nNguyễn Văn An,Thành viên,UBND xã A,Chủ tịch,,\n");
    const a = await cli("members:import", "--committee", "XA", roster);
    expect(a.code).toBe(0);
    expect(codeIn(a.stdout, LINK_A)).toBeDefined();
    expect(a.stdout).not.toContain(INSTALLATION_LINK);

    writeFileSync(roster, "full_name,role,organization,title,phone,email\nTrần Thị Bình,Thành viên,UBND xã B,Chủ tịch,,\n");
    const b = await cli("members:import", "--committee", "XB", roster);
    expect(b.code).toBe(0);
    expect(codeIn(b.stdout, INSTALLATION_LINK)).toBeDefined();
    expect(b.stdout).not.toContain(LINK_A);

    const member = (name: string) => String(box.withDb((db) => (db.prepare("select m.id from memberships m join people p on p.id = m.person_id where p.full_name = ?").get(name) as { id: number }).id));
    const issuedA = await cli("invite:issue", member("Nguyễn Văn An"));
    expect(codeIn(issuedA.stdout, LINK_A)).toBeDefined();
    expect(issuedA.stdout).not.toContain(INSTALLATION_LINK);
    const issuedB = await cli("invite:issue", member("Trần Thị Bình"));
    expect(codeIn(issuedB.stdout, INSTALLATION_LINK)).toBeDefined();

    // Disconnected, the committee is served by the installation's bot again, and so are its invites.
    expect((await cli("zalo:disconnect", "XA")).code).toBe(0);
    const afterwards = await cli("invite:issue", member("Nguyễn Văn An"));
    expect(codeIn(afterwards.stdout, INSTALLATION_LINK)).toBeDefined();
    expect(afterwards.stdout).not.toContain(LINK_A);
    expect([a, b, issuedA, issuedB, afterwards].map((r) => r.stdout + r.stderr).join("\n")).not.toContain(SECRET);
  });
});
