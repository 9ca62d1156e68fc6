import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliSandbox } from "./support/cli.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { FakeZalo } from "./support/fake-zalo.js";
import { FakeTelegram } from "./support/fake-telegram.js";

const COMMITTEE_NAME = "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn";
// Made up and assembled here, so no token-shaped string is committed.
const MADE_UP_TOKEN = `${"12345".repeat(2)}:${"NotAToken_".repeat(4)}`;
const box = cliSandbox("bcd-cli-ops-");
const cli = box.run;
const withDb = box.withDb;

/** The commands that work on one committee, each with what else it needs to get past its own parsing. */
const COMMITTEE_COMMANDS = ["members:import", "members:list", "meeting:create", "meeting:list", "tasks:import", "tasks:list", "periods:list", "period:open", "period:export"];

async function createProvince(): Promise<void> {
  expect((await cli("committee:create", "--code", "LS", "--name", COMMITTEE_NAME, "--level", "province")).code).toBe(0);
}

/** A port nobody listens on: every connection is refused, as when Telegram is blocked. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe("cli: the committee", () => {
  it("is given as --committee <code> in every command that works on one", async () => {
    for (const command of COMMITTEE_COMMANDS) {
      const help = await cli(command, "--help");
      expect(help.code).toBe(0);
      expect(help.stdout, command).toMatch(/--committee <code> +mã Ban Chỉ đạo, ví dụ LS \(bắt buộc\)/);
      expect(help.stdout, command).not.toContain("committeeCode");
    }
    // The old positional form is a usage error that names the option and points to the command's help.
    await createProvince();
    const old = await cli("members:list", "LS");
    expect(old).toMatchObject({ code: 2, stdout: "" });
    expect(old.stderr).toBe("lỗi: thiếu tùy chọn bắt buộc '--committee <code>'\nĐề nghị chạy «npm run cli -- members:list --help» để xem cách dùng.\n");
  });

  it("is matched without regard to case", async () => {
    await createProvince();
    writeFileSync(join(box.dir, "roster.csv"), "full_name,role,organization\nĐỗ Minh Tâm,member,Sở Tài chính\n");
    expect((await cli("members:import", "--committee", "ls", join(box.dir, "roster.csv"))).code).toBe(0);
    const list = await cli("members:list", "--committee", "Ls");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Danh sách thành viên ${COMMITTEE_NAME}: 1 người`);
    expect((await cli("tasks:list", "--committee", "ls")).stdout).toContain(COMMITTEE_NAME);
    expect((await cli("meeting:list", "--committee", "ls")).code).toBe(0);

    const district = await cli("committee:create", "--code", "CL", "--name", "Ban Chỉ đạo huyện Cao Lộc", "--level", "district", "--parent", "ls");
    expect(district.code).toBe(0);
    expect(withDb((db) => db.prepare("select parent_id from committees where code = 'CL'").get())).toEqual({ parent_id: 1 });
    // "ls" is LS: it cannot be taken a second time.
    const taken = await cli("committee:create", "--code", "ls", "--name", "Khác", "--level", "province");
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("«ls» đã được sử dụng");
  });
});

describe("cli: usage errors", () => {
  it("print one line and a hint to the command's help, not the whole help, with exit code 2", async () => {
    const hint = (command: string) => `Đề nghị chạy «npm run cli -- ${command}--help» để xem cách dùng.`;
    const cases: [string[], string, string][] = [
      [["members:list", "--committee", "LS", "--everyone"], "lỗi: không có tùy chọn '--everyone'", hint("members:list ")],
      [["backup"], "lỗi: thiếu tham số bắt buộc 'target-file'", hint("backup ")],
      [["member:list"], "lỗi: không có lệnh 'member:list' (Có phải là members:list?)", hint("")],
      [["migrate", "--since", "x"], "lỗi: không có tùy chọn '--since'", hint("migrate ")],
      // --lang belongs to the program as a whole, so the hint is the program's help.
      [["migrate", "--lang", "fr"], "lỗi: giá trị 'fr' của tùy chọn '--lang <locale>' không hợp lệ; chọn một trong: vi, en.", hint("")],
    ];
    for (const [argv, line, after] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`${line}\n${after}\n`);
    }
  });

  it("speak DEFAULT_LOCALE's language", async () => {
    box.env.DEFAULT_LOCALE = "en";
    const r = await cli("member:list");
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toBe("error: unknown command 'member:list' (Did you mean members:list?)\nRun “npm run cli -- --help” to see how to use it.\n");
  });
});

describe("cli: help and version", () => {
  it("prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(await cli("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect((await cli("-V")).stdout).toBe(`${version}\n`);
    expect((await cli("--help")).stdout).toMatch(/-V, --version +hiển thị phiên bản/);
  });

  it("shows --agenda as required in meeting:create's help, and requires it", async () => {
    const help = await cli("meeting:create", "--help");
    expect(help.stdout).toMatch(/--agenda <text> +nội dung cuộc họp \(hoặc đọc từ tệp bằng --agenda-file\) \(bắt buộc\)/);
    expect(help.stdout).toMatch(/--agenda-file <file> +đọc nội dung cuộc họp từ tệp văn bản UTF-8 \(thay cho --agenda\)\n/);
    const en = await cli("--lang", "en", "meeting:create", "--help");
    expect(en.stdout).toMatch(/--agenda <text> +agenda of the meeting \(or give --agenda-file\) \(required\)/);

    await createProvince();
    const without = await cli("meeting:create", "--committee", "LS", "--title", "Họp", "--start", "30/11/2030 08:00", "--end", "30/11/2030 10:00", "--place", "Phòng họp");
    expect(without).toMatchObject({ code: 2, stdout: "" });
    expect(without.stderr.split("\n")[0]).toBe("lỗi: thiếu tùy chọn bắt buộc '--agenda <text>'");
  });
});

describe("cli: output into a pipe that closes early", () => {
  it("stops quietly when the reader has had enough (| head)", async () => {
    await createProvince();
    // Far more than a pipe holds, so the CLI is still writing when head has gone.
    withDb((db) => {
      const insert = db.prepare("insert into committees (code, name, level, parent_id, time_zone, default_locale, created_at) values (?, ?, 'district', 1, 'Asia/Ho_Chi_Minh', 'vi', ?)");
      const now = new Date().toISOString();
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run(`H${i}`, `Ban Chỉ đạo chuyển đổi số huyện số ${i} của tỉnh Lạng Sơn`, now);
      })();
    });
    const child = spawn("bash", ["-c", `"${process.execPath}" --import tsx src/cli.ts committee:list | head -n 1; echo "cli exit \${PIPESTATUS[0]}" >&2`], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: `file:${box.dbPath}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    await new Promise((resolve) => child.on("close", resolve));
    expect(stdout).toMatch(/^Mã\s+Tên\s+Cấp/);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toBe("cli exit 0\n");
  }, 30_000);
});

describe("cli: doctor", () => {
  let tg: FakeTelegram | undefined;
  let pgDb: TestDatabase | undefined;
  afterEach(async () => {
    await tg?.stop();
    tg = undefined;
    await pgDb?.drop();
    pgDb = undefined;
  });

  it("passes every check against a migrated database and a reachable Bot API", async () => {
    tg = await FakeTelegram.start();
    Object.assign(box.env, { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot });
    expect((await cli("migrate")).code).toBe(0);
    const r = await cli("doctor");
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      `✓ Cấu hình: đọc được (chế độ polling, cơ sở dữ liệu file:${box.dbPath}, ứng dụng: telegram)`,
      expect.stringMatching(new RegExp(`^✓ Cơ sở dữ liệu: kết nối được tới file:${box.dbPath}; đã áp dụng đủ \\d+ bản cập nhật cấu trúc cơ sở dữ liệu$`)),
      `✓ Telegram: tài khoản @${tg.botInfo.username} trả lời từ ${tg.apiRoot} (kết nối trực tiếp, không qua proxy)`,
      "✓ Hàng đợi gửi tin: không có tin nào đang chờ gửi; 0 tin lỗi, 0 tin không gửi được tới người nhận",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(tg.token);
  });

  it("checks Zalo when its token is set, and needs no Telegram token for a Zalo-only bot", async () => {
    const zalo = await FakeZalo.start();
    try {
      Object.assign(box.env, { ZALO_BOT_TOKEN: zalo.token, ZALO_API_ROOT: zalo.apiRoot });
      expect((await cli("migrate")).code).toBe(0);
      const r = await cli("doctor");
      expect(r.stdout).toContain(`✓ Zalo: tài khoản bot.FakeBcd trả lời từ ${zalo.apiRoot} (kết nối trực tiếp, không qua proxy)`);
      expect(r.stdout).not.toContain("Telegram");
      expect(r.code).toBe(0);
      box.env.ZALO_BOT_TOKEN = "12345689:WRONG-zalo-token-for-tests";
      const refused = await cli("--lang", "en", "doctor");
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain("✗ Zalo: Zalo refused the bot token (error 401). Check ZALO_BOT_TOKEN");
      expect(refused.stdout).not.toContain("WRONG-zalo-token");
    } finally {
      await zalo.stop();
    }
  });

  it("fails, with the localized line, when Telegram cannot be reached, and says what else to fix", async () => {
    const port = await closedPort();
    Object.assign(box.env, { TELEGRAM_BOT_TOKEN: MADE_UP_TOKEN, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` });
    // An empty database file: it opens, but nothing is migrated.
    writeFileSync(box.dbPath, "");
    const started = Date.now();
    const r = await cli("doctor");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^✗ Cơ sở dữ liệu: file:.* còn \d+ bản cập nhật cấu trúc cơ sở dữ liệu chưa áp dụng \(20261121T0900-foundation, .*\)\. Đề nghị chạy «npm run cli -- migrate» hoặc khởi động lại Trợ lý\.$/);
    expect(lines[2]).toMatch(new RegExp(`^✗ Telegram: Không kết nối được tới máy chủ Telegram http://127\\.0\\.0\\.1:${port} sau 1 lần thử .*HTTPS_PROXY.*TELEGRAM_API_ROOT`));
    expect(lines[3]).toMatch(/^✗ Hàng đợi gửi tin: không đọc được: /);
    expect(r.stdout).not.toContain("NotAToken");
    // Nothing was changed: still no table.
    expect(withDb((db) => db.prepare("select count(*) as n from sqlite_master").get())).toEqual({ n: 0 });

    const en = await cli("--lang", "en", "doctor");
    expect(en.stdout).toMatch(/\n✗ Telegram: Could not reach the Telegram server http:\/\/127\.0\.0\.1:\d+ after 1 tries/);
  }, 30_000);

  it("names a configuration error in one line, a missing database file, a missing token and a stuck queue", async () => {
    box.env = { DATABASE_URL: "mysql://localhost/bcd" };
    const config = await cli("doctor");
    expect(config.code).toBe(1);
    expect(config.stdout).toMatch(/^✗ Cấu hình: DATABASE_URL: [^\n]+\n$/);

    box.env = { DATABASE_URL: `file:${join(box.dir, "nope.sqlite")}` };
    const missing = await cli("doctor");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`✗ Cơ sở dữ liệu: không có tệp ${join(box.dir, "nope.sqlite")}. Đề nghị kiểm tra DATABASE_URL`);
    expect(missing.stdout).toContain("✗ Telegram: chưa đặt TELEGRAM_BOT_TOKEN nên Trợ lý không chạy được.");

    const port = await closedPort();
    box.env = { DATABASE_URL: `postgres://bcd:s3cret-password@127.0.0.1:${port}/bcd` };
    const down = await cli("doctor");
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`✗ Cơ sở dữ liệu: Không kết nối được tới cơ sở dữ liệu postgres://127.0.0.1:${port}/bcd (`);
    expect(down.stdout).not.toContain("s3cret-password");
    expect(down.stdout).not.toContain("Hàng đợi");

    box.env = { DATABASE_URL: `file:${box.dbPath}` };
    expect((await cli("migrate")).code).toBe(0);
    withDb((db) => {
      const insert = db.prepare("insert into outbox (channel, template, params, status, attempts, not_before, created_at) values ('telegram', 't', '{}', ?, 0, ?, ?)");
      const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
      insert.run("pending", ago(40), ago(40));
      insert.run("pending", ago(1), ago(1));
      insert.run("failed", ago(90), ago(90));
      insert.run("unreachable", ago(90), ago(90));
      insert.run("sent", ago(90), ago(90));
      // Held for someone who has not linked an app: counted apart, never "stuck".
      db.prepare("insert into outbox (channel, template, params, status, attempts, not_before, created_at, held_since) values ('telegram', 't', '{}', 'pending', 0, ?, ?, ?)").run(ago(300), ago(300), ago(300));
    });
    const stuck = await cli("doctor");
    expect(stuck.code).toBe(1);
    expect(stuck.stdout).toMatch(/\n✗ Hàng đợi gửi tin: 2 tin chờ gửi, tin chờ lâu nhất đã quá hạn gửi 4\d phút; 1 tin lỗi, 1 tin không gửi được tới người nhận, 1 tin giữ lại chờ người nhận liên kết tài khoản\. Đề nghị kiểm tra Trợ lý có đang chạy không/);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("checks a PostgreSQL database without showing its password", async () => {
    pgDb = await createTestDatabase("postgres");
    box.env = { DATABASE_URL: pgDb.url };
    const r = await cli("doctor");
    expect(r.stdout).toMatch(/\n✓ Cơ sở dữ liệu: kết nối được tới postgres:\/\/[^\s@]+\/bcd_test_\w+; đã áp dụng đủ \d+ bản cập nhật cấu trúc cơ sở dữ liệu\n/);
    expect(r.stdout).toContain("✓ Hàng đợi gửi tin: không có tin nào đang chờ gửi");
  });
});

describe("cli: configuration errors", () => {
  afterEach(() => {
    box.env = {};
  });

  it("names a bad variable in one line in the operator's language, or in the one asked for", async () => {
    box.env = { SCHEDULER_CRON: "every 30 seconds" };
    const vi = await cli("committee:list");
    expect(vi.code).toBe(2);
    expect(vi.stderr.trim()).toMatch(/^bcd-bot: Giá trị của biến SCHEDULER_CRON không hợp lệ\. Đề nghị đặt /);
    expect(vi.stderr.trim().split("\n")).toHaveLength(1);
    const en = await cli("committee:list", "--lang", "en");
    expect(en.stderr.trim()).toMatch(/^bcd-bot: SCHEDULER_CRON: invalid value; expected a cron expression/);
    box.env = { SCHEDULER_CRON: "every 30 seconds", DEFAULT_LOCALE: "en" };
    expect((await cli("committee:list")).stderr.trim()).toMatch(/^bcd-bot: SCHEDULER_CRON: invalid value/);
  });
});
