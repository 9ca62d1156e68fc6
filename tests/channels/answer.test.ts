import { describe, expect, it } from "vitest";
import { clipEcho, clipParams } from "../../src/conversation/echo.js";
import { toPlainText as plainText } from "../../src/core/markup.js";
import { malformedField } from "../../src/channels/telegram/update-shape.js";

describe("alert text", () => {
  it("drops tags and unescapes entities", () => {
    expect(plainText("<b>Sở Tài chính &amp; Kế hoạch</b> &lt;LS&gt; &quot;x&quot;")).toBe('Sở Tài chính & Kế hoạch <LS> "x"');
    expect(plainText("a &amp;lt; b")).toBe("a &lt; b");
  });

  it("clips an echo to its first characters and an ellipsis, never inside a surrogate pair", () => {
    expect(clipEcho("abc", 3)).toBe("abc");
    expect(clipEcho("abcd", 3)).toBe("abc…");
    expect(clipEcho("ab😀cd", 3)).toBe("ab…");
    expect(clipEcho("x".repeat(4096))).toHaveLength(201);
    expect(clipParams({ code: "y".repeat(300), n: 5 })).toEqual({ code: `${"y".repeat(200)}…`, n: 5 });
  });
});

describe("malformedField", () => {
  const chat = { id: 1, type: "private" };
  const from = { id: 1, is_bot: false, first_name: "A" };
  const message = { message_id: 1, date: 1, chat, from, text: "hi" };

  it("accepts well-formed updates", () => {
    expect(malformedField({ update_id: 1, message })).toBeUndefined();
    expect(malformedField({ update_id: 1, message: { ...message, text: undefined, document: { file_id: "f", file_unique_id: "u", file_name: "a.pdf" } } })).toBeUndefined();
    expect(malformedField({ update_id: 1, callback_query: { id: "q", from, chat_instance: "c", data: "x", message } })).toBeUndefined();
    expect(malformedField({ update_id: 1, my_chat_member: { chat: { id: -5, type: "group" }, from, date: 1 } })).toBeUndefined();
    expect(malformedField({ update_id: 1, channel_post: { message_id: 1, date: 1, chat: { id: -7, type: "channel" }, text: "x" } })).toBeUndefined();
  });

  it("names the first field of the wrong type", () => {
    expect(malformedField(null)).toBe("update");
    expect(malformedField({ update_id: "1", message })).toBe("update_id");
    expect(malformedField({ update_id: 1, message: "hi" })).toBe("message");
    expect(malformedField({ update_id: 1, message: { ...message, text: 12345 } })).toBe("message.text");
    expect(malformedField({ update_id: 1, message: { ...message, caption: {} } })).toBe("message.caption");
    expect(malformedField({ update_id: 1, message: { ...message, from: undefined } })).toBe("message.from");
    expect(malformedField({ update_id: 1, message: { ...message, from: { id: "1" } } })).toBe("message.from.id");
    expect(malformedField({ update_id: 1, message: { ...message, from: { ...from, language_code: 5 } } })).toBe("message.from.language_code");
    expect(malformedField({ update_id: 1, message: { ...message, chat: { id: 1 } } })).toBe("message.chat.type");
    expect(malformedField({ update_id: 1, message: { ...message, entities: [{ type: "bold", offset: "0", length: 1 }] } })).toBe("message.entities");
    expect(malformedField({ update_id: 1, message: { ...message, document: { file_id: 7 } } })).toBe("message.document");
    expect(malformedField({ update_id: 1, message: { ...message, photo: {} } })).toBe("message.photo");
    expect(malformedField({ update_id: 1, callback_query: { id: "q", from, data: {} } })).toBe("callback_query.data");
    expect(malformedField({ update_id: 1, callback_query: { id: "q", data: "x" } })).toBe("callback_query.from");
    expect(malformedField({ update_id: 1, callback_query: { id: 5, from, data: "x" } })).toBe("callback_query.id");
    expect(malformedField({ update_id: 1, callback_query: { id: "q", from, data: "x", message: { message_id: 1, chat: { id: "1", type: "private" } } } })).toBe("callback_query.message.chat.id");
  });
});
