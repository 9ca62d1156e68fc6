import { createHash } from "node:crypto";
import pg from "pg";

/**
 * PostgreSQL advisory locks, the way several instances of the bot agree on who does what for one bot token
 * or one chat. Keys are 64-bit: the first 8 bytes of a SHA-256 of a name. A name may contain a token; only
 * its hash reaches the database, and nothing here logs it.
 */
export function advisoryKey(name: string): string {
  return createHash("sha256").update(`bcd-bot:${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * Settings for a connection that holds a lock for as long as it lives: PostgreSQL drops a connection whose
 * peer stopped answering after about idle + interval × count = 5 + 2 × 3 = 11 s (a machine that lost power,
 * a cut network) and with it the lock; a process that is killed closes its socket and the lock goes at once.
 */
const KEEPALIVE_OPTIONS = "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3";

/** A dedicated connection (not from the pool) for session-level locks. */
export function lockConnection(url: string): pg.Client {
  return new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 5_000, options: KEEPALIVE_OPTIONS, connectionTimeoutMillis: 5_000 });
}

/**
 * A small pool of lock connections, kept apart from the pool the work runs on: a handler holding a chat's
 * lock never waits for a connection its own queries need.
 */
export function lockPool(url: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, keepAlive: true, options: KEEPALIVE_OPTIONS, connectionTimeoutMillis: 10_000 });
  // An idle connection the server closed (a restart, an administrator) is dropped by the pool; without a
  // listener its error would end the process.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Runs `work` while holding the session advisory lock `key` on a connection of `pool`: the callers that ask
 * for one key run one at a time, in the order their requests reached PostgreSQL's lock queue; other keys
 * run in parallel. The lock goes when the work ends, or with the connection if the process dies.
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, key: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The connection may fail while the work runs (no query of ours is pending then): the lock went with it.
  const onError = () => undefined;
  client.on("error", onError);
  const release = (broken: boolean) => {
    client.off("error", onError);
    client.release(broken);
  };
  try {
    await client.query("select pg_advisory_lock($1::bigint)", [key]);
  } catch (e) {
    release(true);
    throw e;
  }
  try {
    return await work();
  } finally {
    // A connection whose unlock failed may still hold the lock: it is closed, not returned to the pool.
    await client.query("select pg_advisory_unlock($1::bigint)", [key]).then(
      () => release(false),
      () => release(true),
    );
  }
}
