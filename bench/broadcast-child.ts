/**
 * The worker process of the hard-kill benchmark (bench/broadcast.ts): sends what a pre-seeded outbox holds
 * to the parent's fake Bot API until it is killed (SIGKILL, mid-broadcast) or asked to stop (SIGTERM).
 *
 *   node --import tsx bench/broadcast-child.ts <dbfile> <apiRoot> <scale> [origin epoch ms] [rate/s]
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
  const run = openBroadcastWorker({ dbUrl: `file:${dbFile}`, apiRoot, ...(rate ? { ratePerSecond: Number(rate) } : {}), time });
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
}

main().catch((e: unknown) => {
  console.error("broadcast worker failed:", e);
  process.exit(1);
});
