import { bool, code, defineAction, int, oneOf } from "../actions.js";

const requestKind = oneOf({ absence: "a", proxy: "p" });

/** The buttons of meetings: invitations, absence and proxy requests, the chair's decisions, new meetings, attendance. */
export const meetingActions = {
  /** A member answers an invitation (the meeting's version, so a card from before a change is refused). */
  attend: defineAction("m:a", { invitationId: int, version: int }),
  absent: defineAction("m:b", { invitationId: int, version: int }),
  proxy: defineAction("m:p", { invitationId: int, version: int }),
  /** One of the quick absence reasons. */
  reason: defineAction("m:r", { invitationId: int, version: int, reason: code }),
  /** The chair decides a request. */
  decide: defineAction("m:d", { kind: requestKind, requestId: int, approve: bool }),
  /** The chair wants to add a comment before deciding. */
  comment: defineAction("m:cm", { kind: requestKind, requestId: int }),
  /** The chair decides after typing the comment. */
  decideWithComment: defineAction("m:dc", { approve: bool }),
  skip: defineAction("m:skip"),
  confirmProxy: defineAction("m:pc"),
  /** The meeting's chair hands the chair to the standing deputy: asked first, then confirmed (or not). */
  handOver: defineAction("m:h", { meetingId: int }),
  handOverConfirm: defineAction("m:hc", { meetingId: int, confirm: bool }),
  /** A link for an approved proxy's delegate. */
  delegateLink: defineAction("m:dl", { proxyId: int }),
  cancel: defineAction("m:x"),

  /** The secretariat creates a meeting, step by step. */
  createKind: defineAction("mc:k", { kind: oneOf({ regular: "regular", extraordinary: "extraordinary" }) }),
  createSkip: defineAction("mc:skip"),
  createChair: defineAction("mc:ch", { personId: int }),
  createDocumentsDone: defineAction("mc:docs"),
  createDefaultDeadline: defineAction("mc:dl"),
  createConfirm: defineAction("mc:ok"),

  /** Actual attendance: cycle one person's presence, fill from the answers, page through the sheet. */
  attendanceCycle: defineAction("at:c", { meetingId: int, personId: int, page: int }),
  attendanceFill: defineAction("at:f", { meetingId: int, page: int }),
  attendancePage: defineAction("at:p", { meetingId: int, page: int }),
};
