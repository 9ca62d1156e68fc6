import { describe, expect, it } from "vitest";
import { monthOf } from "../src/core/zalo-quota.js";
import { cliSandbox } from "./support/cli.js";

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

  it("shows the bot's month against its quota and the people it serves, never the token", async () => {
    Object.assign(box.env, { ZALO_BOT_TOKEN: `${"12345".repeat(2)}:${SECRET}`, ZALO_MONTHLY_QUOTA: "10", ZALO_MAX_PEOPLE: "40" });
    expect((await cli("migrate")).code).toBe(0);
    const month = monthOf(new Date(), "Asia/Ho_Chi_Minh");
    box.withDb((db) => db.prepare("insert into zalo_usage (bot, month, sent) values (?, ?, 10)").run("1234512345", month));
    const r = await cli("zalo:list");
    expect(r.code).toBe(0);
    const shown = `${month.slice(5)}/${month.slice(0, 4)}`;
    expect(r.stdout).toContain(`Bot Zalo 1234512345: đã gửi 10/10 tin nhắn trong tháng ${shown} (100%); 0/40 người đã liên kết.`);
    expect(r.stdout).toContain("Đã hết hạn mức tháng này");
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const en = await cli("zalo:list", "--lang", "en");
    expect(en.stdout).toContain(`Zalo bot 1234512345: 10/10 messages sent in ${shown} (100%)`);
  });
});
