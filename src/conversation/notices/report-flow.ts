import type { Core } from "../../core/index.js";
import { noticeReportXlsx } from "../../documents/notice-report-xlsx.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { noticeActions } from "./actions.js";
import { noticeReportView, recentNoticesView } from "./views.js";

/**
 * The secretariat follows its notices, on any app: /notices lists the recent ones with their counts;
 * /notices N shows one's delivery report (who got it, who acknowledged it) with Refresh, Export (a
 * spreadsheet) and Stop (what is not yet sent stays unsent; the notice is withdrawn). Core checks the
 * person's right first, for every one of these.
 */
export function noticeReportFlow(deps: { core: Core }) {
  const { core } = deps;
  return {
    /** /notices: the recent notices; /notices N (or #N): that notice's report. */
    async list(turn: Turn, args: string): Promise<void> {
      try {
        const id = Number(args.replace(/^#/, ""));
        if (args && Number.isSafeInteger(id) && id > 0) return await turn.say(noticeReportView(turn.t, await core.notices.report(turn.actor, id)));
        await turn.say(recentNoticesView(turn.t, await core.notices.recent(turn.actor)));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** A button under a report: refresh it, export it as a spreadsheet, or stop the broadcast and show the report anew. */
    async report(turn: Turn, { op, noticeId }: { op: "refresh" | "stop" | "export"; noticeId: number }): Promise<void> {
      try {
        if (op === "export") {
          const report = await core.notices.report(turn.actor, noticeId);
          await turn.acknowledge();
          await turn.say({ text: "", file: { kind: "bytes", name: `thong-bao-${noticeId}.xlsx`, content: await noticeReportXlsx(turn.t, report) } });
          return;
        }
        const stopped = op === "stop" ? (await core.notices.cancel(turn.actor, noticeId)).stopped : undefined;
        const view = noticeReportView(turn.t, await core.notices.report(turn.actor, noticeId));
        if (stopped === undefined) await turn.acknowledge();
        else await turn.acknowledge(turn.t("notices:report.stopped", { count: stopped }), { alert: true });
        if (turn.originId) await turn.replace(turn.originId, view);
        else await turn.say(view);
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type NoticeReportFlow = ReturnType<typeof noticeReportFlow>;

/** The buttons under a delivery report, bound to the flow. */
export function noticeReportRoutes(flow: NoticeReportFlow): Route[] {
  return [route(noticeActions.report, flow.report)];
}
