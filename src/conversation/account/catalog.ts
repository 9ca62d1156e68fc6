import type { Actor } from "../../core/actor.js";
import { allowedActions, type Action } from "../../core/permissions.js";

/** The bot's commands and the right each needs; /help and the apps' command menus are both built from this list. */
export const COMMANDS: readonly { command: string; action?: Action }[] = [
  { command: "help" },
  { command: "lang", action: "profile.language" },
  // Everyone with a seat holds profile.language: /status is for every member.
  { command: "status", action: "profile.language" },
  { command: "report", action: "report.submit" },
  { command: "summary", action: "summary.view" },
  { command: "export", action: "summary.view" },
  { command: "meetings", action: "meeting.roster" },
  { command: "newmeeting", action: "meeting.manage" },
  { command: "confirmmeeting", action: "cycle.manage" },
  { command: "roster", action: "meeting.roster" },
  { command: "editmeeting", action: "meeting.manage" },
  { command: "reschedule", action: "meeting.manage" },
  { command: "cancelmeeting", action: "meeting.manage" },
  { command: "setanswer", action: "meeting.manage" },
  { command: "addguest", action: "meeting.manage" },
  { command: "attendance", action: "meeting.manage" },
  { command: "minutes", action: "meeting.manage" },
  { command: "approvals", action: "meeting.decide" },
  { command: "notice", action: "notice.send" },
  { command: "notices", action: "notice.send" },
  { command: "opinion", action: "notice.send" },
  { command: "opinions", action: "notice.send" },
  { command: "progress", action: "report.view" },
  { command: "items", action: "report.view" },
  { command: "tasks", action: "report.view" },
  { command: "task", action: "report.view" },
  { command: "period", action: "report.view" },
  { command: "cycle", action: "cycle.manage" },
  { command: "holidays", action: "cycle.manage" },
  { command: "reminders", action: "cycle.manage" },
  { command: "conclusions", action: "conclusions.manage" },
  { command: "cancel" },
  { command: "members", action: "roster.view" },
  { command: "unlinked", action: "roster.view" },
  { command: "invite", action: "invite.manage" },
  { command: "revoke", action: "invite.manage" },
  { command: "deactivate", action: "roster.manage" },
];

/** The commands this person may use (a stranger: none), in the catalog's order. */
export function commandsFor(actor: Actor | undefined): string[] {
  const allowed = actor ? allowedActions(actor) : new Set<Action>();
  return COMMANDS.filter((c) => (c.action ? allowed.has(c.action) : actor !== undefined)).map((c) => c.command);
}
