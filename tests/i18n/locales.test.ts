import { describe, expect, it } from "vitest";
import { createTranslator, loadResources } from "../../src/i18n/index.js";
import { formatDateTime, formatMeetingTime, formatPercent } from "../../src/i18n/format.js";

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = "", out: Record<string, string> = {}) => {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out[key] = v;
    else flatten(v, key, out);
  }
  return out;
};
const placeholders = (s: string) => [...s.matchAll(/\{\{-?\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe("locales", () => {
  const resources = loadResources();
  const vi = flatten(resources.vi as Tree);
  const en = flatten(resources.en as Tree);

  it("have the same keys in Vietnamese and English", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it("have the same placeholders in both languages", () => {
    const differing = Object.keys(vi).filter((k) => JSON.stringify(placeholders(vi[k]!)) !== JSON.stringify(placeholders(en[k] ?? "")));
    expect(differing).toEqual([]);
  });

  it("has no empty text", () => {
    expect(Object.entries({ ...vi }).filter(([, v]) => v.trim() === "")).toEqual([]);
  });

  it("escapes interpolated values for Telegram HTML", () => {
    const t = createTranslator("vi");
    expect(t.t("vi", "roster:invite_revoked", { name: "A <b>&</b>" })).toBe("Đã thu hồi đường liên kết mời của đồng chí <b>A &lt;b&gt;&amp;&lt;/b&gt;</b>.");
  });

  it("renders outbox params for the reader: times in the committee's zone, terms in their language", () => {
    const t = createTranslator("vi");
    expect(t.renderParams("en", "Asia/Ho_Chi_Minh", { at: { $datetime: "2026-12-31T17:30:00.000Z" }, role: { $t: "roles:chair" }, n: 3 })).toEqual({
      at: "01/01/2027 00:30",
      role: "Chair",
      n: 3,
    });
  });
});

describe("formatDateTime", () => {
  it("shows dd/MM/yyyy HH:mm in the committee's time zone", () => {
    expect(formatDateTime("2026-11-21T02:05:00Z", "Asia/Ho_Chi_Minh")).toBe("21/11/2026 09:05");
    expect(formatDateTime(new Date("2026-11-21T23:59:00Z"), "Asia/Ho_Chi_Minh")).toBe("22/11/2026 06:59");
    expect(formatDateTime("2026-11-21T00:00:00Z", "UTC")).toBe("21/11/2026 00:00");
  });
});

describe("formatMeetingTime", () => {
  const tr = createTranslator("vi");
  const TZ = "Asia/Ho_Chi_Minh";
  it("gives the time before the date, with the weekday, in the committee's zone and the reader's language", () => {
    expect(formatMeetingTime(tr.bind("vi"), "2026-12-08T07:00:00Z", TZ)).toBe("14:00, thứ Ba, ngày 08/12/2026");
    expect(formatMeetingTime(tr.bind("en"), "2026-12-08T07:00:00Z", TZ)).toBe("14:00, Tuesday 08/12/2026");
    // Sunday by the committee's clock, though still Saturday in UTC.
    expect(formatMeetingTime(tr.bind("vi"), "2026-12-05T18:30:00Z", TZ)).toBe("01:30, Chủ nhật, ngày 06/12/2026");
  });
  it("gives a range on one day once, and over two days in full", () => {
    expect(formatMeetingTime(tr.bind("vi"), "2026-12-08T07:00:00Z", TZ, "2026-12-08T09:30:00Z")).toBe("14:00 – 16:30, thứ Ba, ngày 08/12/2026");
    expect(formatMeetingTime(tr.bind("vi"), "2026-12-08T07:00:00Z", TZ, "2026-12-09T02:00:00Z")).toBe("14:00, thứ Ba, ngày 08/12/2026 – 09:00, thứ Tư, ngày 09/12/2026");
  });
  it("is what an outbox message's meeting time becomes for its reader", () => {
    expect(tr.renderParams("vi", TZ, { start: { $meetingTime: "2026-12-08T07:00:00.000Z" }, share: { $percent: 75 } })).toEqual({ start: "14:00, thứ Ba, ngày 08/12/2026", share: "75%" });
  });
});

describe("formatPercent", () => {
  it("writes a percentage one way everywhere: the sign right after the number, in the reader's style", () => {
    expect(formatPercent(75)).toBe("75%");
    expect(formatPercent(62.5, "vi")).toBe("62,5%");
    expect(formatPercent(62.5, "en")).toBe("62.5%");
  });
});

describe("parseLocalDateTime", () => {
  it("reads what people type, in the committee's time zone", async () => {
    const { parseLocalDateTime } = await import("../../src/i18n/format.js");
    expect(parseLocalDateTime("30/11/2026 08:00", "Asia/Ho_Chi_Minh")?.toISOString()).toBe("2026-11-30T01:00:00.000Z");
    expect(parseLocalDateTime("1/12/2026 8:30", "Asia/Ho_Chi_Minh")?.toISOString()).toBe("2026-12-01T01:30:00.000Z");
    expect(parseLocalDateTime("08h30 01-12-2026", "Asia/Ho_Chi_Minh")?.toISOString()).toBe("2026-12-01T01:30:00.000Z");
    expect(parseLocalDateTime("30/11/2026 08:00", "UTC")?.toISOString()).toBe("2026-11-30T08:00:00.000Z");
    for (const bad of ["31/02/2026 08:00", "30/11/2026 25:00", "ngày mai", "2026-11-30", ""]) expect(parseLocalDateTime(bad, "Asia/Ho_Chi_Minh")).toBeUndefined();
  });
});

describe("values a person typed", () => {
  const hostile = [
    "$t(" + "a".repeat(60),
    "$t(".repeat(40),
    "$t(roles:chair)",
    "{{name}} {{- name}} {{count}}",
    "$t(common:apology, {\"lng\": \"en\"})",
    "{{name, uppercase}}",
    "a ) ( \" ' $t( \" ' ) x".repeat(10),
  ];

  it("are put in as they are: never read as nesting, formatting or another placeholder, and escaped for Telegram", () => {
    const t = createTranslator("vi");
    for (const value of hostile) {
      // Before, the first two took hours (vitest's 5-second limit ends the test).
      const text = t.t("vi", "roster:invite_revoked", { name: value });
      expect(text).toBe(`Đã thu hồi đường liên kết mời của đồng chí <b>${value.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}</b>.`);
      expect(t.plain("en", "roster:invite_revoked", { name: value })).toContain(value);
    }
  });

  it("choose the plural by a number only, and a typed key is never looked up", () => {
    const t = createTranslator("vi");
    expect(t.t("vi", "$t(" + "x".repeat(50))).toBe("$t(" + "x".repeat(50));
    expect(t.t("en", "roles:chair", { count: "$t(" as unknown as number })).toBe("Chair");
  });
});
