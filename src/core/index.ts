import type { ChannelName, Presence } from "../db/schema.js";
import { loadActorByChannel, systemActor, type Actor } from "./actor.js";
import { createCommittee, editCommittee, findCommitteeByCode, linkGroup, listCommittees, requireCommittee, type CommitteeChange, type NewCommittee } from "./committees.js";
import type { CoreContext } from "./context.js";
import { pruneSigninFailures, reissueInvite, redeemInvite, revokeInvite, type SignInRequest } from "./invites/invites.js";
import { claimDueJobs, runDueJob } from "./jobs/run.js";
import { localeOf, markSeen, markUnreachable, setLanguage } from "./people.js";
import { connectZaloBot, disconnectZaloBot, listZaloBots, setZaloBotLink, zaloLinkFor, type ZaloBotConnection } from "./zalo-bots.js";
import { countZaloSends, markZaloQuotaSpent, zaloPeople, zaloUsage, type ZaloQuotaLimits } from "./zalo-quota.js";
import { deactivateMember, importRoster, listMembers } from "./roster/roster.js";
import { answerAttend, appointProxy, checkAbsenceOpen, decideRequest, overrideAnswer, requestAbsence, type AnswerTarget, type Delegate, type RequestKind } from "./meetings/answers.js";
import { chairCandidates, createMeeting, upcomingMeetings, type NewMeeting } from "./meetings/meetings.js";
import { handOverChair } from "./meetings/chair.js";
import { cancelMeeting, editMeeting, rescheduleMeeting, type MeetingChange, type MeetingEdit } from "./meetings/changes.js";
import { attendanceSheet, cycleAttendance, prefillAttendance, recordAttendance } from "./meetings/attendance.js";
import { minutesView } from "./meetings/minutes.js";
import { setMeetingSecretary } from "./meetings/secretary.js";
import { addGuest, delegateInvite, outsiderInvitations, type Guest } from "./meetings/guests.js";
import { attachmentById, checkAttachment, receiveFile, type IncomingFile } from "./attachments.js";
import { fileContent, fileInfo, fileRef, forgetRef, pruneUnattachedFiles, rememberRef } from "../media/files.js";
import { DAY } from "./clock.js";
import { organizationsOf, type Audience } from "./notices/audience.js";
import { acknowledgeNotice, cancelNotice, previewNotice, sendNotice, type NewNotice } from "./notices/notices.js";
import { noticeCard, noticeForGroup, noticeReport, recentNotices } from "./notices/views.js";
import { answerOpinion, compileOpinions, createOpinionRequest, opinionCard, recentOpinionRequests, type NewOpinionRequest } from "./opinions/opinions.js";
import type { OpinionPosition } from "../db/schema.js";
import { invitationCard, invitationOf, meetingRoster, pendingApprovals, requestView } from "./meetings/views.js";
import { clearDialog, getDialog, putDialog, type Dialog } from "./dialogs.js";
import { getSetting, putSetting } from "./settings.js";
import { editTask, findTaskByCode, importTasks, listTasks } from "./reports/tasks.js";
import { extendDeadline, findPeriod, listPeriods, openExtraPeriod, reopenFor, type NewPeriod } from "./reports/periods.js";
import { myReports, reportContext, submitProgress, taskHistory, updateById, type ProgressInput } from "./reports/updates.js";
import { owedBy, periodStatus, reminderDue } from "./reports/status.js";
import { answerableItem, answerItem, itemById, openItems } from "./reports/items.js";
import { committeeSummary, summaryCommittee, type NamedPart } from "./summary/summary.js";
import { personalStatus } from "./summary/status.js";
import { quarterExport } from "./summary/quarter-export.js";
import { heldCounts, sweepHeld } from "./held.js";
import { outboxMessageState } from "./outbox.js";
import { claimUpdate, inChatTurn, pruneProcessedUpdates } from "./updates.js";
import { awaitsNumber, choiceFor, numberChoices } from "./choices.js";
import { showCycle, setCycleSetting } from "./cycle/settings.js";
import { listCalendarDays, loadCalendar, removeCalendarDay, setCalendarDay } from "./cycle/calendar.js";
import { bundleLines, sendNudgesNow, upcomingNudges } from "./nudges/daily.js";
import { heldMeetings, importConclusions, recordConclusions, type NewConclusion } from "./conclusions/conclusions.js";
import { conclusionsReport, listConclusions } from "./conclusions/follow-up.js";
import "./conclusions/obligations.js";
import type { TFunction } from "../i18n/index.js";
import { overdueForLeadersOf } from "./nudges/escalation.js";
import { nextDigestFor } from "./cycle/digest.js";
import { confirmDraft, ensurePlanner, ensurePlanners, listDrafts, replanNow, type DraftConfirmation } from "./cycle/planner.js";

/** Days a stored file no attachment refers to is kept after it was last received (a conversation left open meanwhile keeps the app's reference). */
export const UNATTACHED_FILE_DAYS = 7;

/**
 * The domain, bound to its context: every way in (Telegram, Zalo, the CLI, the scheduler) calls these.
 * Each command takes the actor, checks the permission, validates, writes in one transaction and audits.
 */
export function createCore(ctx: CoreContext) {
  return {
    ctx,
    committees: {
      create: (actor: Actor, input: NewCommittee) => createCommittee(ctx, actor, input),
      edit: (actor: Actor, code: string, change: CommitteeChange) => editCommittee(ctx, actor, code, change),
      byCode: (code: string) => findCommitteeByCode(ctx.db, code),
      require: (code: string) => requireCommittee(ctx.db, code),
      list: () => listCommittees(ctx.db),
      linkGroup: (actor: Actor, committeeId: number, group: { channel: ChannelName; chatId: string }) => linkGroup(ctx, actor, committeeId, group),
    },
    roster: {
      importCsv: (actor: Actor, committeeId: number, csv: string) => importRoster(ctx, actor, committeeId, csv),
      list: (actor: Actor, committeeId: number, opts?: Parameters<typeof listMembers>[3]) => listMembers(ctx, actor, committeeId, opts),
      deactivate: (actor: Actor, membershipId: number) => deactivateMember(ctx, actor, membershipId),
    },
    invites: {
      reissue: (actor: Actor, membershipId: number) => reissueInvite(ctx, actor, membershipId),
      revoke: (actor: Actor, membershipId: number) => revokeInvite(ctx, actor, membershipId),
      redeem: (req: SignInRequest) => redeemInvite(ctx, req),
    },
    people: {
      /** `bot`: the Zalo bot the account writes through ('' for Telegram and the installation's own Zalo bot). */
      actorByChannel: (channel: ChannelName, externalId: string, bot?: string) => loadActorByChannel(ctx.db, channel, externalId, bot),
      setLanguage: (actor: Actor, locale: string) => setLanguage(ctx, actor, locale),
      localeOf: (actor: Actor) => localeOf(ctx, actor),
      markUnreachable: (personId: number, channel: ChannelName, reason: string, bot?: string) => markUnreachable(ctx, personId, channel, reason, bot),
      seen: (personId: number, channel: ChannelName, bot?: string) => markSeen(ctx, personId, channel, bot),
    },
    /** A Zalo bot's monthly quota: counted per bot (its numeric id) and calendar month. */
    zaloQuota: {
      usage: (bot: string) => zaloUsage(ctx, bot),
      count: (bot: string, n: number, limits: ZaloQuotaLimits) => countZaloSends(ctx, bot, n, limits),
      spent: (bot: string) => markZaloQuotaSpent(ctx, bot),
      /** People linked through a bot: a committee's bot id, or '' (default) for the installation's bot. */
      people: (bot?: string) => zaloPeople(ctx, bot),
    },
    /** The Zalo bots connected to committees (zalo:connect), one per committee. */
    zaloBots: {
      list: () => listZaloBots(ctx),
      connect: (actor: Actor, committeeCode: string, bot: ZaloBotConnection) => connectZaloBot(ctx, actor, committeeCode, bot),
      disconnect: (actor: Actor, committeeCode: string) => disconnectZaloBot(ctx, actor, committeeCode),
      setLink: (actor: Actor, committeeCode: string, link: string) => setZaloBotLink(ctx, actor, committeeCode, link),
      /** The Zalo link a committee's invites name: its own bot's, else `installationLink` (ZALO_BOT_LINK). */
      linkFor: (committeeId: number, installationLink: string | undefined) => zaloLinkFor(ctx, committeeId, installationLink),
    },
    meetings: {
      create: (actor: Actor, input: NewMeeting) => createMeeting(ctx, actor, input),
      upcoming: (actor: Actor) => upcomingMeetings(ctx, actor),
      chairCandidates: (actor: Actor, committeeId: number) => chairCandidates(ctx, actor, committeeId),
      reschedule: (actor: Actor, meetingId: number, change: MeetingChange) => rescheduleMeeting(ctx, actor, meetingId, change),
      cancel: (actor: Actor, meetingId: number, reason: string) => cancelMeeting(ctx, actor, meetingId, reason),
      edit: (actor: Actor, meetingId: number, change: MeetingEdit) => editMeeting(ctx, actor, meetingId, change),
      roster: (actor: Actor, meetingId: number) => meetingRoster(ctx, actor, meetingId),
      card: (invitationId: number) => invitationCard(ctx, invitationId),
      invitationOf: (meetingId: number, personId: number) => invitationOf(ctx, meetingId, personId),
      request: (kind: RequestKind, id: number) => requestView(ctx, kind, id),
      pendingApprovals: (actor: Actor) => pendingApprovals(ctx, actor),
      attend: (actor: Actor, target: AnswerTarget) => answerAttend(ctx, actor, target),
      absent: (actor: Actor, target: AnswerTarget, reason: string) => requestAbsence(ctx, actor, target, reason),
      checkAbsenceOpen: (actor: Actor, target: AnswerTarget) => checkAbsenceOpen(ctx, actor, target),
      handOverChair: (actor: Actor, meetingId: number) => handOverChair(ctx, actor, meetingId),
      proxy: (actor: Actor, target: AnswerTarget, delegate: Delegate, opinion: string, documents?: IncomingFile[]) =>
        appointProxy(ctx, actor, target, delegate, opinion, ctx.settings.proxyOpinionMinLength, documents),
      attachment: (id: number) => attachmentById(ctx.db, id),
      checkAttachment: (file: IncomingFile) => checkAttachment(file),
      addGuest: (actor: Actor, meetingId: number, guest: Guest) => addGuest(ctx, actor, meetingId, guest),
      delegateInvite: (actor: Actor, proxyId: number) => delegateInvite(ctx, actor, proxyId),
      outsiderInvitations: (personId: number) => outsiderInvitations(ctx, personId),
      overrideAnswer: (actor: Actor, meetingId: number, personId: number, answer: "attend" | "absent" | "none", reason: string) =>
        overrideAnswer(ctx, actor, meetingId, personId, answer, reason),
      recordAttendance: (actor: Actor, meetingId: number, personId: number, presence: Presence, delegateName?: string | null) =>
        recordAttendance(ctx, actor, meetingId, personId, presence, delegateName),
      cycleAttendance: (actor: Actor, meetingId: number, personId: number) => cycleAttendance(ctx, actor, meetingId, personId),
      prefillAttendance: (actor: Actor, meetingId: number) => prefillAttendance(ctx, actor, meetingId),
      attendance: (actor: Actor, meetingId: number) => attendanceSheet(ctx, actor, meetingId),
      minutes: (actor: Actor, meetingId: number) => minutesView(ctx, actor, meetingId),
      setSecretary: (actor: Actor, meetingId: number, personId: number | null) => setMeetingSecretary(ctx, actor, meetingId, personId),
      decide: (actor: Actor, kind: RequestKind, id: number, approve: boolean, comment?: string) => decideRequest(ctx, actor, kind, id, approve, comment),
    },
    notices: {
      preview: (actor: Actor, committeeId: number, audience: Audience) => previewNotice(ctx, actor, committeeId, audience),
      send: (actor: Actor, input: NewNotice) => sendNotice(ctx, actor, input),
      acknowledge: (actor: Actor, recipientId: number) => acknowledgeNotice(ctx, actor, recipientId),
      cancel: (actor: Actor, noticeId: number) => cancelNotice(ctx, actor, noticeId),
      card: (recipientId: number) => noticeCard(ctx, recipientId),
      forGroup: (noticeId: number) => noticeForGroup(ctx, noticeId),
      report: (actor: Actor, noticeId: number) => noticeReport(ctx, actor, noticeId),
      recent: (actor: Actor) => recentNotices(ctx, actor),
      organizations: (committeeId: number) => organizationsOf(ctx.db, committeeId),
    },
    opinions: {
      create: (actor: Actor, input: NewOpinionRequest) => createOpinionRequest(ctx, actor, input),
      answer: (actor: Actor, recipientId: number, question: number, position: OpinionPosition, comment?: string | null, attachment?: IncomingFile | null) =>
        answerOpinion(ctx, actor, recipientId, question, position, comment, attachment),
      card: (recipientId: number) => opinionCard(ctx, recipientId),
      compile: (actor: Actor, requestId: number) => compileOpinions(ctx, actor, requestId),
      recent: (actor: Actor) => recentOpinionRequests(ctx, actor),
    },
    tasks: {
      importCsv: (actor: Actor, committeeId: number, csv: string) => importTasks(ctx, actor, committeeId, csv),
      list: (actor: Actor, committeeId: number) => listTasks(ctx, actor, committeeId),
      byCode: (actor: Actor, code: string) => findTaskByCode(ctx, actor, code),
      edit: (actor: Actor, taskId: number, field: string, value: string) => editTask(ctx, actor, taskId, field, value),
      history: (actor: Actor, taskId: number) => taskHistory(ctx, actor, taskId),
    },
    summary: {
      /** The committee (its code, or the actor's own) whose summary the actor may read; refused for members. */
      committee: (actor: Actor, code?: string) => summaryCommittee(ctx, actor, code),
      /** The summary's counts; `names` also reads who is behind one part, for its drill-down. */
      of: (actor: Actor, committeeId: number, periodCode?: string, names?: NamedPart) => committeeSummary(ctx, actor, committeeId, periodCode, names),
      personal: (actor: Actor) => personalStatus(ctx, actor),
      /** The quarter's files for the export bundle (leaders and the secretariat, as the summary): what it holds and a loader per file. */
      quarterExport: (actor: Actor, committee?: string | { id: number }, quarter?: string) => quarterExport(ctx, actor, committee, quarter),
      /** The leaders' weekly digest as queued: the committee's summary, read by the system (the job chose the readers). */
      digest: (committeeId: number) => committeeSummary(ctx, systemActor, committeeId),
      /** Reports still missing after the last overdue nudge: who, which task, how many days late. */
      overdue: (actor: Actor, committeeId: number) => overdueForLeadersOf(ctx, actor, committeeId),
    },
    reports: {
      mine: (actor: Actor) => myReports(ctx, actor),
      context: (actor: Actor, taskId: number, periodId?: number) => reportContext(ctx, actor, taskId, periodId),
      submit: (actor: Actor, input: ProgressInput) => submitProgress(ctx, actor, input),
      update: (updateId: number) => updateById(ctx.db, updateId),
      owedBy: (periodId: number, personId: number) => owedBy(ctx, periodId, personId),
      reminderDue: (periodId: number, personId: number) => reminderDue(ctx, periodId, personId),
      status: (actor: Actor, periodId: number) => periodStatus(ctx, actor, periodId),
      items: (actor: Actor) => openItems(ctx, actor),
      item: (itemId: number) => itemById(ctx, itemId),
      /** An obstacle or proposal the actor may answer now; refused otherwise (another committee's, no right, already answered). */
      answerable: (actor: Actor, itemId: number) => answerableItem(ctx, actor, itemId),
      answerItem: (actor: Actor, itemId: number, answer: string) => answerItem(ctx, actor, itemId, answer),
    },
    /** The chair's conclusions after a meeting, as tasks followed up to closure (core/conclusions; Art. 7.4). */
    conclusions: {
      /** The meetings held whose conclusions may be recorded, the latest first. */
      meetings: (actor: Actor, committeeId: number) => heldMeetings(ctx, actor, committeeId),
      /** Records and publishes them (one notice written in `t`'s language); all or nothing. */
      record: (actor: Actor, t: TFunction, input: { committeeId: number; meetingId: number; conclusions: NewConclusion[] }) => recordConclusions(ctx, actor, t, input),
      /** From CSV (text, organization, due): every row checked, all recorded or none. */
      importCsv: (actor: Actor, t: TFunction, input: { committeeId: number; meetingId: number; csv: string }) => importConclusions(ctx, actor, t, input),
      list: (actor: Actor, committeeId: number, filter?: { meetingId?: number }) => listConclusions(ctx, actor, committeeId, filter),
      /** The follow-up rows of a quarter, for the export bundle's XLSX. */
      report: (actor: Actor, committeeId: number, quarter: string) => conclusionsReport(ctx, actor, committeeId, quarter),
    },
    periods: {
      find: (actor: Actor, committeeId: number, code?: string) => findPeriod(ctx, actor, committeeId, code),
      list: (actor: Actor, committeeId: number) => listPeriods(ctx, actor, committeeId),
      openExtra: (actor: Actor, input: NewPeriod) => openExtraPeriod(ctx, actor, input),
      /** For everyone, or for one member (by member number) when `membershipId` is given. */
      extend: (actor: Actor, periodId: number, dueAt: Date, membershipId?: number) => extendDeadline(ctx, actor, periodId, dueAt, membershipId),
      reopen: (actor: Actor, periodId: number, membershipId: number, until: Date) => reopenFor(ctx, actor, periodId, membershipId, until),
    },
    /** The quarterly cycle: settings, working calendar, the planner and its meeting drafts (core/cycle). */
    cycle: {
      show: (actor: Actor, committeeId: number) => showCycle(ctx, actor, committeeId),
      /** Sets one setting; resuming a paused cycle plans what the pause skipped. */
      set: async (actor: Actor, committeeId: number, key: string, value: string) => {
        const line = await setCycleSetting(ctx, actor, committeeId, key, value);
        if (line.key === "paused" && line.value === "off") await replanNow(ctx.db, ctx.clock(), committeeId);
        return line;
      },
      calendar: (committeeId: number) => loadCalendar(ctx.db, committeeId),
      days: (actor: Actor, committeeId: number, year: number) => listCalendarDays(ctx, actor, committeeId, year),
      dayOff: (actor: Actor, committeeId: number, date: string, reason: string) => setCalendarDay(ctx, actor, committeeId, date, "off", reason),
      workingDay: (actor: Actor, committeeId: number, date: string, reason: string) => setCalendarDay(ctx, actor, committeeId, date, "work", reason),
      removeDay: (actor: Actor, committeeId: number, date: string) => removeCalendarDay(ctx, actor, committeeId, date),
      /** Schedules the committee's quarterly planner (now for the current quarter, then each quarter's start). */
      ensurePlanner: (committeeId: number) => ensurePlanner(ctx.db, ctx.clock(), committeeId),
      ensurePlanners: () => ensurePlanners(ctx),
      drafts: (actor: Actor, committeeId: number) => listDrafts(ctx, actor, committeeId),
      confirmDraft: (actor: Actor, draftId: number, input: DraftConfirmation) => confirmDraft(ctx, actor, draftId, input),
      /** When the leaders' next weekly digest is due (it goes out only while a reporting period is open). */
      nextDigest: (actor: Actor, committeeId: number) => nextDigestFor(ctx, actor, committeeId),
    },
    /** The daily bundled nudge: what each person owes (core/nudges). */
    nudges: {
      /** The nudges of the coming working days, as things stand now. */
      upcoming: (actor: Actor, committeeId: number, days?: number) => upcomingNudges(ctx, actor, committeeId, days),
      /** Today's nudge, now (once a day per person). */
      sendNow: (actor: Actor, committeeId: number) => sendNudgesNow(ctx, actor, committeeId),
      /** What a queued bundle still lists at send time. */
      lines: (personId: number, itemsJson: string) => bundleLines(ctx.db, personId, itemsJson, ctx.clock()),
    },
    dialogs: {
      get: <T = Record<string, unknown>>(personId: number, channel: ChannelName) => getDialog<T>(ctx, personId, channel),
      put: (personId: number, channel: ChannelName, dialog: Dialog<unknown>) => putDialog(ctx, personId, channel, dialog),
      clear: (personId: number, channel: ChannelName) => clearDialog(ctx, personId, channel),
    },
    /** Numbered choices on apps without buttons: what each number in a chat stands for. */
    choices: {
      number: (channel: ChannelName, chatId: string, actions: readonly string[], opts?: { awaitsNumber?: boolean }) => numberChoices(ctx.db, ctx.clock(), channel, chatId, actions, opts),
      resolve: (channel: ChannelName, chatId: string, label: string) => choiceFor(ctx.db, ctx.clock(), channel, chatId, label),
      /** True while the chat's latest question asks for a number typed as the answer (then "65" is not a choice). */
      awaitsNumber: (channel: ChannelName, chatId: string) => awaitsNumber(ctx.db, channel, chatId),
    },
    updates: {
      claim: (channel: ChannelName, updateId: string, turn?: { chatId: string; seq: number }) => claimUpdate(ctx, channel, updateId, turn),
      /** Handles one update of a chat in its turn across instances (see inChatTurn). */
      inTurn: <T>(channel: ChannelName, chatId: string, work: () => Promise<T>, seq?: number) => inChatTurn(ctx, channel, chatId, work, seq),
      /**
       * The hourly housekeeping: updates older than a week, sign-in failures throttling no longer needs, and
       * stored files no attachment refers to, last received more than UNATTACHED_FILE_DAYS ago; and messages
       * held for people who have not linked an app, once they no longer matter (see held.ts).
       */
      prune: async () =>
        (await pruneProcessedUpdates(ctx)) +
        (await pruneSigninFailures(ctx)) +
        (await pruneUnattachedFiles(ctx.db, new Date(ctx.clock().getTime() - UNATTACHED_FILE_DAYS * DAY))) +
        (await sweepHeld(ctx)),
    },
    /** Files stored once as bytes, and each app's cached reference to them (src/media/files.ts). */
    files: {
      /** Keeps the bytes of a file a person sent, checked by the attachment rules; returns the stored file's id. */
      receive: (file: IncomingFile, bytes: Uint8Array) => receiveFile(ctx, file, bytes),
      info: (id: number) => fileInfo(ctx.db, id),
      content: (id: number) => fileContent(ctx.db, id),
      attachment: (id: number) => attachmentById(ctx.db, id),
      ref: (id: number, channel: ChannelName) => fileRef(ctx.db, id, channel),
      remember: (id: number, channel: ChannelName, ref: string) => rememberRef(ctx.db, ctx.clock(), id, channel, ref),
      forget: (id: number, channel: ChannelName) => forgetRef(ctx.db, id, channel),
    },
    jobs: {
      claimDue: (instanceId: string, limit?: number) => claimDueJobs(ctx, instanceId, limit),
      run: (job: Parameters<typeof runDueJob>[1]) => runDueJob(ctx, job),
    },
    outbox: {
      state: (id: number) => outboxMessageState(ctx.db, id),
      /** How many messages are held for each of these people, who have not linked an app yet. */
      held: (personIds: number[]) => heldCounts(ctx.db, personIds),
    },
    settings: {
      get: (key: string) => getSetting(ctx.db, key),
      put: (key: string, value: string) => putSetting(ctx.db, key, value, ctx.clock()),
    },
  };
}

export type Core = ReturnType<typeof createCore>;
export type { Actor } from "./actor.js";
export { DomainError } from "./errors.js";
