import { describe, expect, it } from "vitest";
import { monthOf, nextMonthStart, quotaAdmits, quotaPriority } from "../../src/core/zalo-quota.js";

const limits = { monthly: 100, warnPercent: 80, reservePercent: 10 };
const usage = (sent: number, spent = false) => ({ month: "2026-11", sent, spent });

describe("Zalo quota rules", () => {
  it("stops reminders when the reserve begins, notices halfway through it, and what people wait for last", () => {
    expect(quotaPriority("reports:reminder")).toBe(3);
    expect(quotaPriority("invites:expiry_reminder")).toBe(3);
    expect(quotaPriority("notices:notice")).toBe(2);
    expect(quotaPriority("meetings:invitation")).toBe(1);
    expect(quotaPriority("meetings:absence_request")).toBe(1);
    expect(quotaPriority("opinions:request")).toBe(1);
    expect([89, 90].map((n) => quotaAdmits(usage(n), 3, limits))).toEqual([true, false]);
    expect([94, 95].map((n) => quotaAdmits(usage(n), 2, limits))).toEqual([true, false]);
    expect([99, 100].map((n) => quotaAdmits(usage(n), 1, limits))).toEqual([true, false]);
    // Zalo said "Quota exceeded" before our count did: nothing goes.
    expect(quotaAdmits(usage(10, true), 1, limits)).toBe(false);
  });

  it("counts months in the installation's time zone and turns them at its midnight", () => {
    // 30/11 23:30 in Hà Nội is still November there, though already December's first hour is near.
    expect(monthOf(new Date("2026-11-30T16:30:00Z"), "Asia/Ho_Chi_Minh")).toBe("2026-11");
    expect(monthOf(new Date("2026-11-30T17:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2026-12");
    expect(nextMonthStart(new Date("2026-11-23T02:00:00Z"), "Asia/Ho_Chi_Minh").toISOString()).toBe("2026-11-30T17:00:00.000Z");
    expect(nextMonthStart(new Date("2026-12-31T16:59:00Z"), "Asia/Ho_Chi_Minh").toISOString()).toBe("2026-12-31T17:00:00.000Z");
    expect(nextMonthStart(new Date("2026-03-15T12:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-03-31T22:00:00.000Z");
  });
});
