import type { Core } from "../../core/index.js";
import { isPeriodCode, type NamedPart } from "../../core/summary/summary.js";
import { formatDateTime, formatMeetingTime } from "../../i18n/format.js";
import { renderStackedBars } from "../../media/chart.js";
import { invitationCardView } from "../meetings/views.js";
import { buttonLabel, type Button, type Message } from "../message.js";
import { opinionCardView } from "../opinions/views.js";
import { reportActions } from "../reports/actions.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { summaryActions, type SummaryPart } from "./actions.js";
import { partView, periodOf, progressChart, summaryButtons, summaryText, type SummaryPlace } from "./views.js";

/** What one message may hold on an app: Telegram's 4,096 characters, the text app's 2,000. */
const limitOf = (turn: Turn): number => (turn.channel === "telegram" ? 4000 : 1900);

/** The people a part's drill-down lists, read for that part only. */
const namesOf = (part: SummaryPart): NamedPart | undefined => (part === "reporting" || part === "meeting" || part === "notices" || part === "opinions" ? part : undefined);

const periodCode = (at: SummaryPlace): string | undefined => (at.year > 0 ? `${at.year}-Q${at.quarter}` : undefined);

/**
 * The leaders' and the secretariat's /summary (a committee's quarter at a glance, each part a button away,
 * the progress chart as a picture, the committees below), and every member's /status (what they still owe,
 * each with a button to do it now). Core decides who may read which committee.
 */
export function summaryFlow(deps: { core: Core }) {
  const { core } = deps;

  const summaryMessage = async (turn: Turn, at: SummaryPlace): Promise<Message> => {
    const s = await core.summary.of(turn.actor, at.committeeId, periodCode(at));
    return { text: summaryText(turn.t, turn.locale, s), buttons: summaryButtons(turn.t, s, at) };
  };

  /** /status: a member's own open tasks, answers owed, notices to acknowledge and opinions to give. */
  const statusMessage = async (turn: Turn): Promise<Message> => {
    const st = await core.summary.personal(turn.actor);
    const t = turn.t;
    const zone = st.timeZone;
    const lines = [t("summary:status.header")];
    const buttons: Button[][] = [];
    if (st.tasks.length) {
      lines.push("", t("summary:status.tasks", { count: st.tasks.length }));
      for (const x of st.tasks) {
        lines.push(t("summary:status.task_line", { code: x.code, title: x.title, due: formatDateTime(x.dueAt, zone) }));
        buttons.push([{ label: buttonLabel(t("summary:status.buttons.report", { code: x.code })), action: reportActions.task.data({ taskId: x.taskId, periodId: x.periodId }) }]);
      }
    }
    if (st.answers.length) {
      lines.push("", t("summary:status.answers", { count: st.answers.length }));
      for (const x of st.answers) {
        lines.push(t("summary:status.answer_line", { title: x.title, when: formatMeetingTime(t, x.startsAt, zone) }));
        buttons.push([{ label: buttonLabel(t("summary:status.buttons.attend", { title: x.title })).slice(0, 60), action: summaryActions.invitation.data({ invitationId: x.invitationId }) }]);
      }
    }
    if (st.notices.length) {
      lines.push("", t("summary:status.notices", { count: st.notices.length }));
      for (const x of st.notices) {
        lines.push(t("summary:status.notice_line", { id: x.noticeId, date: formatDateTime(x.createdAt, zone).slice(0, 10) }));
        buttons.push([{ label: buttonLabel(t("summary:status.buttons.acknowledge", { id: x.noticeId })), action: summaryActions.acknowledge.data({ recipientId: x.recipientId }) }]);
      }
    }
    if (st.opinions.length) {
      lines.push("", t("summary:status.opinions", { count: st.opinions.length }));
      for (const x of st.opinions) {
        lines.push(t("summary:status.opinion_line", { id: x.requestId, title: x.title, deadline: formatDateTime(x.deadline, zone) }));
        buttons.push([{ label: buttonLabel(t("summary:status.buttons.opinion", { id: x.requestId })), action: summaryActions.opinion.data({ recipientId: x.recipientId }) }]);
      }
    }
    if (lines.length === 1) lines.push("", t("summary:status.nothing"));
    let text = lines.join("\n");
    if (text.length > limitOf(turn)) text = `${text.slice(0, limitOf(turn) - 1)}…`;
    return { text, buttons: buttons.slice(0, 20) };
  };

  return {
    /** /summary [committee code] [2026-Q3]: the summary of one's committee (or one below it), this quarter or the one named. */
    async command(turn: Turn, args: string): Promise<void> {
      try {
        const words = args.split(/\s+/).filter(Boolean);
        const period = words.find(isPeriodCode);
        const code = words.find((w) => !isPeriodCode(w));
        const c = await core.summary.committee(turn.actor, code);
        const [year, quarter] = period ? period.toUpperCase().split("-Q").map(Number) : [0, 0];
        await turn.say(await summaryMessage(turn, { committeeId: c.id, year: year!, quarter: quarter! }));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** The summary again (the back button, or a committee below chosen from the roll-up). */
    async open(turn: Turn, at: SummaryPlace): Promise<void> {
      try {
        const message = await summaryMessage(turn, at);
        await turn.acknowledge();
        await turn.say(message);
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** One part in detail. */
    async part(turn: Turn, { part, ...at }: SummaryPlace & { part: SummaryPart }): Promise<void> {
      try {
        const s = await core.summary.of(turn.actor, at.committeeId, periodCode(at), namesOf(part));
        await turn.acknowledge();
        await turn.say(partView(turn.t, turn.locale, s, part, at, limitOf(turn)));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** The progress chart by organization, as a picture. */
    async chart(turn: Turn, at: SummaryPlace): Promise<void> {
      try {
        const s = await core.summary.of(turn.actor, at.committeeId, periodCode(at));
        await turn.acknowledge();
        const { png } = renderStackedBars(progressChart(turn.t, turn.locale, s));
        await turn.say({
          text: turn.t("summary:chart.caption", { committee: s.committeeName, period: periodOf(turn.t, turn.locale, s) }),
          file: { kind: "bytes", name: `tien-do-${s.committeeCode}-${s.periodCode}.png`.toLowerCase(), content: png, mimeType: "image/png", photo: true },
        });
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** /status: what the person still owes; members and leaders alike. */
    async status(turn: Turn): Promise<void> {
      try {
        await turn.say(await statusMessage(turn));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A notice acknowledged from /status: recorded, and the list shown again in place, without it. */
    async acknowledge(turn: Turn, { recipientId }: { recipientId: number }): Promise<void> {
      try {
        const { changed } = await core.notices.acknowledge(turn.actor, recipientId);
        await turn.acknowledge(turn.t(changed ? "notices:ack.recorded" : "notices:ack.already"));
        const again = await statusMessage(turn);
        if (turn.originId) await turn.replace(turn.originId, again);
        else await turn.say(again);
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A meeting's invitation card from /status, with its answer buttons. */
    async invitation(turn: Turn, { invitationId }: { invitationId: number }): Promise<void> {
      const card = await core.meetings.card(invitationId);
      if (!card || card.personId !== turn.actor.personId) return void (await turn.acknowledge(turn.t("common:stale_button")));
      await turn.acknowledge();
      await turn.say(invitationCardView(turn.t, card, core.ctx.clock()));
    },

    /** A request for opinions' card from /status, with its answer buttons. */
    async opinion(turn: Turn, { recipientId }: { recipientId: number }): Promise<void> {
      const card = await core.opinions.card(recipientId);
      if (!card || card.personId !== turn.actor.personId) return void (await turn.acknowledge(turn.t("common:stale_button")));
      await turn.acknowledge();
      await turn.say(opinionCardView(turn.t, card));
    },
  };
}

export type SummaryFlow = ReturnType<typeof summaryFlow>;

/** The summary's and /status's buttons, bound to the flow. */
export function summaryRoutes(flow: SummaryFlow): Route[] {
  return [
    route(summaryActions.open, flow.open),
    route(summaryActions.part, flow.part),
    route(summaryActions.chart, flow.chart),
    route(summaryActions.invitation, flow.invitation),
    route(summaryActions.opinion, flow.opinion),
    route(summaryActions.acknowledge, flow.acknowledge),
  ];
}
