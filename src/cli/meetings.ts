import { InvalidArgumentError, Option, type Command } from "commander";
import { cliActor } from "../core/actor.js";
import { DomainError } from "../core/errors.js";
import type { MeetingView } from "../core/meetings/meetings.js";
import type { RosterLine } from "../core/meetings/views.js";
import type { MeetingKind } from "../db/schema.js";
import { formatDateTime, formatPercent, parseLocalDateTime } from "../i18n/format.js";
import { readUtf8 } from "./files.js";
import type { CliMessages } from "./messages.js";
import { CliFailure, withDatabase, type CliDbContext, type CommandDeps } from "./session.js";
import { renderTable } from "./text.js";

/** What buildProgram shares with the meeting commands. */
export interface MeetingCommandDeps extends CommandDeps {
  /** Parses a positive whole number (a member or meeting number), refusing anything else as a usage error. */
  positiveNumber: (value: string) => number;
}

const KINDS: readonly MeetingKind[] = ["regular", "extraordinary"];

interface CreateOptions {
  committee: string;
  title: string;
  start: string;
  end: string;
  place?: string;
  link?: string;
  agenda: string;
  agendaFile?: string;
  kind: MeetingKind;
  chair?: number;
  deadline?: string;
  secretary?: number;
}

interface RescheduleOptions {
  start: string;
  end: string;
  place?: string;
  link?: string;
  deadline?: string;
}

/**
 * meeting:create, meeting:list, meeting:roster, meeting:reschedule, meeting:secretary and meeting:cancel. Times are typed as
 * "dd/MM/yyyy HH:mm": commander checks the form (a usage error, exit 2, naming the option), and the action
 * reads the value in the committee's time zone once the committee is known.
 */
export function registerMeetingCommands(program: Command, { m, io, run, lang, positiveNumber }: MeetingCommandDeps): void {
  // The form does not depend on the zone, so UTC is enough to check it before the database is opened.
  const dateTime = (value: string): string => {
    if (!parseLocalDateTime(value, "UTC")) throw new InvalidArgumentError(m.dateTimeInvalid);
    return value;
  };

  program
    .command("meeting:create")
    .description(m.meetingCreate.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .requiredOption("--title <title>", m.meetingCreate.title)
    .requiredOption("--start <datetime>", m.meetingCreate.start, dateTime)
    .requiredOption("--end <datetime>", m.meetingCreate.end, dateTime)
    .option("--place <place>", m.meetingCreate.place)
    .option("--link <url>", m.meetingCreate.link)
    // The agenda is required: typed with --agenda, or read from a file with --agenda-file, which stands in for it.
    .addOption(new Option("--agenda <text>", m.meetingCreate.agenda).makeOptionMandatory())
    .addOption(new Option("--agenda-file <file>", m.meetingCreate.agendaFile).implies({ agenda: "" }))
    .addOption(new Option("--kind <kind>", m.meetingCreate.kind).choices(KINDS).default("regular"))
    .option("--chair <memberNumber>", m.meetingCreate.chair, positiveNumber)
    .option("--deadline <datetime>", m.meetingCreate.deadline, dateTime)
    .option("--secretary <memberNumber>", m.meetingSecretary.member, positiveNumber)
    .hook("preAction", (cmd) => {
      // Commander's own conflict check would count the agenda --agenda-file implies, so it is made here.
      if (cmd.getOptionValueSource("agenda") === "cli" && cmd.getOptionValue("agendaFile") !== undefined) {
        cmd.error("error: option '--agenda-file <file>' cannot be used with option '--agenda <text>'", { code: "commander.conflictingOption" });
      }
    })
    .action((opts: CreateOptions, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => createMeeting(ctx, opts.committee, opts))));

  program
    .command("meeting:list")
    .description(m.meetingList.description)
    .requiredOption("--committee <code>", m.committeeCode)
    .action((opts: { committee: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => listMeetings(ctx, opts.committee))));

  program
    .command("meeting:roster")
    .description(m.meetingRoster.description)
    .argument("<meetingNumber>", m.meetingNumber, positiveNumber)
    .action((id: number, _opts: object, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => showRoster(ctx, id))));

  program
    .command("meeting:reschedule")
    .description(m.meetingReschedule.description)
    .argument("<meetingNumber>", m.meetingNumber, positiveNumber)
    .requiredOption("--start <datetime>", m.meetingCreate.start, dateTime)
    .requiredOption("--end <datetime>", m.meetingCreate.end, dateTime)
    .option("--place <place>", m.meetingReschedule.place)
    .option("--link <url>", m.meetingReschedule.link)
    .option("--deadline <datetime>", m.meetingReschedule.deadline, dateTime)
    .action((id: number, opts: RescheduleOptions, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => rescheduleMeeting(ctx, id, opts))));

  program
    .command("meeting:secretary")
    .description(m.meetingSecretary.description)
    .argument("<meetingNumber>", m.meetingNumber, positiveNumber)
    .argument("[memberNumber]", m.meetingSecretary.member, positiveNumber)
    .option("--clear", m.meetingSecretary.clear)
    .action((id: number, member: number | undefined, opts: { clear?: boolean }, cmd: Command) =>
      run(withDatabase(io, lang(cmd), (ctx) => setSecretary(ctx, id, opts.clear ? null : member))),
    );

  program
    .command("meeting:cancel")
    .description(m.meetingCancel.description)
    .argument("<meetingNumber>", m.meetingNumber, positiveNumber)
    .requiredOption("--reason <text>", m.meetingCancel.reason)
    .action((id: number, opts: { reason: string }, cmd: Command) => run(withDatabase(io, lang(cmd), (ctx) => cancelMeeting(ctx, id, opts.reason))));
}

/** A checked "dd/MM/yyyy HH:mm" read in the committee's time zone. */
function localTime(ctx: CliDbContext, option: string, text: string, timeZone: string): Date {
  const at = parseLocalDateTime(text, timeZone);
  if (!at) throw new CliFailure(`${option}: ${ctx.m.dateTimeInvalid}`);
  return at;
}

/** The lines that say when, where and under whom a meeting is held, in the committee's time zone. */
function describeMeeting(m: CliMessages, view: MeetingView): string[] {
  const at = (value: string) => formatDateTime(value, view.timeZone);
  return [
    m.meeting.time({ start: at(view.startsAt), end: at(view.endsAt), timeZone: view.timeZone }),
    ...(view.place ? [m.meeting.place(view.place)] : []),
    ...(view.onlineLink ? [m.meeting.link(view.onlineLink)] : []),
    m.meeting.chair(view.chairName),
    m.meeting.deadline(at(view.answerDeadline)),
    ...(view.status === "cancelled" ? [m.meeting.cancelled] : []),
  ];
}

async function createMeeting(ctx: CliDbContext, committeeCode: string, opts: CreateOptions): Promise<number> {
  const { core, m, out } = ctx;
  const committee = await core.committees.require(committeeCode);
  const tz = committee.time_zone;
  const agenda = opts.agendaFile !== undefined ? readUtf8(opts.agendaFile, ctx, m.meetingCreate.agendaNotUtf8(opts.agendaFile)) : opts.agenda;

  let chairPersonId: number | undefined;
  if (opts.chair !== undefined) {
    // The operator knows members by their members:list number, a membership; the meeting records the person.
    const seat = await core.ctx.db.selectFrom("memberships").select(["person_id", "committee_id"]).where("id", "=", opts.chair).executeTakeFirst();
    if (!seat) throw new DomainError("invites:member_not_found", { id: opts.chair });
    if (seat.committee_id !== committee.id) throw new DomainError("meetings:errors.bad_chair");
    chairPersonId = seat.person_id;
  }

  const { meeting, invited } = await core.meetings.create(cliActor, {
    committeeId: committee.id,
    kind: opts.kind,
    title: opts.title,
    startsAt: localTime(ctx, "--start", opts.start, tz),
    endsAt: localTime(ctx, "--end", opts.end, tz),
    place: opts.place,
    onlineLink: opts.link,
    agenda,
    chairPersonId,
    answerDeadline: opts.deadline === undefined ? undefined : localTime(ctx, "--deadline", opts.deadline, tz),
    secretaryPersonId: opts.secretary === undefined ? undefined : (await personOfSeat(ctx, opts.secretary, committee.id, "meetings:errors.bad_secretary")).personId,
  });
  const { meeting: view } = await core.meetings.roster(cliActor, meeting.id);
  out(m.meetingCreate.created({ id: meeting.id, kind: m.meeting.kind[view.kind], title: view.title }));
  for (const line of describeMeeting(m, view)) out(line);
  out(m.meetingCreate.invited(invited));
  return 0;
}

async function listMeetings(ctx: CliDbContext, committeeCode: string): Promise<number> {
  const { core, m, out } = ctx;
  const committee = await core.committees.require(committeeCode);
  // The committee's own upcoming meetings (core.meetings.upcoming spans every committee and stops at 20).
  const ids = await core.ctx.db
    .selectFrom("meetings")
    .select("id")
    .where("committee_id", "=", committee.id)
    .where("status", "=", "scheduled")
    .where("ends_at", ">", core.ctx.clock().toISOString())
    .orderBy("starts_at")
    .orderBy("id")
    .execute();
  if (ids.length === 0) {
    out(m.meetingList.empty(committee.name));
    return 0;
  }
  const rows: string[][] = [];
  for (const { id } of ids) {
    const { meeting, counts, forecast } = await core.meetings.roster(cliActor, id);
    rows.push([
      String(meeting.id),
      meeting.title,
      formatDateTime(meeting.startsAt, meeting.timeZone),
      `${counts.invited - counts.noAnswer}/${counts.invited}`,
      formatPercent(Math.round(forecast * 100)),
    ]);
  }
  out(m.meetingList.header(committee.name, ids.length));
  out();
  out(renderTable(m.meetingList.columns, rows));
  out(m.meetingList.hint);
  return 0;
}

async function showRoster(ctx: CliDbContext, id: number): Promise<number> {
  const { core, m, t, out } = ctx;
  const { meeting, lines, counts, forecast } = await core.meetings.roster(cliActor, id);
  const r = m.meetingRoster;
  out(r.header({ id: meeting.id, kind: m.meeting.kind[meeting.kind], title: meeting.title }));
  for (const line of describeMeeting(m, meeting)) out(line);
  out();
  out(r.counts({ ...counts, answered: counts.invited - counts.noAnswer }));
  out(r.forecast({ present: counts.attending + counts.proxyApproved, invited: counts.invited, percent: Math.round(forecast * 100) }));
  out();
  if (lines.length === 0) {
    out(r.empty);
    return 0;
  }
  // Core gives no request for an absence or proxy whose request was withdrawn (a cancelled meeting).
  const decision = (l: RosterLine) => (l.answer === "absent" || l.answer === "proxy" ? r.decision[l.requestStatus ?? "withdrawn"] : "");
  const note = (l: RosterLine) =>
    l.answer === "absent" && l.reason ? r.reason(l.reason) : l.answer === "proxy" && l.delegateName ? r.delegate(l.delegateName) : "";
  const rows = lines.map((l) => [l.fullName, l.role ? t(`roles:${l.role}`) : "", l.organization ?? "", r.answer[l.answer], decision(l), note(l)]);
  out(renderTable(r.columns, rows));
  return 0;
}

async function rescheduleMeeting(ctx: CliDbContext, id: number, opts: RescheduleOptions): Promise<number> {
  const { core, m, out } = ctx;
  const { meeting: before, lines } = await core.meetings.roster(cliActor, id);
  const tz = before.timeZone;
  const moved = await core.meetings.reschedule(cliActor, id, {
    startsAt: localTime(ctx, "--start", opts.start, tz),
    endsAt: localTime(ctx, "--end", opts.end, tz),
    place: opts.place,
    onlineLink: opts.link,
    answerDeadline: opts.deadline === undefined ? undefined : localTime(ctx, "--deadline", opts.deadline, tz),
  });
  const { meeting } = await core.meetings.roster(cliActor, id);
  out(m.meetingReschedule.done(meeting.id, meeting.title));
  for (const line of describeMeeting(m, meeting)) out(line);
  // The same time with a new place or link is a correction: the answers stand.
  // The chair still chairs it (present); everyone else answers again.
  if (moved.answersReset) out(m.meetingReschedule.reset(lines.filter((l) => l.personId !== moved.chair_person_id).length));
  return 0;
}

async function cancelMeeting(ctx: CliDbContext, id: number, reason: string): Promise<number> {
  const { core, m, out } = ctx;
  const { meeting, counts } = await core.meetings.roster(cliActor, id);
  await core.meetings.cancel(cliActor, id, reason);
  out(m.meetingCancel.done({ id: meeting.id, title: meeting.title, start: formatDateTime(meeting.startsAt, meeting.timeZone) }));
  out(m.meetingCancel.notified(counts.invited));
  return 0;
}

/** The person behind a members:list number, refused (with `wrongCommittee`) when the seat is on another committee. */
async function personOfSeat(ctx: CliDbContext, membershipId: number, committeeId: number, wrongCommittee: string): Promise<{ personId: number; fullName: string }> {
  const seat = await ctx.core.ctx.db
    .selectFrom("memberships as m")
    .innerJoin("people as p", "p.id", "m.person_id")
    .select(["m.person_id", "m.committee_id", "p.full_name"])
    .where("m.id", "=", membershipId)
    .executeTakeFirst();
  if (!seat) throw new DomainError("invites:member_not_found", { id: membershipId });
  if (seat.committee_id !== committeeId) throw new DomainError(wrongCommittee);
  return { personId: seat.person_id, fullName: seat.full_name };
}

/** meeting:secretary: names (or, with --clear, removes) who records the minutes. */
async function setSecretary(ctx: CliDbContext, id: number, member: number | null | undefined): Promise<number> {
  const { core, m, out } = ctx;
  if (member === undefined) throw new CliFailure(m.meetingSecretary.missing);
  const { meeting } = await core.meetings.roster(cliActor, id);
  if (member === null) {
    await core.meetings.setSecretary(cliActor, id, null);
    out(m.meetingSecretary.cleared(meeting.id));
    return 0;
  }
  const person = await personOfSeat(ctx, member, meeting.committeeId, "meetings:errors.bad_secretary");
  await core.meetings.setSecretary(cliActor, id, person.personId);
  out(m.meetingSecretary.done({ id: meeting.id, name: person.fullName }));
  return 0;
}
