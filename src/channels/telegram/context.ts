import type { Context } from "grammy";
import type { Actor } from "../../core/actor.js";
import type { Locale } from "../../db/schema.js";
import type { TFunction } from "../../i18n/index.js";

/** What every handler finds on the context: who is speaking (if they are on a roster) and how to talk to them. */
export interface BotFlavor {
  /** The linked person, or undefined for a stranger. */
  actor: (Actor & { kind: "person" }) | undefined;
  locale: Locale;
  /** The committee time zone of the person's first seat (or the installation's). */
  timeZone: string;
  t: TFunction;
}

export type BotContext = Context & BotFlavor;
