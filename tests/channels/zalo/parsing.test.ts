import { describe, expect, it } from "vitest";
import { asStartCommand } from "../../../src/channels/zalo/receive.js";
import { updateOfBody } from "../../../src/channels/zalo/webhook.js";
import { zaloMessageSender } from "../../../src/channels/zalo/send-message.js";
import type { ZaloClient } from "../../../src/channels/zalo/client.js";
import { createTranslator } from "../../../src/i18n/index.js";
import { createFileLinks } from "../../../src/media/links.js";

const CODE = "Xk3_9aQpL2mN8vBt-R4sW7yZ1cD5eF6g";

describe("an unlinked person's text on Zalo", () => {
  it("is /start CODE when it is the code, a pasted invite link, or a message holding a code-shaped word", () => {
    expect(asStartCommand(CODE)).toBe(`/start ${CODE}`);
    expect(asStartCommand(`  ${CODE}\n`)).toBe(`/start ${CODE}`);
    expect(asStartCommand(`Đồng chí mở https://t.me/bcd_bot?start=${CODE} để bắt đầu`)).toBe(`/start ${CODE}`);
    expect(asStartCommand(`Mã của tôi là: ${CODE}.`)).toBe(`/start ${CODE}`);
  });

  it("is left as typed otherwise: a greeting, a /start already, a long lowercase word, the bot's own link", () => {
    expect(asStartCommand("Xin chào, tôi là Đức")).toBeUndefined();
    expect(asStartCommand(`/start ${CODE}`)).toBeUndefined();
    expect(asStartCommand("chuyenđoiso chuyendoisoquocgia")).toBeUndefined();
    expect(asStartCommand("https://zalo.me/1459232241454765289")).toBeUndefined();
  });
});

describe("a Zalo webhook body", () => {
  const update = { event_name: "message.text.received", message: { message_id: "2d758cb5e222177a4e35", text: "Xin chào" } };
  it("is taken flat or wrapped in { ok, result }", () => {
    expect(updateOfBody(update)).toEqual(update);
    expect(updateOfBody({ ok: true, result: update })).toEqual(update);
  });
  it("is refused when it is not an update", () => {
    for (const body of [null, [], "x", {}, { ok: true, result: {} }, { ok: false, error_code: 400 }]) expect(updateOfBody(body)).toBeUndefined();
  });
});

describe("a file the bot sends on Zalo", () => {
  const sent: { method: string; text: string }[] = [];
  const client = {
    sendMessage: async (_chat: string, text: string) => (sent.push({ method: "sendMessage", text }), { message_id: String(sent.length) }),
    sendPhoto: async (_chat: string, photo: string) => (sent.push({ method: "sendPhoto", text: photo }), { message_id: String(sent.length) }),
  } as unknown as ZaloClient;
  const now = () => new Date("2026-11-28T03:00:00Z");
  const files = {
    attachment: async (id: number) => ({ id, stored_file_id: 42 }),
    receive: async () => 43,
  } as never;

  it("is a signed link with its expiry when PUBLIC_BASE_URL is set, a photo by that link", async () => {
    sent.length = 0;
    const fileLinks = createFileLinks({ baseUrl: "https://bot.example.gov.vn", secret: "s".repeat(32), now });
    const send = zaloMessageSender({ client, core: { files }, translator: createTranslator("vi"), fileLinks, now });
    await send("c1", "vi", "Asia/Ho_Chi_Minh", ["Lịch họp"], { kind: "bytes", name: "hop.ics", content: Buffer.from("BEGIN:VCALENDAR") });
    expect(sent[0]).toEqual({ method: "sendMessage", text: "Lịch họp" });
    expect(sent[1]!.text).toMatch(/^📎 hop\.ics: .*05\/12\/2026 10:00.*\nhttps:\/\/bot\.example\.gov\.vn\/files\/43\?exp=\d+&sig=/s);
    await send("c1", "vi", "Asia/Ho_Chi_Minh", [], { kind: "attachment", attachmentId: 7, name: "anh.jpg", photo: true });
    expect(sent[2]).toMatchObject({ method: "sendPhoto" });
    expect(sent[2]!.text).toMatch(/^https:\/\/bot\.example\.gov\.vn\/files\/42\?/);
  });

  it("is a note that it is on Telegram or with the secretariat when there are no links", async () => {
    sent.length = 0;
    const send = zaloMessageSender({ client, core: { files }, translator: createTranslator("en"), fileLinks: undefined, now });
    await send("c1", "en", "Asia/Ho_Chi_Minh", ["Minutes"], { kind: "bytes", name: "bien-ban.docx", content: Buffer.from("PK") });
    expect(sent.map((s) => s.text)).toEqual(["Minutes", "📎 bien-ban.docx: Zalo cannot carry this file. Please get it on Telegram or from the secretariat."]);
  });
});
