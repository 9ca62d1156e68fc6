import { resolve } from "node:path";
import { createLogger } from "../logger.js";
import { startPlayground } from "./server.js";

/**
 * `npm run playground`: the bot with the web app on a demo committee, for anyone to try without a Telegram
 * or Zalo token. It listens on 127.0.0.1 unless PLAYGROUND_HOST names another interface, on PLAYGROUND_PORT
 * (8090 by default), and keeps its own database in PLAYGROUND_DIR (./data/playground by default).
 */
async function main(): Promise<void> {
  const port = Number(process.env.PLAYGROUND_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("bcd-bot playground: PLAYGROUND_PORT must be a port number (0–65535)");
    process.exit(2);
  }
  const host = process.env.PLAYGROUND_HOST?.trim() || "127.0.0.1";
  const dir = resolve(process.env.PLAYGROUND_DIR?.trim() || "./data/playground");
  const logger = createLogger({ level: process.env.LOG_LEVEL?.trim() || "warn", pretty: process.stdout.isTTY, secrets: [] });
  const playground = await startPlayground({ dir, host, port, logger });
  console.log(`bcd-bot playground: open ${playground.url} (demo data in ${dir}; Ctrl+C to stop)`);
  const shutdown = () => {
    void playground.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((e: unknown) => {
  console.error(`bcd-bot playground: ${String((e as Error)?.message ?? e)}`);
  process.exit(1);
});
