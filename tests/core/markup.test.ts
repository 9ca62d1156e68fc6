import { Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index.js";
import { escapeText, excerpt, normalizeMarkup, toPlainText } from "../../src/core/markup.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

describe("the neutral markup", () => {
  it("prints as plain text: tags dropped, characters unescaped, a link's address kept", () => {
    expect(toPlainText("<b>Kính gửi</b> các đồng chí &amp; Tổ giúp việc: &lt;dự thảo&gt; &quot;số 1&quot;")).toBe('Kính gửi các đồng chí & Tổ giúp việc: <dự thảo> "số 1"');
    expect(toPlainText('Xem <a href="https://ls.gov.vn/kh?a=1&amp;b=2">kế hoạch</a>.')).toBe("Xem kế hoạch (https://ls.gov.vn/kh?a=1&b=2).");
    expect(toPlainText('<a href="https://ls.gov.vn">https://ls.gov.vn</a>')).toBe("https://ls.gov.vn");
    expect(toPlainText("• Mục 1\n• Mục 2\n<pre>x < y</pre>")).toBe("• Mục 1\n• Mục 2\nx < y");
  });

  it("keeps text that only looks like markup as text", () => {
    const typed = '<script>alert(1)</script> & <b onclick="x">đậm</b> $t(roles:chair) {{name}}';
    expect(toPlainText(escapeText(typed))).toBe(typed);
    expect(normalizeMarkup(escapeText(typed))).toBe(escapeText(typed));
  });

  it("normalises a stored body to the subset: foreign tags dropped, tags balanced", () => {
    expect(normalizeMarkup("<b>a <i>b</b> <tg-spoiler>c</tg-spoiler> <span>d</span>")).toBe("<b>a <i>b</i></b> c d");
    expect(normalizeMarkup("<u>open")).toBe("<u>open</u>");
    expect(normalizeMarkup("close</s> &amp;")).toBe("close &amp;");
  });

  it("gives excerpts of the plain text, cut with an ellipsis", () => {
    expect(excerpt("<b>Thông báo</b>\nKết luận   của Trưởng ban", 100)).toBe("Thông báo Kết luận của Trưởng ban");
    expect(excerpt("<b>" + "á".repeat(90) + "</b>", 80)).toBe("á".repeat(80) + "…");
  });

  it("cuts an excerpt after a whole word, and takes the first line when asked", () => {
    const body = "<b>Kính gửi các đồng chí thành viên Ban Chỉ đạo:</b> đề nghị gửi báo cáo quý IV trước ngày 05/12.\nNội dung chi tiết.";
    expect(excerpt(body, 60)).toBe("Kính gửi các đồng chí thành viên Ban Chỉ đạo: đề nghị gửi…");
    expect(excerpt(body, 200, { firstLine: true })).toBe("Kính gửi các đồng chí thành viên Ban Chỉ đạo: đề nghị gửi báo cáo quý IV trước ngày 05/12. …");
    expect(excerpt(body, 47, { firstLine: true })).toBe("Kính gửi các đồng chí thành viên Ban Chỉ đạo…");
    expect(excerpt("\n\n  Lịch trực Tết  ", 80, { firstLine: true })).toBe("Lịch trực Tết");
  });
});

describe.each(testDialects)("stored Telegram HTML converted to the markup on %s", (dialect) => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it("rewrites spoilers, expandable quotations and code languages, and keeps the rest", async () => {
    db = await createTestDatabase(dialect, { migrate: false });
    const migrator = new Migrator({ db: db.handle.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo("20261128T0800-outbox-interruptions")).error).toBeUndefined();
    const k = db.handle.db as never as import("kysely").Kysely<Record<string, Record<string, unknown>>>;
    await k.insertInto("committees").values({ code: "LS", name: "BCĐ", level: "province", time_zone: "Asia/Ho_Chi_Minh", default_locale: "vi", created_at: "2026-11-01T00:00:00Z" }).execute();
    const old = '<b>Kính gửi</b> <tg-spoiler>mật</tg-spoiler> <blockquote expandable>trích</blockquote> <pre><code class="language-sql">select 1</code></pre> &amp;';
    await k.insertInto("notices").values({ committee_id: 1, body_html: old, ack_required: 0, status: "sent", created_at: "2026-11-01T00:00:00Z", audience: "{}" }).execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const row = await db.handle.db.selectFrom("notices").select("body").executeTakeFirstOrThrow();
    expect(row.body).toBe("<b>Kính gửi</b> mật <blockquote>trích</blockquote> <pre>select 1</pre> &amp;");
  });
});
