import { describe, expect, it } from "vitest";
import { fitLines, partView, summaryButtons, summaryText } from "../../src/conversation/summary/views.js";
import type { CommitteeSummary } from "../../src/core/summary/summary.js";
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

describe("the chair's conclusions in the summary", () => {
  const t = createTranslator("vi").bind("vi");
  const overdueList = Array.from({ length: 400 }, (_, i) => ({ code: `KL-7-${i + 1}`, title: `Hoàn thành kết nối, chia sẻ dữ liệu dân cư với hệ thống số ${i + 1}`, organization: "Sở Khoa học và Công nghệ", due: "2026-11-30" }));
  const summary = {
    committeeId: 1,
    committeeCode: "LS",
    committeeName: "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn",
    timeZone: "Asia/Ho_Chi_Minh",
    periodCode: "2026-Q4",
    periodName: "2026-Q4",
    periodKind: "quarter",
    meeting: null,
    reporting: { total: 0, reported: 0, late: 0, notStarted: 0, missingPeople: [] },
    byStatus: { done: 0, on_track: 0, at_risk: 0, behind: 0, not_started: 0 },
    indicators: { met: 0, total: 0 },
    behind: [],
    organizations: [],
    openItems: [],
    notices: [],
    opinions: [],
    conclusions: { total: 1234, done: 800, onTime: 34, overdue: 400, overdueList },
    subordinates: [],
    overdue: [],
    overdueAfter: 3,
  } satisfies CommitteeSummary;

  it("says them in one line, and the overdue ones drill down within each app's length", () => {
    expect(summaryText(t, "vi", summary)).toContain("<b>Kết luận của Trưởng Ban:</b> 800 hoàn thành, 34 đúng hạn, 400 quá hạn");
    for (const limit of [1900, 4000]) {
      const { text } = partView(t, "vi", summary, "conclusions", { committeeId: 1, year: 0, quarter: 0 }, limit);
      expect(text.length).toBeLessThanOrEqual(limit);
      expect(text).toContain("• <b>KL-7-1</b> Hoàn thành kết nối, chia sẻ dữ liệu dân cư với hệ thống số 1 — Sở Khoa học và Công nghệ, hạn 30/11/2026");
      expect(text).toMatch(/… và \d+ mục khác$/);
    }
  });

  it("has no line nor button when there are none", () => {
    const none = { ...summary, conclusions: { total: 0, done: 0, onTime: 0, overdue: 0, overdueList: [] } };
    expect(summaryText(t, "vi", none)).not.toContain("Kết luận");
    expect(summaryButtons(t, none, { committeeId: 1, year: 0, quarter: 0 }).flat().map((b) => b.label)).not.toContain("Kết luận quá hạn");
    expect(summaryButtons(t, summary, { committeeId: 1, year: 0, quarter: 0 }).flat().map((b) => b.label)).toContain("Kết luận quá hạn");
  });
});
