import type { IncomingFile } from "../../core/attachments.js";
import { DomainError } from "../../core/errors.js";
import { checkDelegateField, checkOpinion, type Delegate } from "../../core/meetings/answers.js";
import { buttonLabel, buttonRows, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { keepReceived, type ReceivedFile } from "../incoming.js";
import { meetingActions } from "./actions.js";
import { invitationCardView } from "./views.js";
import type { FlowDeps } from "../flows.js";
import { inviteLinkOf, withZaloInvite } from "../invite-link.js";
import { formatDateTime } from "../../i18n/format.js";

type Step = "name" | "title" | "organization" | "contact" | "opinion" | "attachment" | "confirm";

/** A proxy appointment being filled in, step by step; what was typed is kept in the database. */
export interface ProxyDialog {
  invitationId: number;
  version: number;
  /** The invitation card the appointment started from, shown anew once it is sent. */
  cardMessageId: string | number | null;
  step: Step;
  delegate: Partial<Delegate>;
  opinion?: string;
  documents?: IncomingFile[];
}

/** The dialog kind under which a proxy appointment is kept. */
export const PROXY = "meeting.proxy";

const NEXT: Record<Exclude<Step, "confirm">, Step> = {
  name: "title",
  title: "organization",
  organization: "contact",
  contact: "opinion",
  opinion: "attachment",
  attachment: "confirm",
};

type Target = { invitationId: number; version: number };

/**
 * A member sends someone in their place, on any app: the delegate's name, title and organization, an
 * optional contact, the written opinion core requires (its minimum and maximum), an optional document
 * (where the app can send one), then a summary to confirm. Cancel works at every step, and the dialog
 * is kept in the database, so a restart in the middle loses nothing. Core re-checks everything on
 * confirmation and sends the request to the chair.
 */
export function meetingProxyFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery" | "inviteLink" | "zaloBotLink">) {
  const { core } = deps;
  const minOpinion = () => core.ctx.settings.proxyOpinionMinLength;

  const load = async (turn: Turn): Promise<ProxyDialog | undefined> => {
    const stored = await core.dialogs.get<ProxyDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === PROXY ? stored.data : undefined;
  };
  const save = (turn: Turn, d: ProxyDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: PROXY, data: d });

  const cancelButton = (turn: Turn): [string, string] => [buttonLabel(turn.t("meetings:buttons.cancel")), meetingActions.cancel.data()];

  /** The question of a step, with Skip where the step may be skipped. */
  const question = (turn: Turn, step: Exclude<Step, "confirm">): Message => {
    const text = turn.t(`meetings:proxy.ask_${step}`, { min: minOpinion() });
    if (step === "contact" || step === "attachment") {
      return { text, buttons: buttonRows([[buttonLabel(turn.t("meetings:buttons.skip")), meetingActions.skip.data()], cancelButton(turn)]) };
    }
    return { text, buttons: buttonRows([cancelButton(turn)]) };
  };

  /** Asks the dialog's current step, or shows the summary to confirm (in as many messages as the opinion needs). */
  const ask = async (turn: Turn, d: ProxyDialog) => {
    if (d.step !== "confirm") return turn.say(question(turn, d.step));
    await turn.say({
      text: turn.t("meetings:proxy.summary", {
        name: d.delegate.name ?? "",
        title: d.delegate.title ?? "",
        organization: d.delegate.organization ?? "",
        contact: d.delegate.contact || "—",
        opinion: d.opinion ?? "",
        documents: d.documents?.length ? d.documents.map((f) => f.fileName).join(", ") : "—",
      }),
      buttons: buttonRows([[buttonLabel(turn.t("meetings:buttons.confirm")), meetingActions.confirmProxy.data()], cancelButton(turn)]),
    });
  };

  const refuse = async (turn: Turn, e: unknown) => {
    if (e instanceof DomainError && e.code === "meetings:errors.not_invited") turn.warn({}, "a meeting button for someone else's invitation was pressed (forged or forwarded)");
    await turn.refuse(e);
  };

  return {
    /**
     * The member takes the delegate's invite link from the chair's approval, to forward it: shown once (a new
     * code each time, the old one revoked) and stored only hashed.
     */
    async delegateLink(turn: Turn, { proxyId }: { proxyId: number }): Promise<void> {
      try {
        const invite = await core.meetings.delegateInvite(turn.actor, proxyId);
        await turn.acknowledge();
        const link = await inviteLinkOf(deps, invite.code);
        await turn.say({ text: await withZaloInvite(deps, turn.t, invite, turn.t("meetings:guest.link", { name: invite.fullName, link, expiresAt: formatDateTime(invite.expiresAt, turn.timeZone) })) });
      } catch (e) {
        if (e instanceof DomainError && e.code === "meetings:errors.not_invited") turn.warn({}, "a delegate-link button of someone else was pressed");
        await turn.refuse(e);
      }
    },

    /** "Send a proxy" on an invitation card: the appointment starts with the delegate's name. */
    async start(turn: Turn, target: Target): Promise<void> {
      const card = await core.meetings.card(target.invitationId);
      if (!card || card.personId !== turn.actor.personId) return refuse(turn, new DomainError("meetings:errors.not_invited"));
      const d: ProxyDialog = { ...target, cardMessageId: turn.originId ?? null, step: "name", delegate: {} };
      await save(turn, d);
      await turn.acknowledge();
      const first = question(turn, "name");
      await turn.say({ ...first, text: turn.t("meetings:proxy.intro", { title: card.meeting.title, min: minOpinion() }) + "\n\n" + first.text });
    },

    /** Skip: the contact or the document, the two steps that may be left out. */
    async skip(turn: Turn): Promise<void> {
      const stored = await load(turn);
      if (!stored || (stored.step !== "contact" && stored.step !== "attachment")) return turn.acknowledge(turn.t("common:stale_button"));
      const d: ProxyDialog =
        stored.step === "contact" ? { ...stored, step: "opinion", delegate: { ...stored.delegate, contact: null } } : { ...stored, step: "confirm" };
      await save(turn, d);
      await turn.acknowledge();
      // The question answered by skipping keeps its text and loses its buttons.
      await turn.retire(turn.originId);
      await ask(turn, d);
    },

    /** Confirm on the summary: core checks it all and sends the request to the chair. */
    async confirm(turn: Turn): Promise<void> {
      const d = await load(turn);
      if (d?.step !== "confirm") return turn.acknowledge(turn.t("common:stale_button"));
      try {
        await core.meetings.proxy(turn.actor, d, d.delegate as Delegate, d.opinion ?? "", d.documents ?? []);
      } catch (e) {
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        return refuse(turn, e);
      }
      await core.dialogs.clear(turn.actor.personId, turn.channel);
      await turn.acknowledge();
      const sent: Message = { text: turn.t("meetings:proxy.sent", { name: d.delegate.name ?? "" }) };
      if (turn.originId) await turn.replace(turn.originId, sent);
      else await turn.say(sent);
      if (d.cardMessageId !== null) {
        const card = await core.meetings.card(d.invitationId);
        if (card) await turn.replace(String(d.cardMessageId), invitationCardView(turn.t, card, core.ctx.clock()));
      }
      deps.nudgeDelivery?.();
    },

    /**
     * A file sent while the dialog waits for the written opinion's document: core's rules, then the app
     * downloads it and core stores it (a DomainError refuses it), and the summary follows. Returns false,
     * without receiving anything, when no proxy dialog waits for a document.
     */
    async file(turn: Turn, received: ReceivedFile): Promise<boolean> {
      const stored = await load(turn);
      if (stored?.step !== "attachment") return false;
      let file: IncomingFile;
      try {
        file = await keepReceived(core, received);
      } catch (e) {
        await turn.refuse(e);
        return true;
      }
      const d: ProxyDialog = { ...stored, documents: [...(stored.documents ?? []), file], step: "confirm" };
      await save(turn, d);
      await ask(turn, d);
      return true;
    },

    /**
     * A typed line while a proxy appointment is open: the answer to the step's question, checked by core's
     * rules (the step is asked again when refused). Returns false when no proxy dialog is open.
     */
    async typed(turn: Turn, text: string): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      const answer = async (message: Message | DomainError) => {
        if (message instanceof DomainError) await turn.refuse(message);
        else await turn.say(message);
        return true;
      };
      const value = text.trim();
      if (d.step === "confirm") return answer({ text: turn.t("meetings:proxy.press_confirm") });
      if (d.step === "attachment") return answer({ text: turn.t("meetings:proxy.ask_attachment") });
      if (d.step === "opinion") {
        try {
          checkOpinion(value, minOpinion());
        } catch (e) {
          if (e instanceof DomainError) return answer(e);
          throw e;
        }
        d.opinion = value;
      } else {
        if (!value) return answer({ text: turn.t(`meetings:proxy.ask_${d.step}`, { min: minOpinion() }) });
        try {
          checkDelegateField(d.step, value);
        } catch (e) {
          // The refusal names the field in the person's words.
          if (e instanceof DomainError) return answer(new DomainError(e.code, { ...e.params, field: turn.t(`meetings:proxy.field_${d.step}`) }));
          throw e;
        }
        d.delegate = { ...d.delegate, [d.step]: value };
      }
      d.step = NEXT[d.step];
      await save(turn, d);
      await ask(turn, d);
      return true;
    },
  };
}

export type MeetingProxyFlow = ReturnType<typeof meetingProxyFlow>;

/** The buttons of a proxy appointment (its start on the invitation card, Skip, Confirm), bound to the flow. */
export function meetingProxyRoutes(flow: MeetingProxyFlow): Route[] {
  return [route(meetingActions.proxy, flow.start), route(meetingActions.skip, flow.skip), route(meetingActions.confirmProxy, flow.confirm), route(meetingActions.delegateLink, flow.delegateLink)];
}
