import { describe, expect, it } from "vitest";
import { ACTION_DATA_LIMIT, type Action } from "../../src/conversation/actions.js";
import { meetingActions } from "../../src/conversation/meetings/actions.js";
import { noticeActions } from "../../src/conversation/notices/actions.js";
import { opinionActions } from "../../src/conversation/opinions/actions.js";
import { reportActions } from "../../src/conversation/reports/actions.js";
import { settingsActions } from "../../src/conversation/account/actions.js";

/** Sample values for every action of a declaration object; the compiler insists on one per action. */
type Samples<T> = { [K in keyof T]: T[K] extends Action<infer V> ? V : never };

const meetings: Samples<typeof meetingActions> = {
  attend: { invitationId: 12, version: 3 },
  absent: { invitationId: 12, version: 3 },
  proxy: { invitationId: 12, version: 3 },
  reason: { invitationId: 12, version: 3, reason: "other_meeting" },
  decide: { kind: "proxy", requestId: 42, approve: true },
  comment: { kind: "absence", requestId: 42 },
  decideWithComment: { approve: false },
  skip: {},
  confirmProxy: {},
  handOver: { meetingId: 5 },
  handOverConfirm: { meetingId: 5, confirm: true },
  delegateLink: { proxyId: 7 },
  cancel: {},
  createKind: { kind: "extraordinary" },
  createSkip: {},
  createChair: { personId: 7 },
  createDocumentsDone: {},
  createDefaultDeadline: {},
  createConfirm: {},
  attendanceCycle: { meetingId: 5, personId: 7, page: 1 },
  attendanceFill: { meetingId: 5, page: 0 },
  attendancePage: { meetingId: 5, page: 2 },
};

const notices: Samples<typeof noticeActions> = {
  acknowledge: { recipientId: 9 },
  acknowledgeInList: { recipientId: 9 },
  report: { op: "export", noticeId: 4 },
  composeAudience: { audience: "organizations" },
  composeOrganization: { index: 0 },
  composeOrganizationsDone: {},
  composeAck: { required: true },
  composeDefaultDeadline: {},
  composeGroup: { post: false },
  composeConfirm: {},
};

const opinions: Samples<typeof opinionActions> = {
  answer: { recipientId: 9, question: 0, position: "agree_with_comments" },
  composeQuestionsDone: {},
  composeAudience: { audience: "leaders" },
  composeConfirm: {},
  compiled: { format: "docx", requestId: 3 },
};

const reports: Samples<typeof reportActions> = {
  task: { taskId: 7, periodId: 2 },
  start: { taskId: 7, periodId: 2 },
  unchanged: { taskId: 7, periodId: 2 },
  history: { taskId: 7 },
  files: { taskId: 7 },
  status: { status: "not_started" },
  keep: {},
  none: {},
  filesDone: {},
  submit: {},
  edit: { step: "obstacles" },
  xlsx: { periodId: 2 },
  details: { periodId: 2 },
  answer: { itemId: 11 },
};

const settings: Samples<typeof settingsActions> = {
  language: { locale: "en" },
};

const groups = { meetingActions, noticeActions, opinionActions, reportActions, settingsActions } as Record<string, Record<string, Action<unknown>>>;
const samples = { meetingActions: meetings, noticeActions: notices, opinionActions: opinions, reportActions: reports, settingsActions: settings } as Record<string, Record<string, object>>;

const all = Object.entries(groups).flatMap(([group, actions]) =>
  Object.entries(actions).map(([name, action]) => ({ name: `${group}.${name}`, action, values: samples[group]![name]! })),
);

/** The same values with every number as large as an id may be written (15 digits): the longest data. */
const widest = (values: object) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "number" ? 999_999_999_999_999 : v]));

describe("the declared actions", () => {
  it("has a sample for every declared action", () => {
    expect(all.length).toBeGreaterThan(40);
    for (const { name, values } of all) expect(values, name).toBeDefined();
  });

  it.each(all.map((a) => [a.name, a] as const))("%s: data within 64 bytes that parses back to its values", (_, { action, values }) => {
    const data = action.data(values);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(ACTION_DATA_LIMIT);
    expect(action.pattern.test(data)).toBe(true);
    expect(action.parse(data)).toEqual(values);
    const wide = action.data(widest(values));
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(ACTION_DATA_LIMIT);
    expect(action.parse(wide)).toEqual(widest(values));
  });

  it.each(all.map((a) => [a.name, a] as const))("%s: no other declared action takes its data", (name, { action, values }) => {
    for (const data of [action.data(values), action.data(widest(values))]) {
      const takers = all.filter((o) => o.name !== name && (o.action.pattern.test(data) || o.action.parse(data) !== undefined)).map((o) => o.name);
      expect(takers, data).toEqual([]);
    }
  });

  it("has no two actions with the same prefix and shape", () => {
    const shapes = all.map(({ action }) => action.pattern.source);
    expect(new Set(shapes).size).toBe(shapes.length);
  });

  it("writes the data the buttons have always carried", () => {
    expect(meetingActions.decide.data({ kind: "absence", requestId: 7, approve: false })).toBe("m:d:a:7:0");
    expect(meetingActions.createChair.data({ personId: 7 })).toBe("mc:ch:7");
    expect(noticeActions.composeOrganizationsDone.data()).toBe("nc:o:done");
    expect(noticeActions.composeAck.data({ required: true })).toBe("nc:k:1");
    expect(noticeActions.report.data({ op: "refresh", noticeId: 12 })).toBe("nr:r:12");
    expect(opinionActions.answer.data({ recipientId: 9, question: 0, position: "disagree" })).toBe("op:9:0:d");
    expect(opinionActions.compiled.data({ format: "xlsx", requestId: 3 })).toBe("ox:x:3");
    expect(meetingActions.attendanceCycle.data({ meetingId: 5, personId: 7, page: 1 })).toBe("at:c:5:7:1");
    expect(reportActions.filesDone.data()).toBe("r:f");
    expect(reportActions.files.data({ taskId: 7 })).toBe("r:f:7");
    expect(settingsActions.language.data({ locale: "vi" })).toBe("lang:vi");
  });
});
