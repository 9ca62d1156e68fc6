import { bool, code, defineAction, int, oneOf } from "../actions.js";

/** The buttons of notices: a recipient's acknowledgement, the secretariat's report, and composing a notice. */
export const noticeActions = {
  acknowledge: defineAction("n:a", { recipientId: int }),
  /** "Đã nhận" from a list (the daily nudge): acknowledged, and the list stays as it is for its other lines. */
  acknowledgeInList: defineAction("n:l", { recipientId: int }),
  /** The delivery report: refresh it, export it, or stop the broadcast. */
  report: defineAction("nr", { op: oneOf({ refresh: "r", stop: "s", export: "x" }), noticeId: int }),

  composeAudience: defineAction("nc:a", { audience: code }),
  composeOrganization: defineAction("nc:o", { index: int }),
  composeOrganizationsDone: defineAction("nc:o:done"),
  composeAck: defineAction("nc:k", { required: bool }),
  composeDefaultDeadline: defineAction("nc:dl"),
  composeGroup: defineAction("nc:g", { post: bool }),
  composeConfirm: defineAction("nc:ok"),
};
