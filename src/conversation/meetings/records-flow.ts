import type { Core } from "../../core/index.js";
import { minutesDocx } from "../../documents/minutes-docx.js";
import type { Translator } from "../../i18n/index.js";
import type { Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { meetingActions } from "./actions.js";
import { attendanceSheetView } from "./attendance-views.js";
import { meetingNumber } from "./leaders-flow.js";

/** The language of the committee's records: the minutes are an official Vietnamese document, whoever asks. */
const RECORDS_LOCALE = "vi";

/**
 * At and after a meeting, for the secretariat, on any app: /attendance N records who actually came — one
 * tap on a name moves the person on (present → absent → represented, core's rules), one button fills in
 * everyone not yet recorded from their answers, arrows turn the pages — and /minutes N sends the DOCX
 * minutes draft. Core checks the right to the meeting and when recording is open.
 */
export function meetingRecordsFlow(deps: { core: Core; translator: Translator }) {
  const { core } = deps;
  const sheet = async (turn: Turn, meetingId: number, page: number): Promise<Message> =>
    attendanceSheetView(turn.t, meetingId, await core.meetings.attendance(turn.actor, meetingId), page);
  /** The sheet shows anew on the message whose button was pressed (said anew where the app cannot edit). */
  const redraw = async (turn: Turn, message: Message) => {
    if (turn.originId) await turn.replace(turn.originId, message);
    else await turn.say(message);
  };

  return {
    async attendance(turn: Turn, args: string): Promise<void> {
      const id = meetingNumber(args);
      if (id === undefined) return turn.say({ text: turn.t("meetings:attendance.usage") });
      try {
        await turn.say(await sheet(turn, id, 0));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A tap on a name: the next presence is recorded and named, and the sheet shows it. */
    async cycle(turn: Turn, { meetingId, personId, page }: { meetingId: number; personId: number; page: number }): Promise<void> {
      try {
        const presence = await core.meetings.cycleAttendance(turn.actor, meetingId, personId);
        await turn.acknowledge(turn.t(`meetings:attendance.state.${presence}`));
        await redraw(turn, await sheet(turn, meetingId, page));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** "Fill in from the answers": everyone not yet recorded, from what they answered. */
    async fill(turn: Turn, { meetingId, page }: { meetingId: number; page: number }): Promise<void> {
      try {
        const n = await core.meetings.prefillAttendance(turn.actor, meetingId);
        await turn.acknowledge(turn.t("meetings:attendance.prefilled", { count: n }));
        await redraw(turn, await sheet(turn, meetingId, page));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** Turning a page: the sheet is read first (core checks the right to it), then the press is answered once. */
    async page(turn: Turn, { meetingId, page }: { meetingId: number; page: number }): Promise<void> {
      try {
        const message = await sheet(turn, meetingId, page);
        await turn.acknowledge();
        await redraw(turn, message);
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** /minutes N: the minutes draft as a Word document, to be finished by the secretariat. */
    async minutes(turn: Turn, args: string): Promise<void> {
      const id = meetingNumber(args);
      if (id === undefined) return turn.say({ text: turn.t("meetings:minutes.usage") });
      try {
        const view = await core.meetings.minutes(turn.actor, id);
        const content = await minutesDocx(deps.translator.bind(RECORDS_LOCALE), view);
        await turn.say({ text: turn.t("meetings:minutes.caption", { title: view.meeting.title }), file: { kind: "bytes", name: `bien-ban-hop-${id}.docx`, content } });
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type MeetingRecordsFlow = ReturnType<typeof meetingRecordsFlow>;

/** The attendance sheet's buttons (a name, fill in, the page arrows), bound to the flow; prefixes unchanged. */
export function meetingRecordsRoutes(flow: MeetingRecordsFlow): Route[] {
  return [route(meetingActions.attendanceCycle, flow.cycle), route(meetingActions.attendanceFill, flow.fill), route(meetingActions.attendancePage, flow.page)];
}
