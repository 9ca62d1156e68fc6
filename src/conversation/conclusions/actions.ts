import { defineAction, int } from "../actions.js";

/** The buttons of recording the chair's conclusions: the meeting, an organization offered, one more, send. */
export const conclusionActions = {
  meeting: defineAction("kl:m", { meetingId: int }),
  /** An organization of the committee's roster, by its place in the list the dialog keeps. */
  organization: defineAction("kl:o", { index: int }),
  more: defineAction("kl:a"),
  send: defineAction("kl:s"),
};
