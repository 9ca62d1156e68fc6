import type { Answer, CommitteeLevel, Locale, MeetingKind, RequestStatus } from "../db/schema.js";
import { createTranslator, type TParams, type Translator } from "../i18n/index.js";

/**
 * The CLI's own wording: command descriptions, table headings and operator notes, from the `cli`
 * namespace (locales/<lng>/cli.json). Everything a member of a committee could also read (domain
 * errors, import summaries, invite texts) comes from the other namespaces through the session's
 * translator instead, so the bot and the CLI say the same thing.
 */
export interface CliMessages {
  program: string;
  langOption: string;
  helpOption: string;
  helpCommand: string;
  versionOption: string;
  exitCodes: string;
  /** A mandatory option's description in the help, marked as required. */
  required: (description: string) => string;
  /** The line after a usage error: how to see the command's help. */
  usageHint: (command: string) => string;
  /** Commander's section titles ("Usage:", …) in the reader's language. */
  titles: Record<string, string>;
  migrate: { description: string; applied: (name: string) => string; upToDate: string };
  committeeCreate: {
    description: string;
    code: string;
    name: string;
    level: string;
    parent: string;
    timeZone: string;
    locale: string;
    created: (c: { code: string; name: string; level: string; timeZone: string; locale: string }) => string;
  };
  levels: Record<CommitteeLevel, string>;
  /** The options and lines of a committee's document fields, shared by committee:create and committee:edit. */
  committeeFields: {
    governingBody: string;
    placeName: string;
    codePrefix: string;
    focalBody: string;
    /** The committee as it now is, one field a line. */
    lines: (c: { code: string; name: string; level: string; parent: string; governingBody: string; placeName: string; codePrefix: string; focalBody: string }) => string;
    unset: string;
  };
  committeeEdit: { description: string; committee: string; name: string; level: string; parent: string; done: (code: string) => string; nothing: string };
  committeeList: { description: string; columns: string[]; empty: string };
  membersImport: {
    description: string;
    file: string;
    invitesOut: string;
    cannotRead: (file: string, reason: string) => string;
    cannotWrite: (file: string, reason: string) => string;
    fixAndRerun: string;
    invitesWritten: (count: number, file: string) => string;
    noInvitesToWrite: (file: string) => string;
    printingInstead: string;
    codeColumn: string;
    /** The invites file's extra columns, beside the link. */
    columns: { phone: string; email: string };
  };
  /** Short reasons for Node's file error codes; other codes fall back to the error's own message. */
  fileErrors: Record<string, string>;
  links: { noUsername: string; getMeFailed: (reason: string) => string };
  membersList: {
    description: string;
    unlinked: string;
    all: string;
    columns: { number: string; name: string; role: string; organization: string; title: string; telegram: string; invite: string; active: string; waiting: string };
    telegram: { linked: string; unreachable: string; not_linked: string };
    invite: { open: (expiresAt: string) => string; expired: string; none: string };
    active: { yes: string; no: string };
    empty: string;
  };
  memberNumber: string;
  notMemberNumber: string;
  membersDeactivate: { description: string };
  inviteIssue: { description: string };
  inviteRevoke: { description: string };
  backup: {
    description: string;
    target: string;
    force: string;
    postgres: string;
    memory: string;
    notFound: (path: string) => string;
    sameFile: string;
    exists: (file: string) => string;
    done: (file: string, pages: number) => string;
  };
  /** Why a --start, --end or --deadline value was refused (commander puts the option and the value first). */
  dateTimeInvalid: string;
  meetingNumber: string;
  /** The lines describing a meeting, shared by meeting:create, meeting:roster and meeting:reschedule. */
  meeting: {
    kind: Record<MeetingKind, string>;
    time: (v: { start: string; end: string; timeZone: string }) => string;
    place: (place: string) => string;
    link: (link: string) => string;
    chair: (name: string) => string;
    deadline: (deadline: string) => string;
    cancelled: string;
  };
  meetingCreate: {
    description: string;
    title: string;
    start: string;
    end: string;
    place: string;
    link: string;
    agenda: string;
    agendaFile: string;
    kind: string;
    chair: string;
    deadline: string;
    agendaNotUtf8: (file: string) => string;
    created: (v: { id: number; kind: string; title: string }) => string;
    invited: (count: number) => string;
  };
  meetingList: {
    description: string;
    header: (committee: string, count: number) => string;
    empty: (committee: string) => string;
    columns: string[];
    hint: string;
  };
  meetingRoster: {
    description: string;
    header: (v: { id: number; kind: string; title: string }) => string;
    counts: (c: Record<"invited" | "answered" | "attending" | "absentApproved" | "absentPending" | "absentDeclined" | "proxyApproved" | "proxyPending" | "noAnswer", number>) => string;
    forecast: (v: { present: number; invited: number; percent: number }) => string;
    columns: string[];
    answer: Record<Answer, string>;
    decision: Record<RequestStatus, string>;
    reason: (reason: string) => string;
    delegate: (name: string) => string;
    empty: string;
  };
  meetingReschedule: { description: string; place: string; link: string; deadline: string; done: (id: number, title: string) => string; reset: (count: number) => string };
  meetingCancel: {
    description: string;
    reason: string;
    done: (v: { id: number; title: string; start: string }) => string;
    notified: (count: number) => string;
  };
  meetingSecretary: { description: string; member: string; clear: string; done: (v: { id: number; name: string }) => string; cleared: (id: number) => string; missing: string };
  /** The --committee option, the same in every command that works on one committee. */
  committeeCode: string;
  tasksImport: {
    description: string;
    file: string;
    notUtf8: (file: string) => string;
    unusable: (file: string) => string;
    fixAndRerun: string;
    unstaffed: (v: { line: number; code: string; organization: string }) => string;
  };
  tasksList: {
    description: string;
    header: (committee: string, count: number) => string;
    empty: (committee: string) => string;
    columns: string[];
    milestone: string;
    quarterly: string;
  };
  periodsList: { description: string; header: (committee: string) => string; columns: string[]; hint: string };
  periodOpen: { description: string; code: string; name: string; due: string; closes: string };
  periodExport: {
    description: string;
    period: string;
    out: string;
    done: (v: { period: string; count: number; file: string }) => string;
    choice: (v: { code: string; name: string }) => string;
    several: (v: { count: number; list: string; example: string }) => string;
  };
  doctor: {
    description: string;
    labels: { config: string; database: string; telegram: string; zalo: string; queue: string };
    configOk: (v: { mode: string; database: string; apps: string }) => string;
    noApps: string;
    databaseMissing: (path: string) => string;
    databaseOk: (v: { database: string; count: number }) => string;
    pending: (v: { database: string; count: number; names: string }) => string;
    unreadable: (reason: string) => string;
    noToken: string;
    telegramOk: (v: { username: string; root: string; route: string }) => string;
    zaloOk: (v: { account: string; root: string; route: string }) => string;
    committeeBot: (committee: string) => string;
    committeeBotOk: (v: { account: string; root: string; route: string }) => string;
    committeeBotOther: (v: { file: string; bot: string; expected: string; committee: string }) => string;
    committeeBotRefused: (v: { code: number | string; committee: string }) => string;
    committeeBotUnreachable: (v: { root: string; reason: string }) => string;
    viaProxy: (proxy: string) => string;
    direct: string;
    minutes: (count: number) => string;
    hours: (count: number) => string;
    queueIdle: (v: { queued: number; failed: number; unreachable: number; held: number }) => string;
    queueOk: (v: { queued: number; failed: number; unreachable: number; held: number; age: string }) => string;
    queueStuck: (v: { queued: number; failed: number; unreachable: number; held: number; age: string }) => string;
  };
  unexpected: (message: string) => string;
  /** The quarterly cycle's commands (cycle:*, holidays:*): a text of the `cycle` section by its key below it. */
  cycle: (key: string, params?: TParams) => string;
  /** The chair's conclusions' commands (conclusions:*): a text of the `conclusions` section by its key below it. */
  conclusions: (key: string, params?: TParams) => string;
  /** The Zalo bots' commands (zalo:connect, zalo:link, zalo:list, zalo:disconnect): a text of the `zalo` section by its key below it. */
  zalo: (key: string, params?: TParams) => string;
}

const NAMESPACE = "cli";

/**
 * The `cli` namespace's text for a terminal: values go in verbatim (file paths, committee names,
 * commander's `<value>` flags, quoted choices), not HTML-escaped as for Telegram. A missing key throws
 * rather than printing the key itself.
 */
function terminalText(translator: Translator, locale: Locale): (key: string, params?: TParams) => string {
  const { instance } = translator;
  return (key, params = {}) => {
    if (!instance.exists(key, { lng: locale, ns: NAMESPACE })) throw new Error(`Missing CLI text ${NAMESPACE}:${key} (${locale})`);
    return translator.plain(locale, `${NAMESPACE}:${key}`, params);
  };
}

/** Builds the CLI's words in one language from a translator. */
export function createCliMessages(translator: Translator, locale: Locale): CliMessages {
  const t = terminalText(translator, locale);
  /** Messages held for people who have not linked an app: named only when there are some. */
  const heldNote = (held: number) => (held > 0 ? t("doctor.queueHeld", { held }) : "");
  return {
    program: t("program.description"),
    langOption: t("program.langOption"),
    helpOption: t("program.helpOption"),
    helpCommand: t("program.helpCommand"),
    versionOption: t("program.versionOption"),
    exitCodes: t("program.exitCodes"),
    required: (description) => t("program.required", { description }),
    usageHint: (command) => t("program.usageHint", { command }),
    titles: {
      "Usage:": t("program.titles.usage"),
      "Options:": t("program.titles.options"),
      "Arguments:": t("program.titles.arguments"),
      "Commands:": t("program.titles.commands"),
      "Global Options:": t("program.titles.globalOptions"),
    },

    migrate: {
      description: t("migrate.description"),
      applied: (name) => t("migrate.applied", { name }),
      upToDate: t("migrate.upToDate"),
    },
    committeeCreate: {
      description: t("committeeCreate.description"),
      code: t("committeeCreate.code"),
      name: t("committeeCreate.name"),
      level: t("committeeCreate.level"),
      parent: t("committeeCreate.parent"),
      timeZone: t("committeeCreate.timeZone"),
      locale: t("committeeCreate.locale"),
      created: (c) => t("committeeCreate.created", c),
    },
    levels: { province: t("levels.province"), commune: t("levels.commune"), ward: t("levels.ward"), district: t("levels.district") },
    committeeFields: {
      governingBody: t("committeeFields.governingBody"),
      placeName: t("committeeFields.placeName"),
      codePrefix: t("committeeFields.codePrefix"),
      focalBody: t("committeeFields.focalBody"),
      lines: (c) => t("committeeFields.lines", c),
      unset: t("committeeFields.unset"),
    },
    committeeEdit: {
      description: t("committeeEdit.description"),
      committee: t("committeeEdit.committee"),
      name: t("committeeEdit.name"),
      level: t("committeeEdit.level"),
      parent: t("committeeEdit.parent"),
      done: (code) => t("committeeEdit.done", { code }),
      nothing: t("committeeEdit.nothing"),
    },
    committeeList: {
      description: t("committeeList.description"),
      columns: (["code", "name", "level", "parent", "timeZone"] as const).map((column) => t(`committeeList.columns.${column}`)),
      empty: t("committeeList.empty"),
    },
    membersImport: {
      description: t("membersImport.description"),
      file: t("membersImport.file"),
      invitesOut: t("membersImport.invitesOut"),
      cannotRead: (file, reason) => t("membersImport.cannotRead", { file, reason }),
      cannotWrite: (file, reason) => t("membersImport.cannotWrite", { file, reason }),
      fixAndRerun: t("membersImport.fixAndRerun"),
      invitesWritten: (count, file) => t("membersImport.invitesWritten", { count, file }),
      noInvitesToWrite: (file) => t("membersImport.noInvitesToWrite", { file }),
      printingInstead: t("membersImport.printingInstead"),
      codeColumn: t("membersImport.codeColumn"),
      columns: { phone: t("membersImport.columns.phone"), email: t("membersImport.columns.email") },
    },
    fileErrors: { ENOENT: t("fileErrors.ENOENT"), EACCES: t("fileErrors.EACCES"), EISDIR: t("fileErrors.EISDIR") },
    links: {
      noUsername: t("links.noUsername"),
      getMeFailed: (reason) => t("links.getMeFailed", { reason }),
    },
    membersList: {
      description: t("membersList.description"),
      unlinked: t("membersList.unlinked"),
      all: t("membersList.all"),
      columns: {
        number: t("membersList.columns.number"),
        name: t("membersList.columns.name"),
        role: t("membersList.columns.role"),
        organization: t("membersList.columns.organization"),
        title: t("membersList.columns.title"),
        telegram: t("membersList.columns.telegram"),
        invite: t("membersList.columns.invite"),
        active: t("membersList.columns.active"),
        waiting: t("membersList.columns.waiting"),
      },
      telegram: {
        linked: t("membersList.telegram.linked"),
        unreachable: t("membersList.telegram.unreachable"),
        not_linked: t("membersList.telegram.not_linked"),
      },
      invite: {
        open: (expiresAt) => t("membersList.invite.open", { expiresAt }),
        expired: t("membersList.invite.expired"),
        none: t("membersList.invite.none"),
      },
      active: { yes: t("membersList.active.yes"), no: t("membersList.active.no") },
      empty: t("membersList.empty"),
    },
    memberNumber: t("memberNumber.description"),
    notMemberNumber: t("memberNumber.invalid"),
    membersDeactivate: { description: t("membersDeactivate.description") },
    inviteIssue: { description: t("inviteIssue.description") },
    inviteRevoke: { description: t("inviteRevoke.description") },
    backup: {
      description: t("backup.description"),
      target: t("backup.target"),
      force: t("backup.force"),
      postgres: t("backup.postgres"),
      memory: t("backup.memory"),
      notFound: (path) => t("backup.notFound", { path }),
      sameFile: t("backup.sameFile"),
      exists: (file) => t("backup.exists", { file }),
      done: (file, pages) => t("backup.done", { file, pages }),
    },
    dateTimeInvalid: t("dateTime.invalid"),
    meetingNumber: t("meetingNumber.description"),
    meeting: {
      kind: { regular: t("meeting.kind.regular"), extraordinary: t("meeting.kind.extraordinary") },
      time: (v) => t("meeting.time", v),
      place: (place) => t("meeting.place", { place }),
      link: (link) => t("meeting.link", { link }),
      chair: (name) => t("meeting.chair", { name }),
      deadline: (deadline) => t("meeting.deadline", { deadline }),
      cancelled: t("meeting.cancelled"),
    },
    meetingCreate: {
      description: t("meetingCreate.description"),
      title: t("meetingCreate.title"),
      start: t("meetingCreate.start"),
      end: t("meetingCreate.end"),
      place: t("meetingCreate.place"),
      link: t("meetingCreate.link"),
      agenda: t("meetingCreate.agenda"),
      agendaFile: t("meetingCreate.agendaFile"),
      kind: t("meetingCreate.kind"),
      chair: t("meetingCreate.chair"),
      deadline: t("meetingCreate.deadline"),
      agendaNotUtf8: (file) => t("meetingCreate.agendaNotUtf8", { file }),
      created: (v) => t("meetingCreate.created", v),
      invited: (count) => t("meetingCreate.invited", { count }),
    },
    meetingList: {
      description: t("meetingList.description"),
      header: (committee, count) => t("meetingList.header", { committee, count }),
      empty: (committee) => t("meetingList.empty", { committee }),
      columns: (["number", "title", "start", "answered", "forecast"] as const).map((column) => t(`meetingList.columns.${column}`)),
      hint: t("meetingList.hint"),
    },
    meetingRoster: {
      description: t("meetingRoster.description"),
      header: (v) => t("meetingRoster.header", v),
      counts: (c) => t("meetingRoster.counts", c),
      forecast: (v) => t("meetingRoster.forecast", v),
      columns: (["name", "role", "organization", "answer", "decision", "note"] as const).map((column) => t(`meetingRoster.columns.${column}`)),
      answer: {
        none: t("meetingRoster.answer.none"),
        attend: t("meetingRoster.answer.attend"),
        absent: t("meetingRoster.answer.absent"),
        proxy: t("meetingRoster.answer.proxy"),
      },
      decision: {
        pending: t("meetingRoster.decision.pending"),
        approved: t("meetingRoster.decision.approved"),
        declined: t("meetingRoster.decision.declined"),
        withdrawn: t("meetingRoster.decision.withdrawn"),
      },
      reason: (reason) => t("meetingRoster.reason", { reason }),
      delegate: (name) => t("meetingRoster.delegate", { name }),
      empty: t("meetingRoster.empty"),
    },
    meetingReschedule: {
      description: t("meetingReschedule.description"),
      place: t("meetingReschedule.place"),
      link: t("meetingReschedule.link"),
      deadline: t("meetingReschedule.deadline"),
      done: (id, title) => t("meetingReschedule.done", { id, title }),
      reset: (count) => t("meetingReschedule.reset", { count }),
    },
    meetingCancel: {
      description: t("meetingCancel.description"),
      reason: t("meetingCancel.reason"),
      done: (v) => t("meetingCancel.done", v),
      notified: (count) => t("meetingCancel.notified", { count }),
    },
    meetingSecretary: {
      description: t("meetingSecretary.description"),
      member: t("meetingSecretary.member"),
      clear: t("meetingSecretary.clear"),
      done: (v) => t("meetingSecretary.done", v),
      cleared: (id) => t("meetingSecretary.cleared", { id }),
      missing: t("meetingSecretary.missing"),
    },
    committeeCode: t("committeeCode.description"),
    tasksImport: {
      description: t("tasksImport.description"),
      file: t("tasksImport.file"),
      notUtf8: (file) => t("tasksImport.notUtf8", { file }),
      unusable: (file) => t("tasksImport.unusable", { file }),
      fixAndRerun: t("tasksImport.fixAndRerun"),
      unstaffed: (v) => t("tasksImport.unstaffed", v),
    },
    tasksList: {
      description: t("tasksList.description"),
      header: (committee, count) => t("tasksList.header", { committee, count }),
      empty: (committee) => t("tasksList.empty", { committee }),
      columns: (["code", "title", "responsible", "target", "due", "period"] as const).map((column) => t(`tasksList.columns.${column}`)),
      milestone: t("tasksList.milestone"),
      quarterly: t("tasksList.quarterly"),
    },
    periodsList: {
      description: t("periodsList.description"),
      header: (committee) => t("periodsList.header", { committee }),
      columns: (["code", "name", "opens", "due", "closes", "status", "reported"] as const).map((column) => t(`periodsList.columns.${column}`)),
      hint: t("periodsList.hint"),
    },
    periodOpen: {
      description: t("periodOpen.description"),
      code: t("periodOpen.code"),
      name: t("periodOpen.name"),
      due: t("periodOpen.due"),
      closes: t("periodOpen.closes"),
    },
    periodExport: {
      description: t("periodExport.description"),
      period: t("periodExport.period"),
      out: t("periodExport.out"),
      done: (v) => t("periodExport.done", v),
      choice: (v) => t("periodExport.choice", v),
      several: (v) => t("periodExport.several", v),
    },
    doctor: {
      description: t("doctor.description"),
      labels: {
        config: t("doctor.labels.config"),
        database: t("doctor.labels.database"),
        telegram: t("doctor.labels.telegram"),
        zalo: t("doctor.labels.zalo"),
        queue: t("doctor.labels.queue"),
      },
      configOk: (v) => t("doctor.configOk", v),
      noApps: t("doctor.noApps"),
      databaseMissing: (path) => t("doctor.databaseMissing", { path }),
      databaseOk: (v) => t("doctor.databaseOk", v),
      pending: (v) => t("doctor.pending", v),
      unreadable: (reason) => t("doctor.unreadable", { reason }),
      noToken: t("doctor.noToken"),
      telegramOk: (v) => t("doctor.telegramOk", v),
      zaloOk: (v) => t("doctor.zaloOk", v),
      committeeBot: (committee) => t("doctor.committeeBot", { committee }),
      committeeBotOk: (v) => t("doctor.committeeBotOk", v),
      committeeBotOther: (v) => t("doctor.committeeBotOther", v),
      committeeBotRefused: (v) => t("doctor.committeeBotRefused", v),
      committeeBotUnreachable: (v) => t("doctor.committeeBotUnreachable", v),
      viaProxy: (proxy) => t("doctor.viaProxy", { proxy }),
      direct: t("doctor.direct"),
      minutes: (count) => t("doctor.minutes", { count }),
      hours: (count) => t("doctor.hours", { count }),
      queueIdle: (v) => t("doctor.queueIdle", { ...v, heldNote: heldNote(v.held) }),
      queueOk: (v) => t("doctor.queueOk", { ...v, heldNote: heldNote(v.held) }),
      queueStuck: (v) => t("doctor.queueStuck", { ...v, heldNote: heldNote(v.held) }),
    },
    unexpected: (message) => t("unexpected", { message }),
    cycle: (key, params) => t(`cycle.${key}`, params),
    conclusions: (key, params) => t(`conclusions.${key}`, params),
    zalo: (key, params) => t(`zalo.${key}`, params),
  };
}

/** One translator for the CLI's own words, made on first use: help and usage errors come before any configuration. */
let translator: Translator | undefined;
const sharedTranslator = (): Translator => (translator ??= createTranslator());
const built = new Map<Locale, CliMessages>();

/** The CLI's words in one language. */
export function cliMessages(locale: Locale): CliMessages {
  let m = built.get(locale);
  if (!m) built.set(locale, (m = createCliMessages(sharedTranslator(), locale)));
  return m;
}

/**
 * Commander's own error lines (it writes them in English) and the `commanderErrors` text that replaces
 * each, the captures becoming the named placeholders. English keeps commander's exact line: its entries
 * in cli.json mirror commander's wording for reference and are not rendered.
 */
const COMMANDER_ERRORS: [RegExp, string][] = [
  [/^error: missing required argument '(?<argument>.+)'$/m, "missingArgument"],
  [/^error: required option '(?<option>.+)' not specified$/m, "missingOption"],
  [/^error: option '(?<option>.+)' argument missing$/m, "optionArgumentMissing"],
  [/^error: option '(?<option>.+)' argument '(?<value>.*)' is invalid\. Allowed choices are (?<choices>.+)\.$/m, "invalidChoice"],
  [/^error: command-argument value '(?<value>.*)' is invalid for argument '(?<argument>.+)'\. (?<reason>.+)$/m, "invalidArgument"],
  [/^error: unknown option '(?<option>.+)'$/m, "unknownOption"],
  [/^error: unknown command '(?<command>.+)'$/m, "unknownCommand"],
  [/^error: too many arguments(?: for '(?<command>.+)')?\. Expected (?<expected>\d+) arguments? but got (?<received>\d+)\.$/m, "tooManyArguments"],
  [/^\(Did you mean (?<suggestion>.+)\?\)$/m, "didYouMean"],
  // After invalidChoice, which has already replaced its own line by then.
  [/^error: option '(?<option>.+)' argument '(?<value>.*)' is invalid\. (?<reason>.+)$/m, "invalidOptionArgument"],
  [/^error: option '(?<option>.+)' cannot be used with option '(?<other>.+)'$/m, "conflictingOption"],
];

export function localizeCommanderError(text: string, locale: Locale): string {
  if (locale === "en") return text;
  const t = terminalText(sharedTranslator(), locale);
  return COMMANDER_ERRORS.reduce(
    (out, [pattern, key]) =>
      out.replace(pattern, (...args: unknown[]) => {
        const groups = args.at(-1) as Record<string, string | undefined>;
        const params = Object.fromEntries(Object.entries(groups).filter((entry): entry is [string, string] => entry[1] !== undefined));
        return t(`commanderErrors.${key}`, params);
      }),
    text,
  );
}
