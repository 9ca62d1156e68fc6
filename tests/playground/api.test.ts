import { existsSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Playground } from "../../src/playground/server.js";
import { startDemo } from "./browser.js";

/** The history a chat's event stream starts with. */
async function history(base: string, chat: string): Promise<{ id: string; from: string; text?: string; html?: string; note?: boolean; buttons?: string[][]; file?: { url: string } }[]> {
  const res = await fetch(`${base}api/chats/${chat}/events`);
  const reader = res.body!.getReader();
  let text = "";
  while (!/event: history\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString("utf8");
  }
  await reader.cancel();
  return JSON.parse(/event: history\ndata: (.*)\n\n/.exec(text)![1]!);
}

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-playground": "1" }, body: JSON.stringify(body) });

describe("the playground's HTTP interface", () => {
  let playground: Playground | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await playground?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the demo in its own folder, whatever DATABASE_URL says, and answers on 127.0.0.1", async () => {
    const before = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "file:/nonexistent/real.sqlite";
    try {
      ({ playground, dir } = await startDemo());
    } finally {
      if (before === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = before;
    }
    expect(existsSync(join(dir!, "demo.sqlite"))).toBe(true);
    expect(new URL(playground.url).hostname).toBe("127.0.0.1");
    const page = await fetch(playground.url);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    // A form on another site cannot post to it (no X-Playground header), nor a rebound DNS name reach it.
    const form = await fetch(`${playground.url}api/reset`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(form.status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) =>
      request(`${playground!.url}api/demo`, { headers: { host: "evil.example:8090" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end(),
    );
    expect(rebound).toBe(421);
  });

  it("shows a typed line as text, and refuses buttons and files of another person's chat", async () => {
    ({ playground, dir } = await startDemo());
    const base = playground.url;
    const typed = `<b>đậm</b><script>alert(1)</script>`;
    expect((await post(`${base}api/chats/web-member/messages`, { text: typed })).status).toBe(200);
    const member = await history(base, "web-member");
    expect(member.find((e) => e.from === "person")?.text).toBe(typed);
    // The bot's answer (not understood) is printed markup; nothing the person typed is in any bot message as a tag.
    expect(member.filter((e) => e.from === "bot").map((e) => e.html ?? "").join("")).not.toContain("<script>");

    // A button of the secretariat's chat, pressed from the member's: refused politely, nothing run.
    const secretariat = await history(base, "web-secretariat");
    const withButtons = secretariat.find((e) => e.buttons?.length);
    const entry = withButtons?.id ?? secretariat[0]!.id;
    expect((await post(`${base}api/chats/web-member/press`, { entry, row: 0, column: 0 })).status).toBe(200);
    expect((await history(base, "web-member")).at(-1)).toMatchObject({ from: "bot", note: true, html: expect.stringContaining("Nút này không còn hiệu lực") });
    expect((await history(base, "web-secretariat")).length).toBe(secretariat.length);

    // A file is served only with the chat it was sent in; an unknown chat is not there at all.
    await post(`${base}api/chats/web-secretariat/messages`, { text: "/confirmmeeting 1 ; Phòng họp số 1" });
    // The invitations go through the outbox and the delivery worker, which write them into the chats.
    await expect.poll(async () => (await history(base, "web-chair")).some((e) => e.file), { timeout: 10_000 }).toBe(true);
    const calendar = (await history(base, "web-chair")).find((e) => e.file)!;
    const ok = await fetch(new URL(calendar.file!.url, base));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("BEGIN:VCALENDAR");
    expect((await fetch(new URL(calendar.file!.url.replace("chat=web-chair", "chat=web-member"), base))).status).toBe(404);
    expect((await post(`${base}api/chats/web-stranger/messages`, { text: "/help" })).status).toBe(404);
  });

  it("starts over: a reset seeds the demo anew and the chats are empty again", async () => {
    ({ playground, dir } = await startDemo());
    const base = playground.url;
    await post(`${base}api/chats/web-member/messages`, { text: "/help" });
    expect((await history(base, "web-member")).length).toBeGreaterThan(1);
    await post(`${base}api/clock`, { step: "day" });
    expect(((await (await post(`${base}api/reset`, {})).json()) as { ok: boolean }).ok).toBe(true);
    expect(await history(base, "web-member")).toEqual([]);
    const demo = (await (await fetch(`${base}api/demo`)).json()) as { now: string; people: { key: string; organization: string }[] };
    expect(demo.now).toBe("23/11/2026 09:00");
    expect(demo.people.find((p) => p.key === "ward")?.organization).toBe("UBND phường Lương Văn Tri");
    expect(JSON.parse(readFileSync(join(dir!, "clock.json"), "utf8")).at).toBeGreaterThan(0);
  });
});
