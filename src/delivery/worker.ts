import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.js";
import type { ChannelName } from "../db/schema.js";
import type { Delivery, OutboxStore, RunningBots } from "./outbox-store.js";
import type { GatePass, RateGate } from "./rate-gate.js";
import { SendError } from "./send-error.js";
import type { TokenLease } from "./token-lease.js";
import { realTime, type TimeSource } from "./time.js";

/**
 * What an app offers the worker: send one outbox message to `delivery.chatId` on `delivery.channel` (its
 * own), or throw a SendError.
 */
export interface ChannelSender {
  send(delivery: Delivery): Promise<{ messageId: string }>;
}

/** An app running in this process, as the worker sees it: its sender and its own rate gate (one per token). */
export interface DeliveryApp {
  sender: ChannelSender;
  gate: RateGate;
  /**
   * A monthly message quota (Zalo's plans), when the app has one: whether a queued message of this
   * template may go now, or else the instant (epoch ms) from which it may (the month's turn).
   */
  quota?: { admits(template: string): Promise<true | number> };
  /**
   * An app that runs several accounts (Zalo: one bot per committee) has one lane each, by bot id ('' for the
   * installation's own): each with its own sender, gate and quota. A delivery goes through the lane of its
   * `bot`; the app's own sender, gate and quota are then not used.
   */
  lanes?: ReadonlyMap<string, DeliveryApp>;
}

export interface DeliveryWorkerOptions {
  concurrency: number;
  maxAttempts: number;
  /** How often an idle worker looks at the table (a nudge wakes it at once). */
  pollMs?: number;
  /** A "sending" row older than this belonged to an instance that died (sends time out sooner). */
  staleClaimMs?: number;
  /**
   * The longest one row may take to be prepared and sent (default 45 s, above the sender's own 30-second
   * request timeout). A row that takes longer is set aside as failed, so it cannot hold up the others.
   */
  sendBudgetMs?: number;
}

export interface DeliveryWorkerDeps {
  store: OutboxStore;
  /**
   * The apps running in this process. A group post goes on its own app; a message to a person on the
   * person's preferred app among these (see OutboxStore.due). Rows only another app can send wait for a
   * process that runs it.
   */
  apps: Partial<Record<ChannelName, DeliveryApp>>;
  /** Called when an app says the person blocked the bot there (core marks that account, on that bot, unreachable). */
  onUnreachable(personId: number, channel: ChannelName, reason: string, bot: string): Promise<void>;
  logger: Logger;
  /** The clock outbox rows are stamped with (core's); waits stay real. Ignored when `time` is given. */
  now?: () => number;
  /**
   * The clock for stamps and waits alike (idle polls, backoff, claim staleness), for a benchmark that
   * runs the platform's time faster. Its `now` is epoch milliseconds, as the store compares ISO times.
   */
  time?: TimeSource;
  /**
   * Several instances on one PostgreSQL database: an app with a lease sends only while this instance holds
   * it (one instance per bot token, so the gate, per-chat spacing and 429 pauses hold for the token). On
   * taking it, the rows other instances left "sending" on that app go back to the queue. No lease: always.
   */
  leases?: Partial<Record<ChannelName, TokenLease>>;
}

/** Thrown when a row's preparation and sending outlast the worker's budget. */
class BudgetExceeded extends Error {}

/** Exponential backoff with jitter for 5xx and network failures: 1 s, 2 s, 4 s … up to 5 minutes. */
export const backoffMs = (attempt: number) => Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1)) * (0.75 + Math.random() * 0.5);

/**
 * Sends what the outbox holds, at each app's pace: one rate gate per app (token), one message at a time
 * per chat of an app, a shared pause on 429, retries on transient failures. A message to a person goes
 * on their preferred app among those running here; when that app refuses (the person blocked the bot),
 * it goes at once to their next linked app, and is finished as unreachable only when none is left. Each
 * row is claimed before it is sent and settled after, so a restart resends at most what was in flight.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps, opts: DeliveryWorkerOptions) {
  const time: TimeSource = deps.time ?? { now: deps.now ?? realTime.now, sleep: realTime.sleep };
  const now = () => time.now();
  const instanceId = randomUUID();
  const pollMs = opts.pollMs ?? 1000;
  const apps = deps.apps;
  const runningApps = (Object.keys(apps) as ChannelName[]).filter((name) => apps[name]);
  /** The bots of the apps that run several, as they are now (a bot that could not start leaves its app's lanes). */
  const runningBots = (): RunningBots => Object.fromEntries(runningApps.flatMap((name) => (apps[name]!.lanes ? [[name, [...apps[name]!.lanes!.keys()]]] : [])));
  /** Where a delivery goes on its app: the lane of its bot when the app runs several. */
  const laneOf = (channel: ChannelName, bot: string): DeliveryApp | undefined => {
    const app = apps[channel];
    return app?.lanes ? app.lanes.get(bot) : app;
  };
  const leases = deps.leases ?? {};
  /** The running apps this instance sends for now: those without a lease, and those whose lease it holds. */
  const sendingApps = new Set<ChannelName>(runningApps.filter((name) => !leases[name]));
  const sendingNow = () => runningApps.filter((name) => sendingApps.has(name));
  const inFlight = new Set<Promise<void>>();
  const busyChats = new Set<string>();
  const abort = new AbortController();
  let running = false;
  let loop: Promise<void> | undefined;
  /** Aborting it ends the current idle wait early (a nudge, or stop). */
  let wake: AbortController | undefined;

  async function idle(ms: number): Promise<void> {
    const nudge = (wake = new AbortController());
    await time.sleep(ms, nudge.signal);
    if (wake === nudge) wake = undefined;
  }

  const budgetMs = opts.sendBudgetMs ?? 45_000;

  /** The send, or a BudgetExceeded once the budget is spent (the send itself cannot be taken back). */
  function withinBudget<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BudgetExceeded(`set aside: preparing and sending it took longer than ${Math.round(budgetMs / 1000)} s`)), budgetMs);
    });
    return Promise.race([work, limit]).finally(() => clearTimeout(timer));
  }

  /** Sends on `app`, telling its gate when the platform answered (see RateGate.sent). */
  function sendThrough(app: DeliveryApp, d: Delivery, pass: GatePass): Promise<{ messageId: string }> {
    return app.sender.send(d).finally(() => app.gate.sent(pass));
  }

  const chatKeyOf = (channel: ChannelName, chatId: string, bot = "") => `${channel}:${bot}:${chatId}`;

  /**
   * The person refused the message on `d.channel` (blocked the bot there): that account is marked
   * unreachable, and the row, still claimed, is handed to their next linked app that runs here. Returns
   * where to send it now, or undefined once the row is settled: finished as unreachable when no app of
   * theirs is left, or put back in the queue when the next app's chat is busy (it is routed again at the
   * head of the queue) or only an app that does not run here still reaches them (the row waits for it).
   * A chat it takes for the next app is added to `taken`, for the caller to free.
   */
  async function handOver(d: Delivery, personId: number, err: SendError, taken: string[]): Promise<{ d: Delivery; app: DeliveryApp; pass: GatePass } | undefined> {
    const { row } = d;
    await deps.onUnreachable(personId, d.channel, err.message, d.bot);
    const next = await deps.store.route(personId, sendingNow(), runningBots());
    if ("unreachable" in next) {
      await deps.store.finish(row.id, "unreachable", err.message);
      return undefined;
    }
    const app = "channel" in next ? laneOf(next.channel, next.bot) : undefined;
    if (!("channel" in next) || !app) {
      await deps.store.release(row.id, now(), err.message, false);
      return undefined;
    }
    const key = chatKeyOf(next.channel, next.chatId, next.bot);
    if (busyChats.has(key) || !app.gate.chatReady(key)) {
      await deps.store.release(row.id, now(), err.message, false);
      return undefined;
    }
    busyChats.add(key);
    taken.push(key);
    const pass = await app.gate.acquire(abort.signal);
    if (abort.signal.aborted) {
      await deps.store.release(row.id, now(), err.message, false);
      return undefined;
    }
    app.gate.reserveChat(key);
    await deps.store.reroute(row.id, next.channel);
    deps.logger.info({ outboxId: row.id, from: d.channel, to: next.channel }, "the person refused the message on one app; sending it on their next one");
    return { d: { ...d, channel: next.channel, chatId: next.chatId, bot: next.bot }, app, pass };
  }

  /**
   * Sends a claimed row and records the outcome; a person's message an app refuses goes on to their next
   * app (see handOver), so it is delivered once at most. The caller holds the first chat busy.
   */
  async function settle(first: Delivery, firstApp: DeliveryApp, firstPass: GatePass): Promise<void> {
    const { row } = first;
    let d = first;
    let app = firstApp;
    let pass = firstPass;
    const taken: string[] = [];
    try {
      for (;;) {
        try {
          const { messageId } = await withinBudget(sendThrough(app, d, pass));
          await deps.store.markSent(row.id, messageId, now());
          return;
        } catch (e) {
          if (e instanceof BudgetExceeded) {
            deps.logger.error({ outboxId: row.id, template: row.template, channel: d.channel, budgetMs }, "outbox message set aside: it took too long to prepare and send");
            await deps.store.finish(row.id, "failed", e.message);
            return;
          }
          const err = e instanceof SendError ? e : new SendError("transient", String((e as Error)?.message ?? e));
          const attempts = row.attempts + 1;
          if (err.kind === "forbidden" && row.person_id !== null) {
            const next = await handOver(d, row.person_id, err, taken);
            if (!next) return;
            ({ d, app, pass } = next);
            continue;
          }
          if (err.kind === "rate_limited") {
            app.gate.pause(err.retryAfterMs);
            deps.logger.warn({ outboxId: row.id, channel: d.channel, retryAfterMs: err.retryAfterMs }, "rate limited by the platform; pausing all sends");
            // A monthly quota now spent: the row is routed again at once (the person's next app, or the month's turn).
            const quotaSpent = app.quota ? (await app.quota.admits(row.template)) !== true : false;
            await deps.store.release(row.id, quotaSpent ? now() : now() + err.retryAfterMs, err.message, false);
          } else if (err.kind === "forbidden") {
            // A group post: the bot was removed from the group.
            await deps.store.finish(row.id, "unreachable", err.message);
          } else if (err.kind === "permanent" || attempts >= opts.maxAttempts) {
            deps.logger.error({ outboxId: row.id, channel: d.channel, attempts, error: err.message }, "outbox message failed");
            await deps.store.finish(row.id, "failed", err.message);
          } else {
            await deps.store.release(row.id, now() + backoffMs(attempts), err.message, true);
          }
          return;
        }
      }
    } finally {
      for (const key of taken) busyChats.delete(key);
    }
  }

  async function step(): Promise<boolean> {
    const here = sendingNow();
    if (here.length === 0) return false;
    const bots = runningBots();
    const due = await deps.store.due(now(), Math.max(50, opts.concurrency * 8), here, bots);
    let progressed = false;
    for (const d of due) {
      if (!running) break;
      const { row } = d;
      if (d.unreachable === "not_linked") {
        // Due() passes these over; one that slips through (queued as the person's only account went) waits.
        await deps.store.hold(row.id, now());
        progressed = true;
        continue;
      }
      if (d.unreachable || d.chatId === null) {
        await deps.store.finish(row.id, "unreachable", d.unreachable === "blocked" ? "blocked by the user" : "no linked account");
        progressed = true;
        continue;
      }
      let app = laneOf(d.channel, d.bot);
      if (!app) continue;
      if (app.quota) {
        // A chat still busy is looked at again at the next step: no need to ask the quota now.
        const firstKey = chatKeyOf(d.channel, d.chatId, d.bot);
        if (busyChats.has(firstKey) || !app.gate.chatReady(firstKey)) continue;
        const admitted = await app.quota.admits(row.template);
        if (admitted !== true) {
          // The bot's quota is spent (for this kind of message): another app of the person's reaches
          // them now, or the row waits for the month's turn. Nothing is lost. Another Zalo bot is not
          // used: its quota belongs to its own committee.
          const others = here.filter((c) => c !== d.channel);
          const next = row.person_id !== null && row.chat_id === null ? await deps.store.route(row.person_id, others, bots) : undefined;
          const other = next && "channel" in next ? laneOf(next.channel, next.bot) : undefined;
          if (!next || !("channel" in next) || !other) {
            await deps.store.postpone(row.id, admitted, `waiting for the month's ${d.channel} quota`);
            progressed = true;
            continue;
          }
          d.channel = next.channel;
          d.chatId = next.chatId;
          d.bot = next.bot;
          app = other;
        }
      }
      const { gate } = app;
      const chatKey = chatKeyOf(d.channel, d.chatId, d.bot);
      if (busyChats.has(chatKey) || !gate.chatReady(chatKey)) continue;
      const sendApp = app;
      while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
      const pass = await gate.acquire(abort.signal);
      if (!running) break;
      // The lease may have gone while waiting for the gate: another instance sends for this token now.
      if (!sendingApps.has(d.channel)) continue;
      if (!(await deps.store.claim(row.id, instanceId, now(), d.channel))) continue;
      gate.reserveChat(chatKey);
      busyChats.add(chatKey);
      const p: Promise<void> = settle(d, sendApp, pass)
        .catch((e) => deps.logger.error({ err: e, outboxId: row.id }, "could not record a delivery outcome"))
        .finally(() => {
          inFlight.delete(p);
          busyChats.delete(chatKey);
        });
      inFlight.add(p);
      progressed = true;
    }
    return progressed;
  }

  const staleMs = opts.staleClaimMs ?? 60_000;
  let lastRecovery = now();

  function logRecovery(r: { requeued: number; setAside: number }, how: string): void {
    if (r.requeued) deps.logger.warn({ recovered: r.requeued }, `outbox rows ${how} are queued again`);
    if (r.setAside) deps.logger.error({ setAside: r.setAside }, `outbox rows ${how} for the second time are set aside as failed`);
  }

  /**
   * The lease of an app was taken or lost. Taken: whatever other instances left "sending" on the app was in
   * flight in one that died or lost its connection (only a holder claims rows), so it is queued again before
   * this instance sends. Lost: no new row is claimed for it from now on.
   */
  async function onLease(name: ChannelName, held: boolean): Promise<void> {
    if (!held) {
      sendingApps.delete(name);
      return;
    }
    try {
      logRecovery(await deps.store.takeOver(name, instanceId), "left in flight by another instance");
    } catch (e) {
      deps.logger.error({ err: e, app: name }, "could not queue again the rows another instance left in flight");
    }
    if (leases[name]?.held()) {
      sendingApps.add(name);
      deps.logger.info({ app: name, instanceId }, "this instance sends for this app");
      wake?.abort();
    }
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        if (now() - lastRecovery > staleMs / 2) {
          lastRecovery = now();
          logRecovery(await deps.store.recover(now(), staleMs, false), "abandoned by a stopped instance");
        }
        const progressed = await step();
        // Rows skipped only because their chat was busy are looked at again soon, not after a full poll.
        if (!progressed && running) await idle(busyChats.size > 0 ? 50 : pollMs);
      } catch (e) {
        deps.logger.error({ err: e }, "delivery worker step failed");
        if (running) await idle(pollMs);
      }
    }
    await Promise.allSettled([...inFlight]);
  }

  return {
    instanceId,
    /** Returns rows a dead process left in flight to the queue, then starts sending. */
    async start(): Promise<void> {
      if (running) return;
      logRecovery(await deps.store.recover(now(), staleMs, true), "left in flight by a previous run");
      lastRecovery = now();
      running = true;
      loop = run();
      for (const name of runningApps) leases[name]?.start((held) => void onLease(name, held));
    },
    /** Wakes an idle worker right away, e.g. after a command queued messages. */
    nudge(): void {
      wake?.abort();
    },
    /** Stops taking new rows and waits for the sends in flight to settle. */
    async stop(): Promise<void> {
      running = false;
      abort.abort();
      wake?.abort();
      await loop;
      // Only once the sends in flight have settled: the next holder finds nothing of ours "sending".
      await Promise.all(runningApps.map((name) => leases[name]?.stop()));
    },
    /** The apps this instance sends for now (all of them without leases), for /healthz and the logs. */
    sending: (): ChannelName[] => sendingNow(),
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
