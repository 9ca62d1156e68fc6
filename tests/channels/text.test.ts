import { describe, expect, it } from "vitest";
import { splitMessage } from "../../src/channels/telegram/text.js";
import { redact } from "../../src/logger.js";

describe("splitting long messages", () => {
  it("cuts only between lines, so no tag is broken, and keeps every line", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `<b>#${i}</b> Nguyễn Văn &amp; Số ${i} — <i>đã liên kết</i>`);
    const parts = splitMessage(lines.join("\n"));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect((p.match(/<b>/g) ?? []).length).toBe((p.match(/<\/b>/g) ?? []).length);
    }
    expect(parts.join("\n")).toBe(lines.join("\n"));
  });

  it("cuts a single overlong line at spaces, outside entities", () => {
    const line = "chữ &amp; ".repeat(1000);
    const parts = splitMessage(line);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p).not.toMatch(/&[a-z]*$/);
    }
  });
});

describe("redaction", () => {
  it("removes bot tokens from URLs and messages", () => {
    const token = "1234567:TEST-abcdefghijklmnopqrstuvwxyz_fake";
    expect(redact(`request to https://api.telegram.org/bot${token}/sendMessage failed`)).toBe("request to https://api.telegram.org/bot<redacted>/sendMessage failed");
    expect(redact("secret webhook value", ["webhook"])).toBe("secret <redacted> value");
  });
});

describe("splitting formatted notices", () => {
  it("closes tags open at a cut and reopens them, so every part parses as Telegram HTML", async () => {
    const { parseTelegramHtml } = await import("../support/fake-telegram.js");
    const paragraph = "Kính gửi các đồng chí thành viên Ban Chỉ đạo, đề nghị rà soát số liệu &amp; báo cáo đúng hạn. ";
    const html = `<b>${paragraph.repeat(40)}\n<i>${paragraph.repeat(40)}</i></b>\n<a href="https://langson.gov.vn">${paragraph.repeat(20)}</a>`;
    const parts = splitMessage(html);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(p)).not.toThrow();
    }
    const visible = (s: string) => parseTelegramHtml(s).text.replace(/\s+/g, "");
    expect(parts.map(visible).join("")).toBe(visible(html));
  });
});
