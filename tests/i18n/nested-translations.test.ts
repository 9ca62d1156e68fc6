import { afterEach, describe, expect, it } from "vitest";
import { escapeText } from "../../src/core/markup.js";
import type { Locale } from "../../src/db/schema.js";
import { periodLabel, progressSummary } from "../../src/documents/report-terms.js";
import { createTranslator, type TFunction } from "../../src/i18n/index.js";
import { missingPlaceholders } from "../../src/i18n/interpolate.js";

/**
 * A translation put into another one is markup already (its values escaped once): the outer template must
 * take it verbatim (`{{- name}}`), or the text a person reads shows "&amp;quot;" where they typed a quote.
 * Every template that receives a translated text, with the parameter that carries it.
 */
const NESTED: [key: string, param: string][] = [
  ["meetings:roster.line", "state"],
  ["meetings:card.title", "kind"],
  ["meetings:create.summary", "kind"],
  ["meetings:decide.already", "status"],
  ["meetings:decide.done_with_comment", "status"],
  ["help:seat", "role"],
  ["roster:line", "role"],
  ["roster:line", "status"],
  ["start:welcome", "role"],
  ["start:already_linked", "role"],
  ["notices:compose.preview", "audience"],
  ["notices:compose.preview", "group"],
  ["notices:compose.preview", "ack"],
  ["notices:report.line", "delivery"],
  ["notices:report.line", "ack"],
  ["reports:periods.line", "status"],
  ["reports:items.line", "kind"],
  ["reports:items.ask_answer", "kind"],
  ["reports:items.raised_line", "kind"],
  ["reports:items.answer_to_member", "kind"],
  ["reports:mine.line", "state"],
  ["reports:preview.status", "value"],
  ["reports:status_view.detail_line", "state"],
];

/** What a translation with a typed value in it looks like: quotes, & and angle brackets escaped once. */
const INNER = escapeText(`vắng, chờ ý kiến chủ trì (Dự hội nghị "Chuyển đổi số" & <Cục>)`);

describe("a translation put into another translation", () => {
  // Each template is filled with the one parameter under test only: the others are rightly left unfilled here.
  afterEach(() => void missingPlaceholders.splice(0));

  const translator = createTranslator("vi");
  const locales: Locale[] = ["vi", "en"];

  it.each(NESTED)("%s takes its %s as it is, escaped once", (key, param) => {
    for (const locale of locales) {
      const text = translator.t(locale, key, { [param]: INNER });
      expect(text).toContain(INNER);
      expect(text).not.toContain("&amp;quot;");
    }
  });

  it("a meeting's roster shows an absence reason with quotes and & as typed", () => {
    const t = translator.bind("vi");
    const state = t("meetings:roster.state.absent_pending", { reason: `Dự hội nghị "Chuyển đổi số" & làm việc` });
    expect(t("meetings:roster.line", { id: 4, name: "Lương Văn Đức", organization: "Sở Tài chính", state })).toBe(
      "• <b>#4</b> Lương Văn Đức (Sở Tài chính) — vắng, chờ ý kiến chủ trì (Dự hội nghị &quot;Chuyển đổi số&quot; &amp; làm việc)",
    );
  });

  it("a period's label and a progress summary are plain text, for templates that escape them", () => {
    const t: TFunction = (key) => (key === "reports:period.quarter" ? "Quý IV &amp; cả năm" : "Đúng &amp; vượt tiến độ");
    expect(periodLabel(t, { code: "2026-Q4", kind: "quarter", name: "" })).toBe("Quý IV & cả năm");
    expect(progressSummary(t, { indicator_kind: "percent", unit: null, target_value: null }, { status: "on_track", percent: 60, value: null }, "vi")).toBe("Đúng & vượt tiến độ, 60%");
  });

  it("an outbox term goes into its message as plain text, escaped once there", () => {
    const params = translator.renderParams("vi", "Asia/Ho_Chi_Minh", { hint: { $t: "meetings:list.hint" } });
    expect(params.hint).toBe("Xem chi tiết: /roster <số>, ví dụ /roster 1.");
    expect(translator.t("vi", "lang:unknown", { value: params.hint! })).toContain("/roster &lt;số&gt;");
  });
});
