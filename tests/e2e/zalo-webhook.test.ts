import { afterEach, describe, expect, it } from "vitest";
import { testDialects } from "../support/databases.js";
import { FakeZalo } from "../support/fake-zalo.js";
import { ZaloDriver, zaloUsers } from "../support/zalo-driver.js";

/** Zalo's webhook end to end: the fake calls the bot's own server as Zalo would (through a reverse proxy). */
describe("Zalo webhook", () => {
  let d: ZaloDriver | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  const handled = (d: ZaloDriver) => d.e2e.app.database.db.selectFrom("processed_updates").select("update_id").where("channel", "=", "zalo").execute();

  it("registers its https address and secret, and answers a linked person's messages, flat or wrapped", async () => {
    d = await ZaloDriver.start(["member"], { webhook: true });
    expect(d.zalo.webhookUrl).toBe("https://bot.example.gov.vn/zalo");
    await d.say("member", "/help");
    expect(d.said("member").at(-1)).toContain("Lương Văn Đức");
    d.zalo.wrapped = true;
    await d.say("member", "/lang");
    expect(d.said("member").at(-1)).toMatch(/1\. .*\n?.*2\. /s);
    expect(d.zalo.webhookAnswers.every((s) => s === 200)).toBe(true);
  });

  it("refuses a wrong or missing secret, and handles nothing from it", async () => {
    d = await ZaloDriver.start(["member"], { webhook: true });
    const update = FakeZalo.update(zaloUsers.member, "message.text.received", { text: "/help" });
    expect(await d.zalo.post(update, "not-the-secret-at-all")).toBe(403);
    expect(await d.zalo.post(update, null)).toBe(403);
    expect(await d.zalo.post(update, null, "{}")).toBe(403);
    await new Promise((r) => setTimeout(r, 200));
    expect(d.said("member")).toEqual([]);
    expect(await handled(d)).toEqual([]);
    expect(d.e2e.logs.some((l) => l.includes("Zalo webhook request refused"))).toBe(true);
    expect(d.e2e.logs.join("\n")).not.toContain("zalo-webhook-secret-for-tests");
  });

  it.each(testDialects)("handles a duplicate delivery once, refuses a body that is not an update or too large, and survives an unknown event (%s)", async (dialect) => {
    d = await ZaloDriver.start(["member"], { webhook: true, dialect });
    d.zalo.duplicates = true;
    await d.say("member", "/help");
    await new Promise((r) => setTimeout(r, 300));
    expect(d.zalo.webhookAnswers).toEqual([200, 200]);
    expect(d.said("member").filter((m) => m.includes("Lương Văn Đức"))).toHaveLength(1);
    d.zalo.duplicates = false;
    const secret = "zalo-webhook-secret-for-tests";
    expect(await d.zalo.post(undefined, secret, "not json")).toBe(400);
    expect(await d.zalo.post(undefined, secret, JSON.stringify({ ok: true, result: { message: {} } }))).toBe(400);
    expect(await d.zalo.post(FakeZalo.update(zaloUsers.member, "message.reaction.received"), secret)).toBe(200);
    // An update is a few hundred bytes: a body past 256 KB is refused unread.
    const huge = JSON.stringify(FakeZalo.update(zaloUsers.member, "message.text.received", { text: "x".repeat(300_000) }));
    expect(await d.zalo.post(undefined, secret, huge)).toBe(413);
    // Still answering.
    await d.say("member", "/help");
    expect(d.said("member").filter((m) => m.includes("Lương Văn Đức"))).toHaveLength(2);
  });

  it("asks Zalo for its webhook when quiet, so /healthz tells a quiet bot from a cut-off one", async () => {
    d = await ZaloDriver.start([], { webhook: true, telegram: false, app: { healthLimits: { webhookProbeMs: 100 } } });
    const before = d.zalo.calls.filter((c) => c.method === "getWebhookInfo").length;
    await d.zalo.waitFor(() => d!.zalo.calls.filter((c) => c.method === "getWebhookInfo").length > before, 3000, "a webhook check");
    expect(d.e2e.app.health.platformSilenceMs()).toBeLessThan(1000);
  });

  it("takes one person's messages in the order they came, though each is answered before it is handled", async () => {
    d = await ZaloDriver.start(["member"], { webhook: true });
    // The webhook answers 200 at once: these three are being handled at the same time, the first answer slowly.
    d.zalo.slow("sendMessage", 400);
    for (const text of ["/help", "/lang", "/help"]) expect(await d.zalo.post(FakeZalo.update(zaloUsers.member, "message.text.received", { text }))).toBe(200);
    const helps = (said: string[]) => said.filter((m) => m.includes("Lương Văn Đức")).length;
    const said = await d.zalo.waitFor(() => (helps(d!.said("member")) >= 2 ? d!.said("member") : undefined), 8000, "both answers to /help");
    const lang = said.findIndex((m) => m.includes("chọn ngôn ngữ"));
    expect(lang).toBeGreaterThan(0);
    expect(said.findIndex((m) => m.includes("Lương Văn Đức"))).toBeLessThan(lang);
    expect(said.findLastIndex((m) => m.includes("Lương Văn Đức"))).toBeGreaterThan(lang);
  });
});
