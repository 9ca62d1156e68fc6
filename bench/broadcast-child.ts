/**
 * The worker process of the hard-kill benchmark (bench/broadcast.ts): sends what a pre-seeded outbox holds
 * to the parent's fake Bot API until it is killed (SIGKILL, mid-broadcast) or asked to stop (SIGTERM).
 *
 *   node --import tsx bench/broadcast-child.ts <dbfile | postgres URL> <apiRoot> <scale> [origin epoch ms] [rate/s]
 *
 * Without a rate the gate has the configuration's default ceiling.
 *
 * `origin` must be the one the outbox was stamped with and the previous worker ran on, so that both
 * processes read the same scaled time (see scaledTime).
 */
import { openBroadcastWorker, scaledTime } from "./broadcast.js";

async function main(): Promise<void> {
  const [dbFile, apiRoot, scale, origin, rate] = process.argv.slice(2);
  if (!dbFile || !apiRoot || !scale) throw new Error("usage: broadcast-child.ts <dbfile> <apiRoot> <scale> [origin] [rate]");
  const time = scaledTime(Number(scale), origin ? Number(origin) : Date.now());
  // A PostgreSQL URL as it is (bench/scale.ts), else an SQLite file.
  const dbUrl = /^postgres(ql)?:\/\//.test(dbFile) ? dbFile : `file:${dbFile}`;
  const run = openBroadcastWorker({ dbUrl, apiRoot, ...(rate ? { ratePerSecond: Number(rate) } : {}), time });
  const stop = () =>
    void run.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error("broadcast worker did not stop cleanly:", e);
        process.exit(1);
      },
    );
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await run.worker.start();
  // Several workers (bench/scale.ts): the parent learns which one sends from these lines.
  let sending = false;
  setInterval(() => {
    const now = run.worker.sending().length > 0;
    if (now !== sending) console.log(now ? "SENDING" : "STANDBY");
    sending = now;
  }, 20).unref();
}

main().catch((e: unknown) => {
  console.error("broadcast worker failed:", e);
  process.exit(1);
});
