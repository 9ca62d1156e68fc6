import { defineAction, int, oneOf } from "../actions.js";

/** The parts of the summary a leader drills into. */
export const SUMMARY_PARTS = { reporting: "r", behind: "b", meeting: "m", items: "i", notices: "n", opinions: "o", conclusions: "k", subordinates: "s", overdue: "q" } as const;
export type SummaryPart = keyof typeof SUMMARY_PARTS;

/**
 * The summary's buttons. A period is its year and quarter (year 0: the current one), so a drill-down of an
 * earlier quarter stays in that quarter.
 */
export const summaryActions = {
  /** The summary of a committee (one's own, or one below it). */
  open: defineAction("su:c", { committeeId: int, year: int, quarter: int }),
  /** One part in detail: who has not reported, tasks behind, the meeting's answers, … */
  part: defineAction("su:d", { committeeId: int, year: int, quarter: int, part: oneOf(SUMMARY_PARTS) }),
  /** The progress chart as a picture. */
  chart: defineAction("su:g", { committeeId: int, year: int, quarter: int }),
  /** From /status: a meeting invitation's card, or a request for opinions' card, to answer at once. */
  invitation: defineAction("st:m", { invitationId: int }),
  opinion: defineAction("st:o", { recipientId: int }),
  /** From /status: acknowledge a notice there and then; the list is shown again without it. */
  acknowledge: defineAction("st:n", { recipientId: int }),
};
