import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliSandbox, type Run } from "./support/cli.js";
import { formatDateTime } from "../src/i18n/format.js";

const COMMITTEE_NAME = "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn";
const BOT_USERNAME = "bcd_langson_bot";
const TOKEN = "7777777:AAFakeTokenForCliTests_abcdefghijkl";

/** Three good rows (lines 2, 3, 5), a bad role on line 4 and a bad email on line 6. */
const ROSTER = [
  "full_name,role,organization,title,phone,email",
  "Nguyễn Văn Ân,Trưởng ban,UBND tỉnh Lạng Sơn,Chủ tịch,0912 345 678,an.nv@langson.gov.vn",
  "Trần Thị Bích Ngọc,Thành viên,Sở Thông tin và Truyền thông,Giám đốc,,ngoc.ttb@langson.gov.vn",
  "Phạm Quốc Việt,giám đốc,Sở Tài chính,Giám đốc,,viet.pq@langson.gov.vn",
  "Lê Hoàng Đức,Tổ giúp việc,Văn phòng UBND tỉnh,Chuyên viên,0987.654.321,",
  "Hoàng Thu Hà,Thành viên,Sở Nội vụ,Phó Giám đốc,,ha.langson",
  "",
].join("\n");
const GOOD_NAMES = ["Nguyễn Văn Ân", "Trần Thị Bích Ngọc", "Lê Hoàng Đức"];

const box = cliSandbox("bcd-cli-");
const cli = box.run;
const withDb = box.withDb;

const hash = (code: string) => createHash("sha256").update(code, "utf8").digest("hex");
const linksIn = (text: string) => [...text.matchAll(/https:\/\/t\.me\/(\w+)\?start=([A-Za-z0-9_-]+)/g)].map((m) => ({ username: m[1]!, code: m[2]! }));
const memberNumber = (name: string) =>
  withDb((db) => (db.prepare("select m.id from memberships m join people p on p.id = m.person_id where p.full_name = ?").get(name) as { id: number }).id);

async function createProvince(): Promise<void> {
  const r = await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province");
  expect(r.code).toBe(0);
}

function storeBotUsername(): void {
  withDb((db) => db.prepare("insert into settings (key, value, updated_at) values (?, ?, ?)").run("telegram.bot_username", BOT_USERNAME, new Date().toISOString()));
}

async function importRoster(): Promise<Run> {
  await createProvince();
  storeBotUsername();
  writeFileSync(join(box.dir, "roster.csv"), ROSTER);
  return cli("members:import", "--committee", "LS", join(box.dir, "roster.csv"));
}

describe("cli: migrate", () => {
  it("creates the schema in a new file and then says it is up to date", async () => {
    const first = await cli("migrate");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Đã áp dụng bản cập nhật cấu trúc cơ sở dữ liệu: 20261121T0900-foundation");
    const tables = withDb((db) => db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(["committees", "people", "memberships", "invites", "settings"]));

    const second = await cli("migrate", "--lang", "en");
    expect(second).toMatchObject({ code: 0, stdout: "The database is up to date.\n" });
  });

  it("reports a bad configuration in one line with exit code 2", async () => {
    box.env = { DATABASE_URL: "mysql://localhost/bcd" };
    const r = await cli("migrate");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("DATABASE_URL");
  });
});

describe("cli: committees", () => {
  it("creates a province and a commune, and lists them", async () => {
    const created = await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province", "--governing-body", "UBND tỉnh Lạng Sơn", "--place-name", "Lạng Sơn");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Đã tạo Ban Chỉ đạo LS: ${COMMITTEE_NAME}`);
    // Since 1 July 2025 there is no district level: a subordinate committee is a commune's or a ward's.
    const commune = await cli("committee:create", "--code", "DD", "--name", "Ban Chỉ đạo xã Đồng Đăng", "--level", "commune", "--parent", "ls", "--locale", "en");
    expect(commune.code).toBe(0);

    const list = await cli("committee:list");
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Mã\s+Tên\s+Cấp\s+Cấp trên\s+Múi giờ$/);
    expect(lines[2]).toMatch(new RegExp(`^LS\\s+${COMMITTEE_NAME}\\s+cấp tỉnh\\s+Asia/Ho_Chi_Minh$`));
    expect(lines[3]).toMatch(/^DD\s+Ban Chỉ đạo xã Đồng Đăng\s+cấp xã\s+LS\s+Asia\/Ho_Chi_Minh$/);

    const rows = withDb((db) => db.prepare("select code, level, parent_id, default_locale, governing_body, place_name from committees order by id").all());
    expect(rows).toEqual([
      { code: "LS", level: "province", parent_id: null, default_locale: "vi", governing_body: "UBND tỉnh Lạng Sơn", place_name: "Lạng Sơn" },
      { code: "DD", level: "commune", parent_id: 1, default_locale: "en", governing_body: null, place_name: null },
    ]);
  });

  it("edits a committee's name, level and document fields, matching its code in any case, and clears a field with an empty text", async () => {
    await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province");
    await cli("committee:create", "--code", "CL", "--name", "Ban Chỉ đạo huyện Cao Lộc", "--level", "district", "--parent", "LS");
    const edited = await cli(
      "committee:edit",
      "ls",
      "--governing-body",
      "UBND tỉnh Lạng Sơn",
      "--place-name",
      "Lạng Sơn",
      "--code-prefix",
      "BCĐ",
      "--focal-body",
      "Sở Khoa học và Công nghệ",
    );
    expect(edited).toMatchObject({ code: 0, stderr: "" });
    expect(edited.stdout).toBe(
      [
        "Đã cập nhật Ban Chỉ đạo LS:",
        "Mã: LS",
        `Tên: ${COMMITTEE_NAME}`,
        "Cấp: cấp tỉnh",
        "Cấp trên: (chưa ghi)",
        "Cơ quan chủ quản: UBND tỉnh Lạng Sơn",
        "Địa danh: Lạng Sơn",
        "Ký hiệu văn bản: BCĐ",
        "Cơ quan thường trực: Sở Khoa học và Công nghệ",
        "",
      ].join("\n"),
    );
    // The old district committee becomes the commune that replaced it.
    const commune = await cli("committee:edit", "Cl", "--name", "Ban Chỉ đạo xã Đồng Đăng", "--level", "commune");
    expect(commune.code).toBe(0);
    expect(commune.stdout).toContain("Cấp: cấp xã\nCấp trên: LS\n");
    const cleared = await cli("committee:edit", "LS", "--focal-body", "");
    expect(cleared.stdout).toContain("Cơ quan thường trực: (chưa ghi)");
    const bad = await cli("committee:edit", "LS", "--code-prefix", "B C");
    expect(bad).toMatchObject({ code: 1, stderr: "Ký hiệu văn bản «B C» không hợp lệ (tối đa 16 ký tự chữ, số, - hoặc _; ví dụ: BCĐ).\n" });
    const provinceUnder = await cli("committee:edit", "LS", "--level", "ward");
    expect(provinceUnder).toMatchObject({ code: 1, stderr: "Ban Chỉ đạo này đang là cấp trên của Ban Chỉ đạo khác nên phải giữ cấp tỉnh.\n" });
    expect((await cli("committee:edit", "LS")).code).toBe(2);
    expect(withDb((db) => db.prepare("select code, name, level, code_prefix, focal_body from committees order by id").all())).toEqual([
      { code: "LS", name: COMMITTEE_NAME, level: "province", code_prefix: "BCĐ", focal_body: null },
      { code: "CL", name: "Ban Chỉ đạo xã Đồng Đăng", level: "commune", code_prefix: null, focal_body: null },
    ]);
    expect(withDb((db) => db.prepare("select count(*) as n from audit_log where action = 'committee.edit'").get())).toEqual({ n: 3 });
  });

  it("refuses a bad code with the translated reason and exit code 1, creating nothing", async () => {
    const vi = await cli("committee:create", "--code", "L S", "--name", COMMITTEE_NAME, "--level", "province");
    expect(vi.code).toBe(1);
    expect(vi.stderr).toContain("Mã Ban Chỉ đạo «L S» không hợp lệ (2–32 ký tự chữ, số, - hoặc _).\n");
    const en = await cli("--lang", "en", "committee:create", "--code", "L S", "--name", COMMITTEE_NAME, "--level", "province");
    expect(en.code).toBe(1);
    expect(en.stderr).toBe("The committee code “L S” is not valid (2–32 letters, digits, - or _).\n");
    expect(withDb((db) => db.prepare("select count(*) as n from committees").get())).toEqual({ n: 0 });
  });

  it("refuses a taken code", async () => {
    await createProvince();
    const again = await cli("committee:create", "--code", "LS", "--name", "Khác", "--level", "province");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("«LS» đã được sử dụng");
  });
});

describe("cli: members:import", () => {
  it("imports the good rows, names the bad lines, prints invite links, and exits 1", async () => {
    const r = await importRoster();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Thêm mới: 3; cập nhật: 0; không thay đổi: 0; dòng lỗi: 2.");
    expect(r.stdout).toContain("Dòng 4: vai trò «giám đốc» không hợp lệ");
    expect(r.stdout).toContain("Dòng 6: địa chỉ thư điện tử «ha.langson» không hợp lệ");
    expect(r.stdout).not.toMatch(/Dòng (2|3|5):/);

    const people = withDb((db) => db.prepare("select id, full_name, phone from people order by id").all() as { id: number; full_name: string; phone: string | null }[]);
    expect(people.map((p) => p.full_name)).toEqual(GOOD_NAMES);
    expect(people.map((p) => p.phone)).toEqual(["0912345678", null, "0987654321"]);

    // One link per new member, on that member's line, that signs in exactly that person.
    const links = linksIn(r.stdout);
    expect(links).toHaveLength(3);
    const invites = withDb((db) => db.prepare("select person_id, code_hash, expires_at from invites").all() as { person_id: number; code_hash: string; expires_at: string }[]);
    for (const person of people) {
      const line = r.stdout.split("\n").find((l) => l.startsWith(person.full_name))!;
      const [link] = linksIn(line);
      expect(link!.username).toBe(BOT_USERNAME);
      const invite = invites.find((i) => i.code_hash === hash(link!.code))!;
      expect(invite.person_id).toBe(person.id);
      expect(line).toContain(formatDateTime(invite.expires_at, "Asia/Ho_Chi_Minh"));
    }
    expect(r.stdout).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  });

  it("changes nothing when the same file is imported again", async () => {
    await importRoster();
    const before = withDb((db) => db.prepare("select (select count(*) from people) as people, (select count(*) from invites) as invites").get());
    const again = await cli("--lang", "en", "members:import", "--committee", "LS", join(box.dir, "roster.csv"));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("Added: 0; updated: 0; unchanged: 3; rows with errors: 2.");
    expect(again.stdout).toContain("Line 4: the role “giám đốc” is not valid");
    expect(linksIn(again.stdout)).toEqual([]);
    expect(withDb((db) => db.prepare("select (select count(*) from people) as people, (select count(*) from invites) as invites").get())).toEqual(before);
  });

  it("exits 0 when every row imports", async () => {
    await createProvince();
    storeBotUsername();
    writeFileSync(join(box.dir, "ok.csv"), "\uFEFFfull_name,role\nĐỗ Minh Tâm,member\n");
    const r = await cli("members:import", "--committee", "LS", join(box.dir, "ok.csv"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Thêm mới: 1;");
    expect(r.stdout).not.toContain("Các dòng chưa nhập được");
  });

  it("writes the invites to a CSV file with --invites-out instead of printing the codes", async () => {
    await createProvince();
    storeBotUsername();
    writeFileSync(join(box.dir, "roster.csv"), ROSTER);
    const out = join(box.dir, "invites.csv");
    const r = await cli("members:import", "--committee", "LS", join(box.dir, "roster.csv"), "--invites-out", out);
    expect(r.code).toBe(1);
    expect(linksIn(r.stdout)).toEqual([]);
    expect(r.stdout).toContain(`Đã ghi 3 đường liên kết mời vào tệp ${out}`);

    // For Excel set to Vietnamese: a BOM, semicolons, and each person's phone and email beside the link.
    const text = readFileSync(out, "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe("Họ và tên;Cơ quan, đơn vị;Điện thoại;Email;Đường liên kết mời;Hết hạn");
    expect(lines).toHaveLength(4);
    const an = lines.find((l) => l.startsWith("Nguyễn Văn Ân;"))!.split(";");
    expect(an.slice(0, 4)).toEqual(["Nguyễn Văn Ân", "UBND tỉnh Lạng Sơn", "0912 345 678", "an.nv@langson.gov.vn"]);
    expect(linksIn(an[4]!)).toHaveLength(1);
    expect(an[5]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(lines.find((l) => l.startsWith("Trần Thị Bích Ngọc;"))!.split(";").slice(2, 4)).toEqual(["", "ngoc.ttb@langson.gov.vn"]);
    expect(lines.find((l) => l.startsWith("Lê Hoàng Đức;"))!.split(";").slice(2, 4)).toEqual(["0987 654 321", ""]);
    const hashes = withDb((db) => (db.prepare("select code_hash from invites").all() as { code_hash: string }[]).map((i) => i.code_hash));
    expect(linksIn(text).map((l) => hash(l.code)).sort()).toEqual(hashes.sort());
    expect(statSync(out).mode & 0o077).toBe(0);
  });

  it("adds how to link on Zalo to the invites file and to a new invite when ZALO_BOT_LINK is set", async () => {
    await createProvince();
    storeBotUsername();
    box.env = { ...box.env, ZALO_BOT_TOKEN: "12345689:TEST-ZALO-not-a-real-one", ZALO_BOT_LINK: "https://zalo.me/1459232241454765289" };
    writeFileSync(join(box.dir, "roster.csv"), ROSTER);
    const out = join(box.dir, "invites.csv");
    await cli("members:import", "--committee", "LS", join(box.dir, "roster.csv"), "--invites-out", out);
    const lines = readFileSync(out, "utf8").slice(1).trimEnd().split(/\r?\n/);
    expect(lines[0]).toBe("Họ và tên;Cơ quan, đơn vị;Điện thoại;Email;Đường liên kết mời;Trên Zalo;Hết hạn");
    const an = lines.find((l) => l.startsWith("Nguyễn Văn Ân;"))!.split(";");
    const code = linksIn(an[4]!)[0]!.code;
    expect(an[5]).toBe(`Trên Zalo: mở https://zalo.me/1459232241454765289 và gửi cho trợ lý mã ${code}.`);
    const r = await cli("invite:issue", String(memberNumber("Nguyễn Văn Ân")));
    const fresh = linksIn(r.stdout)[0]!.code;
    expect(r.stdout).toContain(`Trên Zalo: mở https://zalo.me/1459232241454765289 và gửi cho trợ lý mã ${fresh}.`);
  });

  it("prints the raw codes and how to build the link when the bot's username is unknown", async () => {
    await createProvince();
    writeFileSync(join(box.dir, "ok.csv"), "full_name,role\nĐỗ Minh Tâm,member\n");
    const r = await cli("members:import", "--committee", "LS", join(box.dir, "ok.csv"));
    expect(r.code).toBe(0);
    expect(linksIn(r.stdout)).toEqual([]);
    expect(r.stdout).toContain("https://t.me/<tên tài khoản>?start=<mã mời>");
    const code = r.stdout.split("\n").find((l) => l.startsWith("Đỗ Minh Tâm"))!.split(/\s{2,}/)[1]!;
    const stored = withDb((db) => db.prepare("select code_hash from invites").get() as { code_hash: string });
    expect(hash(code)).toBe(stored.code_hash);
  });

  describe("with a bot token and no stored username", () => {
    let server: Server;
    let status = 200;
    beforeEach(async () => {
      status = 200;
      server = createServer((req, res) => {
        res.writeHead(status, { "content-type": "application/json" });
        const ok = status === 200 && req.url === `/bot${TOKEN}/getMe`;
        res.end(
          JSON.stringify(
            ok
              ? { ok: true, result: { id: 7777777, is_bot: true, first_name: "Trợ lý BCĐ", username: "bcd_from_getme_bot" } }
              : { ok: false, error_code: 401, description: "Unauthorized" },
          ),
        );
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      box.env.TELEGRAM_BOT_TOKEN = TOKEN;
      box.env.TELEGRAM_API_ROOT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await createProvince();
      writeFileSync(join(box.dir, "ok.csv"), "full_name,role\nĐỗ Minh Tâm,member\n");
    });
    afterEach(async () => {
      await new Promise((done) => server.close(done));
    });

    it("asks Telegram for the username, remembers it, and never prints the token", async () => {
      const r = await cli("members:import", "--committee", "LS", join(box.dir, "ok.csv"));
      expect(r.code).toBe(0);
      expect(linksIn(r.stdout).map((l) => l.username)).toEqual(["bcd_from_getme_bot"]);
      expect(withDb((db) => db.prepare("select value from settings where key = 'telegram.bot_username'").get())).toEqual({ value: "bcd_from_getme_bot" });
      expect(r.stdout + r.stderr).not.toContain(TOKEN.split(":")[1]);
    });

    it("falls back to the raw codes when Telegram refuses, saying why without the token", async () => {
      status = 401;
      const r = await cli("members:import", "--committee", "LS", join(box.dir, "ok.csv"));
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("Không hỏi được tên tài khoản của Trợ lý từ Telegram");
      expect(r.stdout).toContain("https://t.me/<tên tài khoản>?start=<mã mời>");
      expect(r.stdout + r.stderr).not.toContain(TOKEN.split(":")[1]);
    });
  });

  it("refuses a file that is not UTF-8 and imports nothing", async () => {
    await createProvince();
    writeFileSync(join(box.dir, "latin1.csv"), Buffer.from("full_name,role\nNguy\xeAn V\xe3n An,member\n", "latin1"));
    const r = await cli("members:import", "--committee", "LS", join(box.dir, "latin1.csv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("không ở bảng mã UTF-8");
    expect(withDb((db) => db.prepare("select count(*) as n from people").get())).toEqual({ n: 0 });
  });

  it("names an unknown committee and a missing file", async () => {
    await createProvince();
    const unknown = await cli("members:import", "--committee", "XX", join(box.dir, "roster.csv"));
    expect(unknown).toMatchObject({ code: 1, stderr: "Không tìm thấy Ban Chỉ đạo có mã «XX».\n" });
    const missing = await cli("--lang", "en", "members:import", "--committee", "LS", join(box.dir, "nope.csv"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot read ${join(box.dir, "nope.csv")}: no such file.`);
  });
});

describe("cli: members and invites", () => {
  it("lists the members who have not linked an account", async () => {
    await importRoster();
    // Trần Thị Bích Ngọc signs in with her link: her account is linked and the invite used.
    withDb((db) => {
      const now = new Date().toISOString();
      const { id } = db.prepare("select id from people where full_name = ?").get("Trần Thị Bích Ngọc") as { id: number };
      db.prepare("insert into channel_identities (person_id, channel, external_id, chat_id, linked_at) values (?, 'telegram', '5001', '5001', ?)").run(id, now);
      db.prepare("update invites set used_at = ?, used_by_external_id = '5001' where person_id = ?").run(now, id);
    });
    const unlinked = await cli("members:list", "--committee", "LS", "--unlinked");
    expect(unlinked.code).toBe(0);
    expect(unlinked.stdout).toContain(`Thành viên ${COMMITTEE_NAME} chưa liên kết tài khoản: 2 người.`);
    const an = unlinked.stdout.split("\n").find((l) => l.includes("Nguyễn Văn Ân"))!;
    expect(an).toMatch(new RegExp(`^${memberNumber("Nguyễn Văn Ân")}\\s+Nguyễn Văn Ân\\s+Trưởng ban\\s+UBND tỉnh Lạng Sơn\\s+Chủ tịch\\s+chưa liên kết\\s+còn hạn đến \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}$`));
    expect(unlinked.stdout).toContain("Lê Hoàng Đức");
    expect(unlinked.stdout).not.toContain("Trần Thị Bích Ngọc");

    const all = await cli("members:list", "--committee", "LS", "--lang", "en");
    expect(all.stdout).toContain(`Members of ${COMMITTEE_NAME}: 3, 1 with a linked account.`);
    expect(all.stdout.split("\n").find((l) => l.includes("Trần Thị Bích Ngọc"))).toMatch(/Member\s+Sở Thông tin và Truyền thông\s+Giám đốc\s+linked\s+—$/);
  });

  it("issues a new link; the old one is revoked and only the new code is in force", async () => {
    const imported = await importRoster();
    const oldCode = linksIn(imported.stdout.split("\n").find((l) => l.startsWith("Nguyễn Văn Ân"))!)[0]!.code;
    const id = memberNumber("Nguyễn Văn Ân");

    const r = await cli("invite:issue", String(id));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Đã cấp đường liên kết mời cho đồng chí Nguyễn Văn Ân:");
    const links = linksIn(r.stdout);
    expect(links).toHaveLength(1);
    expect(links[0]!.username).toBe(BOT_USERNAME);
    expect(links[0]!.code).not.toBe(oldCode);

    const byHash = (code: string) => withDb((db) => db.prepare("select revoked_at, used_at, expires_at from invites where code_hash = ?").get(hash(code)) as { revoked_at: string | null; expires_at: string });
    expect(byHash(oldCode).revoked_at).not.toBeNull();
    const fresh = byHash(links[0]!.code);
    expect(fresh.revoked_at).toBeNull();
    expect(r.stdout).toContain(`hết hạn lúc ${formatDateTime(fresh.expires_at, "Asia/Ho_Chi_Minh")}`);
  });

  it("revokes a member's open invite, and says so when there is none", async () => {
    await importRoster();
    const id = memberNumber("Lê Hoàng Đức");
    const r = await cli("invite:revoke", String(id));
    expect(r).toMatchObject({ code: 0, stdout: "Đã thu hồi đường liên kết mời của đồng chí Lê Hoàng Đức.\n" });
    const open = withDb((db) =>
      db.prepare("select count(*) as n from invites i join memberships m on m.person_id = i.person_id where m.id = ? and i.revoked_at is null").get(id),
    );
    expect(open).toEqual({ n: 0 });

    const again = await cli("invite:revoke", String(id));
    expect(again).toMatchObject({ code: 1, stderr: "Đồng chí Lê Hoàng Đức không có liên kết mời nào đang còn hiệu lực.\n" });
    const nobody = await cli("invite:issue", "999");
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("999");
  });

  it("deactivates a member: hidden from the list, shown with --all, invite revoked", async () => {
    await importRoster();
    const id = memberNumber("Trần Thị Bích Ngọc");
    const r = await cli("members:deactivate", String(id));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Đã ghi nhận đồng chí Trần Thị Bích Ngọc thôi tham gia.");
    expect(withDb((db) => db.prepare("select active from memberships where id = ?").get(id))).toEqual({ active: 0 });

    const list = await cli("members:list", "--committee", "LS");
    expect(list.stdout).toContain("Nguyễn Văn Ân");
    expect(list.stdout).not.toContain("Trần Thị Bích Ngọc");
    const all = await cli("members:list", "--committee", "LS", "--all");
    expect(all.stdout.split("\n").find((l) => l.includes("Trần Thị Bích Ngọc"))).toMatch(/chưa liên kết\s+—\s+đã thôi tham gia$/);

    const again = await cli("members:deactivate", String(id));
    expect(again).toMatchObject({ code: 1, stderr: "Đồng chí Trần Thị Bích Ngọc đã thôi tham gia từ trước.\n" });
  });
});

describe("cli: what reaches a spreadsheet or a terminal", () => {
  it("writes cells that begin like a formula to the invites file as text, behind a single quote", async () => {
    await createProvince();
    storeBotUsername();
    const roster = [
      "full_name,role,organization",
      '"=HYPERLINK(""http://x"",""y"")",member,Sở Tài chính',
      // A phone number where the organization belongs: still the number, as text, not a sum.
      "@SUM(1),member,+84912345678",
      "-2+3,member,Sở Nội vụ",
      "Nguyễn Văn Ân,member,UBND tỉnh Lạng Sơn",
    ].join("\n");
    writeFileSync(join(box.dir, "roster.csv"), roster);
    const out = join(box.dir, "invites.csv");
    const r = await cli("members:import", "--committee", "LS", join(box.dir, "roster.csv"), "--invites-out", out);
    expect(r.code).toBe(0);

    const rows = parse(readFileSync(out, "utf8"), { bom: true, delimiter: ";" }) as string[][];
    expect(rows.slice(1).map((row) => row[0])).toEqual(["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1)", "'-2+3", "Nguyễn Văn Ân"]);
    expect(rows.slice(1).map((row) => row[1])).toEqual(["Sở Tài chính", "'+84912345678", "Sở Nội vụ", "UBND tỉnh Lạng Sơn"]);
    expect(rows[2]![1]!.slice(1)).toBe("+84912345678");
    // Links and dates are untouched, and still sign the right people in.
    const hashes = withDb((db) => (db.prepare("select code_hash from invites").all() as { code_hash: string }[]).map((i) => i.code_hash));
    expect(rows.slice(1).map((row) => hash(linksIn(row[4]!)[0]!.code)).sort()).toEqual(hashes.sort());
    for (const row of rows.slice(1)) expect(row[5]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  });

  it("prints no escape codes, control characters or bidi overrides from names in the database", async () => {
    await importRoster();
    const id = memberNumber("Nguyễn Văn Ân");
    // Written straight into the database: the import itself cleans names.
    withDb((db) => {
      db.prepare("update people set full_name = ? where full_name = ?").run("Nguyễn\u001b[2J\u001b]0;pwned\u0007 Văn\u202e Ân\u009b31m\u0000\u007f", "Nguyễn Văn Ân");
      db.prepare("update memberships set organization = ?, title = ? where id = ?").run("UBND\u2066 tỉnh\r Lạng Sơn\u0008", "Chủ\u001bc tịch\u0085", id);
    });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const forbidden = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    const list = await cli("members:list", "--committee", "LS");
    expect(list.code).toBe(0);
    expect(list.stdout).not.toMatch(forbidden);
    expect(list.stdout).not.toContain("pwned");
    const line = list.stdout.split("\n").find((l) => l.startsWith(`${id} `))!;
    expect(line).toMatch(new RegExp(`^${id}\\s+Nguyễn Văn Ân\\s+Trưởng ban\\s+UBND tỉnh Lạng Sơn\\s+Chủ tịch\\s+chưa liên kết`));
    // The columns still line up: the header's "Họ và tên" starts where the name does.
    const header = list.stdout.split("\n").find((l) => l.includes("Họ và tên"))!;
    expect(line.indexOf("Nguyễn")).toBe(header.indexOf("Họ và tên"));

    const deactivated = await cli("members:deactivate", String(id));
    expect(deactivated.code).toBe(0);
    expect(deactivated.stdout).toContain("Nguyễn Văn Ân");
    expect(deactivated.stdout + deactivated.stderr).not.toMatch(forbidden);
  });
});

describe("cli: backup", () => {
  it("writes a copy that opens with better-sqlite3 and holds the committees", async () => {
    await createProvince();
    const target = join(box.dir, "backups", "bcd-backup.sqlite");
    const r = await cli("backup", target);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Đã sao lưu cơ sở dữ liệu vào ${target}`);
    const copy = new SQLite(target, { readonly: true });
    try {
      expect(copy.prepare("select code, name from committees").all()).toEqual([{ code: "LS", name: COMMITTEE_NAME }]);
    } finally {
      copy.close();
    }

    // Every name, phone number and setting is in it: readable by its owner only.
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const again = await cli("backup", target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("đã tồn tại; thêm --force để ghi đè");
    expect((await cli("backup", target, "--force")).code).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect((await cli("backup", box.dbPath, "--force")).code).toBe(1);
  });

  it("points to pg_dump on PostgreSQL and exits 1 without printing the URL", async () => {
    box.env = { DATABASE_URL: "postgres://bcd:s3cret-password@localhost:5432/bcd" };
    const r = await cli("backup", join(box.dir, "x.sqlite"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pg_dump");
    expect(r.stderr).not.toContain("s3cret-password");
    expect(existsSync(join(box.dir, "x.sqlite"))).toBe(false);
  });
});

describe("cli: help and usage", () => {
  it("prints a command's usage for --help and exits 0", async () => {
    const vi = await cli("members:import", "--help");
    expect(vi.code).toBe(0);
    expect(vi.stdout).toContain("Cách dùng: cli members:import [options] <file>");
    expect(vi.stdout).toMatch(/--committee <code> +mã Ban Chỉ đạo, ví dụ LS \(bắt buộc\)/);
    expect(vi.stdout).toContain("--invites-out <file>");
    const en = await cli("--lang", "en", "backup", "--help");
    expect(en.code).toBe(0);
    expect(en.stdout).toContain("Usage: cli backup [options] <target-file>");
    const root = await cli("--help");
    expect(root.code).toBe(0);
    for (const command of ["migrate", "committee:create", "committee:list", "members:import", "members:list", "members:deactivate", "invite:issue", "invite:revoke", "backup"]) {
      expect(root.stdout).toContain(command);
    }
  });

  it("refuses a missing argument with a usage message and a non-zero exit code", async () => {
    const r = await cli("members:import", "--committee", "LS");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("lỗi: thiếu tham số bắt buộc 'file'\nĐề nghị chạy «npm run cli -- members:import --help» để xem cách dùng.\n");
    expect(r.stdout).toBe("");
    const en = await cli("--lang", "en", "invite:issue", "abc");
    expect(en.code).toBe(2);
    expect(en.stderr).toContain("must be a positive whole number");
    expect(en.stderr.trimEnd().split("\n")).toHaveLength(2);
    expect(en.stderr).toContain("Run “npm run cli -- invite:issue --help” to see how to use it.");
    const missingOption = await cli("committee:create", "--code", "LS", "--name", "X");
    expect(missingOption.code).not.toBe(0);
    expect(missingOption.stderr).toContain("'--level <level>'");
    expect(existsSync(box.dbPath)).toBe(false);
  });
});
