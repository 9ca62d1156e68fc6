import { MAX_ATTACHMENTS, type IncomingFile } from "../../core/attachments.js";
import { DomainError } from "../../core/errors.js";
import {
  checkAgenda,
  checkAnswerDeadline,
  checkEnd,
  checkOnlineLink,
  checkPlace,
  checkStart,
  checkTitle,
  checkVenue,
  defaultAnswerDeadline,
} from "../../core/meetings/meetings.js";
import { seatsWith } from "../../core/permissions.js";
import type { MeetingKind } from "../../db/schema.js";
import { formatDateTime, parseLocalDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import { keepReceived, type ReceivedFile } from "../incoming.js";
import { buttonLabel, buttonRows, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { meetingActions } from "./actions.js";
import { readEnd } from "./times.js";

type Step = "kind" | "title" | "start" | "end" | "place" | "link" | "agenda" | "documents" | "chair" | "deadline" | "confirm";

/** The meeting being composed, kept in the database between steps so that nothing typed is lost. */
export interface CreateDialog {
  committeeId: number;
  timeZone: string;
  step: Step;
  kind?: MeetingKind;
  title?: string;
  startsAt?: string;
  endsAt?: string;
  place?: string | null;
  onlineLink?: string | null;
  agenda?: string;
  documents?: IncomingFile[];
  chairPersonId?: number;
  chairName?: string;
  answerDeadline?: string | null;
}

/** The dialog kind under which a meeting being called is kept. */
export const MEETING_CREATE = "meeting.create";

const NEXT: Record<Exclude<Step, "confirm">, Step> = {
  kind: "title",
  title: "start",
  start: "end",
  end: "place",
  place: "link",
  link: "agenda",
  agenda: "documents",
  documents: "chair",
  chair: "deadline",
  deadline: "confirm",
};

/** Which step to ask again when core refuses the finished draft (time has passed since, or a rule changed). */
const STEP_OF_ERROR: Record<string, Step> = {
  "meetings:errors.title_required": "title",
  "meetings:errors.start_in_past": "start",
  "meetings:errors.end_before_start": "end",
  "meetings:errors.place_required": "place",
  "meetings:errors.bad_link": "link",
  "meetings:errors.agenda_required": "agenda",
  "meetings:errors.no_chair": "chair",
  "meetings:errors.bad_chair": "chair",
  "meetings:errors.deadline_after_start": "deadline",
  "meetings:errors.deadline_in_past": "deadline",
  "meetings:errors.deadline_needed": "deadline",
  "meetings:errors.file_type": "documents",
  "meetings:errors.file_too_large": "documents",
  "meetings:errors.too_many_files": "documents",
};
/** A text too long names its field; the step that asks for it. */
const STEP_OF_FIELD: Record<string, Step> = { title: "title", agenda: "agenda", place: "place", link: "link" };

const stepOf = (e: unknown): Step | undefined => {
  if (!(e instanceof DomainError)) return undefined;
  if (e.code === "meetings:errors.too_long") return STEP_OF_FIELD[String(e.params.field)];
  return STEP_OF_ERROR[e.code];
};

/**
 * /newmeeting [committee] — the secretariat calls a meeting in a guided conversation, on any app: kind,
 * title, start, end (a time alone is on the start's day), place, online link, agenda, documents, chair,
 * answer deadline, then a summary to confirm. Each answer is checked by core's rules
 * (src/core/meetings/meetings.ts) as it is given, and a refused one is asked again with nothing lost; a
 * meeting less than a day ahead has no default deadline (it would already have passed), so one is asked
 * for with a warning. Cancel (the button or /cancel) stops at any point and nothing is sent.
 */
export function meetingCreateFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery">) {
  const { core } = deps;
  const save = (turn: Turn, d: CreateDialog) => core.dialogs.put(turn.actor.personId, turn.channel, { kind: MEETING_CREATE, data: d });
  const load = async (turn: Turn): Promise<CreateDialog | undefined> => {
    const stored = await core.dialogs.get<CreateDialog>(turn.actor.personId, turn.channel);
    return stored?.kind === MEETING_CREATE ? stored.data : undefined;
  };
  const current = async (turn: Turn, step: Step) => {
    const d = await load(turn);
    return d?.step === step ? d : undefined;
  };
  const stale = (turn: Turn) => turn.acknowledge(turn.t("common:stale_button"));
  const now = () => core.ctx.clock();
  const cancel = (turn: Turn): [string, string] => [buttonLabel(turn.t("meetings:buttons.cancel")), meetingActions.cancel.data()];
  const button = (turn: Turn, key: string, action: string): [string, string] => [buttonLabel(turn.t(key)), action];
  /** The default deadline for the draft's start, if it has not already passed. */
  const defaultDeadline = (d: CreateDialog) => defaultAnswerDeadline(now(), new Date(d.startsAt ?? NaN));

  const summary = (turn: Turn, d: CreateDialog): Message => {
    const t = turn.t;
    const tz = d.timeZone;
    return {
      text: t("meetings:create.summary", {
        kind: t(`meetings:kind.${d.kind ?? "regular"}`),
        title: d.title ?? "",
        start: d.startsAt ? formatDateTime(d.startsAt, tz) : "",
        end: d.endsAt ? formatDateTime(d.endsAt, tz) : "",
        place: d.place || "—",
        link: d.onlineLink || "—",
        chair: d.chairName ?? "",
        deadline: d.answerDeadline ? formatDateTime(d.answerDeadline, tz) : t("meetings:create.default_deadline"),
        agenda: d.agenda ?? "",
        documents: d.documents?.length ? d.documents.map((f) => f.fileName).join(", ") : "—",
      }),
      buttons: buttonRows([button(turn, "meetings:buttons.confirm", meetingActions.createConfirm.data()), cancel(turn)]),
    };
  };

  /** Puts the question of the dialog's current step, with its buttons. */
  const ask = async (turn: Turn, d: CreateDialog): Promise<void> => {
    const t = turn.t;
    switch (d.step) {
      case "kind":
        return turn.say({
          text: t("meetings:create.ask_kind"),
          buttons: buttonRows(
            [button(turn, "meetings:kind.regular", meetingActions.createKind.data({ kind: "regular" })), button(turn, "meetings:kind.extraordinary", meetingActions.createKind.data({ kind: "extraordinary" }))],
            [cancel(turn)],
          ),
        });
      case "place":
      case "link":
        return turn.say({ text: t(`meetings:create.ask_${d.step}`), buttons: buttonRows([button(turn, "meetings:buttons.skip", meetingActions.createSkip.data()), cancel(turn)]) });
      case "chair": {
        const candidates = await core.meetings.chairCandidates(turn.actor, d.committeeId);
        const rows = candidates.map((c): [string, string][] => [[`${c.fullName} (${buttonLabel(t(`roles:${c.role}`))})`, meetingActions.createChair.data({ personId: c.personId })]]);
        return turn.say({ text: t("meetings:create.ask_chair"), buttons: buttonRows(...rows, [cancel(turn)]) });
      }
      case "documents":
        return turn.say({
          text: t("meetings:create.ask_documents"),
          buttons: buttonRows([button(turn, d.documents?.length ? "meetings:buttons.done" : "meetings:buttons.skip", meetingActions.createDocumentsDone.data()), cancel(turn)]),
        });
      case "deadline":
        // Less than a day ahead, the default would already have passed: a deadline must be typed.
        if (!defaultDeadline(d)) return turn.say({ text: t("meetings:create.ask_deadline_soon"), buttons: buttonRows([cancel(turn)]) });
        return turn.say({ text: t("meetings:create.ask_deadline"), buttons: buttonRows([button(turn, "meetings:create.default_deadline", meetingActions.createDefaultDeadline.data()), cancel(turn)]) });
      case "confirm":
        return turn.say(summary(turn, d));
      default:
        return turn.say({ text: t(`meetings:create.ask_${d.step}`), buttons: buttonRows([cancel(turn)]) });
    }
  };

  const advance = async (turn: Turn, d: CreateDialog) => {
    if (d.step !== "confirm") d.step = NEXT[d.step];
    await save(turn, d);
    await ask(turn, d);
  };

  /** A press that answers the current step: acknowledged, its buttons spent, and on to the next step. */
  const pressed = async (turn: Turn, d: CreateDialog) => {
    await turn.acknowledge();
    await turn.retire(turn.originId);
    await advance(turn, d);
  };

  /** Reads a typed answer into the draft, by core's rules; throws a DomainError to ask again. False: the step wants a button. */
  const read = (d: CreateDialog, text: string): boolean => {
    const value = text.trim();
    switch (d.step) {
      case "title":
        d.title = checkTitle(value);
        return true;
      case "start": {
        const at = parseLocalDateTime(value, d.timeZone);
        if (!at) throw new DomainError("meetings:create.bad_datetime");
        d.startsAt = checkStart(now(), at).toISOString();
        return true;
      }
      case "end": {
        const at = readEnd(value, d.startsAt!, d.timeZone);
        if (!at) throw new DomainError("meetings:create.bad_end");
        d.endsAt = checkEnd(new Date(d.startsAt!), at).toISOString();
        return true;
      }
      case "place":
        d.place = checkPlace(value);
        return true;
      case "link": {
        const link = checkOnlineLink(value);
        if (!link) throw new DomainError("meetings:errors.bad_link");
        d.onlineLink = link;
        return true;
      }
      case "agenda":
        d.agenda = checkAgenda(value);
        return true;
      case "deadline": {
        const at = parseLocalDateTime(value, d.timeZone);
        if (!at) throw new DomainError("meetings:create.bad_datetime");
        d.answerDeadline = checkAnswerDeadline(now(), new Date(d.startsAt!), at).toISOString();
        return true;
      }
      default:
        return false;
    }
  };

  return {
    /** /newmeeting [committee code]: the committee (the only one the person manages, or the one named), then the first question. */
    async command(turn: Turn, args: string): Promise<void> {
      const seats = seatsWith(turn.actor, "meeting.manage");
      if (seats.length === 0) return turn.refuse(new DomainError("errors:forbidden"));
      const seat = seats.find((s) => s.committeeCode.toLowerCase() === args.trim().toLowerCase()) ?? (seats.length === 1 ? seats[0] : undefined);
      if (!seat) return turn.say({ text: turn.t("meetings:create.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") }) });
      const d: CreateDialog = { committeeId: seat.committeeId, timeZone: seat.timeZone, step: "kind" };
      await save(turn, d);
      await turn.say({ text: turn.t("meetings:create.intro", { committee: seat.committeeName }) });
      await ask(turn, d);
    },

    async kind(turn: Turn, { kind }: { kind: MeetingKind }): Promise<void> {
      const d = await current(turn, "kind");
      if (!d) return stale(turn);
      d.kind = kind;
      await pressed(turn, d);
    },

    /** Skip: no place (online only), or no link — refused when there is then neither (core's rule). */
    async skip(turn: Turn): Promise<void> {
      const d = await load(turn);
      if (!d || (d.step !== "place" && d.step !== "link")) return stale(turn);
      if (d.step === "place") d.place = null;
      else {
        try {
          checkVenue(d.place ?? null, null);
        } catch (e) {
          return turn.refuse(e);
        }
        d.onlineLink = null;
      }
      await pressed(turn, d);
    },

    async chair(turn: Turn, { personId }: { personId: number }): Promise<void> {
      const d = await current(turn, "chair");
      if (!d) return stale(turn);
      try {
        const candidate = (await core.meetings.chairCandidates(turn.actor, d.committeeId)).find((c) => c.personId === personId);
        if (!candidate) throw new DomainError("meetings:errors.bad_chair");
        d.chairPersonId = candidate.personId;
        d.chairName = candidate.fullName;
      } catch (e) {
        return turn.refuse(e);
      }
      await pressed(turn, d);
    },

    async documentsDone(turn: Turn): Promise<void> {
      const d = await current(turn, "documents");
      if (!d) return stale(turn);
      await pressed(turn, d);
    },

    /** The default deadline, one day before the start; refused when that has already passed. */
    async defaultDeadline(turn: Turn): Promise<void> {
      const d = await current(turn, "deadline");
      if (!d) return stale(turn);
      if (!defaultDeadline(d)) return turn.refuse(new DomainError("meetings:errors.deadline_needed"));
      d.answerDeadline = null;
      await pressed(turn, d);
    },

    /** Confirm: core checks the whole draft again and sends the invitations; a refused field is asked again. */
    async confirm(turn: Turn): Promise<void> {
      const d = await current(turn, "confirm");
      if (!d) return stale(turn);
      try {
        const { meeting, invited } = await core.meetings.create(turn.actor, {
          committeeId: d.committeeId,
          kind: d.kind ?? "regular",
          title: d.title ?? "",
          startsAt: new Date(d.startsAt ?? NaN),
          endsAt: new Date(d.endsAt ?? NaN),
          place: d.place ?? null,
          onlineLink: d.onlineLink ?? null,
          agenda: d.agenda ?? "",
          ...(d.chairPersonId ? { chairPersonId: d.chairPersonId } : {}),
          ...(d.answerDeadline ? { answerDeadline: new Date(d.answerDeadline) } : {}),
          documents: d.documents ?? [],
        });
        await core.dialogs.clear(turn.actor.personId, turn.channel);
        await turn.acknowledge();
        await turn.retire(turn.originId);
        await turn.say({ text: turn.t("meetings:create.done", { id: meeting.id, invited }) });
        deps.nudgeDelivery?.();
      } catch (e) {
        const step = stepOf(e);
        if (!step) return turn.refuse(e);
        await turn.acknowledge();
        await turn.refuse(e);
        d.step = step;
        await save(turn, d);
        await ask(turn, d);
      }
    },

    /**
     * A typed line while a meeting is being called: the answer to the current step, asked again with core's
     * reason when refused. False when no such dialog is open.
     */
    async typed(turn: Turn, text: string): Promise<boolean> {
      const d = await load(turn);
      if (!d) return false;
      try {
        if (!read(d, text)) {
          await turn.say({ text: turn.t("meetings:create.use_buttons") });
          return true;
        }
      } catch (e) {
        await turn.refuse(e);
        return true;
      }
      await advance(turn, d);
      return true;
    },

    /**
     * A file sent at the documents step: kept as one of the meeting's documents (core's rules first). At any
     * other step it is not this dialog's (false), as before: a CSV then goes on to the roster import.
     */
    async file(turn: Turn, received: ReceivedFile): Promise<boolean> {
      const d = await current(turn, "documents");
      if (!d) return false;
      try {
        if ((d.documents?.length ?? 0) >= MAX_ATTACHMENTS) throw new DomainError("meetings:errors.too_many_files", { max: MAX_ATTACHMENTS });
        const file = await keepReceived(core, received);
        d.documents = [...(d.documents ?? []), file];
      } catch (e) {
        await turn.refuse(e);
        return true;
      }
      await save(turn, d);
      const last = d.documents[d.documents.length - 1]!;
      await turn.say({
        text: turn.t("meetings:create.document_received", { name: last.fileName, count: d.documents.length }),
        buttons: buttonRows([button(turn, "meetings:buttons.done", meetingActions.createDocumentsDone.data()), cancel(turn)]),
      });
      return true;
    },
  };
}

export type MeetingCreateFlow = ReturnType<typeof meetingCreateFlow>;

/** The buttons of the new-meeting dialog, bound to the flow (Cancel is the dialogs' own, cancel-flow.ts). */
export function meetingCreateRoutes(flow: MeetingCreateFlow): Route[] {
  return [
    route(meetingActions.createKind, flow.kind),
    route(meetingActions.createSkip, flow.skip),
    route(meetingActions.createChair, flow.chair),
    route(meetingActions.createDocumentsDone, flow.documentsDone),
    route(meetingActions.createDefaultDeadline, flow.defaultDeadline),
    route(meetingActions.createConfirm, flow.confirm),
  ];
}
