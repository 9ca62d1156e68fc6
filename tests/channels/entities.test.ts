import { describe, expect, it } from "vitest";
import { entitiesToMarkup } from "../../src/channels/telegram/entities.js";
import { parseTelegramHtml } from "../support/fake-telegram.js";

describe("formatting typed in Telegram becomes HTML", () => {
  it("keeps bold, italics, links and nesting, escapes the rest, and round-trips through Telegram's parser", () => {
    const text = "Kính gửi các đồng chí: họp lúc 8h <Phòng 1> & xem tài liệu 📎 tại đây";
    const link = text.indexOf("tại đây");
    const entities = [
      { type: "bold" as const, offset: 0, length: 22 },
      { type: "italic" as const, offset: 9, length: 13 },
      { type: "text_link" as const, offset: link, length: 7, url: "https://langson.gov.vn/?a=1&b=2" },
    ];
    const html = entitiesToMarkup(text, entities);
    expect(html).toBe(
      '<b>Kính gửi <i>các đồng chí:</i></b> họp lúc 8h &lt;Phòng 1&gt; &amp; xem tài liệu 📎 <a href="https://langson.gov.vn/?a=1&amp;b=2">tại đây</a>',
    );
    const parsed = parseTelegramHtml(html);
    expect(parsed.text).toBe(text);
    expect(parsed.entities.map((e) => [e.type, e.offset, e.length])).toEqual([
      ["bold", 0, 22],
      ["italic", 9, 13],
      ["text_link", link, 7],
    ]);
  });
});
