import { sql, type ExpressionBuilder } from "kysely";
import type { DB, Dialect } from "../db/database.js";
import type { ChannelName, Database, Locale, OutboxRow } from "../db/schema.js";

/** An outbox row with what sending needs: the app and chat to send to, the reader's language and time zone. */
export interface Delivery {
  row: OutboxRow;
  /**
   * The app it goes out on: a group post's own; for a person, the one chosen for them among the apps
   * running here (the row's recorded app when none reaches them).
   */
  channel: ChannelName;
  chatId: string | null;
  /**
   * The account on the app it goes through: a Zalo bot's id when the person's account is on a committee's
   * own bot, else '' (Telegram, the installation's Zalo bot, group posts).
   */
  bot: string;
  locale: Locale;
  timeZone: string;
  /** Set when no app can reach the person: none linked, or every linked one refuses (blocked the bot). */
  unreachable: "not_linked" | "blocked" | null;
}

/**
 * The accounts (Zalo bots) of an app that run here, for an app that runs several: its accounts on other bots
 * are not reachable here. An app not named runs one account ('').
 */
export type RunningBots = Partial<Record<ChannelName, readonly string[]>>;

/** Where a person's message can go next, among the apps running here. */
export type Route =
  | { channel: ChannelName; chatId: string; bot: string }
  /** Reachable only on an app that is not running here: the row waits for it. */
  | { elsewhere: true }
  | { unreachable: "not_linked" | "blocked" };

const iso = (ms: number) => new Date(ms).toISOString();

/** The reason kept on a row set aside because the process stopped twice while sending it. */
export const INTERRUPTED_TWICE = "set aside: the program stopped twice while sending this message";

/** Never true: an `in` over no running app (an empty list is not valid SQL). */
const NONE = sql<boolean>`1 = 0`;

/** The outbox's state transitions, each one small statement; the worker holds no state the table doesn't. */
export function createOutboxStore(db: DB, dialect: Dialect, defaults: { locale: Locale; timeZone: string }) {
  /** Whether an account (channel, bot) is on an app running here. */
  const runsHere = (apps: readonly ChannelName[], bots: RunningBots, channel: ChannelName, bot: string) => apps.includes(channel) && (bots[channel]?.includes(bot) ?? bot === "");
  return {
    /**
     * Due pending rows that this process can settle, in queue order, with the app and chat each goes to
     * and the recipient's language and committee time zone. `apps` are the apps running here. A row is
     * due here when it is a group post on a running app, a message to a person with a linked, reachable
     * account on a running app (their preferred one is chosen), or a message to a person whose every
     * linked app refuses (to be finished as unreachable). Held rows (a person with no linked app, see
     * core/held.ts) are never due. Rows that only an app not running here can send stay
     * pending and are passed over, so they never hold up the rows behind them.
     *
     * The ids are picked first, from the outbox_queue index alone: pending rows are walked in id order,
     * each message to a person checked against their accounts through the (person, app) index, until
     * `limit` are found; the rows are joined after. Nothing sorts every due row: with a large broadcast
     * queued, that took several times longer (on SQLite that time blocks the event loop, and with it the
     * rate gate's timing). Rows waiting for an app not running here are walked past at each call (about
     * 1 µs each on SQLite, 2 µs on PostgreSQL). The checks are scalar subqueries, which PostgreSQL runs
     * per row instead of hashing every account, as it may for an EXISTS or a join.
     */
    async due(nowMs: number, limit: number, apps: readonly ChannelName[], bots: RunningBots = {}): Promise<Delivery[]> {
      const running = apps.length > 0;
      // An account on an app running here: on an app of several bots, on one of those running.
      const onRunning = (w: ExpressionBuilder<Database & { r: Database["channel_identities"] }, "r">) =>
        w.or(apps.map((c) => {
          const those = bots[c];
          if (!those) return w.and([w("r.channel", "=", c), w("r.bot", "=", "")]);
          return those.length ? w.and([w("r.channel", "=", c), w("r.bot", "in", those)]) : NONE;
        }));
      const rows = await db
        .selectFrom("outbox as o")
        .leftJoin("people as p", "p.id", "o.person_id")
        .leftJoin("committees as c", "c.id", "o.committee_id")
        .where("o.id", "in", (eb) =>
          eb
            .selectFrom("outbox as q")
            .select("q.id")
            .where("q.status", "=", "pending")
            .where("q.not_before", "<=", iso(nowMs))
            .where("q.held_since", "is", null)
            .where((w) => {
              const reachable = w
                .selectFrom("channel_identities as r")
                .select("r.id")
                .whereRef("r.person_id", "=", "q.person_id")
                .where("r.unreachable_at", "is", null)
                .limit(1);
              const linked = w.selectFrom("channel_identities as a").select("a.id").whereRef("a.person_id", "=", "q.person_id").limit(1);
              return w.or([
                // A group post whose app runs here.
                w.and([w("q.chat_id", "is not", null), running ? w("q.channel", "in", apps) : NONE]),
                // A person whom an app running here reaches, or who linked apps that all refuse (blocked). A
                // person who linked none is not due: such rows are held until they link (core/held.ts).
                w.and([
                  w("q.chat_id", "is", null),
                  w.or([running ? w(reachable.where(onRunning), "is not", null) : NONE, w.and([w(reachable, "is", null), w(linked, "is not", null)])]),
                ]),
              ]);
            })
            .orderBy("q.id")
            .limit(limit),
        )
        .orderBy("o.id")
        .selectAll("o")
        .select((eb) => {
          // The person's preferred account: linked, not refusing, on a running app; the one they used most
          // recently, else the earliest linked.
          const preferred = eb
            .selectFrom("channel_identities as r")
            .whereRef("r.person_id", "=", "o.person_id")
            .where("r.unreachable_at", "is", null)
            .where((w) => (running ? onRunning(w) : NONE))
            .orderBy("r.last_seen_at", (ob) => ob.desc().nullsLast())
            .orderBy("r.linked_at")
            .orderBy("r.id")
            .limit(1);
          // The committee's own Zalo bot, and the person's account on it: a Zalo message goes through it when it can.
          const ownBot = eb.selectFrom("zalo_bots as zb").select("zb.bot_id").whereRef("zb.committee_id", "=", "o.committee_id");
          return [
            preferred.select("r.channel").as("routeChannel"),
            preferred.select("r.chat_id").as("routeChat"),
            preferred.select("r.bot").as("routeBot"),
            ownBot.as("ownBot"),
            eb
              .selectFrom("channel_identities as ob")
              .select("ob.chat_id")
              .whereRef("ob.person_id", "=", "o.person_id")
              .where("ob.channel", "=", "zalo")
              .where("ob.unreachable_at", "is", null)
              .where("ob.bot", "=", ownBot)
              .limit(1)
              .as("ownBotChat"),
            eb.selectFrom("channel_identities as l").select("l.id").whereRef("l.person_id", "=", "o.person_id").limit(1).as("anyAccount"),
            "p.locale as personLocale",
            "c.default_locale as committeeLocale",
            "c.time_zone",
          ];
        })
        .execute();
      return rows.map(({ routeChannel, routeChat, routeBot, ownBot, ownBotChat, anyAccount, personLocale, committeeLocale, time_zone, ...row }) => {
        const group = row.chat_id !== null;
        // On Zalo, the bot of the message's committee when the person is linked on it, else the account chosen.
        const own = !group && routeChannel === "zalo" && ownBot && ownBotChat && runsHere(apps, bots, "zalo", ownBot);
        const chatId = group ? row.chat_id : own ? ownBotChat : routeChat;
        return {
          row,
          channel: group ? row.channel : (routeChannel ?? row.channel),
          chatId,
          bot: group ? "" : own ? ownBot : (routeBot ?? ""),
          locale: personLocale ?? committeeLocale ?? defaults.locale,
          timeZone: time_zone ?? defaults.timeZone,
          unreachable: chatId !== null ? null : anyAccount !== null ? "blocked" : "not_linked",
        };
      });
    },

    /**
     * Where a person's message goes next after an app refused it: their preferred reachable account on a
     * running app; else, if an app not running here still reaches them, "elsewhere"; else unreachable.
     */
    async route(personId: number, apps: readonly ChannelName[], bots: RunningBots = {}): Promise<Route> {
      const accounts = await db
        .selectFrom("channel_identities as r")
        .select(["r.channel", "r.chat_id", "r.unreachable_at", "r.bot"])
        .where("r.person_id", "=", personId)
        .orderBy("r.last_seen_at", (ob) => ob.desc().nullsLast())
        .orderBy("r.linked_at")
        .orderBy("r.id")
        .execute();
      const reachable = accounts.filter((a) => a.unreachable_at === null);
      const here = reachable.find((a) => runsHere(apps, bots, a.channel, a.bot));
      if (here) return { channel: here.channel, chatId: here.chat_id, bot: here.bot };
      if (reachable.length) return { elsewhere: true };
      return { unreachable: accounts.length ? "blocked" : "not_linked" };
    },

    /**
     * Takes a row for sending on `channel`, only if nobody else has: a compare-and-set on its status. The
     * row records the app it is handed to.
     */
    async claim(id: number, instanceId: string, nowMs: number, channel: ChannelName): Promise<boolean> {
      const r = await db
        .updateTable("outbox")
        .set((eb) => ({ status: "sending", channel, claimed_at: iso(nowMs), claimed_by: instanceId, attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** A claimed row goes to the person's next app after the first refused it: the row records the app. */
    async reroute(id: number, channel: ChannelName): Promise<void> {
      await db.updateTable("outbox").set({ channel }).where("id", "=", id).execute();
    },

    async markSent(id: number, messageId: string, nowMs: number): Promise<void> {
      await db.updateTable("outbox").set({ status: "sent", sent_at: iso(nowMs), external_message_id: messageId, last_error: null }).where("id", "=", id).execute();
    },

    /** Back to the queue, not before `notBeforeMs`. A 429 does not use up an attempt. */
    async release(id: number, notBeforeMs: number, error: string, countAttempt: boolean): Promise<void> {
      await db
        .updateTable("outbox")
        .set((eb) => ({
          status: "pending",
          not_before: iso(notBeforeMs),
          last_error: error.slice(0, 500),
          claimed_by: null,
          ...(countAttempt ? {} : { attempts: eb("attempts", "-", 1) }),
        }))
        .where("id", "=", id)
        .execute();
    },

    /** A pending row waits until `notBeforeMs` (its app's monthly quota is spent), without using an attempt. */
    async postpone(id: number, notBeforeMs: number, reason: string): Promise<void> {
      await db.updateTable("outbox").set({ not_before: iso(notBeforeMs), last_error: reason }).where("id", "=", id).where("status", "=", "pending").execute();
    },

    /** Holds a row for a person who has linked no app yet, until they link (core/held.ts releases it). */
    async hold(id: number, nowMs: number): Promise<void> {
      await db.updateTable("outbox").set({ held_since: iso(nowMs) }).where("id", "=", id).where("status", "=", "pending").execute();
    },

    async finish(id: number, status: "failed" | "unreachable", error: string): Promise<void> {
      await db.updateTable("outbox").set({ status, last_error: error.slice(0, 500) }).where("id", "=", id).execute();
    },

    /**
     * Rows left "sending" by a process that stopped mid-send go back to the queue. At start on SQLite, where
     * only one process sends, that is all of them; otherwise only claims older than `staleMs`, whose owner
     * must be gone (sends time out well before that). A row that was already interrupted once is set aside
     * as failed instead: if it is what stops the process, taking it again at every start would stop the
     * bot for good. Returns how many rows went back to the queue and how many were set aside.
     */
    async recover(nowMs: number, staleMs: number, atStart: boolean): Promise<{ requeued: number; setAside: number }> {
      const abandoned = () => {
        let q = db.updateTable("outbox").where("status", "=", "sending");
        if (!(atStart && dialect === "sqlite")) q = q.where("claimed_at", "<", iso(nowMs - staleMs));
        return q;
      };
      const failed = await abandoned()
        .where("interruptions", ">=", 1)
        .set((eb) => ({ status: "failed", claimed_by: null, interruptions: eb("interruptions", "+", 1), last_error: INTERRUPTED_TWICE }))
        .executeTakeFirst();
      const requeued = await abandoned()
        .set((eb) => ({ status: "pending", claimed_by: null, interruptions: eb("interruptions", "+", 1) }))
        .executeTakeFirst();
      return { requeued: Number(requeued.numUpdatedRows), setAside: Number(failed.numUpdatedRows) };
    },

    /**
     * This instance has taken the lease of `channel` (several instances, see TokenLease): rows another
     * instance left "sending" on it were in flight there, and go back to the queue (or are set aside, as
     * in `recover`, when it is their second interruption).
     */
    async takeOver(channel: ChannelName, instanceId: string): Promise<{ requeued: number; setAside: number }> {
      const abandoned = () =>
        db
          .updateTable("outbox")
          .where("status", "=", "sending")
          .where("channel", "=", channel)
          .where((w) => w.or([w("claimed_by", "is", null), w("claimed_by", "!=", instanceId)]));
      const failed = await abandoned()
        .where("interruptions", ">=", 1)
        .set((eb) => ({ status: "failed", claimed_by: null, interruptions: eb("interruptions", "+", 1), last_error: INTERRUPTED_TWICE }))
        .executeTakeFirst();
      const requeued = await abandoned()
        .set((eb) => ({ status: "pending", claimed_by: null, interruptions: eb("interruptions", "+", 1) }))
        .executeTakeFirst();
      return { requeued: Number(requeued.numUpdatedRows), setAside: Number(failed.numUpdatedRows) };
    },

    async counts(): Promise<Record<string, number>> {
      const rows = await db.selectFrom("outbox").select(["status", db.fn.countAll<number>().as("n")]).groupBy("status").execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
export type { ChannelName };
