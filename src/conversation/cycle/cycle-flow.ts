import type { Seat } from "../../core/actor.js";
import { showDate, weekdayOf } from "../../core/cycle/local-time.js";
import { DomainError } from "../../core/errors.js";
import type { Core } from "../../core/index.js";
import { seatsWith } from "../../core/permissions.js";
import { formatDateTime, parseLocalDateTime } from "../../i18n/format.js";
import type { Translator } from "../../i18n/index.js";
import type { Turn } from "../turn.js";

export interface CycleFlowDeps {
  core: Core;
  /** The regular meeting's title and agenda are written in the committee's own language, whoever confirms. */
  translator: Translator;
  /** Wakes the delivery worker after a confirmation queued the invitations. */
  nudgeDelivery?: (() => void) | undefined;
}

/** The words of /holidays, in English and Vietnamese. */
const DAY_COMMANDS: Record<string, "off" | "work" | "remove"> = { off: "off", "nghỉ": "off", nghi: "off", work: "work", "làm": "work", lam: "work", remove: "remove", "bỏ": "remove", bo: "remove" };
const DATE_TIME = String.raw`\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s+\d{1,2}[:hg]\d{2}`;
const CONFIRM = new RegExp(String.raw`^#?(\d{1,9})\s*(${DATE_TIME})?\s*(?:;\s*([\s\S]*))?$`, "i");

/**
 * The secretariat's quarterly cycle in chat, on any app: /cycle (the settings; /cycle <key> <value> sets one, so
 * /cycle paused on pauses and /cycle paused off resumes), /holidays [year] (the year's days off, computed ones
 * provisional until confirmed; /holidays off|work|remove dd/MM/yyyy [reason]) and /confirmmeeting N [start] ;
 * place (the planner's draft becomes the regular meeting and the invitations go out); /reminders [send] (the coming
 * nudges, or today's sent now). A secretariat member of
 * several committees names one by its code first. Every right and rule is core's.
 */
export function cycleFlow(deps: CycleFlowDeps) {
  const { core } = deps;
  const step = async (turn: Turn, body: () => Promise<unknown>): Promise<void> => {
    try {
      await body();
    } catch (e) {
      await turn.refuse(e);
    }
  };
  /** The committee the command is about, and the rest of the line: a leading committee code names it. */
  const seatOf = (turn: Turn, args: string): { seat: Seat; rest: string } => {
    const seats = seatsWith(turn.actor, "cycle.manage");
    if (!seats.length) throw new DomainError("errors:forbidden");
    const [first = "", ...more] = args.trim().split(/\s+/);
    const named = seats.find((s) => s.committeeCode.toLowerCase() === first.toLowerCase());
    return named ? { seat: named, rest: more.join(" ") } : { seat: seats[0]!, rest: args.trim() };
  };

  const showSettings = async (turn: Turn, seat: Seat) => {
    const lines = await core.cycle.show(turn.actor, seat.committeeId);
    const text = [
      turn.t("cycle:chat.settings_header", { committee: seat.committeeName }),
      "",
      ...lines.map((l) => turn.t(l.isDefault ? "cycle:chat.setting_default" : "cycle:chat.setting_changed", { key: l.key, value: l.value })),
      "",
      turn.t("cycle:chat.next_digest", { at: formatDateTime(await core.cycle.nextDigest(turn.actor, seat.committeeId), seat.timeZone) }),
      "",
      ...(lines.some((l) => l.key === "paused" && l.value === "on") ? [turn.t("cycle:settings.paused"), ""] : []),
      turn.t("cycle:chat.settings_hint"),
    ];
    await turn.say({ text: text.join("\n") });
  };

  const showDays = async (turn: Turn, seat: Seat, year: number) => {
    const days = await core.cycle.days(turn.actor, seat.committeeId, year);
    const lines = days.map((d) =>
      turn.t(d.reason ? "cycle:chat.day_line_reason" : "cycle:chat.day_line", {
        date: showDate(d.date),
        weekday: turn.t(`cycle:holidays.weekdays.${weekdayOf(d.date)}`),
        what: d.kind === "work" ? turn.t("cycle:holidays.day.work") : d.holiday ? turn.t(`cycle:holidays.kinds.${d.holiday}`) : turn.t("cycle:holidays.day.off"),
        status: turn.t(`cycle:holidays.status.${d.status}`),
        reason: d.reason ?? "",
      }),
    );
    await turn.say({ text: [turn.t("cycle:chat.days_header", { year, committee: seat.committeeName }), "", ...lines, "", turn.t("cycle:chat.days_hint")].join("\n") });
  };

  return {
    /** /cycle [committee] [<key> <value>] */
    cycle: (turn: Turn, args: string) =>
      step(turn, async () => {
        const { seat, rest } = seatOf(turn, args);
        if (!rest) return showSettings(turn, seat);
        const [key = "", ...value] = rest.split(/\s+/);
        if (!value.length) return turn.say({ text: turn.t("cycle:chat.settings_hint") });
        const line = await core.cycle.set(turn.actor, seat.committeeId, key, value.join(" "));
        await turn.say({ text: turn.t(line.key === "paused" ? (line.value === "on" ? "cycle:chat.paused" : "cycle:chat.resumed") : "cycle:chat.set_done", { key: line.key, value: line.value }) });
      }),

    /** /holidays [committee] [year] | off|work dd/MM/yyyy <reason> | remove dd/MM/yyyy */
    holidays: (turn: Turn, args: string) =>
      step(turn, async () => {
        const { seat, rest } = seatOf(turn, args);
        const [word = "", date = "", ...reason] = rest.split(/\s+/);
        const command = DAY_COMMANDS[word.toLowerCase()];
        if (!command) {
          if (word && !/^\d{4}$/.test(word)) return turn.say({ text: turn.t("cycle:chat.days_hint") });
          const year = word ? Number(word) : Number(formatDateTime(core.ctx.clock(), seat.timeZone).slice(6, 10));
          return showDays(turn, seat, year);
        }
        if (!date) return turn.say({ text: turn.t("cycle:chat.days_hint") });
        if (command === "remove") {
          const done = await core.cycle.removeDay(turn.actor, seat.committeeId, date);
          return turn.say({ text: turn.t("cycle:chat.day_removed", { date: showDate(done.date) }) });
        }
        const set = command === "off" ? core.cycle.dayOff : core.cycle.workingDay;
        const done = await set(turn.actor, seat.committeeId, date, reason.join(" "));
        await turn.say({ text: turn.t(command === "off" ? "cycle:chat.day_off_added" : "cycle:chat.working_day_added", { date: showDate(done.date), reason: reason.join(" ").trim() }) });
      }),

    /** /reminders [committee] [send]: the nudges of the coming working days, or today's sent now. */
    reminders: (turn: Turn, args: string) =>
      step(turn, async () => {
        const { seat, rest } = seatOf(turn, args);
        if (/^(send|gửi|gui)$/i.test(rest)) {
          const count = await core.nudges.sendNow(turn.actor, seat.committeeId);
          await turn.say({ text: turn.t("cycle:nudge.sent_now", { count }) });
          deps.nudgeDelivery?.();
          return;
        }
        const { paused, lines } = await core.nudges.upcoming(turn.actor, seat.committeeId, 5);
        const text = [
          ...(paused ? [turn.t("cycle:nudge.list_paused"), ""] : []),
          ...(lines.length ? [turn.t("cycle:nudge.list_header", { days: 5 }), ""] : [turn.t("cycle:nudge.list_empty")]),
          ...lines.map((l) => turn.t("cycle:nudge.list_line", { day: showDate(l.day), name: l.fullName, what: turn.t(`cycle:nudge.kinds.${l.kind}`), due: formatDateTime(l.due, seat.timeZone) })),
          "",
          turn.t("cycle:nudge.list_hint"),
        ];
        await turn.say({ text: text.join("\n") });
      }),

    /** /confirmmeeting N [dd/MM/yyyy HH:mm] [; place] */
    confirmMeeting: (turn: Turn, args: string) =>
      step(turn, async () => {
        const m = CONFIRM.exec(args.trim());
        if (!m) return turn.say({ text: turn.t("cycle:drafts.usage") });
        const draftId = Number(m[1]);
        const seats = seatsWith(turn.actor, "cycle.manage");
        if (!seats.length) throw new DomainError("errors:forbidden");
        let found: { seat: Seat; quarter: string } | undefined;
        for (const seat of seats) {
          const draft = (await core.cycle.drafts(turn.actor, seat.committeeId)).find((d) => d.id === draftId);
          if (draft) found = { seat, quarter: draft.quarter };
        }
        if (!found) throw new DomainError("cycle:drafts.not_found", { id: draftId });
        const { seat, quarter: code } = found;
        const startsAt = m[2] ? parseLocalDateTime(m[2], seat.timeZone) : undefined;
        if (m[2] && !startsAt) return turn.say({ text: turn.t("cycle:drafts.usage") });
        const [year = "", q = ""] = code.split("-Q");
        const lng = seat.committeeLocale;
        const quarter = deps.translator.plain(lng, `cycle:quarters.${q}`);
        const place = m[3]?.trim();
        const confirmed = await core.cycle.confirmDraft(turn.actor, draftId, {
          title: deps.translator.plain(lng, "cycle:drafts.title", { quarter, year }),
          agenda: deps.translator.plain(lng, "cycle:drafts.agenda", { quarter, year }),
          ...(startsAt ? { startsAt } : {}),
          ...(place ? { place } : {}),
        });
        await turn.say({ text: turn.t("cycle:drafts.confirmed", { quarter: turn.t(`cycle:quarters.${q}`), year, startsAt: formatDateTime(confirmed.startsAt, seat.timeZone), invited: confirmed.invited }) });
        deps.nudgeDelivery?.();
      }),
  };
}

export type CycleFlow = ReturnType<typeof cycleFlow>;
