import type { AttendanceLine } from "../../core/meetings/attendance.js";
import type { Presence } from "../../db/schema.js";
import type { TFunction } from "../../i18n/index.js";
import type { Button, Message } from "../message.js";
import { buttonLabel as label } from "../message.js";
import { meetingActions as A } from "./actions.js";

/** Names per page of the attendance sheet: a page stays one screen of buttons (and within two-digit choices). */
const ATTENDANCE_PAGE = 30;

const ICON: Record<Presence | "none", string> = { none: "◻️", present: "✅", absent: "❌", represented: "🔁" };

/** A button's text within a phone's width, never cutting a character in two. */
const clip = (text: string, max = 60) => Array.from(text).slice(0, max).join("");

/** The page the sheet shows for a requested page: within the pages there are. */
const attendancePage = (lines: readonly AttendanceLine[], page: number): { page: number; pages: number } => {
  const pages = Math.max(1, Math.ceil(lines.length / ATTENDANCE_PAGE));
  return { page: Math.min(Math.max(0, page), pages - 1), pages };
};

/**
 * The attendance sheet of a meeting, one page of it: the counts so far, "fill in from the answers", a
 * button per invitee showing their recorded presence (a tap moves it on), and the page arrows.
 */
export function attendanceSheetView(t: TFunction, meetingId: number, lines: readonly AttendanceLine[], requestedPage: number): Message {
  const { page, pages } = attendancePage(lines, requestedPage);
  const buttons: Button[][] = [[{ label: label(t("meetings:attendance.prefill")), action: A.attendanceFill.data({ meetingId, page }) }]];
  for (const l of lines.slice(page * ATTENDANCE_PAGE, (page + 1) * ATTENDANCE_PAGE)) {
    const text = `${ICON[l.presence ?? "none"]} ${l.fullName}${l.delegateName ? ` → ${l.delegateName}` : ""}`;
    buttons.push([{ label: clip(text), action: A.attendanceCycle.data({ meetingId, personId: l.personId, page }) }]);
  }
  const arrows: Button[] = [];
  if (page > 0) arrows.push({ label: "◀️", action: A.attendancePage.data({ meetingId, page: page - 1 }) });
  if (page < pages - 1) arrows.push({ label: "▶️", action: A.attendancePage.data({ meetingId, page: page + 1 }) });
  if (arrows.length) buttons.push(arrows);
  const count = (s: Presence) => lines.filter((l) => l.presence === s).length;
  const text = t("meetings:attendance.header", {
    id: meetingId,
    present: count("present"),
    represented: count("represented"),
    absent: count("absent"),
    unrecorded: lines.filter((l) => l.presence === null).length,
    page: page + 1,
    pages,
  });
  return { text, buttons };
}
