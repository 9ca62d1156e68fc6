import type { DB, Dialect } from "../db/database.js";
import type { ChannelName, Locale, OutboxRow } from "../db/schema.js";

/** An outbox row with what sending needs: the chat to send to and the reader's language and time zone. */
export interface Delivery {
  row: OutboxRow;
  chatId: string | null;
  locale: Locale;
  timeZone: string;
  /** Set when the person has no linked account on this channel, or has blocked the bot. */
  unreachable: "not_linked" | "blocked" | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The reason kept on a row set aside because the process stopped twice while sending it. */
export const INTERRUPTED_TWICE = "set aside: the program stopped twice while sending this message";

/** The outbox's state transitions, each one small statement; the worker holds no state the table doesn't. */
export function createOutboxStore(db: DB, dialect: Dialect, defaults: { locale: Locale; timeZone: string }) {
  return {
    /**
     * Due pending rows in queue order, joined with the recipient's chat, language and committee time zone.
     * The rows are picked first from the outbox_due index alone and joined after: ordering by id sorts every
     * due row, and with a large broadcast queued, joining them all before the sort took several times longer
     * (on SQLite that time blocks the event loop, and with it the rate gate's timing).
     */
    async due(nowMs: number, limit: number): Promise<Delivery[]> {
      const rows = await db
        .selectFrom("outbox as o")
        .leftJoin("channel_identities as ci", (j) => j.onRef("ci.person_id", "=", "o.person_id").onRef("ci.channel", "=", "o.channel"))
        .leftJoin("people as p", "p.id", "o.person_id")
        .leftJoin("committees as c", "c.id", "o.committee_id")
        .where("o.id", "in", (eb) =>
          eb.selectFrom("outbox").select("id").where("status", "=", "pending").where("not_before", "<=", iso(nowMs)).orderBy("id").limit(limit),
        )
        .orderBy("o.id")
        .selectAll("o")
        .select(["ci.chat_id as identityChat", "ci.unreachable_at", "p.locale as personLocale", "c.default_locale as committeeLocale", "c.time_zone"])
        .execute();
      return rows.map(({ identityChat, unreachable_at, personLocale, committeeLocale, time_zone, ...row }) => ({
        row,
        chatId: row.chat_id ?? identityChat,
        locale: personLocale ?? committeeLocale ?? defaults.locale,
        timeZone: time_zone ?? defaults.timeZone,
        unreachable: row.chat_id ? null : identityChat === null ? "not_linked" : unreachable_at ? "blocked" : null,
      }));
    },

    /** Takes a row for sending, only if nobody else has: a compare-and-set on its status. */
    async claim(id: number, instanceId: string, nowMs: number): Promise<boolean> {
      const r = await db
        .updateTable("outbox")
        .set((eb) => ({ status: "sending", claimed_at: iso(nowMs), claimed_by: instanceId, attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
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

    async counts(): Promise<Record<string, number>> {
      const rows = await db.selectFrom("outbox").select(["status", db.fn.countAll<number>().as("n")]).groupBy("status").execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
export type { ChannelName };
