import { Api, Bot, GrammyError, InlineKeyboard, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAKE_TELEGRAM_TOKEN, FakeTelegram, parseTelegramHtml } from "./fake-telegram.js";

const ALICE = { id: 1001, first_name: "Alice", username: "alice", language_code: "vi" };

/** Runs `p`, expecting a GrammyError; returns it for assertions. */
async function apiError(p: Promise<unknown>): Promise<GrammyError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GrammyError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("FakeTelegram", () => {
  let tg: FakeTelegram;
  let api: Api;

  beforeEach(async () => {
    tg = await FakeTelegram.start();
    api = new Api(tg.token, { apiRoot: tg.apiRoot });
  });
  afterEach(async () => {
    await tg.stop();
  });

  it("answers getMe, and 401/404 for a wrong token or unknown method", async () => {
    expect(tg.token).toBe(FAKE_TELEGRAM_TOKEN);
    expect(tg.token).not.toMatch(/[0-9]{8,10}:[A-Za-z0-9_-]{35}/);
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: "bcd_test_bot" });

    const wrong = await apiError(new Api("999:nope", { apiRoot: tg.apiRoot }).getMe());
    expect(wrong.error_code).toBe(401);
    expect(wrong.description).toBe("Unauthorized");

    const res = await fetch(`${tg.apiRoot}/bot${tg.token}/noSuchMethod`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    expect(tg.calls("getMe").map((c) => c.status)).toEqual([200, 401]);
  });

  it("runs a real grammY bot with long polling: commands, replies, buttons, callbacks", async () => {
    const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    bot.command("start", (ctx) => ctx.reply(`welcome ${ctx.match}`, { reply_markup: new InlineKeyboard().text("OK", "ok:1") }));
    bot.callbackQuery("ok:1", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "done" });
      await ctx.editMessageText("<b>confirmed</b>", { parse_mode: "HTML" });
    });
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const running = bot.start({ timeout: 5 });

    const start = tg.sendText(ALICE, "/start abc");
    expect(start.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    const welcome = await tg.nextReply(ALICE.id, 0);
    expect(welcome.text).toBe("welcome abc");
    expect(welcome.message_id).toBe(2); // user message took id 1 in the shared private-chat sequence

    tg.pressButton(ALICE, welcome, "ok:1");
    await tg.waitFor(() => welcome.edits === 1);
    expect(welcome.text).toBe("confirmed");
    expect(welcome.entities).toEqual([{ type: "bold", offset: 0, length: 9 }]);
    expect(welcome.reply_markup).toBeUndefined(); // edit without markup removes the keyboard
    expect(tg.answeredCallbacks[0]).toMatchObject({ text: "done" });
    expect(() => tg.pressButton(ALICE, welcome, "ok:1")).toThrow(/no button/);

    tg.sendText(ALICE, "xin chào");
    expect((await tg.nextReply(ALICE.id, 1)).text).toBe("echo: xin chào");

    await bot.stop();
    await running;
    expect(tg.calls("getUpdates").at(-1)?.payload).toMatchObject({ limit: 1 });
  });

  it("confirms updates by offset and never redelivers a confirmed one", async () => {
    const u1 = tg.sendText(ALICE, "one");
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([u1.update_id]);
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([u1.update_id]); // not confirmed yet
    const u2 = tg.sendText(ALICE, "two");
    expect((await api.getUpdates({ offset: u1.update_id + 1 })).map((u) => u.update_id)).toEqual([u2.update_id]);
    expect(await api.getUpdates({ offset: u2.update_id + 1 })).toEqual([]);
    expect(await api.getUpdates({ offset: u1.update_id })).toEqual([]);
  });

  it("long polls until an update arrives or the (scaled) timeout elapses; 409 with a webhook", async () => {
    const t0 = performance.now();
    const poll = api.getUpdates({ timeout: 10 });
    setTimeout(() => tg.sendText(ALICE, "late"), 100);
    const got = await poll;
    expect(got[0]?.message?.text).toBe("late");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);

    const fast = await FakeTelegram.start({ timeScale: 20 });
    try {
      const fastApi = new Api(fast.token, { apiRoot: fast.apiRoot });
      const t1 = performance.now();
      expect(await fastApi.getUpdates({ timeout: 2 })).toEqual([]); // 2 fake s = 100 ms
      expect(performance.now() - t1).toBeGreaterThanOrEqual(90);
      await fastApi.setWebhook("https://example.test/hook", { secret_token: "s3cret" });
      expect(fast.webhook).toMatchObject({ url: "https://example.test/hook", secret_token: "s3cret" });
      const conflict = await apiError(fastApi.getUpdates());
      expect(conflict.error_code).toBe(409);
      await fastApi.deleteWebhook();
      expect((await fastApi.getWebhookInfo()).url).toBe("");
    } finally {
      await fast.stop();
    }
  });

  it("re-delivers an injected duplicate with the same update_id", async () => {
    const u = tg.sendText(ALICE, "once");
    await api.getUpdates();
    expect(await api.getUpdates({ offset: u.update_id + 1 })).toEqual([]);
    tg.injectDuplicate(u);
    const again = await api.getUpdates({ offset: u.update_id + 1 });
    expect(again.map((x) => x.update_id)).toEqual([u.update_id]);
    expect(await api.getUpdates({ offset: u.update_id + 1 })).toEqual([]);
  });

  it("enforces the 4096-character text limit after HTML parsing", async () => {
    await api.sendMessage(ALICE.id, "a".repeat(4096));
    const tooLong = await apiError(api.sendMessage(ALICE.id, "a".repeat(4097)));
    expect(tooLong.error_code).toBe(400);
    expect(tooLong.description).toBe("Bad Request: message is too long");
    // tags do not count: 4096 visible characters wrapped in <b> are fine
    await api.sendMessage(ALICE.id, `<b>${"a".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect((await apiError(api.sendMessage(ALICE.id, "   "))).description).toBe("Bad Request: message text is empty");
    expect(tg.transcript(ALICE.id)).toHaveLength(2);
  });

  it("rejects callback_data over 64 bytes (UTF-8)", async () => {
    const ok = new InlineKeyboard().text("ok", "a".repeat(64));
    await api.sendMessage(ALICE.id, "fine", { reply_markup: ok });
    const vietnamese = new InlineKeyboard().text("no", "đ".repeat(33)); // 33 chars, 66 bytes
    const err = await apiError(api.sendMessage(ALICE.id, "too big", { reply_markup: vietnamese }));
    expect(err.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("refuses an answerCallbackQuery text over 200 characters, leaving the query open", async () => {
    const m = await api.sendMessage(ALICE.id, "press", { reply_markup: new InlineKeyboard().text("ok", "ok") });
    const press = tg.pressButton(ALICE, m.message_id, "ok");
    const id = press.callback_query!.id;
    const res = await fetch(`${tg.apiRoot}/bot${tg.token}/answerCallbackQuery`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ callback_query_id: id, text: "ư".repeat(201), show_alert: true }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error_code: 400, description: "Bad Request: MESSAGE_TOO_LONG" });
    expect(tg.answeredCallbacks).toHaveLength(0);
    // 200 characters are fine, and the refused query can still be answered.
    await api.answerCallbackQuery(id, { text: "ư".repeat(200), show_alert: true });
    expect(tg.answeredCallbacks).toHaveLength(1);
  });

  it("rejects bad HTML like Telegram and parses the good subset", async () => {
    const cases: [string, RegExp][] = [
      ["<b>open", /^Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"$/],
      ["<div>x</div>", /Unsupported start tag "div" at byte offset 0/],
      ["1 < 2", /Unsupported start tag "" at byte offset 2/],
      ["<b>x</i>", /Unmatched end tag at byte offset 4, expected "<\/b>", found "<\/i>"/],
      ["x</b>", /Unexpected end tag at byte offset 1/],
      ["<span>x</span>", /Tag "span" must have class "tg-spoiler"/],
    ];
    for (const [text, re] of cases) {
      const err = await apiError(api.sendMessage(ALICE.id, text, { parse_mode: "HTML" }));
      expect(err.description, text).toMatch(re);
    }
    const m = await api.sendMessage(ALICE.id, 'Họp &lt;BCĐ&gt; &amp; <a href="https://x.vn/?a=1&amp;b=2">link</a> <pre><code class="language-ts">x</code></pre>', {
      parse_mode: "HTML",
    });
    expect(m.text).toBe("Họp <BCĐ> & link x");
    expect(m.entities).toEqual([
      { type: "text_link", offset: 12, length: 4, url: "https://x.vn/?a=1&b=2" },
      { type: "pre", offset: 17, length: 1, language: "ts" },
    ]);
    expect(parseTelegramHtml("<tg-spoiler>s</tg-spoiler><blockquote expandable>q</blockquote>").entities.map((e) => e.type)).toEqual([
      "spoiler",
      "expandable_blockquote",
    ]);
  });

  it("edits: not modified, not found, and markup-only edits", async () => {
    const kb = new InlineKeyboard().text("A", "a");
    const sent = await api.sendMessage(ALICE.id, "hello", { reply_markup: kb });
    const same = await apiError(api.editMessageText(ALICE.id, sent.message_id, "hello", { reply_markup: kb }));
    expect(same.description).toMatch(/^Bad Request: message is not modified: /);
    const missing = await apiError(api.editMessageText(ALICE.id, 999, "x"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
    await api.editMessageReplyMarkup(ALICE.id, sent.message_id, { reply_markup: new InlineKeyboard().text("B", "b") });
    const rec = tg.lastMessage(ALICE.id);
    expect(rec?.edits).toBe(1);
    expect(FakeTelegram.buttons(rec ?? {}).map((b) => b.callback_data)).toEqual(["b"]);
    // string chat ids address the same chat
    await api.editMessageText(String(ALICE.id), sent.message_id, "hello again");
    expect(rec?.text).toBe("hello again");
    expect(rec?.reply_markup).toBeUndefined();
  });

  it("stores documents the bot uploads (multipart) and serves files users send", async () => {
    const csv = "tên,điểm\nAn,9\n";
    const msg = await api.sendDocument(ALICE.id, new InputFile(Buffer.from(csv), "báo cáo tuần.csv"), {
      caption: "<i>Báo cáo</i>",
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Tải lại", "reload"),
    });
    expect(msg.document).toMatchObject({ file_name: "báo cáo tuần.csv", mime_type: "text/csv", file_size: Buffer.byteLength(csv) });
    expect(msg.caption).toBe("Báo cáo");
    expect(tg.documentContent(msg.document?.file_id ?? "").toString()).toBe(csv);
    expect(tg.lastMessage(ALICE.id)?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Tải lại", callback_data: "reload" }]] });

    const upd = tg.sendDocument(ALICE, { fileName: "members.csv", content: "a,b\n1,2\n", mimeType: "text/csv" });
    const [received] = await api.getUpdates();
    expect(received?.update_id).toBe(upd.update_id);
    const fileId = received?.message?.document?.file_id ?? "";
    const file = await api.getFile(fileId);
    const res = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("a,b\n1,2\n");
    expect((await fetch(`${tg.apiRoot}/file/bot${tg.token}/documents/nope.csv`)).status).toBe(404);
  });

  it("scripts 429 with retry_after, 403 for blocked chats, and arbitrary failures", async () => {
    tg.failNext("sendMessage", 1, { error_code: 429, description: "Too Many Requests: retry after 3", retry_after: 3 });
    const flood = await apiError(api.sendMessage(ALICE.id, "x"));
    expect(flood.error_code).toBe(429);
    expect(flood.parameters.retry_after).toBe(3);
    await api.sendMessage(ALICE.id, "x"); // only the next one failed
    expect(tg.calls("sendMessage").map((c) => c.status)).toEqual([429, 200]);

    tg.blockChat(ALICE.id);
    const blocked = await apiError(api.sendMessage(ALICE.id, "y"));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toBe("Forbidden: bot was blocked by the user");
    tg.unblockChat(ALICE.id);
    await api.sendMessage(ALICE.id, "y");

    tg.failAll("sendChatAction", { error_code: 500, description: "Internal Server Error" });
    expect((await apiError(api.sendChatAction(ALICE.id, "typing"))).error_code).toBe(500);
    expect((await apiError(api.sendChatAction(ALICE.id, "typing"))).error_code).toBe(500);
    tg.clearFaults();
    expect(await api.sendChatAction(ALICE.id, "typing")).toBe(true);
    expect(tg.transcript(ALICE.id).map((m) => m.text)).toEqual(["x", "y"]);
  });

  it("stores commands per scope and language", async () => {
    await api.setMyCommands([{ command: "start", description: "Bắt đầu" }], { language_code: "vi" });
    await api.setMyCommands([{ command: "help", description: "Help" }], { scope: { type: "chat", chat_id: ALICE.id } });
    expect(tg.commandsFor(undefined, "vi")).toEqual([{ command: "start", description: "Bắt đầu" }]);
    expect(await api.getMyCommands({ scope: { type: "chat", chat_id: ALICE.id } })).toEqual([{ command: "help", description: "Help" }]);
    expect(await api.getMyCommands()).toEqual([]);
    expect(tg.commands).toHaveLength(2);
    expect((await apiError(api.setMyCommands([{ command: "Bad-Cmd", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
  });

  it("hangs calls: delayed processing, delivered-but-unanswered, and forever until stop", async () => {
    tg.hangNext("sendMessage", 200);
    const t0 = performance.now();
    const p = api.sendMessage(ALICE.id, "slow");
    await new Promise((r) => setTimeout(r, 50));
    expect(tg.transcript(ALICE.id)).toHaveLength(0); // not processed yet
    expect(tg.calls("sendMessage")[0]?.status).toBe(0);
    await p;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);

    tg.hangNext("sendMessage", 200, { deliverFirst: true });
    const q = api.sendMessage(ALICE.id, "sent, unconfirmed");
    await tg.waitForMessages(ALICE.id, 2);
    expect(tg.calls("sendMessage")[1]?.status).toBe(0);
    await q;

    const other = await FakeTelegram.start();
    const otherApi = new Api(other.token, { apiRoot: other.apiRoot });
    other.hangNext("sendMessage", Infinity);
    const forever = otherApi.sendMessage(ALICE.id, "never").then(
      () => "resolved",
      () => "rejected",
    );
    await other.waitFor(() => other.calls("sendMessage").length === 1);
    await other.stop();
    expect(await forever).toBe("rejected");
    expect(other.transcript(ALICE.id)).toHaveLength(0);
  });

  it("rate-limits sends on the scaled clock and keeps statistics", async () => {
    // timeScale 2: one fake second = 500 ms real, ample for the bursts below even on a slow machine
    const fast = await FakeTelegram.start({ timeScale: 2, rateLimit: { globalPerSecond: 5, perChatPerSecond: 3, retryAfterSeconds: 2 } });
    try {
      const fastApi = new Api(fast.token, { apiRoot: fast.apiRoot });
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => fastApi.sendMessage(ALICE.id, `m${i}`).then(() => "ok", (e: GrammyError) => e)),
      );
      expect(results.filter((r) => r === "ok")).toHaveLength(3); // per-chat limit
      const refused = results.find((r): r is GrammyError => r instanceof GrammyError);
      expect(refused?.error_code).toBe(429);
      expect(refused?.parameters.retry_after).toBe(2);

      const others = await Promise.all([2001, 2002, 2003].map((id) => fastApi.sendMessage(id, "hi").then(() => "ok", () => "429")));
      expect(others.filter((r) => r === "ok")).toHaveLength(2); // global limit of 5
      expect(fast.stats.acceptedSends).toBe(5);
      expect(fast.stats.rejected429).toBe(2);
      expect(fast.stats.byChat[String(ALICE.id)]).toEqual({ accepted: 3, rejected429: 1 });
      expect(fast.transcript(ALICE.id)).toHaveLength(3); // refused messages were not delivered
      expect(fast.deliveries).toHaveLength(5);

      await fast.clock.sleep(1000); // one fake second = 500 ms real
      await fastApi.sendMessage(ALICE.id, "after the window");
      const [first, last] = [fast.deliveries[0], fast.deliveries.at(-1)];
      expect((last?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
      expect((last?.realAt ?? 0) - (first?.realAt ?? 0)).toBeLessThan(950);
    } finally {
      await fast.stop();
    }
  });
});
