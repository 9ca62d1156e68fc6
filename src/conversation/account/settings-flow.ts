import { can } from "../../core/permissions.js";
import { LOCALES } from "../../core/people.js";
import type { FlowDeps } from "../flows.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { settingsActions } from "./actions.js";
import { commandsFor } from "./catalog.js";

/**
 * A person's own settings and help, on any app: /lang switches between Vietnamese and English (remembered
 * per person, for every later message), and /help lists what this person may do, by role.
 */
export function settingsFlow(deps: Pick<FlowDeps, "core" | "translator">) {
  const { core, translator } = deps;

  /** Sets the language; the answer is in the new one. Undefined when core refused (the person was told). */
  const apply = async (turn: Turn, value: string): Promise<Turn | undefined> => {
    try {
      const previous = turn.actor.locale;
      const chosen = await core.people.setLanguage(turn.actor, value);
      if (previous !== chosen) turn.refreshMenu({ ...turn.actor, locale: chosen }, chosen);
      return { ...turn, locale: chosen, t: translator.bind(chosen) };
    } catch (e) {
      await turn.refuse(e);
      return undefined;
    }
  };

  return {
    /** /lang [vi|en]: with a language, sets it; without, offers both. */
    async language(turn: Turn, args: string): Promise<void> {
      const value = args.trim().toLowerCase();
      if (value) {
        const after = await apply(turn, value);
        if (after) await after.say({ text: after.t("lang:changed") });
        return;
      }
      const buttons = [LOCALES.map((lng) => ({ label: translator.plain(lng, "lang:name"), action: settingsActions.language.data({ locale: lng }) }))];
      await turn.say({ text: turn.t("lang:choose"), buttons });
    },

    /** A language chosen from the offer: the offer becomes the confirmation. */
    async chooseLanguage(turn: Turn, { locale }: { locale: string }): Promise<void> {
      const after = await apply(turn, locale);
      if (!after) return;
      await after.acknowledge();
      const changed = { text: after.t("lang:changed") };
      if (after.originId) await after.replace(after.originId, changed);
      else await after.say(changed);
    },

    /** /help: the person's seats and the commands they may use. Also refreshes their command menu. */
    async help(turn: Turn): Promise<void> {
      const { actor, t } = turn;
      const lines = [t("help:title", { name: actor.fullName })];
      for (const seat of actor.seats) lines.push(t("help:seat", { role: t(`roles:${seat.role}`), committee: seat.committeeName }));
      lines.push("");
      for (const command of commandsFor(actor)) lines.push(t(`commands:${command}.help`));
      if (can(actor, "roster.manage")) lines.push("", t("help:import_hint"));
      await turn.say({ text: lines.join("\n") });
      turn.refreshMenu(actor, turn.locale);
    },
  };
}

export type SettingsFlow = ReturnType<typeof settingsFlow>;

/** The language offer's buttons, bound to the flow. */
export function settingsRoutes(flow: SettingsFlow): Route[] {
  return [route(settingsActions.language, flow.chooseLanguage)];
}
