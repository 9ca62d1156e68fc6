import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { advisoryKey, lockConnection } from "../db/advisory.js";
import type { Logger } from "../logger.js";

/**
 * The right to send for one bot token, held by one instance at a time (see README, "Several instances").
 * On SQLite there is one process and no lease: it always sends.
 */
export interface TokenLease {
  /** True while this instance holds the token's lock; false from the moment its connection fails. */
  held(): boolean;
  /** Starts trying to take the lock; `onChange(true)` when taken, `onChange(false)` when lost. */
  start(onChange: (held: boolean) => void): void;
  /** Lets the lock go (another instance takes it within `retryMs`) and closes its connection. */
  stop(): Promise<void>;
}

export interface TokenLeaseOptions {
  /** The database the instances share (PostgreSQL). */
  url: string;
  /** What the lock is for, token included: only its hash reaches the database. */
  name: string;
  /** What the log says it is for (never the token): "delivery:telegram", "polling:telegram". */
  label: string;
  logger: Logger;
  /** How often an instance without the lock tries again (default 1 s): the takeover time after a holder dies. */
  retryMs?: number;
  /** How often the holder checks that its connection still answers (default 1 s), and gives up after twice that. */
  checkMs?: number;
}

/**
 * A session-level `pg_try_advisory_lock` on a connection of its own, kept for as long as the instance sends.
 * A killed holder's connection closes and PostgreSQL releases the lock at once; a holder that loses its
 * connection (or whose check goes unanswered) counts the lease as lost at once and stops taking rows, so two
 * instances never send for one token for longer than the sends already in flight.
 */
export function createTokenLease(opts: TokenLeaseOptions): TokenLease {
  const key = advisoryKey(opts.name);
  const retryMs = opts.retryMs ?? 1000;
  const checkMs = opts.checkMs ?? 1000;
  const stopping = new AbortController();
  let client: pg.Client | undefined;
  let held = false;
  let onChange: (held: boolean) => void = () => undefined;
  let loop: Promise<void> | undefined;

  function lose(reason: string): void {
    const c = client;
    client = undefined;
    if (held) {
      held = false;
      opts.logger.warn({ lease: opts.label, reason }, "lease lost: another instance takes this work over");
      onChange(false);
    }
    // The lock goes with the connection.
    c?.removeAllListeners("error").on("error", () => undefined);
    void c?.end().catch(() => undefined);
  }

  /** The query, or a rejection after `ms`: a connection that stopped answering is as good as closed. */
  async function within<T>(work: Promise<T>, ms: number): Promise<T> {
    const timeout = new AbortController();
    try {
      return await Promise.race([work, sleep(ms, undefined, { signal: timeout.signal }).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))]);
    } finally {
      timeout.abort();
    }
  }

  async function once(): Promise<void> {
    if (!client) {
      const c = lockConnection(opts.url);
      c.on("error", (e) => {
        if (client === c) lose(e.message);
      });
      await within(c.connect(), 5_000).catch((e: unknown) => {
        void c.end().catch(() => undefined);
        throw e;
      });
      client = c;
    }
    const c = client;
    if (held) {
      await within(c.query("select 1"), checkMs * 2);
      return;
    }
    const r = await within(c.query<{ ok: boolean }>("select pg_try_advisory_lock($1::bigint) as ok", [key]), 5_000);
    if (r.rows[0]?.ok && client === c && !stopping.signal.aborted) {
      held = true;
      opts.logger.info({ lease: opts.label }, "lease taken: this instance does this work now");
      onChange(true);
    }
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        await once();
      } catch (e) {
        if (stopping.signal.aborted) break;
        lose((e as Error).message);
      }
      await sleep(held ? checkMs : retryMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  }

  return {
    held: () => held,
    start(listener) {
      if (loop) return;
      onChange = listener;
      loop = run();
    },
    async stop() {
      stopping.abort();
      await loop;
      const c = client;
      client = undefined;
      if (held) {
        held = false;
        onChange(false);
      }
      await c?.end().catch(() => undefined);
    },
  };
}
