import { parse } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { E2E, users } from "../support/e2e.js";

describe("the invites file sent in chat", () => {
  let e2e: E2E;
  beforeEach(async () => {
    e2e = await E2E.start();
    await e2e.seedRoster();
    await e2e.link(users.secretary, "Phạm Thị Ngọc Ánh");
  });
  afterEach(() => e2e.stop());

  it("writes cells that begin like a formula as text, behind a single quote", async () => {
    const csv = ["Họ và tên,Vai trò,Cơ quan", '"=HYPERLINK(""http://x"",""y"")",Thành viên,+84912345678', "-2+3,Thành viên,@SUM(1)", "Vi Văn Toàn,Thành viên,Sở Y tế"].join("\n");
    e2e.tg.sendDocument(users.secretary, { fileName: "thanh-vien.csv", content: csv });
    const file = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.document));
    const rows = parse(e2e.tg.documentContent(file.document!.file_id), { bom: true }) as string[][];
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ["'=HYPERLINK(\"http://x\",\"y\")", "'+84912345678"],
      ["'-2+3", "'@SUM(1)"],
      ["Vi Văn Toàn", "Sở Y tế"],
    ]);
    for (const r of rows.slice(1)) expect(r[2]).toMatch(/^https:\/\/t\.me\/bcd_test_bot\?start=[A-Za-z0-9_-]{32}$/);
  });
});
