import { Migrator, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createHash } from "node:crypto";
import type { Actor } from "../../src/core/actor.js";
import { DAY } from "../../src/core/clock.js";
import type { Core } from "../../src/core/index.js";
import { UNATTACHED_FILE_DAYS } from "../../src/core/index.js";
import { createFileLinks, fileLinkSecret, SETTING_FILE_LINK_SECRET } from "../../src/media/links.js";
import { contentDisposition, contentTypeOf } from "../../src/media/http.js";
import type { FakeClock } from "../support/clock.js";
import { coreFor, createProvince, linkRoster } from "../support/core.js";
import { createTestDatabase, testDialects, type TestDatabase } from "../support/databases.js";

/** Every byte value, so nothing is lost to a text encoding on the way in or out. */
const BINARY = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));

describe.each(testDialects)("files stored once on %s", (dialect) => {
  let db: TestDatabase;
  let core: Core;
  let clock: FakeClock;
  let committeeId: number;
  let secretary: Actor & { kind: "person" };

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ core, clock } = coreFor(db));
    committeeId = (await createProvince(core)).id;
    secretary = (await linkRoster(core, db, committeeId, ["secretary", "member"])).secretary!;
  });
  afterEach(() => db.drop());

  const files = () => db.handle.db.selectFrom("files").selectAll().orderBy("id").execute();
  const refs = () => db.handle.db.selectFrom("file_refs").selectAll().orderBy("file_id").execute();
  const incoming = (fileId: string, fileName: string, channel: "telegram" | "zalo" = "telegram") => ({ channel, fileId, fileName, mimeType: "application/pdf" });

  it("keeps the same bytes once, with their hash, size and type, and each app's latest reference", async () => {
    const first = await core.files.receive(incoming("tg-1", "bien-ban.pdf"), BINARY);
    const again = await core.files.receive(incoming("tg-2", "tai-lieu-hop.pdf"), Buffer.from(BINARY));
    const zalo = await core.files.receive(incoming("zl-1", "bien-ban (1).pdf", "zalo"), new Uint8Array(BINARY));
    expect(again).toBe(first);
    expect(zalo).toBe(first);
    const rows = await files();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first,
      sha256: createHash("sha256").update(BINARY).digest("hex"),
      size: BINARY.length,
      mime_type: "application/pdf",
      // The name it was first received under; attachments keep their own.
      name: "bien-ban.pdf",
    });
    expect(Buffer.compare(Buffer.from(rows[0]!.bytes), BINARY)).toBe(0);
    expect((await core.files.content(first))!.bytes.equals(BINARY)).toBe(true);
    expect((await refs()).map((r) => [r.channel, r.ref])).toEqual([
      ["telegram", "tg-2"],
      ["zalo", "zl-1"],
    ]);
    expect(await core.files.ref(first, "telegram")).toBe("tg-2");
    await core.files.forget(first, "telegram");
    expect(await core.files.ref(first, "telegram")).toBeUndefined();

    const other = await core.files.receive(incoming("tg-3", "khac.pdf"), Buffer.from("%PDF-1.4 khác"));
    expect(other).not.toBe(first);
    expect(await files()).toHaveLength(2);
  });

  it("applies the attachment rules to the bytes received", async () => {
    await expect(core.files.receive(incoming("tg-x", "virus.exe"), Buffer.from("MZ"))).rejects.toMatchObject({ code: "meetings:errors.file_type" });
    // The size announced by the app said nothing; the bytes are too many.
    await expect(core.files.receive({ ...incoming("tg-y", "scan.pdf"), fileSize: 10 }, Buffer.alloc(20 * 1024 * 1024 + 1))).rejects.toMatchObject({
      code: "meetings:errors.file_too_large",
    });
    expect(await files()).toHaveLength(0);
  });

  it("points an attachment to its stored file, under the attachment's own name", async () => {
    const stored = await core.files.receive(incoming("tg-1", "anh-hien-truong.pdf"), BINARY);
    const sent = await core.notices.send(secretary, {
      committeeId,
      body: "Thông báo",
      audience: { kind: "all" },
      ackRequired: false,
      attachment: { ...incoming("tg-1", "ten-khac.pdf"), storedFileId: stored },
    });
    const notice = await db.handle.db.selectFrom("notices").select("attachment_id").where("id", "=", sent.noticeId).executeTakeFirstOrThrow();
    const attachment = await core.files.attachment(notice.attachment_id!);
    expect(attachment).toMatchObject({ stored_file_id: stored, file_name: "ten-khac.pdf", channel: "telegram", file_id: "tg-1" });
  });

  it("removes files no attachment refers to some days after they were last received, and keeps the others", async () => {
    const attached = await core.files.receive(incoming("tg-a", "a.pdf"), Buffer.from("%PDF a"));
    const abandoned = await core.files.receive(incoming("tg-b", "b.pdf"), Buffer.from("%PDF b"));
    const receivedAgain = await core.files.receive(incoming("tg-c", "c.pdf"), Buffer.from("%PDF c"));
    await core.notices.send(secretary, { committeeId, body: "x", audience: { kind: "all" }, ackRequired: false, attachment: { ...incoming("tg-a", "a.pdf"), storedFileId: attached } });

    clock.advance((UNATTACHED_FILE_DAYS - 1) * DAY);
    await core.files.receive(incoming("tg-c2", "c.pdf"), Buffer.from("%PDF c"));
    const fresh = await core.files.receive(incoming("tg-d", "d.pdf"), Buffer.from("%PDF d"));
    await core.updates.prune();
    expect((await files()).map((f) => f.id)).toEqual([attached, abandoned, receivedAgain, fresh]);

    clock.advance(2 * DAY);
    await core.updates.prune();
    expect((await files()).map((f) => f.id)).toEqual([attached, receivedAgain, fresh]);
    // Its app references went with it.
    expect((await refs()).map((r) => r.file_id)).toEqual([attached, receivedAgain, fresh]);

    clock.advance(UNATTACHED_FILE_DAYS * DAY);
    await core.updates.prune();
    expect((await files()).map((f) => f.id)).toEqual([attached]);
    expect((await core.files.content(attached))!.bytes.toString()).toBe("%PDF a");
  });

  it("keeps an attachment whose stored file was cleaned up meanwhile by its app reference alone", async () => {
    const stored = await core.files.receive(incoming("tg-old", "cu.pdf"), Buffer.from("%PDF cũ"));
    clock.advance((UNATTACHED_FILE_DAYS + 1) * DAY);
    await core.updates.prune();
    expect(await files()).toHaveLength(0);
    // A conversation left open for longer than that is confirmed now.
    const sent = await core.notices.send(secretary, { committeeId, body: "x", audience: { kind: "all" }, ackRequired: false, attachment: { ...incoming("tg-old", "cu.pdf"), storedFileId: stored } });
    const notice = await db.handle.db.selectFrom("notices").select("attachment_id").where("id", "=", sent.noticeId).executeTakeFirstOrThrow();
    expect(await core.files.attachment(notice.attachment_id!)).toMatchObject({ stored_file_id: null, channel: "telegram", file_id: "tg-old" });
  });

  it("creates the link secret once and gives every instance the same one", async () => {
    const a = await fileLinkSecret(db.handle.db, clock.now());
    const b = await fileLinkSecret(db.handle.db, clock.now());
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toBe(a);
    expect(await core.settings.get(SETTING_FILE_LINK_SECRET)).toBe(a);
    expect(await fileLinkSecret(db.handle.db, clock.now(), "configured-secret-configured-secret")).toBe("configured-secret-configured-secret");
  });
});

describe.each(testDialects)("the files migration on %s", (dialect) => {
  it("leaves attachments made before it with their Telegram reference and no stored file", async () => {
    const db = await createTestDatabase(dialect, { migrate: false });
    try {
      const migrator = new Migrator({ db: db.handle.db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo("20261128T0800-outbox-interruptions")).error).toBeUndefined();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const before = db.handle.db as unknown as Kysely<any>;
      await before
        .insertInto("attachments")
        .values({ owner_type: "notice", owner_id: 1, channel: "telegram", file_id: "BQACAgIAAxkBAAIBold", file_name: "cu.pdf", mime_type: "application/pdf", file_size: 9, created_at: "2026-11-20T00:00:00.000Z" })
        .execute();
      await migrateToLatest(db.handle.db);
      expect(await db.handle.db.selectFrom("attachments").select(["channel", "file_id", "file_name", "stored_file_id"]).execute()).toEqual([
        { channel: "telegram", file_id: "BQACAgIAAxkBAAIBold", file_name: "cu.pdf", stored_file_id: null },
      ]);
      expect(await db.handle.db.selectFrom("files").selectAll().execute()).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});

describe("signed file links", () => {
  let now = new Date("2026-11-23T02:00:00Z");
  const links = createFileLinks({ baseUrl: "https://bot.example.gov.vn/", secret: "s".repeat(43), now: () => now });
  const parts = (link: string) => {
    const u = new URL(link);
    return { id: u.pathname.split("/").pop()!, exp: u.searchParams.get("exp"), sig: u.searchParams.get("sig") };
  };

  it("signs the id and the expiry, and refuses anything changed, another secret's, or expired", () => {
    const link = links.link(42, 600);
    expect(link).toMatch(/^https:\/\/bot\.example\.gov\.vn\/files\/42\?exp=\d+&sig=[A-Za-z0-9_-]{43}$/);
    const { id, exp, sig } = parts(link);
    expect(Number(exp)).toBe(Math.floor(now.getTime() / 1000) + 600);
    expect(links.check(id, exp, sig)).toBe("ok");
    expect(links.check("43", exp, sig)).toBe("forbidden");
    expect(links.check(id, String(Number(exp) + 3600), sig)).toBe("forbidden");
    expect(links.check(id, exp, `${sig!.slice(0, -1)}${sig!.endsWith("A") ? "B" : "A"}`)).toBe("forbidden");
    expect(links.check(id, exp, null)).toBe("forbidden");
    expect(links.check(id, null, sig)).toBe("forbidden");
    expect(links.check(id, exp, "short")).toBe("forbidden");
    const other = createFileLinks({ baseUrl: "https://bot.example.gov.vn", secret: "t".repeat(43), now: () => now });
    expect(other.check(id, exp, sig)).toBe("forbidden");
    now = new Date(now.getTime() + 601_000);
    expect(links.check(id, exp, sig)).toBe("expired");
  });

  it("names the file for every client and serves only known types as themselves", () => {
    expect(contentDisposition("Biên bản họp Đức (1).pdf", true)).toBe(
      `inline; filename="Bien ban hop Duc _1_.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20%C4%90%E1%BB%A9c%20%281%29.pdf`,
    );
    expect(contentDisposition('a"b.docx', false)).toBe(`attachment; filename="a_b.docx"; filename*=UTF-8''a%22b.docx`);
    expect(contentTypeOf("image/png")).toBe("image/png");
    expect(contentTypeOf("text/html")).toBe("application/octet-stream");
    expect(contentTypeOf(null)).toBe("application/octet-stream");
    expect(contentTypeOf("text/plain")).toBe("text/plain; charset=utf-8");
  });
});
