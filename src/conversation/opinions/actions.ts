import { defineAction, int, oneOf } from "../actions.js";

/** An answer's position, as the card's buttons give it. */
export const position = oneOf({ agree: "a", agree_with_comments: "c", disagree: "d" });

/** The buttons of written-opinion requests: a recipient's answer per question, composing, the compiled table. */
export const opinionActions = {
  answer: defineAction("op", { recipientId: int, question: int, position }),
  composeQuestionsDone: defineAction("oc:q"),
  composeAudience: defineAction("oc:a", { audience: oneOf({ all: "all", leaders: "leaders", members: "members" }) }),
  composeConfirm: defineAction("oc:ok"),
  /** The compiled opinions as XLSX or DOCX. */
  compiled: defineAction("ox", { format: oneOf({ xlsx: "x", docx: "d" }), requestId: int }),
};
