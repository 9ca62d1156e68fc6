import { performance } from "node:perf_hooks";
import { FakeTelegram } from "../tests/support/fake-telegram.js";
import { seedLinkedMembers, startBenchApp, tempDatabase, waitUntil } from "./support.js";
const fake = await FakeTelegram.start();
const db = tempDatabase("x");
const app = await startBenchApp(fake, db);
const members = await seedLinkedMembers(app.core, "UPD", 50, 700000);
const acc: Record<string, number> = {};
if (process.env.CACHE) { const sq = app.database.sqlite as any; const orig = sq.prepare.bind(sq); const cache = new Map(); let hits = 0; sq.prepare = (q: string) => { let st = cache.get(q); if (st) hits++; else { st = orig(q); cache.set(q, st); } return st; }; process.on("exit", () => console.log("cache size", cache.size, "hits", hits)); }
function wrap(obj: any, name: string, key: string) {
  const f = obj[name];
  obj[name] = async (...a: unknown[]) => { const t = performance.now(); try { return await f(...a); } finally { acc[key] = (acc[key] ?? 0) + performance.now() - t; } };
}
wrap(app.core.updates, "claim", "claim");
wrap(app.core.people, "actorByChannel", "actor");
wrap(app.core.people, "setLanguage", "setLanguage");
const n = 2000;
let k = 0;
for (let round = 0; round < 2; round++) {
  for (const key in acc) acc[key] = 0;
  const before = fake.deliveries.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) { const m = members[i % 50]!; fake.sendText({ id: m.userId }, (k++ >> 0) % 100 < 50 && Math.floor(i / 50) % 2 === 0 ? "/lang en" : "/lang vi"); }
  await waitUntil(() => fake.deliveries.length >= before + n, 60000, "x", 5);
  const ms = fake.deliveries.at(-1)!.realAt - t0;
  console.log("total per update ms", (ms / n).toFixed(3), Object.fromEntries(Object.entries(acc).map(([a, b]) => [a, (b / n).toFixed(3)])));
}
await app.stop(); await fake.stop(); db.remove();
