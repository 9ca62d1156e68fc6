import type { Role } from "../db/schema.js";
import type { Actor, Seat } from "./actor.js";
import { DomainError } from "./errors.js";

/** Everything a person may be allowed to do; the rule for each lives here and only here. */
export type Action =
  | "profile.language" // choose the bot's language
  | "roster.view" // see the committee's members and who has linked an account
  | "roster.manage" // import, deactivate members
  | "invite.manage" // issue, re-issue and revoke invites
  | "meeting.manage" // create, reschedule, cancel meetings; record attendance; override answers
  | "meeting.roster" // see who is coming to a meeting and the quorum forecast
  | "meeting.decide" // decide absences and proxies (the meeting's chair, or the standing deputy acting for him)
  | "notice.send" // compose, send, withdraw notices and read their delivery reports
  | "report.submit" // report progress on the tasks assigned to oneself or one's organization
  | "report.view" // read every task's progress, the period's status and its export
  | "summary.view" // the committee's status summary (/summary) and the committees below it
  | "conclusions.manage" // record the chair's conclusions after a meeting, publish them and follow them up (Art. 7.4)
  | "cycle.manage" // the quarterly cycle: its settings, the committee's days off and working days, the planned regular meeting
  | "report.manage"; // keep the task registry and the periods, report in a member's place, answer obstacles and proposals

export const LEADER_ROLES: readonly Role[] = ["chair", "standing_deputy", "deputy"];

const GRANTS: Record<Role, readonly Action[]> = {
  chair: ["profile.language", "roster.view", "meeting.roster", "meeting.decide", "report.submit", "report.view", "summary.view", "conclusions.manage"],
  standing_deputy: ["profile.language", "roster.view", "meeting.roster", "meeting.decide", "report.submit", "report.view", "summary.view"],
  deputy: ["profile.language", "roster.view", "meeting.roster", "report.submit", "report.view", "summary.view"],
  member: ["profile.language", "report.submit"],
  secretariat: ["profile.language", "roster.view", "roster.manage", "invite.manage", "meeting.manage", "meeting.roster", "notice.send", "report.view", "report.manage", "cycle.manage", "summary.view", "conclusions.manage"],
};

/** The seats on which the actor holds a right; the CLI and the system hold every right, seatless. */
export function seatsWith(actor: Actor, action: Action): Seat[] {
  if (actor.kind !== "person") return [];
  return actor.seats.filter((s) => GRANTS[s.role].includes(action));
}

/** Whether the actor may do `action`, on a given committee or on any. */
export function can(actor: Actor, action: Action, committeeId?: number): boolean {
  if (actor.kind !== "person") return true;
  return seatsWith(actor, action).some((s) => committeeId === undefined || s.committeeId === committeeId);
}

/** Throws the localized refusal when the actor may not act; call it first in every core command. */
export function assertCan(actor: Actor, action: Action, committeeId?: number): void {
  if (!can(actor, action, committeeId)) throw new DomainError("errors:forbidden");
}

/** The actions an actor holds anywhere, for menus and /help. */
export function allowedActions(actor: Actor): Set<Action> {
  const out = new Set<Action>();
  if (actor.kind !== "person") return out;
  for (const s of actor.seats) for (const a of GRANTS[s.role]) out.add(a);
  return out;
}

export const isActiveMember = (actor: Actor): boolean => actor.kind !== "person" || actor.seats.length > 0;
