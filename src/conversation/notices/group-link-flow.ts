import { DomainError } from "../../core/errors.js";
import type { FlowDeps } from "../flows.js";
import type { EntryTurn } from "../turn.js";

/**
 * Inside a committee's group chat, a member of its secretariat types /linkgroup (with the committee's code if they
 * keep several) so that notices can also be posted there. Core checks the right; the group is the chat the turn
 * is in, on the turn's app.
 */
export function groupLinkFlow(deps: Pick<FlowDeps, "core">) {
  const { core } = deps;
  return {
    async link(turn: EntryTurn, args: string): Promise<void> {
      try {
        const actor = turn.actor;
        const seats = actor ? actor.seats.filter((s) => s.role === "secretariat") : [];
        if (!actor || seats.length === 0) throw new DomainError("errors:forbidden");
        const wanted = args.trim().toLowerCase();
        const seat = seats.find((s) => s.committeeCode.toLowerCase() === wanted) ?? (seats.length === 1 ? seats[0] : undefined);
        if (!seat) return void (await turn.say({ text: turn.t("notices:group.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }) }));
        await core.committees.linkGroup(actor, seat.committeeId, { channel: turn.channel, chatId: turn.account.chatId });
        await turn.say({ text: turn.t("notices:group.linked", { committee: seat.committeeName }) });
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}
