import { describe, expect, it } from "vitest";
import { bool, defineAction, int, oneOf } from "../../src/conversation/actions.js";
import { buttonRows } from "../../src/conversation/message.js";
import { actionsOf, printPlainText, splitText } from "../../src/conversation/plain-text.js";

const HINT = "Đồng chí trả lời bằng số tương ứng để chọn.";

describe("the plain-text printer", () => {
  const card = {
    text: "<b>GIẤY MỜI HỌP</b>\nPhiên họp quý IV &amp; kế hoạch 2027",
    buttons: buttonRows([["Tham dự", "m:a:1:1"], ["Vắng mặt", "m:b:1:1"]], [["Cử người dự thay", "m:p:1:1"]]),
  };

  it("prints the text and numbers the choices, a row per line, with the hint", () => {
    expect(actionsOf(card)).toEqual(["m:a:1:1", "m:b:1:1", "m:p:1:1"]);
    expect(printPlainText(card, [4, 5, 6], { limit: 2000, hint: HINT })).toEqual([
      "GIẤY MỜI HỌP\nPhiên họp quý IV & kế hoạch 2027\n\n4. Tham dự   5. Vắng mặt\n6. Cử người dự thay\n" + HINT,
    ]);
  });

  it("mentions a file and keeps every part within the app's limit, choices in the last one", () => {
    const long = { text: "Dòng nội dung dài.\n".repeat(300), file: { kind: "attachment" as const, attachmentId: 1, name: "bien-ban.docx" }, buttons: buttonRows([["Đã nhận", "n:a:9"]]) };
    const parts = printPlainText(long, [1], { limit: 2000, hint: HINT, fileLine: (n) => `Tệp: ${n}` });
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.at(-1)).toContain("Tệp: bien-ban.docx\n\n1. Đã nhận\n" + HINT);
    expect(parts.join("\n").split("Dòng nội dung dài.").length - 1).toBe(300);
  });

  it("never cuts a character in two", () => {
    const parts = splitText("😀".repeat(1500), 2000);
    expect(parts.join("")).toBe("😀".repeat(1500));
    expect(parts.every((p) => p.length <= 2000 && !/^[\uDC00-\uDFFF]/.test(p))).toBe(true);
  });
});

describe("actions declared once", () => {
  const decide = defineAction("m:d", { kind: oneOf({ absence: "a", proxy: "p" }), requestId: int, approve: bool });

  it("packs typed values into short data and reads them back", () => {
    expect(decide.data({ kind: "proxy", requestId: 42, approve: true })).toBe("m:d:p:42:1");
    expect(decide.parse("m:d:p:42:1")).toEqual({ kind: "proxy", requestId: 42, approve: true });
    expect(decide.pattern.test("m:d:a:7:0")).toBe(true);
  });

  it("does not take another action's data or a forged one", () => {
    expect(decide.parse("m:dc:1")).toBeUndefined();
    expect(decide.parse("m:d:x:42:1")).toBeUndefined();
    expect(decide.parse("m:d:p:42:1:extra")).toBeUndefined();
    expect(decide.parse("m:d:p:999999999999999999999:1")).toBeUndefined();
  });

  it("refuses data over Telegram's 64 bytes when it is made", () => {
    const wide = defineAction("x:very-long-prefix-for-a-test", { a: int, b: int, c: int });
    expect(() => wide.data({ a: 123456789012345, b: 123456789012345, c: 123456789012345 })).toThrow(/64 bytes/);
  });
});
