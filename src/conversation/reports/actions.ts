import { code, defineAction, int, oneOf } from "../actions.js";

/** The steps of the report dialog a person can go back to from the preview. */
export const REPORT_STEPS = { status: "status", progress: "progress", results: "results", obstacles: "obstacles", proposals: "proposals", files: "files" } as const;

/** The buttons of progress reporting: a member's tasks and report dialog, the secretariat's period view and items. */
export const reportActions = {
  /** A task's card in a period. */
  task: defineAction("r:t", { taskId: int, periodId: int }),
  /** Start a report on it, or report "no change since last time". */
  start: defineAction("r:n", { taskId: int, periodId: int }),
  unchanged: defineAction("r:u", { taskId: int, periodId: int }),
  history: defineAction("r:h", { taskId: int }),
  files: defineAction("r:f", { taskId: int }),
  status: defineAction("r:s", { status: code }),
  keep: defineAction("r:k"),
  none: defineAction("r:0"),
  filesDone: defineAction("r:f"),
  submit: defineAction("r:ok"),
  edit: defineAction("r:e", { step: oneOf(REPORT_STEPS) }),
  xlsx: defineAction("r:x", { periodId: int }),
  details: defineAction("r:d", { periodId: int }),
  answer: defineAction("r:a", { itemId: int }),
};
