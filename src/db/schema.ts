import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** Times are ISO-8601 UTC strings; JSON columns are text; flags are 0/1 — the same on SQLite and PostgreSQL. */
export type IsoTime = string;

export type Role = "chair" | "standing_deputy" | "deputy" | "member" | "secretariat";
/**
 * A committee's level: a province's, a commune's or a ward's. Since 1 July 2025 there is no district level;
 * "district" stays for committees recorded before.
 */
export type CommitteeLevel = "province" | "commune" | "ward" | "district";
export type Locale = "vi" | "en";
/** The apps a person may be linked on: Telegram, Zalo, and the local web playground (`npm run playground`). */
export type ChannelName = "telegram" | "zalo" | "web";
export type OutboxStatus = "pending" | "sending" | "sent" | "failed" | "unreachable" | "cancelled";
export type JobStatus = "pending" | "running" | "done" | "failed" | "cancelled";

export interface CommitteesTable {
  id: Generated<number>;
  code: string;
  name: string;
  level: CommitteeLevel;
  parent_id: number | null;
  time_zone: string;
  default_locale: Locale;
  created_at: IsoTime;
  /** The committee's group chat, where notices may also be posted: its chat id on the app `group_channel`. */
  group_chat_id: string | null;
  group_channel: ChannelName | null;
  /** The body over the committee, as its documents' header names it: "UBND TỈNH LẠNG SƠN". */
  governing_body: string | null;
  /** The place name of its documents' date line: "Lạng Sơn". */
  place_name: string | null;
  /** The code of its documents after the kind: "BCĐ" in "Số: …/BB-BCĐ". */
  code_prefix: string | null;
  /** The body that gathers obstacles and proposals (regulation Art. 7.6), e.g. "Sở Khoa học và Công nghệ". */
  focal_body: string | null;
}

export interface PeopleTable {
  id: Generated<number>;
  full_name: string;
  phone: string | null;
  email: string | null;
  locale: Locale | null;
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface MembershipsTable {
  id: Generated<number>;
  committee_id: number;
  person_id: number;
  role: Role;
  organization: string | null;
  title: string | null;
  active: number;
  created_at: IsoTime;
  deactivated_at: IsoTime | null;
}

export interface ChannelIdentitiesTable {
  id: Generated<number>;
  person_id: number;
  channel: ChannelName;
  external_id: string;
  chat_id: string;
  username: string | null;
  linked_at: IsoTime;
  unreachable_at: IsoTime | null;
  unreachable_reason: string | null;
  /** When the person last used this app (linked it, or wrote to the bot on it): delivery prefers the latest. */
  last_seen_at: IsoTime | null;
  /**
   * The Zalo bot the account came through: a committee's own bot's numeric id, or '' for the installation's
   * bot (ZALO_BOT_TOKEN) and for Telegram. A Zalo user id may be scoped to its bot.
   */
  bot: Generated<string>;
}

export interface InvitesTable {
  id: Generated<number>;
  person_id: number;
  committee_id: number;
  code_hash: string;
  created_at: IsoTime;
  expires_at: IsoTime;
  used_at: IsoTime | null;
  used_by_external_id: string | null;
  revoked_at: IsoTime | null;
  issued_by_person_id: number | null;
  /** Set for a guest's or a delegate's invite: it admits to this meeting, not to the committee. */
  meeting_id: number | null;
}

export interface SigninFailuresTable {
  channel: ChannelName;
  external_id: string;
  failures: number;
  window_started_at: IsoTime;
  locked_until: IsoTime | null;
}

export interface ProcessedUpdatesTable {
  channel: ChannelName;
  update_id: string;
  processed_at: IsoTime;
  /** The chat it came from ("telegram:123"), when its turn is taken across instances. */
  chat_key: Generated<string | null>;
  /** Its place in the platform's order (Telegram's update_id), when the platform numbers them. */
  seq: Generated<number | null>;
  /** When its handling ended; null while it waits or runs. */
  handled_at: Generated<IsoTime | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  committee_id: number | null;
  person_id: number | null;
  /**
   * The app of a group post's fixed chat. A message to a person goes on the app that reaches them, chosen
   * when it is sent: the worker records here the app it was last handed to (until then, the default).
   */
  channel: ChannelName;
  /** Set for a group post; null for a message to a person (the chat comes from their linked account). */
  chat_id: string | null;
  template: string;
  params: string;
  dedupe_key: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  not_before: IsoTime;
  created_at: IsoTime;
  claimed_at: IsoTime | null;
  claimed_by: string | null;
  sent_at: IsoTime | null;
  last_error: string | null;
  external_message_id: string | null;
  /** Times a process stopped while this row was being sent; at two it is set aside as failed. */
  interruptions: Generated<number>;
  /**
   * Set while the row waits for a person who has no linked app yet (when it was held): never due. Linking
   * releases it (back to null) or finishes it as cancelled with a "skipped: …" reason.
   */
  held_since: IsoTime | null;
}

/** On an app without buttons: what number `number` stands for in a chat (see core/choices.ts). */
export interface ChoiceNumbersTable {
  id: Generated<number>;
  channel: ChannelName;
  chat_id: string;
  number: number;
  action: string;
  created_at: IsoTime;
}

export interface DueJobsTable {
  id: Generated<number>;
  kind: string;
  idempotency_key: string;
  payload: string;
  run_at: IsoTime;
  status: JobStatus;
  attempts: Generated<number>;
  locked_at: IsoTime | null;
  locked_by: string | null;
  last_error: string | null;
  done_at: IsoTime | null;
  created_at: IsoTime;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: IsoTime;
  actor_kind: "person" | "system" | "cli";
  actor_person_id: number | null;
  committee_id: number | null;
  action: string;
  object_type: string;
  object_id: string | null;
  before_json: string | null;
  after_json: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: IsoTime;
}

export type MeetingKind = "regular" | "extraordinary";
export type Answer = "none" | "attend" | "absent" | "proxy";
export type RequestStatus = "pending" | "approved" | "declined" | "withdrawn";
export type Presence = "present" | "absent" | "represented";

export interface MeetingsTable {
  id: Generated<number>;
  committee_id: number;
  kind: MeetingKind;
  title: string;
  starts_at: IsoTime;
  ends_at: IsoTime;
  place: string | null;
  online_link: string | null;
  agenda: string;
  chair_person_id: number;
  answer_deadline: IsoTime;
  status: "scheduled" | "cancelled";
  version: Generated<number>;
  created_by_person_id: number | null;
  created_at: IsoTime;
  updated_at: IsoTime;
  cancelled_at: IsoTime | null;
  /** Who records the minutes (the "Thư ký" of the biên bản), when the secretariat has said. */
  secretary_person_id: number | null;
}

export type InvitationKind = "member" | "guest" | "delegate";

export interface InvitationsTable {
  id: Generated<number>;
  meeting_id: number;
  person_id: number;
  /** member: a seat on the committee; guest: invited to an extended meeting; delegate: attends in a member's place. */
  kind: Generated<InvitationKind>;
  title: string | null;
  organization: string | null;
  represents_person_id: number | null;
  answer: Answer;
  answered_at: IsoTime | null;
  answered_by_person_id: number | null;
  created_at: IsoTime;
}

export interface AbsenceRequestsTable {
  id: Generated<number>;
  invitation_id: number;
  reason: string;
  status: RequestStatus;
  created_at: IsoTime;
  decided_by_person_id: number | null;
  decided_at: IsoTime | null;
  comment: string | null;
}

export interface ProxiesTable {
  id: Generated<number>;
  invitation_id: number;
  delegate_name: string;
  delegate_title: string;
  delegate_organization: string;
  delegate_contact: string | null;
  opinion: string;
  status: RequestStatus;
  created_at: IsoTime;
  decided_by_person_id: number | null;
  decided_at: IsoTime | null;
  comment: string | null;
}

export interface AttendanceTable {
  meeting_id: number;
  person_id: number;
  presence: Presence;
  delegate_name: string | null;
  recorded_by_person_id: number | null;
  recorded_at: IsoTime;
}

export interface DialogsTable {
  person_id: number;
  channel: ChannelName;
  kind: string;
  data: string;
  updated_at: IsoTime;
}

export interface AttachmentsTable {
  id: Generated<number>;
  owner_type: "meeting" | "proxy" | "notice" | "opinion_request" | "opinion_answer" | "progress_update";
  owner_id: number;
  channel: ChannelName;
  file_id: string;
  file_name: string;
  mime_type: string | null;
  file_size: number | null;
  created_by_person_id: number | null;
  created_at: IsoTime;
  /**
   * The stored bytes (`files`). Null for an attachment made before files were stored: it has only the
   * reference it was received with (`channel`, `file_id`). `file_name` is the attachment's own name.
   */
  stored_file_id: number | null;
}

/** A file kept once as bytes, by their SHA-256 (see src/media/files.ts). */
export interface FilesTable {
  id: Generated<number>;
  sha256: string;
  size: number;
  mime_type: string | null;
  /** The name the bytes were first received under: the default name of a download link. */
  name: string;
  bytes: Buffer;
  created_at: IsoTime;
  touched_at: IsoTime;
}

/** An app's own reference to a stored file (Telegram's file_id), so the bytes go up to it once. */
export interface FileRefsTable {
  file_id: number;
  channel: ChannelName;
  ref: string;
  updated_at: IsoTime;
}

export interface NoticesTable {
  id: Generated<number>;
  committee_id: number;
  created_by_person_id: number | null;
  /** Telegram HTML (the secretariat's formatting, converted from message entities). */
  body: string;
  attachment_id: number | null;
  /** JSON of the audience as composed, for the record. */
  audience: string;
  ack_required: number;
  ack_deadline: IsoTime | null;
  status: "sending" | "cancelled";
  created_at: IsoTime;
  cancelled_at: IsoTime | null;
  posted_to_group: Generated<number>;
}

export interface NoticeRecipientsTable {
  id: Generated<number>;
  notice_id: number;
  person_id: number;
  outbox_id: number | null;
  acknowledged_at: IsoTime | null;
  reminded_at: IsoTime | null;
}

export type OpinionPosition = "agree" | "agree_with_comments" | "disagree";

export interface OpinionRequestsTable {
  id: Generated<number>;
  committee_id: number;
  created_by_person_id: number | null;
  title: string;
  body: string;
  attachment_id: number | null;
  /** JSON array of the questions, in order. */
  questions: string;
  audience: string;
  deadline: IsoTime;
  status: "open" | "withdrawn";
  created_at: IsoTime;
}

export interface OpinionRecipientsTable {
  id: Generated<number>;
  request_id: number;
  person_id: number;
  reminded_at: IsoTime | null;
}

export interface OpinionAnswersTable {
  id: Generated<number>;
  recipient_id: number;
  question_index: number;
  position: OpinionPosition;
  comment: string | null;
  attachment_id: number | null;
  answered_at: IsoTime;
}

export type IndicatorKind = "milestone" | "numeric" | "percent";
export type ProgressStatus = "done" | "on_track" | "at_risk" | "behind" | "not_started";
export type ReportItemKind = "obstacle" | "proposal";

export interface TasksTable {
  id: Generated<number>;
  committee_id: number;
  /** The committee's own code for the task or indicator (e.g. "NQ49-05"); unique per committee. */
  code: string;
  title: string;
  source_document: string | null;
  responsible_organization: string | null;
  responsible_person_id: number | null;
  indicator_kind: IndicatorKind;
  target_value: number | null;
  unit: string | null;
  /** yyyy-MM-dd, a calendar date in the committee's zone. */
  due_date: string | null;
  /** "quarterly" (reported every quarter) or the code of the one period it is reported in. */
  period: string;
  active: number;
  created_at: IsoTime;
  updated_at: IsoTime;
}

export interface ReportingPeriodsTable {
  id: Generated<number>;
  committee_id: number;
  /** "2026-Q4" for a quarter; the secretariat's code for an extra period. */
  code: string;
  name: string;
  kind: "quarter" | "extra";
  /** "assigned": the tasks whose period is this one (and, for a quarter, every quarterly task); "all": every active task. */
  scope: "assigned" | "all";
  opens_at: IsoTime;
  due_at: IsoTime;
  closes_at: IsoTime;
  created_at: IsoTime;
}

/** One person's own deadline in a period, or the period reopened for them after it closed. */
export interface PeriodExceptionsTable {
  id: Generated<number>;
  period_id: number;
  person_id: number;
  due_at: IsoTime | null;
  reopened_until: IsoTime | null;
  updated_at: IsoTime;
}

export interface ProgressUpdatesTable {
  id: Generated<number>;
  task_id: number;
  period_id: number;
  /** 1, 2, … per task and period; the highest counts, every one is kept. */
  version: number;
  status: ProgressStatus;
  percent: number | null;
  value: number | null;
  results: string | null;
  obstacles: string | null;
  proposals: string | null;
  submitted_by_person_id: number | null;
  /** Set when the secretariat reported in a member's place. */
  on_behalf_of_person_id: number | null;
  submitted_at: IsoTime;
  late: number;
  /** 1 when made with "no change since the last period". */
  unchanged: number;
}

export interface ReportItemsTable {
  id: Generated<number>;
  committee_id: number;
  task_id: number;
  period_id: number;
  update_id: number;
  kind: ReportItemKind;
  text: string;
  raised_by_person_id: number | null;
  status: "open" | "answered";
  answer: string | null;
  answered_by_person_id: number | null;
  answered_at: IsoTime | null;
  created_at: IsoTime;
}

/** A cycle setting the committee changed from its default (core/cycle/settings.ts names the keys). */
export interface CycleSettingsTable {
  committee_id: number;
  key: string;
  value: string;
  updated_at: IsoTime;
}

/** A committee's own day off ("off") or working day ("work"), a local date "yyyy-MM-dd", with its reason. */
export interface CalendarDaysTable {
  id: Generated<number>;
  committee_id: number;
  day: string;
  kind: "off" | "work";
  reason: string;
  created_at: IsoTime;
}

/** The regular meeting the quarterly planner proposes for a quarter ("2027-Q1"), until the secretariat confirms it. */
export interface MeetingDraftsTable {
  id: Generated<number>;
  committee_id: number;
  quarter: string;
  starts_at: IsoTime;
  ends_at: IsoTime;
  place: string | null;
  status: "proposed" | "confirmed" | "dismissed";
  meeting_id: number | null;
  created_at: IsoTime;
  updated_at: IsoTime;
}

/** A chair's conclusion after a meeting: a task of the registry (its text, organization and deadline) tied to its meeting and notice. */
export interface ConclusionsTable {
  id: Generated<number>;
  committee_id: number;
  meeting_id: number;
  task_id: number;
  notice_id: number | null;
  created_by_person_id: number | null;
  created_at: IsoTime;
}

/** A Zalo bot's sends in one calendar month (the installation's time zone), and what the secretariat was told. */
export interface ZaloUsageTable {
  /** The bot's numeric id (the token's part before the colon), never the token. */
  bot: string;
  /** yyyy-MM. */
  month: string;
  sent: number;
  warned_at: string | null;
  spent_at: string | null;
}

/** The Zalo bot connected to a committee (zalo:connect): never its token, only the file that holds it. */
export interface ZaloBotsTable {
  /** The bot's numeric id, as getMe gives it. */
  bot_id: string;
  committee_id: number;
  /** Its display name (getMe's account_name). */
  name: string;
  /** The absolute path of the file holding the token (mode 0600), read at start. */
  token_file: string;
  connected_at: IsoTime;
  /** The bot's share link (https, from Zalo Bot Creator) that invites name; null until the operator gives it. */
  link: string | null;
}

export interface Database {
  zalo_usage: ZaloUsageTable;
  zalo_bots: ZaloBotsTable;
  committees: CommitteesTable;
  people: PeopleTable;
  memberships: MembershipsTable;
  channel_identities: ChannelIdentitiesTable;
  invites: InvitesTable;
  signin_failures: SigninFailuresTable;
  processed_updates: ProcessedUpdatesTable;
  outbox: OutboxTable;
  due_jobs: DueJobsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  meetings: MeetingsTable;
  invitations: InvitationsTable;
  absence_requests: AbsenceRequestsTable;
  proxies: ProxiesTable;
  attendance: AttendanceTable;
  dialogs: DialogsTable;
  attachments: AttachmentsTable;
  files: FilesTable;
  file_refs: FileRefsTable;
  notices: NoticesTable;
  notice_recipients: NoticeRecipientsTable;
  opinion_requests: OpinionRequestsTable;
  opinion_recipients: OpinionRecipientsTable;
  opinion_answers: OpinionAnswersTable;
  tasks: TasksTable;
  reporting_periods: ReportingPeriodsTable;
  period_exceptions: PeriodExceptionsTable;
  progress_updates: ProgressUpdatesTable;
  report_items: ReportItemsTable;
  choice_numbers: ChoiceNumbersTable;
  cycle_settings: CycleSettingsTable;
  calendar_days: CalendarDaysTable;
  meeting_drafts: MeetingDraftsTable;
  conclusions: ConclusionsTable;
}

export type CommitteeRow = Selectable<CommitteesTable>;
export type PersonRow = Selectable<PeopleTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type ChannelIdentityRow = Selectable<ChannelIdentitiesTable>;
export type ZaloBotRow = Selectable<ZaloBotsTable>;
export type PeriodExceptionRow = Selectable<PeriodExceptionsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type DueJobRow = Selectable<DueJobsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type MeetingRow = Selectable<MeetingsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type AbsenceRequestRow = Selectable<AbsenceRequestsTable>;
export type ProxyRow = Selectable<ProxiesTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type TaskRow = Selectable<TasksTable>;
export type ConclusionRow = Selectable<ConclusionsTable>;
export type ReportingPeriodRow = Selectable<ReportingPeriodsTable>;
export type ProgressUpdateRow = Selectable<ProgressUpdatesTable>;
export type ReportItemRow = Selectable<ReportItemsTable>;
export type CalendarDayRow = Selectable<CalendarDaysTable>;
export type MeetingDraftRow = Selectable<MeetingDraftsTable>;
