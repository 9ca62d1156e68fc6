import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redact } from "../src/logger.js";

// Made up and assembled here, so no token-shaped string is committed: digits, a colon, 35 characters.
const telegramToken = `${"1234".repeat(2)}9:${"FAKE_not_a_token_".repeat(2)}x`;
const zaloToken = "1234567890123456789:" + "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1aC3eG5iK7mO9qS1uW3y";
const zaloDocumented = "12345689:abc-xyz";

describe("token redaction, every app", () => {
  it("removes a Telegram token and a Zalo token wherever they stand", () => {
    for (const token of [telegramToken, zaloToken]) {
      expect(redact(`token ${token} leaked`)).toBe("token <redacted> leaked");
      expect(redact(`"${token}"`)).not.toContain(token);
    }
  });

  it("removes the token from both apps' API URLs, even a short one", () => {
    expect(redact(`POST https://bot-api.zaloplatforms.com/bot${zaloToken}/sendMessage failed`)).toBe(
      "POST https://bot-api.zaloplatforms.com/bot<redacted>/sendMessage failed",
    );
    expect(redact(`GET https://bot-api.zaloplatforms.com/bot${zaloDocumented}/getMe`)).toBe("GET https://bot-api.zaloplatforms.com/bot<redacted>/getMe");
    expect(redact(`https://api.telegram.org/file/bot${telegramToken}/photos/1.jpg`)).toBe("https://api.telegram.org/file/bot<redacted>/photos/1.jpg");
  });

  it("leaves ordinary text alone", () => {
    expect(redact("meeting at 10:30, room 12, bot replies")).toBe("meeting at 10:30, room 12, bot replies");
  });

  it("keeps both tokens out of every log line and error", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: "info", pretty: false, secrets: [], destination });
    logger.info({ url: `https://bot-api.zaloplatforms.com/bot${zaloToken}/getUpdates` }, `polling with ${telegramToken}`);
    logger.error({ err: new Error(`request to https://bot-api.zaloplatforms.com/bot${zaloDocumented}/sendMessage failed, token ${zaloToken}`) }, "send failed");
    const out = lines.join("");
    expect(out).not.toContain(telegramToken);
    expect(out).not.toContain(zaloToken);
    expect(out).not.toContain(zaloDocumented);
    expect(out).toContain("<redacted>");
  });
});
