import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { E2E, names, users } from "../support/e2e.js";

/** A forward proxy as government networks have: it only tunnels (HTTP CONNECT) and notes where to. */
async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; server: Server }> {
  const tunnels: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (req, client, head) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, tunnels, server };
}

describe("behind an outbound proxy", () => {
  let e2e: E2E | undefined;
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };

  beforeEach(async () => {
    proxy = await startConnectProxy();
  });
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise((r) => proxy.server.close(r));
  });

  it("makes every Bot API call through HTTP_PROXY / HTTPS_PROXY", async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.HTTPS_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    e2e = await E2E.start();
    await e2e.seedRoster();
    const reply = await e2e.link(users.member, names.member);
    expect(reply.text).toContain("Kính chào đồng chí Lương Văn Đức");
    const fake = new URL(e2e.tg.apiRoot);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.every((t) => t === `${fake.hostname}:${fake.port}`)).toBe(true);
    expect(e2e.logs.some((l) => l.includes('"proxy":"http://127.0.0.1:') && l.includes("bcd-bot starting"))).toBe(true);
  });

  it("goes direct to hosts NO_PROXY names", async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = "127.0.0.1";
    e2e = await E2E.start();
    await e2e.seedRoster();
    expect((await e2e.link(users.member, names.member)).text).toContain("Kính chào");
    expect(proxy.tunnels).toEqual([]);
  });
});
