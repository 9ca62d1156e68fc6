import { describe, expect, it } from "vitest";
import { heldListText } from "../../src/conversation/account/start-flow.js";
import type { HeldItem } from "../../src/core/held.js";
import { createTranslator } from "../../src/i18n/index.js";

const items: HeldItem[] = [
  { kind: "meeting", title: "Phiên họp quý IV", startsAt: "2026-11-30T02:00:00.000Z", answerBy: "2026-11-27T10:00:00.000Z" },
  { kind: "meeting", title: "Họp giao ban", startsAt: "2026-11-24T02:00:00.000Z", answerBy: null },
  { kind: "notice", committee: "Ban Chỉ đạo tỉnh Lạng Sơn", excerpt: "Rà soát dịch vụ công <trực tuyến>", ackBy: "2026-11-25T10:00:00.000Z" },
  { kind: "notice", committee: "Ban Chỉ đạo tỉnh Lạng Sơn", excerpt: "Lịch trực Tết", ackBy: null },
  { kind: "opinion", title: "Dự thảo Kế hoạch năm 2027", deadline: "2026-11-28T10:00:00.000Z" },
  { kind: "report", period: { code: "2026-Q4", kind: "quarter", name: "Quý IV/2026" }, dueAt: "2026-12-15T10:00:00.000Z", tasks: 2 },
];

/** The one list a person gets after the greeting when messages waited for them to link. */
describe("the list of what is open after linking", () => {
  const translator = createTranslator("vi");

  it("lists each open item with its times in the committee's zone (Vietnamese)", () => {
    const text = heldListText(translator.bind("vi"), items, "vi", "Asia/Ho_Chi_Minh");
    expect(text.split("\n")).toEqual([
      "Trong thời gian chưa liên kết, đồng chí có các việc sau:",
      "• Giấy mời họp «Phiên họp quý IV», bắt đầu lúc 30/11/2026 09:00; đề nghị đồng chí trả lời trước 27/11/2026 17:00.",
      "• Giấy mời họp «Họp giao ban», bắt đầu lúc 24/11/2026 09:00.",
      "• Thông báo của Ban Chỉ đạo tỉnh Lạng Sơn: «Rà soát dịch vụ công &lt;trực tuyến&gt;»; đề nghị đồng chí xác nhận đã nhận trước 25/11/2026 17:00.",
      "• Thông báo của Ban Chỉ đạo tỉnh Lạng Sơn: «Lịch trực Tết».",
      "• Đề nghị cho ý kiến về «Dự thảo Kế hoạch năm 2027», hạn 28/11/2026 17:00.",
      "• Báo cáo tiến độ Quý IV/2026: 2 nhiệm vụ chưa báo cáo, hạn 15/12/2026 17:00.",
      "",
      "Nội dung chi tiết từng việc được gửi ngay sau đây.",
    ]);
  });

  it("reads naturally in English", () => {
    const text = heldListText(translator.bind("en"), items, "en", "Asia/Ho_Chi_Minh");
    expect(text).toContain("While your account was not linked, the following came for you:");
    expect(text).toContain("• Request for opinions on «Dự thảo Kế hoạch năm 2027», due 28/11/2026 17:00.");
    expect(text).toContain("• Progress report for");
  });
});
