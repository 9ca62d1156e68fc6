import type { IncomingFile } from "../../core/attachments.js";
import { DomainError } from "../../core/errors.js";
import { readMembershipNumbers, type Audience } from "../../core/notices/audience.js";
import { checkNoticeBody, DEFAULT_ACK_DAYS, defaultAckDeadline, readAckDeadline } from "../../core/notices/notices.js";
import { seatsWith } from "../../core/permissions.js";
import { formatDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import { keepReceived, type Incoming } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel as label, type Button, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { noticeActions as A } from "./actions.js";
import { reportButtons } from "./views.js";

type Step = "body" | "audience" | "organizations" | "people" | "ack" | "deadline" | "group" | "confirm";

/** The dialog kind under which a notice is being composed. */
export const NOTICE_COMPOSE = "notice.compose";

/** The notice being composed, kept in the database between steps: a restart in the middle loses nothing. */
export interface ComposeDialog {
  committeeId: number;
  timeZone: string;
  hasDistricts: boolean;
  hasGroup: boolean;
  step: Step;
  postToGroup?: boolean;
  body?: string;
  attachment?: IncomingFile | null;
  audience?: Audience;
  organizations?: string[];
  ackRequired?: boolean;
  ackDeadline?: string | null;
}

/** The audiences chosen with one press (districts only where the committee has district committees). */
const SIMPLE = ["all", "leaders", "members", "secretariat", "districts"] as const;
type Simple = (typeof SIMPLE)[number];
const isSimple = (kind: string): kind is Simple => (SIMPLE as readonly string[]).includes(kind);

/**
 * The secretariat composes a notice, on any app: /notice [committee], then the text (with the sender's
 * formatting) or a file with a caption, the audience (everyone, leaders, members, the secretariat, district
 * committees, organizations chosen one by one, or people by their numbers), whether acknowledgement is
 * required and by when (the default number of days, or a typed date), whether it also goes to the
 * committee's group chat, a preview with the number of recipients, and Send. Every rule is core's: the
 * body's, the deadline's, the audience's (an audience that reaches no one is asked again) and the right to
 * send. Cancel works at every step.
 */
export function noticeComposeFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery">) {
  const { core } = deps;
  const load = async (turn: Turn): Promise<ComposeDialog | undefined> => {
    const stored = await core.dialogs.get<ComposeDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === NOTICE_COMPOSE ? stored.data : undefined;
  };
  const save = (turn: Turn, d: ComposeDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: NOTICE_COMPOSE, data: d });
  const cancelRow = (turn: Turn): Button[] => [{ label: label(turn.t("meetings:buttons.cancel")), action: meetingActions.cancel.data() }];
  const button = (text: string, action: string): Button => ({ label: label(text), action });

  /** The organizations to choose from, each with a box ticked when chosen, then Done. */
  const organizationsQuestion = async (turn: Turn, d: ComposeDialog): Promise<Message> => {
    const all = await core.notices.organizations(d.committeeId);
    const rows = all.map((org, index) => [button(`${d.organizations?.includes(org) ? "☑️" : "⬜"} ${org}`.slice(0, 60), A.composeOrganization.data({ index }))]);
    rows.push([button(turn.t("meetings:buttons.done"), A.composeOrganizationsDone.data())], cancelRow(turn));
    return { text: turn.t("notices:compose.ask_organizations"), buttons: rows };
  };

  /** Puts the question of the dialog's current step; at "confirm", the body as it will read, then the preview. */
  const ask = async (turn: Turn, d: ComposeDialog): Promise<void> => {
    const t = turn.t;
    switch (d.step) {
      case "body":
        return turn.say({ text: t("notices:compose.ask_body"), buttons: [cancelRow(turn)] });
      case "audience": {
        const rows = SIMPLE.filter((kind) => kind !== "districts" || d.hasDistricts).map((kind) => [button(t(`notices:audience.${kind}`), A.composeAudience.data({ audience: kind }))]);
        rows.push([button(t("notices:audience.organizations"), A.composeAudience.data({ audience: "organizations" }))]);
        rows.push([button(t("notices:audience.people"), A.composeAudience.data({ audience: "people" }))]);
        return turn.say({ text: t("notices:compose.ask_audience"), buttons: [...rows, cancelRow(turn)] });
      }
      case "organizations":
        return turn.say(await organizationsQuestion(turn, d));
      case "people":
        return turn.say({ text: t("notices:compose.ask_people"), buttons: [cancelRow(turn)], awaitsNumber: true });
      case "ack":
        return turn.say({
          text: t("notices:compose.ask_ack"),
          buttons: [[button(t("notices:compose.ack_yes"), A.composeAck.data({ required: true })), button(t("notices:compose.ack_no"), A.composeAck.data({ required: false }))], cancelRow(turn)],
        });
      case "deadline":
        return turn.say({
          text: t("notices:compose.ask_deadline", { days: DEFAULT_ACK_DAYS }),
          buttons: [[button(t("notices:compose.default_deadline", { days: DEFAULT_ACK_DAYS }), A.composeDefaultDeadline.data())], cancelRow(turn)],
        });
      case "group":
        return turn.say({
          text: t("notices:compose.ask_group"),
          buttons: [[button(t("notices:compose.group_yes"), A.composeGroup.data({ post: true })), button(t("notices:compose.group_no"), A.composeGroup.data({ post: false }))], cancelRow(turn)],
        });
      case "confirm": {
        let preview: { recipients: number; unreachable: number };
        try {
          preview = await core.notices.preview(turn.actor, d.committeeId, d.audience!);
        } catch (e) {
          // The audience no longer reaches anyone (the roster changed meanwhile): it is chosen again.
          await turn.refuse(e);
          d.step = "audience";
          await save(turn, d);
          return ask(turn, d);
        }
        const ack = d.ackRequired ? (d.ackDeadline ? t("notices:compose.ack_until", { deadline: formatDateTime(d.ackDeadline, d.timeZone) }) : t("notices:compose.ack_yes")) : t("notices:compose.ack_no");
        await turn.say({ text: d.body || "—" });
        return turn.say({
          text: t("notices:compose.preview", {
            recipients: preview.recipients,
            unreachable: preview.unreachable,
            audience: t(`notices:audience.${d.audience!.kind}`),
            group: d.postToGroup ? t("notices:compose.group_yes") : t("notices:compose.group_no"),
            ack,
          }),
          buttons: [[button(t("notices:compose.send"), A.composeConfirm.data())], cancelRow(turn)],
        });
      }
    }
  };

  const advance = async (turn: Turn, d: ComposeDialog, step: Step) => {
    d.step = step;
    await save(turn, d);
    await ask(turn, d);
  };
  /** After the acknowledgement questions: the group question where the committee has a group, else the preview. */
  const afterAck = (d: ComposeDialog): Step => (d.hasGroup ? "group" : "confirm");

  /** Goes on once core finds the audience reaches someone; otherwise says why and asks for the audience again. */
  const withAudience = async (turn: Turn, d: ComposeDialog, audience: Audience) => {
    d.audience = audience;
    try {
      await core.notices.preview(turn.actor, d.committeeId, audience);
    } catch (e) {
      await turn.refuse(e);
      return advance(turn, d, "audience");
    }
    return advance(turn, d, "ack");
  };

  /**
   * A press answering one of `steps`: acknowledged, and its buttons spent unless `keep` (a toggle); a press
   * on a question no longer asked is stale.
   */
  const onStep =
    <V>(steps: Step[], body: (turn: Turn, d: ComposeDialog, values: V) => Promise<void>, keep = false) =>
    async (turn: Turn, values: V): Promise<void> => {
      const d = await load(turn);
      if (!d || !steps.includes(d.step)) return turn.acknowledge(turn.t("common:stale_button"));
      await turn.acknowledge();
      if (!keep) await turn.retire(turn.originId);
      await body(turn, d, values);
    };

  return {
    /** /notice [committee]: starts a notice for the committee (the only one the person may send for, or the one named). */
    async start(turn: Turn, args: string): Promise<void> {
      const seats = seatsWith(turn.actor, "notice.send");
      if (seats.length === 0) return turn.refuse(new DomainError("errors:forbidden"));
      const seat = seats.find((s) => s.committeeCode.toLowerCase() === args.toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
      if (!seat) return turn.say({ text: turn.t("notices:compose.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }) });
      const committees = await core.committees.list();
      const d: ComposeDialog = {
        committeeId: seat.committeeId,
        timeZone: seat.timeZone,
        hasDistricts: committees.some((c) => c.parent_id === seat.committeeId),
        hasGroup: Boolean(committees.find((c) => c.id === seat.committeeId)?.group_chat_id),
        step: "body",
      };
      await save(turn, d);
      await ask(turn, d);
    },

    /**
     * What the person sends while a notice is being composed: the body (text with its formatting, or a file
     * with a caption), the people's numbers, or a typed deadline. False when no notice is being composed or
     * its current question is answered by a button, so that the message goes on.
     */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const d = await load(turn);
      if (!d || (d.step !== "body" && d.step !== "people" && d.step !== "deadline")) return false;
      try {
        if (d.step === "people") {
          if (!input.text.trim()) {
            await ask(turn, d);
            return true;
          }
          await withAudience(turn, d, { kind: "people", membershipIds: readMembershipNumbers(input.text) });
          return true;
        }
        if (d.step === "deadline") {
          d.ackDeadline = readAckDeadline(input.text, d.timeZone, core.ctx.clock()).toISOString();
          await advance(turn, d, afterAck(d));
          return true;
        }
        const body = checkNoticeBody(input.markup, input.file?.file);
        d.attachment = input.file ? await keepReceived(core, input.file) : null;
        d.body = body;
      } catch (e) {
        // The question stands; what was entered before stays in the dialog. The numbers' question is put
        // again, so that on a text app a number typed next is still its answer, not a choice.
        await turn.refuse(e);
        if (d.step === "people") await ask(turn, d);
        return true;
      }
      await advance(turn, d, "audience");
      return true;
    },

    audience: onStep<{ audience: string }>(["audience"], async (turn, d, { audience }) => {
      if (audience === "organizations") return advance(turn, { ...d, organizations: [] }, "organizations");
      if (audience === "people") return advance(turn, d, "people");
      if (isSimple(audience)) return withAudience(turn, d, { kind: audience });
    }),

    /** Ticks or unticks an organization; the same question shows the new ticks. */
    organization: onStep<{ index: number }>(
      ["organizations"],
      async (turn, d, { index }) => {
        const org = (await core.notices.organizations(d.committeeId))[index];
        if (!org) return;
        const chosen = d.organizations ?? [];
        d.organizations = chosen.includes(org) ? chosen.filter((o) => o !== org) : [...chosen, org];
        await save(turn, d);
        const question = await organizationsQuestion(turn, d);
        if (turn.originId) await turn.replace(turn.originId, question);
        else await turn.say(question);
      },
      true,
    ),

    organizationsDone: onStep<Record<string, never>>(["organizations"], (turn, d) => withAudience(turn, d, { kind: "organizations", organizations: d.organizations ?? [] })),

    ack: onStep<{ required: boolean }>(["ack"], async (turn, d, { required }) => {
      d.ackRequired = required;
      if (!required) d.ackDeadline = null;
      await advance(turn, d, required ? "deadline" : afterAck(d));
    }),

    defaultDeadline: onStep<Record<string, never>>(["deadline"], async (turn, d) => {
      d.ackDeadline = defaultAckDeadline(core.ctx.clock()).toISOString();
      await advance(turn, d, afterAck(d));
    }),

    group: onStep<{ post: boolean }>(["group"], async (turn, d, { post }) => {
      d.postToGroup = post;
      await advance(turn, d, "confirm");
    }),

    /** Send: core re-checks everything and queues the notice; the secretariat gets its number and the report's buttons. */
    confirm: onStep<Record<string, never>>(["confirm"], async (turn, d) => {
      try {
        const { noticeId, recipients } = await core.notices.send(turn.actor, {
          committeeId: d.committeeId,
          body: d.body ?? "",
          attachment: d.attachment ?? null,
          audience: d.audience!,
          ackRequired: Boolean(d.ackRequired),
          ackDeadline: d.ackDeadline ? new Date(d.ackDeadline) : null,
          postToGroup: Boolean(d.postToGroup),
        });
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.say({ text: turn.t("notices:compose.sent", { id: noticeId, recipients }), buttons: reportButtons(turn.t, noticeId, false) });
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
    }),
  };
}

export type NoticeComposeFlow = ReturnType<typeof noticeComposeFlow>;

/** The buttons of a notice being composed, bound to the flow. */
export function noticeComposeRoutes(flow: NoticeComposeFlow): Route[] {
  return [
    route(A.composeAudience, flow.audience),
    route(A.composeOrganization, flow.organization),
    route(A.composeOrganizationsDone, flow.organizationsDone),
    route(A.composeAck, flow.ack),
    route(A.composeDefaultDeadline, flow.defaultDeadline),
    route(A.composeGroup, flow.group),
    route(A.composeConfirm, flow.confirm),
  ];
}
