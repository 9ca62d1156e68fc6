import { describe, expect, it } from "vitest";
import { markupToHtml } from "../../../src/channels/web/printer.js";
import { escapeText } from "../../../src/core/markup.js";

describe("the web printer", () => {
  it("keeps the neutral markup's own tags and escapes every run of text", () => {
    expect(markupToHtml("<b>Kính gửi</b> đồng chí\n<i>ghi chú</i> &amp; <code>/report</code>")).toBe("<b>Kính gửi</b> đồng chí\n<i>ghi chú</i> &amp; <code>/report</code>");
  });

  it("never lets what a person typed become markup on the page", () => {
    const typed = `<script>alert(1)</script><img src=x onerror="alert(2)"> "quoted" & more`;
    const html = markupToHtml(`Ý kiến: ${escapeText(typed)}`);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
  });

  it("drops tags outside the markup, and links to anything but the web, mail and phone", () => {
    expect(markupToHtml(`<div onclick="x">a</div><a href="javascript:alert(1)">bấm</a> <a href="https://langson.gov.vn">Cổng</a>`)).toBe(
      'abấm <a href="https://langson.gov.vn" target="_blank" rel="noopener noreferrer">Cổng</a>',
    );
  });
});
