import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloClient, ZaloApiError, ZaloNetworkError } from "../../../src/channels/zalo/client.js";
import { toZaloSendError } from "../../../src/channels/zalo/send-error.js";
import { FakeZalo, FAKE_ZALO_BOT_ID, zaloUser } from "../../support/fake-zalo.js";

describe("Zalo Bot API client", () => {
  let zalo: FakeZalo;
  beforeEach(async () => {
    zalo = await FakeZalo.start({ quota: 2 });
  });
  afterEach(() => zalo.stop());

  const client = (token = zalo.token) => createZaloClient({ token, apiRoot: zalo.apiRoot });

  it("calls POST /bot<token>/<method> with JSON and reads the envelope; ids stay strings", async () => {
    const me = await client().getMe();
    expect(me.id).toBe(FAKE_ZALO_BOT_ID);
    const ana = zaloUser("An");
    zalo.know(ana.id);
    const sent = await client().sendMessage(ana.id, "Xin chào");
    expect(sent.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(zalo.calls.at(-1)).toEqual({ method: "sendMessage", body: { chat_id: ana.id, text: "Xin chào" } });
  });

  it("reads ok, never the status: a refused token (HTTP 200) is an API error that names neither the token nor its secret part", async () => {
    const token = "12345689:WRONG-zalo-token-for-tests";
    const e = await client(token).getMe().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZaloApiError);
    expect(e).toMatchObject({ method: "getMe", errorCode: 401, description: "Unauthorized" });
    const text = `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`;
    expect(text).not.toContain("WRONG-zalo-token");
    expect(toZaloSendError(e).kind).toBe("permanent");
  });

  it("turns a dropped connection and an HTML 500 page into network errors without the token", async () => {
    zalo.fail("getMe", "network");
    const dropped = await client().getMe().catch((x: unknown) => x);
    expect(dropped).toBeInstanceOf(ZaloNetworkError);
    zalo.fail("getMe", "http500");
    const page = await client().getMe().catch((x: unknown) => x);
    expect(page).toBeInstanceOf(ZaloNetworkError);
    expect((page as Error).message).toContain("HTTP 500");
    for (const e of [dropped, page]) {
      expect(`${(e as Error).message}${(e as Error).stack}`).not.toContain("TEST-ZALO");
      expect(toZaloSendError(e).kind).toBe("transient");
    }
  });

  it("takes the API's 408 as 'nothing new' and gives one update per call", async () => {
    expect(await client().getUpdates(1)).toBeUndefined();
    const ana = zaloUser("An");
    await zalo.sendText(ana, "một");
    await zalo.sendText(ana, "hai");
    expect((await client().getUpdates(1))?.message?.text).toBe("một");
    expect((await client().getUpdates(1))?.message?.text).toBe("hai");
  });

  it("stops a long poll at once when asked", async () => {
    const abort = new AbortController();
    const started = Date.now();
    const poll = client().getUpdates(20, abort.signal).catch((x: unknown) => x);
    setTimeout(() => abort.abort(), 100);
    expect(await poll).toBeInstanceOf(ZaloNetworkError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("maps refusals to what the delivery worker does: quota, never-wrote, Zalo's 403, a bad request", async () => {
    const ana = zaloUser("An");
    const never = await client().sendMessage(ana.id, "chào").catch((x: unknown) => x);
    expect(toZaloSendError(never).kind).toBe("forbidden");
    zalo.know(ana.id);
    await client().sendMessage(ana.id, "1");
    await client().sendMessage(ana.id, "2");
    const quota = await client().sendMessage(ana.id, "3").catch((x: unknown) => x);
    expect(quota).toMatchObject({ errorCode: 429, description: "Quota exceeded" });
    expect(toZaloSendError(quota)).toMatchObject({ kind: "rate_limited" });
    expect(toZaloSendError(quota).retryAfterMs).toBeGreaterThan(0);
    // A 429 that does not speak of the quota is a per-second limit: a short pause while the gate slows down.
    const burst = toZaloSendError(new ZaloApiError("sendMessage", 429, "Too many requests"));
    expect(burst.kind).toBe("rate_limited");
    expect(burst.retryAfterMs).toBeLessThan(toZaloSendError(quota).retryAfterMs);
    expect(toZaloSendError(new ZaloApiError("sendMessage", 403, "Internal server error")).kind).toBe("transient");
    expect(toZaloSendError(new ZaloApiError("sendMessage", 400, "Bad request")).kind).toBe("permanent");
  });
});
