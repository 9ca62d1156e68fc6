import { describe, expect, it } from "vitest";
import { fitLines } from "../../src/conversation/summary/views.js";
import { createTranslator } from "../../src/i18n/index.js";

describe("a drill-down list kept within an app's length", () => {
  const t = createTranslator("vi").bind("vi");
  const items = Array.from({ length: 300 }, (_, i) => `• Sở ngành số ${i + 1}: 0/3 đã báo cáo: Nguyễn Văn A, Trần Thị B`);

  it("stops before the limit and says how many are left", () => {
    for (const limit of [1900, 4000]) {
      const text = fitLines(t, ["<b>Chưa báo cáo — Quý IV/2026</b>"], items, limit);
      expect(text.length).toBeLessThanOrEqual(limit);
      const shown = text.split("\n").filter((l) => l.startsWith("• ")).length;
      expect(text.endsWith(`… và ${300 - shown} mục khác`)).toBe(true);
    }
  });

  it("keeps a short list whole", () => {
    expect(fitLines(t, ["Đầu"], items.slice(0, 2), 1900)).toBe(["Đầu", ...items.slice(0, 2)].join("\n"));
  });
});
