import type { Executor } from "../../db/database.js";
import type { MeetingRow } from "../../db/schema.js";
import type { TFunction } from "../../i18n/index.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import { iso } from "../clock.js";
import type { CoreContext } from "../context.js";
import { localDateOf, showDate, type LocalDate } from "../cycle/local-time.js";
import { DomainError } from "../errors.js";
import { defaultAckDeadline, writeNotice } from "../notices/notices.js";
import { assertCan } from "../permissions.js";
import { parseDate } from "../reports/task-csv.js";
import type { RowError } from "../roster/roster-csv.js";
import { parseConclusionsCsv } from "./conclusions-csv.js";

/** How long a conclusion's text and its organization may be: the task registry's own limits (title, organization). */
export const CONCLUSION_LIMITS = { text: 500, organization: 200 } as const;
/** How many conclusions one recording may hold (one meeting's, in one notice). */
export const MAX_CONCLUSIONS = 100;

/** One conclusion as the secretariat gives it: what is to be done, by which organization, by when (dd/MM/yyyy). */
export interface NewConclusion {
  text: string;
  organization: string;
  due: string;
}

/** A conclusion checked: its text and organization trimmed, its deadline a local date. */
export interface CheckedConclusion {
  text: string;
  organization: string;
  due: LocalDate;
}

const clean = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ");

/** The conclusion's text: something to do, within the registry's title length. Throws the DomainError to ask again with. */
export function checkConclusionText(text: string): string {
  const v = clean(text);
  if (!v) throw new DomainError("conclusions:errors.text_required");
  if (v.length > CONCLUSION_LIMITS.text) throw new DomainError("conclusions:errors.text_too_long", { max: CONCLUSION_LIMITS.text, length: v.length });
  return v;
}

/** The organization in charge: named, within the registry's length. */
export function checkOrganization(text: string): string {
  const v = clean(text);
  if (!v) throw new DomainError("conclusions:errors.organization_required");
  if (v.length > CONCLUSION_LIMITS.organization) throw new DomainError("conclusions:errors.organization_too_long", { max: CONCLUSION_LIMITS.organization });
  return v;
}

/** The deadline typed as dd/MM/yyyy: a real date, today or later in the committee's zone. */
export function readConclusionDue(text: string, today: LocalDate): LocalDate {
  const d = parseDate(text);
  if (!d) throw new DomainError("conclusions:errors.bad_date", { value: text.trim() });
  if (d < today) throw new DomainError("conclusions:errors.due_in_past", { value: showDate(d), today: showDate(today) });
  return d;
}

/** Checks one conclusion as a whole (the first fault wins), for the CLI, the CSV and the chat's confirmation alike. */
export function checkConclusion(c: NewConclusion, today: LocalDate): CheckedConclusion {
  return { text: checkConclusionText(c.text), organization: checkOrganization(c.organization), due: readConclusionDue(c.due, today) };
}

/** A meeting is "held" once it has begun and was not cancelled: only then can its chair have concluded. */
export async function requireHeldMeeting(db: Executor, committeeId: number, meetingId: number, now: Date): Promise<MeetingRow> {
  const m = await db.selectFrom("meetings").selectAll().where("id", "=", meetingId).executeTakeFirst();
  if (!m || m.committee_id !== committeeId) throw new DomainError("conclusions:errors.meeting_not_found", { id: String(meetingId) });
  if (m.status !== "scheduled" || m.starts_at > iso(now)) throw new DomainError("conclusions:errors.meeting_not_held", { id: String(meetingId) });
  return m;
}

/** The committee's meetings already held (not cancelled), the latest first: those whose conclusions can be recorded. */
export async function heldMeetings(ctx: CoreContext, actor: Actor, committeeId: number, limit = 10): Promise<Pick<MeetingRow, "id" | "title" | "starts_at">[]> {
  assertCan(actor, "conclusions.manage", committeeId);
  return ctx.db
    .selectFrom("meetings")
    .select(["id", "title", "starts_at"])
    .where("committee_id", "=", committeeId)
    .where("status", "=", "scheduled")
    .where("starts_at", "<=", iso(ctx.clock()))
    .orderBy("starts_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The source printed for a conclusion's task, in the reader's language, from its meeting's local date. */
export const conclusionSource = (t: TFunction, meetingStartsAt: string, timeZone: string): string => t("conclusions:source", { date: showDate(localDateOf(new Date(meetingStartsAt), timeZone)) });

/** The next free codes "KL-<meeting>-<n>": a code taken already (by an earlier recording, or imported by hand in any case) is skipped. */
async function nextCodes(db: Executor, committeeId: number, meetingId: number, count: number): Promise<string[]> {
  const taken = new Set((await db.selectFrom("tasks").select("code").where("committee_id", "=", committeeId).where((eb) => eb(eb.fn("lower", ["code"]), "like", `kl-${meetingId}-%`)).execute()).map((r) => r.code.toLowerCase()));
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) if (!taken.has(`kl-${meetingId}-${n}`)) out.push(`KL-${meetingId}-${n}`);
  return out;
}

export interface RecordedConclusions {
  noticeId: number;
  recipients: number;
  tasks: { id: number; code: string }[];
}

/**
 * Records the chair's conclusions of a held meeting (Art. 7.4): each becomes a task of the registry (reported on every
 * quarter until done, its source the meeting), and one notice lists them to the whole committee, with acknowledgement
 * as any notice. All in one transaction: a bad conclusion records none. `t` writes the notice in the author's language.
 */
export async function recordConclusions(ctx: CoreContext, actor: Actor, t: TFunction, input: { committeeId: number; meetingId: number; conclusions: NewConclusion[] }): Promise<RecordedConclusions> {
  assertCan(actor, "conclusions.manage", input.committeeId);
  const now = ctx.clock();
  const committee = await ctx.db.selectFrom("committees").select(["id", "time_zone"]).where("id", "=", input.committeeId).executeTakeFirst();
  if (!committee) throw new DomainError("errors:forbidden");
  if (input.conclusions.length === 0) throw new DomainError("conclusions:errors.none");
  if (input.conclusions.length > MAX_CONCLUSIONS) throw new DomainError("conclusions:errors.too_many", { max: MAX_CONCLUSIONS });
  const today = localDateOf(now, committee.time_zone);
  const checked = input.conclusions.map((c) => checkConclusion(c, today));
  return writeConclusions(ctx, actor, t, committee, input.meetingId, checked);
}

/**
 * Imports a meeting's conclusions from CSV (core/conclusions/conclusions-csv.ts): every row checked, and either all are
 * recorded and published, or none is and the errors come back by line.
 */
export async function importConclusions(ctx: CoreContext, actor: Actor, t: TFunction, input: { committeeId: number; meetingId: number; csv: string }): Promise<{ errors: RowError[]; recorded?: RecordedConclusions }> {
  assertCan(actor, "conclusions.manage", input.committeeId);
  const committee = await ctx.db.selectFrom("committees").select(["id", "time_zone"]).where("id", "=", input.committeeId).executeTakeFirst();
  if (!committee) throw new DomainError("errors:forbidden");
  // The meeting first: a file for a wrong meeting is refused as a whole before its rows are read.
  await requireHeldMeeting(ctx.db, committee.id, input.meetingId, ctx.clock());
  const parsed = parseConclusionsCsv(input.csv, localDateOf(ctx.clock(), committee.time_zone));
  if (parsed.errors.length) return { errors: parsed.errors };
  return { errors: [], recorded: await writeConclusions(ctx, actor, t, committee, input.meetingId, parsed.rows) };
}

async function writeConclusions(ctx: CoreContext, actor: Actor, t: TFunction, committee: { id: number; time_zone: string }, meetingId: number, checked: CheckedConclusion[]): Promise<RecordedConclusions> {
  const now = ctx.clock();
  const input = { meetingId };
  return ctx.db.transaction().execute(async (trx) => {
    const meeting = await requireHeldMeeting(trx, committee.id, input.meetingId, now);
    const meetingDate = showDate(localDateOf(new Date(meeting.starts_at), committee.time_zone));
    // The registry keeps the source in Vietnamese, as the committee's documents name it; views print it from the meeting.
    const source = `Kết luận phiên họp ngày ${meetingDate}`;
    const codes = await nextCodes(trx, committee.id, meeting.id, checked.length);
    const tasks: RecordedConclusions["tasks"] = [];
    const at = iso(now);
    for (const [i, c] of checked.entries()) {
      const values = {
        committee_id: committee.id,
        code: codes[i]!,
        title: c.text,
        source_document: source,
        responsible_organization: c.organization,
        responsible_person_id: null,
        indicator_kind: "milestone" as const,
        target_value: null,
        unit: null,
        due_date: c.due,
        period: "quarterly",
        active: 1,
        created_at: at,
        updated_at: at,
      };
      const task = await trx.insertInto("tasks").values(values).returning("id").executeTakeFirstOrThrow();
      await recordAudit(trx, actor, now, { action: "task.create", objectType: "task", objectId: task.id, committeeId: committee.id, after: { ...values, meetingId: meeting.id } });
      tasks.push({ id: task.id, code: codes[i]! });
    }
    const lines = [t("conclusions:notice.title", { meeting: meeting.title, date: meetingDate }), ""];
    checked.forEach((c, i) => lines.push(t("conclusions:notice.line", { n: i + 1, code: codes[i]!, text: c.text, organization: c.organization, due: showDate(c.due) })));
    lines.push("", t("conclusions:notice.footer"));
    const notice = await writeNotice(trx, now, actor, { committeeId: committee.id, body: lines.join("\n"), audience: { kind: "all" }, ackRequired: true, ackDeadline: defaultAckDeadline(now) });
    for (const task of tasks) {
      await trx
        .insertInto("conclusions")
        .values({ committee_id: committee.id, meeting_id: meeting.id, task_id: task.id, notice_id: notice.noticeId, created_by_person_id: actor.kind === "person" ? actor.personId : null, created_at: at })
        .execute();
    }
    await recordAudit(trx, actor, now, { action: "conclusions.record", objectType: "meeting", objectId: meeting.id, committeeId: committee.id, after: { tasks: tasks.map((x) => x.code), noticeId: notice.noticeId } });
    return { noticeId: notice.noticeId, recipients: notice.recipients, tasks };
  });
}
