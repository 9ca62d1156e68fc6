import { defineAction, oneOf } from "../actions.js";

/** The person's own settings. */
export const settingsActions = {
  language: defineAction("lang", { locale: oneOf({ vi: "vi", en: "en" }) }),
};
