import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/clock.js";
import type { Update } from "grammy/types";
import { E2E, names, users } from "../support/e2e.js";
import { testDialects } from "../support/databases.js";
import { FakeTelegram, type CallRecord, type FakeMessage } from "../support/fake-telegram.js";

/** Every byte value, so nothing is lost to a text encoding anywhere on the way. */
const BINARY = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256))]);
/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The people a notice to "everyone" reaches on Telegram (the standing deputy has not linked an account). */
const RECIPIENTS = [users.secretary, users.chair, users.member, users.deputy];

/** A sendDocument call that uploaded bytes (rather than naming a file_id). */
const isUpload = (c: CallRecord) => typeof c.payload.document === "object" && c.payload.document !== null;

describe.each(testDialects)("files stored once, on %s", (dialect) => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const start = async () => {
    e2e = await E2E.start({}, dialect);
    await e2e.seedRoster();
    for (const key of ["secretary", "chair", "member", "deputy"] as const) await e2e.link(users[key], names[key]);
  };
  const db = () => e2e.app.database.db;
  const storedFiles = () => db().selectFrom("files").selectAll().orderBy("id").execute();
  const telegramRef = async (fileId: number) => (await db().selectFrom("file_refs").select("ref").where("file_id", "=", fileId).where("channel", "=", "telegram").executeTakeFirst())?.ref;

  const tap = async (label: string) => {
    const m = e2e.tg.transcript(users.secretary.id).filter((x) => FakeTelegram.buttons(x).some((b) => b.text.includes(label))).at(-1);
    if (!m) throw new Error(`no button ${label}`);
    const before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.pressButton(users.secretary, m, FakeTelegram.buttons(m).find((b) => b.text.includes(label))!.callback_data!);
    return e2e.tg.nextReply(users.secretary.id, before);
  };

  /** The secretariat composes a notice to everyone whose body is a file (sent by `send`); returns the notice's number. */
  const noticeWithFile = async (send: () => unknown): Promise<number> => {
    expect((await e2e.say(users.secretary, "/notice")).text).toContain("Soạn thông báo");
    const before = e2e.tg.transcript(users.secretary.id).length;
    send();
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toContain("Gửi tới");
    await tap("Tất cả thành viên");
    await tap("Không cần xác nhận");
    await e2e.tg.waitFor(() => e2e.tg.lastMessage(users.secretary.id)?.text?.includes("Xem trước"));
    const sent = await tap("Gửi");
    return Number(sent.text!.match(/thông báo số (\d+)/)![1]);
  };

  /** The file of the notice each recipient got, once every one has it. */
  const documentsOf = (caption: string): Promise<FakeMessage[]> =>
    e2e.tg.waitFor(() => {
      const got = RECIPIENTS.map((u) => e2e.tg.transcript(u.id).find((m) => m.document && m.caption?.includes(caption)));
      return got.every(Boolean) ? (got as FakeMessage[]) : undefined;
    }, 8000);

  it("keeps a file received on Telegram once, as sent, and sends it on by its Telegram file_id without uploading it", async () => {
    await start();
    let received!: Update;
    await noticeWithFile(() => (received = e2e.tg.sendDocument(users.secretary, { fileName: "Biên bản họp.pdf", content: BINARY, caption: "Kính gửi các đồng chí" })));
    const receivedId = received.message!.document!.file_id;
    const [file, ...more] = await storedFiles();
    expect(more).toHaveLength(0);
    expect(Buffer.from(file!.bytes).equals(BINARY)).toBe(true);
    expect(file).toMatchObject({ size: BINARY.length, mime_type: "application/pdf", name: "Biên bản họp.pdf" });
    expect(await telegramRef(file!.id)).toBe(receivedId);

    const docs = await documentsOf("Biên bản họp.pdf");
    for (const d of docs) expect(e2e.tg.documentContent(d.document!.file_id).equals(BINARY)).toBe(true);
    const sends = e2e.tg.calls("sendDocument").filter((c) => c.status === 200);
    expect(sends).toHaveLength(RECIPIENTS.length);
    expect(sends.filter(isUpload)).toHaveLength(0);
    expect(sends.map((c) => c.payload.document)).toEqual(RECIPIENTS.map(() => receivedId));

    // The same bytes again, under another name: still one file; each attachment keeps its own name.
    let again!: Update;
    await noticeWithFile(() => (again = e2e.tg.sendDocument(users.secretary, { fileName: "ban-sao.pdf", content: Buffer.from(BINARY) })));
    await documentsOf("ban-sao.pdf");
    expect((await storedFiles()).map((f) => f.id)).toEqual([file!.id]);
    const attachments = await db().selectFrom("attachments").select(["stored_file_id", "file_name"]).orderBy("id").execute();
    expect(attachments).toEqual([
      { stored_file_id: file!.id, file_name: "Biên bản họp.pdf" },
      { stored_file_id: file!.id, file_name: "ban-sao.pdf" },
    ]);
    expect(await telegramRef(file!.id)).toBe(again.message!.document!.file_id);
    expect(e2e.tg.calls("sendDocument").filter(isUpload)).toHaveLength(0);
  });

  it("uploads a file Telegram has no reference to once, and sends it by the file_id Telegram gave back", async () => {
    await start();
    // A picture received on another app: its bytes and that app's reference, none for Telegram.
    const incoming = { channel: "zalo" as const, fileId: "zalo-photo-1", fileName: "anh-hien-truong.png", mimeType: "image/png" };
    const stored = await e2e.core.files.receive(incoming, PNG);
    expect(await telegramRef(stored)).toBeUndefined();
    const secretary = await e2e.actorOf(users.secretary);
    await e2e.core.notices.send(secretary, { committeeId: 1, body: "Ảnh hiện trường", audience: { kind: "all" }, ackRequired: false, attachment: { ...incoming, fileName: "Ảnh hiện trường.png", storedFileId: stored } });
    e2e.app.worker.nudge();

    const docs = await documentsOf("Ảnh hiện trường.png");
    const sends = e2e.tg.calls("sendDocument").filter((c) => c.status === 200);
    expect(sends).toHaveLength(RECIPIENTS.length);
    const uploads = sends.filter(isUpload);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.payload.document).toMatchObject({ filename: "Ảnh hiện trường.png", size: PNG.length });
    const cached = await telegramRef(stored);
    expect(cached).toBeDefined();
    expect(sends.filter((c) => !isUpload(c)).map((c) => c.payload.document)).toEqual([cached, cached, cached]);
    for (const d of docs) {
      expect(d.document!.file_id).toBe(cached);
      expect(e2e.tg.documentContent(d.document!.file_id).equals(PNG)).toBe(true);
    }

    // Telegram's reference lost (or never made): the next send uploads the bytes again and caches the new one.
    await db().deleteFrom("file_refs").where("channel", "=", "telegram").execute();
    await e2e.core.notices.send(secretary, { committeeId: 1, body: "Nhắc lại", audience: { kind: "secretariat" }, ackRequired: false, attachment: { ...incoming, fileName: "lan-2.png", storedFileId: stored } });
    e2e.app.worker.nudge();
    const second = await e2e.tg.waitFor(() => e2e.tg.transcript(users.secretary.id).find((m) => m.caption?.includes("lan-2.png")), 8000);
    expect(e2e.tg.calls("sendDocument").filter(isUpload)).toHaveLength(2);
    expect(second.document!.file_id).not.toBe(cached);
    // Cached once Telegram has answered the upload.
    await e2e.until(async () => (await telegramRef(stored)) === second.document!.file_id);
  });

  it("sends a photo received in chat as a document: Telegram refuses the photo's id, so its bytes go up once", async () => {
    await start();
    await noticeWithFile(() => e2e.tg.sendPhoto(users.secretary, { content: PNG, caption: "Hiện trường sự cố" }));
    const [file] = await storedFiles();
    expect(Buffer.from(file!.bytes).equals(PNG)).toBe(true);
    // A photo is named after Telegram's unique id for it (anh-<id>.jpg), as the conversation layer receives it.
    const docs = await documentsOf(".jpg");
    expect(docs[0]!.document!.file_name).toMatch(/^anh-[\w-]+\.jpg$/);
    for (const d of docs) expect(e2e.tg.documentContent(d.document!.file_id).equals(PNG)).toBe(true);
    const sends = e2e.tg.calls("sendDocument").filter((c) => c.status === 200);
    expect(sends).toHaveLength(RECIPIENTS.length);
    expect(sends.filter(isUpload)).toHaveLength(1);
    expect(await telegramRef(file!.id)).toBe(docs[0]!.document!.file_id);
  });

  it("asks for the file again when it cannot be downloaded, and keeps nothing of it", async () => {
    await start();
    expect((await e2e.say(users.secretary, "/notice")).text).toContain("Soạn thông báo");
    e2e.tg.failNext("getFile", 1, { error_code: 400, description: "Bad Request: file is too big" });
    let before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "bao-cao.pdf", content: BINARY });
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toBe("Không tải được tệp đồng chí gửi. Đề nghị đồng chí gửi lại.");
    expect(await storedFiles()).toHaveLength(0);
    expect(e2e.logs.join("")).toContain("file download from Telegram failed");
    expect(e2e.logs.join("")).not.toContain(e2e.tg.token);
    // A refused type is not even downloaded.
    before = e2e.tg.transcript(users.secretary.id).length;
    const getFiles = e2e.tg.calls("getFile").length;
    e2e.tg.sendDocument(users.secretary, { fileName: "virus.exe", content: "MZ" });
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toContain("không thuộc loại được nhận");
    expect(e2e.tg.calls("getFile")).toHaveLength(getFiles);
    before = e2e.tg.transcript(users.secretary.id).length;
    e2e.tg.sendDocument(users.secretary, { fileName: "bao-cao.pdf", content: BINARY });
    expect((await e2e.tg.nextReply(users.secretary.id, before)).text).toContain("Gửi tới");
    expect(await storedFiles()).toHaveLength(1);
  });

  it("sends an attachment made before files were stored by the Telegram reference it has", async () => {
    await start();
    // A file the bot saw on Telegram; the attachment (as the migration leaves old ones) has no bytes.
    const seen = e2e.tg.sendDocument(users.member, { fileName: "cu.docx", content: "tài liệu cũ" }).message!.document!.file_id;
    const secretary = await e2e.actorOf(users.secretary);
    await e2e.core.notices.send(secretary, { committeeId: 1, body: "Tài liệu cũ", audience: { kind: "all" }, ackRequired: false, attachment: { channel: "telegram", fileId: seen, fileName: "cu.docx" } });
    e2e.app.worker.nudge();
    const docs = await documentsOf("cu.docx");
    expect(docs.map((d) => d.document!.file_id)).toEqual(RECIPIENTS.map(() => seen));
    expect(await db().selectFrom("attachments").select("stored_file_id").execute()).toEqual([{ stored_file_id: null }]);
    expect(await storedFiles()).toHaveLength(0);
  });
});

describe("signed links to stored files", () => {
  let e2e: E2E;
  afterEach(() => e2e.stop());

  const store = () => e2e.core.files.receive({ channel: "telegram", fileId: "tg-1", fileName: "Biên bản họp (bản cuối).pdf", mimeType: "application/pdf" }, BINARY);

  it("serves the bytes to whoever holds the link until it expires, with their type, length and name (polling mode)", async () => {
    const port = await freePort();
    e2e = await E2E.start({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}/`, WEBHOOK_PORT: String(port) });
    const id = await store();
    const link = e2e.app.fileLinks!.link(id, 600);
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/files/${id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));

    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-length")).toBe(String(BINARY.length));
    expect(res.headers.get("content-disposition")).toBe(
      `inline; filename="Bien ban hop _ban cuoi_.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%8Dp%20%28b%E1%BA%A3n%20cu%E1%BB%91i%29.pdf`,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer()).equals(BINARY)).toBe(true);
    const head = await fetch(link, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(BINARY.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const url = new URL(link);
    const sig = url.searchParams.get("sig")!;
    const tampered = new URL(link);
    tampered.searchParams.set("sig", `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`);
    expect((await fetch(tampered)).status).toBe(403);
    const otherFile = new URL(link);
    otherFile.pathname = `/files/${id + 1}`;
    expect((await fetch(otherFile)).status).toBe(403);
    const later = new URL(link);
    later.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 86_400));
    expect((await fetch(later)).status).toBe(403);
    const unsigned = new URL(link);
    unsigned.search = "";
    expect((await fetch(unsigned)).status).toBe(403);
    expect((await fetch(e2e.app.fileLinks!.link(id + 1000, 600))).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/files/abc`)).status).toBe(404);
    expect((await fetch(link, { method: "POST" })).status).toBe(405);

    e2e.clock.advance(11 * MINUTE);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toBe("link expired");
    expect((await fetch(e2e.app.fileLinks!.link(id, 600))).status).toBe(200);
  });

  it("serves file links on the webhook server in webhook mode, and none without a public base URL", async () => {
    const port = await freePort();
    const webhook = { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.gov.vn/telegram", WEBHOOK_PORT: String(port), WEBHOOK_SECRET: "webhook-secret-0123456789" };
    e2e = await E2E.start({ ...webhook, PUBLIC_BASE_URL: "https://bot.example.gov.vn" });
    const id = await store();
    const path = new URL(e2e.app.fileLinks!.link(id, 600));
    expect(path.origin).toBe("https://bot.example.gov.vn");
    const res = await fetch(`http://127.0.0.1:${port}${path.pathname}${path.search}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(BINARY)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}${path.pathname}?exp=1&sig=x`)).status).toBe(403);
    await e2e.stop();

    e2e = await E2E.start(webhook);
    expect(e2e.app.fileLinks).toBeUndefined();
    expect((await fetch(`http://127.0.0.1:${port}${path.pathname}${path.search}`)).status).toBe(404);
  });
});
