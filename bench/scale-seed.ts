/**
 * A committee at provincial scale, written straight into the tables in batched inserts inside transactions
 * (seeding 100,000 reports through core would take minutes and measure nothing of interest): people, their
 * seats and linked chats, a task registry by organization, ten quarters of reports, open obstacles, the coming
 * meeting with its invitations and requests, two past meetings, notices with acknowledgements, requests for
 * opinions, a few personal extensions, and a few committees below. Shared by the summary and nudges benchmarks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Insertable } from "kysely";
import pg from "pg";
import { loadSeats, type Actor } from "../src/core/actor.js";
import { quarterDates } from "../src/core/reports/periods.js";
import { openDatabase, type DatabaseHandle, type Executor } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import type { Database, ProgressStatus, Role } from "../src/db/schema.js";

/** How big the committee is. */
export interface ScaleOptions {
  members: number;
  organizations: number;
  tasks: number;
  updates: number;
  /** Committees below the province (communes and wards), each with `subordinateMembers` and as many tasks. */
  subordinates: number;
  subordinateMembers: number;
}

export const SCALE: ScaleOptions = { members: 10_000, organizations: 100, tasks: 2_000, updates: 100_000, subordinates: 4, subordinateMembers: 50 };

/** Monday 14/12/2026 09:00 in Hà Nội: inside 2026-Q4, the working day before its deadline (15/12 17:00). */
export const NOW = new Date("2026-12-14T02:00:00.000Z");
const TZ = "Asia/Ho_Chi_Minh";
const AT = "2026-10-01T01:00:00.000Z";
const STATUSES: ProgressStatus[] = ["on_track", "done", "at_risk", "on_track", "behind", "done", "on_track", "not_started"];
/** The ten quarters seeded, oldest first; the last is the current one. */
const QUARTERS: [number, number][] = [
  [2024, 3], [2024, 4], [2025, 1], [2025, 2], [2025, 3], [2025, 4], [2026, 1], [2026, 2], [2026, 3], [2026, 4],
];

/** A throw-away database of the dialect: a SQLite file, or a PostgreSQL database of its own dropped afterwards. */
export interface ScaleDatabase {
  label: "SQLite" | "PostgreSQL";
  url: string;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

export async function scaleDatabase(kind: "sqlite" | "postgres", name: string): Promise<ScaleDatabase> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), `bcd-bench-${name}-`));
    const url = `file:${join(dir, "bench.sqlite")}`;
    const handle = openDatabase(url);
    await migrateToLatest(handle.db);
    return {
      label: "SQLite",
      url,
      handle,
      async drop() {
        await handle.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = pgUrl()!;
  const dbName = `bcd_bench_${name}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const handle = openDatabase(u.toString(), { poolSize: 4 });
  await migrateToLatest(handle.db);
  return {
    label: "PostgreSQL",
    url: u.toString(),
    handle,
    async drop() {
      await handle.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    },
  };
}

/** The PostgreSQL server the benchmarks may use: BENCH_DATABASE_URL, else TEST_DATABASE_URL; none when unset. */
export const pgUrl = (): string | undefined => process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;

/** What the seed made, for the benchmarks to act and check on. */
export interface Seeded {
  committeeId: number;
  chair: Actor & { kind: "person" };
  periodId: number;
  meetingId: number;
  counts: Record<string, number>;
  /** Unreported tasks of the current quarter and people responsible for each (the nudges owed). */
  unreportedTasks: number;
}

/** Inserts rows in chunks small enough for SQLite's and PostgreSQL's bound-parameter limits. */
async function insertMany<T extends keyof Database & string>(db: Executor, table: T, rows: Insertable<Database[T]>[], returning = false): Promise<number[]> {
  const ids: number[] = [];
  if (rows.length === 0) return ids;
  const columns = Object.keys(rows[0] as object).length;
  const chunk = Math.max(1, Math.floor(8_000 / columns));
  for (let i = 0; i < rows.length; i += chunk) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const q = db.insertInto(table).values(rows.slice(i, i + chunk) as any);
    if (returning) for (const r of (await q.returning("id" as never).execute()) as unknown as { id: number }[]) ids.push(r.id);
    else await q.execute();
  }
  return ids;
}

const pad = (n: number, w = 5) => String(n).padStart(w, "0");
const orgName = (o: number) => `Sở, ban, ngành số ${pad(o + 1, 3)} của tỉnh`;

/** One committee's people, seats and linked chats; returns the person ids in roster order. */
async function seedPeople(db: Executor, committeeId: number, count: number, organizations: number, prefix: string, firstExternal: number): Promise<number[]> {
  const ids = await insertMany(
    db,
    "people",
    Array.from({ length: count }, (_, i) => ({ full_name: `Nguyễn Văn ${prefix} ${pad(i + 1)}`, phone: null, email: null, locale: null, created_at: AT, updated_at: AT })),
    true,
  );
  const role = (i: number): Role => (i === 0 ? "chair" : i === 1 ? "standing_deputy" : i < 5 ? "deputy" : i < 10 ? "secretariat" : "member");
  await insertMany(
    db,
    "memberships",
    ids.map((personId, i) => ({ committee_id: committeeId, person_id: personId, role: role(i), organization: orgName(i % organizations), title: "Chuyên viên", active: 1, created_at: AT, deactivated_at: null })),
  );
  await insertMany(
    db,
    "channel_identities",
    ids.map((personId, i) => ({ person_id: personId, channel: "telegram" as const, external_id: String(firstExternal + i), chat_id: String(firstExternal + i), username: null, linked_at: AT, unreachable_at: null, unreachable_reason: null, last_seen_at: null })),
  );
  return ids;
}

async function seedPeriods(db: Executor, committeeId: number): Promise<number[]> {
  return insertMany(
    db,
    "reporting_periods",
    QUARTERS.map(([y, q]) => {
      const d = quarterDates(y, q, TZ);
      return { committee_id: committeeId, code: d.code, name: d.code, kind: "quarter" as const, scope: "assigned" as const, opens_at: d.opensAt.toISOString(), due_at: d.dueAt.toISOString(), closes_at: d.closesAt.toISOString(), created_at: AT };
    }),
    true,
  );
}

async function seedTasks(db: Executor, committeeId: number, count: number, organizations: number, prefix: string): Promise<number[]> {
  return insertMany(
    db,
    "tasks",
    Array.from({ length: count }, (_, t) => {
      const kind = (["percent", "numeric", "milestone"] as const)[t % 3]!;
      return {
        committee_id: committeeId,
        code: `${prefix}-${pad(t + 1, 4)}`,
        title: `Nhiệm vụ chuyển đổi số số ${t + 1}: số hóa hồ sơ, dịch vụ công trực tuyến toàn trình`,
        source_document: "Kế hoạch 120/KH-UBND",
        responsible_organization: orgName(t % organizations),
        responsible_person_id: null,
        indicator_kind: kind,
        target_value: kind === "percent" ? 80 : kind === "numeric" ? 1500 : null,
        unit: kind === "numeric" ? "hồ sơ" : null,
        due_date: "2026-12-31",
        period: "quarterly",
        active: 1,
        created_at: AT,
        updated_at: AT,
      };
    }),
    true,
  );
}

/**
 * Reports: in the current quarter three tasks in four are reported (one to three versions, one in ten late);
 * the rest of `total` goes to the nine earlier quarters, every task several versions in each.
 */
async function seedUpdates(db: Executor, tasks: number[], periods: number[], total: number, submitter: number): Promise<number> {
  const current = periods[periods.length - 1]!;
  const past = periods.slice(0, -1);
  const rows: Insertable<Database["progress_updates"]>[] = [];
  const row = (taskId: number, t: number, periodId: number, version: number, status: ProgressStatus, late: boolean) => ({
    task_id: taskId,
    period_id: periodId,
    version,
    status,
    percent: t % 3 === 1 ? null : status === "done" ? 100 : 10 + ((t * 7 + version * 13) % 85),
    value: t % 3 === 1 ? (status === "done" ? 1500 : 300 + ((t * 37) % 1100)) : null,
    results: "Đã triển khai theo kế hoạch; cập nhật số liệu đến ngày báo cáo.",
    obstacles: null,
    proposals: null,
    submitted_by_person_id: submitter,
    on_behalf_of_person_id: null,
    submitted_at: "2026-12-01T03:00:00.000Z",
    late: late ? 1 : 0,
    unchanged: 0,
  });
  for (const [t, taskId] of tasks.entries()) {
    if (t % 4 === 0) continue;
    for (let v = 1; v <= 1 + (t % 3); v++) rows.push(row(taskId, t, current, v, STATUSES[t % STATUSES.length]!, t % 10 === 1));
  }
  const inCurrent = rows.length;
  for (let v = 1; past.length > 0 && rows.length < total; v++) {
    for (const p of past) for (const [t, taskId] of tasks.entries()) if (rows.length < total) rows.push(row(taskId, t, p, v, STATUSES[(t + v) % STATUSES.length]!, false));
  }
  // Inserted period by period and version by version as they would have been, in chunks.
  await insertMany(db, "progress_updates", rows);
  return inCurrent;
}

/** Seeds the province at `opts` scale and its committees below; `ANALYZE`s on PostgreSQL so plans see the data. */
export async function seedScale(h: DatabaseHandle, opts: ScaleOptions = SCALE): Promise<Seeded> {
  const db = h.db;
  const counts: Record<string, number> = {};
  const out = await db.transaction().execute(async (trx) => {
    const [committeeId] = await insertMany(trx, "committees", [{ code: "TINH", name: "Ban Chỉ đạo chuyển đổi số tỉnh", level: "province", parent_id: null, time_zone: TZ, default_locale: "vi", created_at: AT, group_chat_id: null, group_channel: null, governing_body: "UBND TỈNH", place_name: "tỉnh", code_prefix: null, focal_body: "Sở Khoa học và Công nghệ" }], true);
    const people = await seedPeople(trx, committeeId!, opts.members, opts.organizations, "Thành viên", 1_000_000);
    const periods = await seedPeriods(trx, committeeId!);
    const tasks = await seedTasks(trx, committeeId!, opts.tasks, opts.organizations, "NV");
    const inCurrent = await seedUpdates(trx, tasks, periods, opts.updates, people[5]!);
    return { committeeId: committeeId!, people, periods, tasks, inCurrent };
  });
  const { committeeId, people, periods, tasks } = out;
  const periodId = periods[periods.length - 1]!;
  const chairId = people[0]!;

  const meetingId = await db.transaction().execute(async (trx) => {
    // Open obstacles and proposals on one current report in ten.
    const firsts = await trx.selectFrom("progress_updates").select(["id", "task_id"]).where("period_id", "=", periodId).where("version", "=", 1).orderBy("id").execute();
    await insertMany(
      trx,
      "report_items",
      firsts.filter((_, i) => i % 10 === 0).map((u, i) => ({ committee_id: committeeId, task_id: u.task_id, period_id: periodId, update_id: u.id, kind: i % 2 ? ("proposal" as const) : ("obstacle" as const), text: "Thiếu kinh phí và nhân lực chuyên trách về công nghệ thông tin.", raised_by_person_id: people[10]!, status: "open" as const, answer: null, answered_by_person_id: null, answered_at: null, created_at: AT })),
    );
    // Personal extensions for fifty members.
    await insertMany(trx, "period_exceptions", people.slice(100, 150).map((personId) => ({ period_id: periodId, person_id: personId, due_at: "2026-12-18T10:00:00.000Z", reopened_until: null, updated_at: AT })));

    // Two past meetings, everyone answered; the coming one (16/12 14:00), half not answered yet.
    const meeting = (title: string, startsAt: string, endsAt: string, deadline: string) => ({ committee_id: committeeId, kind: "regular" as const, title, starts_at: startsAt, ends_at: endsAt, place: "Hội trường UBND tỉnh", online_link: null, agenda: "Đánh giá kết quả quý", chair_person_id: chairId, answer_deadline: deadline, status: "scheduled" as const, created_by_person_id: people[5]!, created_at: AT, updated_at: AT, cancelled_at: null, secretary_person_id: null });
    const meetings = await insertMany(
      trx,
      "meetings",
      [
        meeting("Phiên họp quý II/2026", "2026-06-20T07:00:00.000Z", "2026-06-20T09:30:00.000Z", "2026-06-19T10:00:00.000Z"),
        meeting("Phiên họp quý III/2026", "2026-09-20T07:00:00.000Z", "2026-09-20T09:30:00.000Z", "2026-09-19T10:00:00.000Z"),
        meeting("Phiên họp thường kỳ quý IV/2026", "2026-12-16T07:00:00.000Z", "2026-12-16T09:30:00.000Z", "2026-12-15T10:00:00.000Z"),
      ],
      true,
    );
    const coming = meetings[2]!;
    for (const m of meetings) {
      const answer = (i: number) => (m !== coming ? "attend" : i % 2 === 0 ? "none" : i % 20 === 1 ? "absent" : i % 20 === 3 ? "proxy" : "attend");
      const invitations = await insertMany(trx, "invitations", people.map((personId, i) => ({ meeting_id: m, person_id: personId, title: null, organization: null, represents_person_id: null, answer: answer(i), answered_at: answer(i) === "none" ? null : AT, answered_by_person_id: null, created_at: AT })), true);
      if (m !== coming) continue;
      const absent = invitations.filter((_, i) => answer(i) === "absent");
      const proxy = invitations.filter((_, i) => answer(i) === "proxy");
      await insertMany(trx, "absence_requests", absent.map((id, i) => ({ invitation_id: id, reason: "Đi công tác", status: i % 3 ? ("approved" as const) : ("pending" as const), created_at: AT, decided_by_person_id: null, decided_at: null, comment: null })));
      await insertMany(trx, "proxies", proxy.map((id, i) => ({ invitation_id: id, delegate_name: "Trần Văn Dự", delegate_title: "Phó Giám đốc", delegate_organization: "Sở", delegate_contact: null, opinion: "Nhất trí với dự thảo báo cáo quý IV/2026 và kế hoạch quý I/2027.", status: i % 2 ? ("approved" as const) : ("pending" as const), created_at: AT, decided_by_person_id: null, decided_at: null, comment: null })));
    }

    // Three notices to everyone, acknowledgements required, seven in ten acknowledged; each delivered through the outbox.
    const notices = await insertMany(trx, "notices", [1, 2, 3].map((n) => ({ committee_id: committeeId, created_by_person_id: people[5]!, body: `Thông báo số ${n}`, attachment_id: null, audience: "all", ack_required: 1, ack_deadline: "2026-12-20T10:00:00.000Z", status: "sending" as const, created_at: AT, cancelled_at: null })), true);
    for (const n of notices) {
      const outbox = await insertMany(trx, "outbox", people.map((personId) => ({ committee_id: committeeId, person_id: personId, channel: "telegram" as const, chat_id: null, template: "notices:delivery", params: "{}", dedupe_key: `bench-notice:${n}:${personId}`, status: "sent" as const, not_before: AT, created_at: AT, sent_at: AT, claimed_at: null, claimed_by: null, last_error: null, external_message_id: null, held_since: null })), true);
      await insertMany(trx, "notice_recipients", people.map((personId, i) => ({ notice_id: n, person_id: personId, outbox_id: outbox[i]!, acknowledged_at: i % 10 < 7 ? AT : null, reminded_at: null })));
    }

    // Two open requests for opinions to everyone, six in ten answered.
    const requests = await insertMany(trx, "opinion_requests", [1, 2].map((n) => ({ committee_id: committeeId, created_by_person_id: people[5]!, title: `Dự thảo kế hoạch số ${n}`, body: "Xin ý kiến", attachment_id: null, questions: JSON.stringify(["Nhất trí?"]), audience: "all", deadline: "2026-12-22T10:00:00.000Z", status: "open" as const, created_at: AT })), true);
    for (const r of requests) {
      const recipients = await insertMany(trx, "opinion_recipients", people.map((personId) => ({ request_id: r, person_id: personId, reminded_at: null })), true);
      await insertMany(trx, "opinion_answers", recipients.filter((_, i) => i % 10 < 6).map((id) => ({ recipient_id: id, question_index: 0, position: "agree" as const, comment: null, attachment_id: null, answered_at: AT })));
    }
    return coming;
  });

  // The committees below: communes and wards with their own roster, tasks and current reports.
  for (let s = 0; s < opts.subordinates; s++) {
    await db.transaction().execute(async (trx) => {
      const level = s % 2 ? ("ward" as const) : ("commune" as const);
      const [id] = await insertMany(trx, "committees", [{ code: `XA${s + 1}`, name: `Ban Chỉ đạo ${level === "ward" ? "phường" : "xã"} số ${s + 1}`, level, parent_id: committeeId, time_zone: TZ, default_locale: "vi", created_at: AT, group_chat_id: null, group_channel: null, governing_body: null, place_name: null, code_prefix: null, focal_body: null }], true);
      const people = await seedPeople(trx, id!, opts.subordinateMembers, 10, `Xã ${s + 1}`, 2_000_000 + s * 10_000);
      const periods = await seedPeriods(trx, id!);
      const tasks = await seedTasks(trx, id!, opts.subordinateMembers, 10, `X${s + 1}`);
      await seedUpdates(trx, tasks.slice(0, tasks.length - s * 5), periods.slice(-1), tasks.length, people[5]!);
    });
  }

  if (h.dialect === "postgres") await sql`analyze`.execute(h.db);
  for (const table of ["people", "memberships", "tasks", "progress_updates", "invitations", "absence_requests", "proxies", "notice_recipients", "opinion_recipients", "opinion_answers", "outbox", "report_items"] as const) {
    const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  const chair: Actor & { kind: "person" } = { kind: "person", personId: chairId, fullName: "Nguyễn Văn Thành viên 00001", locale: null, seats: await loadSeats(db, chairId) };
  return { committeeId, chair, periodId, meetingId, counts, unreportedTasks: Math.ceil(tasks.length / 4) };
}
