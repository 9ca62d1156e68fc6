import type { Core } from "../../core/index.js";
import type { Turn } from "../turn.js";
import { rosterView, upcomingMeetingsView } from "./roster-views.js";
import { requestView } from "./views.js";

/** The meeting number a command names ("12" or "#12"), or undefined when it names none. */
export function meetingNumber(args: string): number | undefined {
  const m = /^#?(\d{1,9})$/.exec(args.trim());
  const id = m ? Number(m[1]) : 0;
  return id > 0 ? id : undefined;
}

/**
 * The chair's, the leaders' and the secretariat's view of meetings, on any app: /approvals lists the
 * absence and proxy requests waiting for the person's decision, each with its Approve / Decline buttons
 * (the decision itself is decision-flow.ts); /meetings shows the upcoming meetings with the answers so far;
 * /roster N shows every invitee of one meeting and the quorum forecast. Core decides who may see what.
 */
export function meetingLeadersFlow(deps: { core: Core }) {
  const { core } = deps;
  return {
    async approvals(turn: Turn): Promise<void> {
      try {
        const pending = await core.meetings.pendingApprovals(turn.actor);
        if (pending.length === 0) return await turn.say({ text: turn.t("meetings:approvals.none") });
        await turn.say({ text: turn.t("meetings:approvals.header", { count: pending.length }) });
        for (const view of pending) await turn.say(requestView(turn.t, view));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    async meetings(turn: Turn): Promise<void> {
      try {
        const meetings = await core.meetings.upcoming(turn.actor);
        const rosters = [];
        for (const m of meetings) rosters.push(await core.meetings.roster(turn.actor, m.id));
        await turn.say(upcomingMeetingsView(turn.t, rosters));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    async roster(turn: Turn, args: string): Promise<void> {
      const id = meetingNumber(args);
      if (id === undefined) return turn.say({ text: turn.t("meetings:roster.usage") });
      try {
        await turn.say(rosterView(turn.t, await core.meetings.roster(turn.actor, id)));
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type MeetingLeadersFlow = ReturnType<typeof meetingLeadersFlow>;
