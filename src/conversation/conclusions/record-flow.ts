import { checkConclusionText, checkOrganization, readConclusionDue, type NewConclusion } from "../../core/conclusions/conclusions.js";
import { localDateOf, showDate } from "../../core/cycle/local-time.js";
import { DomainError } from "../../core/errors.js";
import { seatsWith } from "../../core/permissions.js";
import { formatDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import type { Incoming } from "../incoming.js";
import { meetingActions } from "../meetings/actions.js";
import { buttonLabel, type Button, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { fitLines } from "../summary/views.js";
import { conclusionActions } from "./actions.js";

/** The dialog kind under which a meeting's conclusions are recorded. */
export const CONCLUSIONS_RECORD = "conclusions.record";

type Step = "meeting" | "text" | "organization" | "due" | "more";

/** A meeting's conclusions being recorded, kept in the database step by step. */
export interface ConclusionsDialog {
  committeeId: number;
  timeZone: string;
  step: Step;
  meetingId?: number;
  meetingTitle?: string;
  meetingDate?: string;
  /** The conclusions complete so far (the due date as the person typed it, checked). */
  done: NewConclusion[];
  /** The one being written. */
  current: { text?: string; organization?: string };
  /** The committee's organizations offered as choices, in order. */
  organizations: string[];
}

/** Typed words that leave the dialog (both Vietnamese spellings of "huỷ", without diacritics, English). */
const CANCEL_WORDS = new Set(["huỷ", "hủy", "huy", "cancel", "thôi"]);

/** How many organizations are offered as buttons; more are typed. */
const ORGANIZATION_CHOICES = 12;

/**
 * The secretariat (or the chair) records the chair's conclusions after a meeting (Art. 7.4), on any app: /conclusions
 * [committee] offers the meetings held, then asks for each conclusion its text, the organization in charge (chosen from
 * the committee's organizations or typed) and the deadline (dd/MM/yyyy); "One more" or "Review" after each; the review
 * lists them to send. Core checks each value as it is typed (core/conclusions) and everything again on sending, when
 * they become tasks and one notice goes to the committee. `/conclusions list [meeting]` shows how they stand.
 */
export function conclusionsFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery">) {
  const { core } = deps;
  const save = (turn: Turn, d: ConclusionsDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: CONCLUSIONS_RECORD, data: d });
  const load = async (turn: Turn): Promise<ConclusionsDialog | undefined> => {
    const stored = await core.dialogs.get<ConclusionsDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === CONCLUSIONS_RECORD ? stored.data : undefined;
  };
  const at = async (turn: Turn, step: Step) => {
    const d = await load(turn);
    return d?.step === step ? d : undefined;
  };
  const stale = (turn: Turn) => turn.acknowledge(turn.t("common:stale_button"));
  const cancelButton = (turn: Turn): Button => ({ label: buttonLabel(turn.t("meetings:buttons.cancel")), action: meetingActions.cancel.data() });
  const today = (d: ConclusionsDialog) => localDateOf(core.ctx.clock(), d.timeZone);

  const question = (turn: Turn, d: ConclusionsDialog): Message => {
    const n = d.done.length + 1;
    switch (d.step) {
      case "text":
        return { text: turn.t("conclusions:chat.ask_text", { n, meeting: d.meetingTitle ?? "", date: d.meetingDate ?? "" }), buttons: [[cancelButton(turn)]] };
      case "organization":
        return {
          text: turn.t("conclusions:chat.ask_organization", { n }),
          buttons: [...d.organizations.slice(0, ORGANIZATION_CHOICES).map((o, index) => [{ label: buttonLabel(o), action: conclusionActions.organization.data({ index }) }]), [cancelButton(turn)]],
        };
      case "due":
        return { text: turn.t("conclusions:chat.ask_due", { n }), buttons: [[cancelButton(turn)]] };
      default:
        return { text: review(turn, d), buttons: [[{ label: buttonLabel(turn.t("conclusions:chat.buttons.more")), action: conclusionActions.more.data() }], [{ label: buttonLabel(turn.t("conclusions:chat.buttons.send")), action: conclusionActions.send.data() }], [cancelButton(turn)]] };
    }
  };
  const review = (turn: Turn, d: ConclusionsDialog) =>
    [
      turn.t("conclusions:chat.review", { count: d.done.length, meeting: d.meetingTitle ?? "", date: d.meetingDate ?? "" }),
      ...d.done.map((c, i) => turn.t("conclusions:chat.review_line", { n: i + 1, text: c.text, organization: c.organization, due: c.due })),
      "",
      turn.t("conclusions:chat.review_hint"),
    ].join("\n");
  const refused = async (turn: Turn, e: unknown): Promise<true> => {
    await turn.refuse(e);
    return true;
  };

  /** The seat whose committee the command is for: the one named, else the only one. */
  const seatFor = (turn: Turn, args: string) => {
    const seats = seatsWith(turn.actor, "conclusions.manage");
    const code = args.trim().toLowerCase();
    return { seats, seat: seats.find((s) => s.committeeCode.toLowerCase() === code) ?? (seats.length === 1 ? seats[0] : undefined) };
  };

  return {
    /** /conclusions [committee] to record; /conclusions list [meeting] to follow them up. */
    async command(turn: Turn, args: string): Promise<void> {
      const [first = "", ...rest] = args.trim().split(/\s+/);
      if (["list", "ds", "danhsach", "xem"].includes(first.toLowerCase())) return this.list(turn, rest.join(" "));
      const { seats, seat } = seatFor(turn, first);
      if (seats.length === 0) return turn.refuse(new DomainError("errors:forbidden"));
      if (!seat) return turn.say({ text: turn.t("conclusions:chat.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }) });
      const meetings = await core.conclusions.meetings(turn.actor, seat.committeeId);
      if (meetings.length === 0) return turn.say({ text: turn.t("conclusions:chat.no_meetings") });
      const organizations = (await core.notices.organizations(seat.committeeId)).filter(Boolean);
      await save(turn, { committeeId: seat.committeeId, timeZone: seat.timeZone, step: "meeting", done: [], current: {}, organizations });
      await turn.say({
        text: turn.t("conclusions:chat.ask_meeting"),
        buttons: [...meetings.map((m) => [{ label: buttonLabel(`${formatDateTime(m.starts_at, seat.timeZone).slice(0, 10)} · ${m.title}`), action: conclusionActions.meeting.data({ meetingId: m.id }) }]), [cancelButton(turn)]],
      });
    },

    /** The follow-up list: every conclusion (of one meeting when its number is given) and where it stands. */
    async list(turn: Turn, args: string): Promise<void> {
      const seats = seatsWith(turn.actor, "conclusions.manage");
      const seat = seats[0] ?? turn.actor.seats.find((s) => s.role !== "member" && s.role !== "secretariat");
      if (!seat) return turn.refuse(new DomainError("errors:forbidden"));
      const id = Number(args.trim().replace(/^#/, ""));
      try {
        const { conclusions, counts, timeZone } = await core.conclusions.list(turn.actor, seat.committeeId, Number.isInteger(id) && id > 0 ? { meetingId: id } : {});
        if (conclusions.length === 0) return turn.say({ text: turn.t("conclusions:chat.list_empty") });
        const head = turn.t("conclusions:chat.list_header", { total: counts.total, done: counts.done, onTime: counts.on_time, overdue: counts.overdue });
        const items = conclusions.map((c) =>
          turn.t("conclusions:chat.list_line", {
            code: c.code,
            text: c.text,
            organization: c.organization,
            due: showDate(c.due),
            state: turn.t(`conclusions:states.${c.doneLate ? "done_late" : c.state}`),
            meeting: formatDateTime(c.meetingStartsAt, timeZone).slice(0, 10),
          }),
        );
        // Within the app's length, whole lines only: "… and N more" says what did not fit.
        await turn.say({ text: fitLines(turn.t, [head, ""], items, turn.channel === "telegram" ? 4000 : 1900) });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A meeting chosen: the first conclusion's text is asked. */
    async meeting(turn: Turn, { meetingId }: { meetingId: number }): Promise<void> {
      const d = await at(turn, "meeting");
      if (!d) return stale(turn);
      const meetings = await core.conclusions.meetings(turn.actor, d.committeeId);
      const m = meetings.find((x) => x.id === meetingId);
      if (!m) return stale(turn);
      Object.assign(d, { meetingId, meetingTitle: m.title, meetingDate: formatDateTime(m.starts_at, d.timeZone).slice(0, 10), step: "text" });
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await turn.say(question(turn, d));
    },

    /** What the person types while conclusions are recorded: the text, an organization, a deadline. False when none is. */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      if (input.file) {
        await turn.say(question(turn, d));
        return true;
      }
      // "huỷ" typed leaves, as the Cancel button does: a typed line is otherwise taken as the step's answer.
      if (CANCEL_WORDS.has(input.text.normalize("NFC").trim().toLowerCase())) {
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.say({ text: turn.t("meetings:dialog.cancelled") });
        return true;
      }
      try {
        switch (d.step) {
          case "text":
            d.current = { text: checkConclusionText(input.text) };
            d.step = "organization";
            break;
          case "organization":
            d.current.organization = checkOrganization(input.text);
            d.step = "due";
            break;
          case "due": {
            const due = readConclusionDue(input.text, today(d));
            d.done.push({ text: d.current.text!, organization: d.current.organization!, due: showDate(due) });
            d.current = {};
            d.step = "more";
            break;
          }
          default:
            await turn.say({ text: turn.t("meetings:create.use_buttons") });
            return true;
        }
      } catch (e) {
        return refused(turn, e);
      }
      await save(turn, d);
      await turn.say(question(turn, d));
      return true;
    },

    /** An organization of the roster chosen instead of typed. */
    async organization(turn: Turn, { index }: { index: number }): Promise<void> {
      const d = await at(turn, "organization");
      const chosen = d?.organizations[index];
      if (!d || !chosen) return stale(turn);
      d.current.organization = chosen;
      d.step = "due";
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await turn.say(question(turn, d));
    },

    /** "One more conclusion". */
    async more(turn: Turn): Promise<void> {
      const d = await at(turn, "more");
      if (!d) return stale(turn);
      d.step = "text";
      await save(turn, d);
      await turn.acknowledge();
      await turn.retire(turn.originId);
      await turn.say(question(turn, d));
    },

    /** Send: core checks them all again, records them as tasks and publishes the notice; a refusal keeps the dialog to cancel or fix. */
    async send(turn: Turn): Promise<void> {
      const d = await at(turn, "more");
      if (!d || !d.meetingId) return stale(turn);
      try {
        const done = await core.conclusions.record(turn.actor, turn.t, { committeeId: d.committeeId, meetingId: d.meetingId, conclusions: d.done });
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.acknowledge();
        await turn.retire(turn.originId);
        await turn.say({ text: turn.t("conclusions:chat.sent", { count: done.tasks.length, codes: done.tasks.map((t) => t.code).join(", "), recipients: done.recipients }) });
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type ConclusionsFlow = ReturnType<typeof conclusionsFlow>;

/** The buttons of recording conclusions, bound to the flow. */
export function conclusionsRoutes(flow: ConclusionsFlow): Route[] {
  return [
    route(conclusionActions.meeting, (turn, v) => flow.meeting(turn, v)),
    route(conclusionActions.organization, (turn, v) => flow.organization(turn, v)),
    route(conclusionActions.more, (turn) => flow.more(turn)),
    route(conclusionActions.send, (turn) => flow.send(turn)),
  ];
}
