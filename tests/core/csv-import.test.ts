import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/core/actor.js";
import { decodeCsv, importTarget, MAX_CSV_BYTES } from "../../src/core/csv-import.js";
import type { Role } from "../../src/db/schema.js";

const seat = (membershipId: number, committeeCode: string, role: Role) => ({
  membershipId,
  committeeId: membershipId,
  committeeCode,
  committeeName: committeeCode,
  timeZone: "Asia/Ho_Chi_Minh",
  committeeLocale: "vi" as const,
  role,
  organization: null,
  title: null,
});
const person = (...seats: ReturnType<typeof seat>[]): Actor => ({ kind: "person", personId: 1, fullName: "Phạm Thị Ngọc Ánh", locale: "vi", seats });
const csv = { fileName: "thanh-vien.csv", mimeType: "text/csv", fileSize: 120 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return "no error";
};

describe("a CSV sent in chat to be imported", () => {
  it("goes to the one committee the secretariat keeps, whatever the caption says", () => {
    expect(importTarget(person(seat(1, "LS", "secretariat"), seat(2, "CB", "member")), csv, "HN").committeeCode).toBe("LS");
  });

  it("goes to the committee the caption names when the secretariat keeps several, and is refused without one", () => {
    const both = person(seat(1, "LS", "secretariat"), seat(2, "CB", "secretariat"));
    expect(importTarget(both, csv, " cb ").committeeCode).toBe("CB");
    expect(() => importTarget(both, csv, "")).toThrow(expect.objectContaining({ code: "roster:import.choose_committee", params: { codes: "LS, CB" } }));
  });

  it("is refused, in this order, to whoever keeps no roster, then when it is not a CSV or is too large", () => {
    const member = person(seat(1, "LS", "member"));
    const secretary = person(seat(1, "LS", "secretariat"));
    expect(codeOf(() => importTarget(member, { fileName: "bao-cao.docx" }, ""))).toBe("errors:forbidden");
    expect(codeOf(() => importTarget(secretary, { fileName: "bao-cao.docx", mimeType: "application/msword" }, ""))).toBe("roster:import.not_csv");
    expect(codeOf(() => importTarget(secretary, { fileName: "tai-lieu", mimeType: "text/csv", fileSize: 10 }, ""))).toBe("no error");
    expect(codeOf(() => importTarget(secretary, { ...csv, fileSize: MAX_CSV_BYTES + 1 }, ""))).toBe("roster:import.too_large");
  });

  it("is read as UTF-8 only", () => {
    expect(decodeCsv(new TextEncoder().encode("Họ và tên\nNguyễn"))).toBe("Họ và tên\nNguyễn");
    expect(codeOf(() => decodeCsv(Buffer.from("Nguy\xea\xf1", "latin1")))).toBe("roster:import.not_utf8");
  });
});
