import type { Core } from "../../core/index.js";
import { opinionsDocx, opinionsXlsx } from "../../documents/opinions.js";
import { formatDateTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel, type Message } from "../message.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";
import { opinionActions } from "./actions.js";

export interface OpinionSummaryDeps {
  core: Core;
  /** The translations the compiled table is written in: Vietnamese, the language of the committee's records. */
  recordsT: TFunction;
}

/**
 * What the secretariat reads of its consultations, on any app: /opinions lists the recent requests,
 * /opinions N shows who has answered and the count of each position per question, with the compiled
 * table ("bảng tổng hợp ý kiến") as Excel or Word a choice away. Core checks that the reader may see it.
 */
export function opinionSummaryFlow(deps: OpinionSummaryDeps) {
  const { core, recordsT } = deps;

  /** The recent requests, newest first, and how to open one. */
  const list = async (turn: Turn): Promise<Message> => {
    const recent = await core.opinions.recent(turn.actor);
    if (!recent.length) return { text: turn.t("opinions:summary.none") };
    const lines = recent.map((r) => turn.t("opinions:summary.list_line", { id: r.id, title: r.title, deadline: formatDateTime(r.deadline, r.timeZone) }));
    return { text: [turn.t("opinions:summary.list_header"), ...lines, "", turn.t("opinions:summary.hint")].join("\n") };
  };

  /** One request: answered so far, the positions per question, and the compiled table's two formats. */
  const summary = async (turn: Turn, requestId: number): Promise<Message> => {
    const c = await core.opinions.compile(turn.actor, requestId);
    const lines = [
      turn.t("opinions:summary.header", { id: requestId, title: c.title, deadline: formatDateTime(c.deadline, c.timeZone), answered: c.counts.answered, recipients: c.counts.recipients }),
      ...c.questions.map((_, i) => turn.t("opinions:summary.question", { n: i + 1, agree: c.counts.agree[i]!, comments: c.counts.agreeWithComments[i]!, disagree: c.counts.disagree[i]! })),
    ];
    return {
      text: lines.join("\n"),
      buttons: [
        [
          { label: buttonLabel(turn.t("opinions:buttons.xlsx")), action: opinionActions.compiled.data({ format: "xlsx", requestId }) },
          { label: buttonLabel(turn.t("opinions:buttons.docx")), action: opinionActions.compiled.data({ format: "docx", requestId }) },
        ],
      ],
    };
  };

  return {
    /** /opinions: the recent requests; /opinions N (or #N): that request's summary. */
    async command(turn: Turn, args: string): Promise<void> {
      try {
        const id = Number(args.trim().replace(/^#/, ""));
        await turn.say(Number.isSafeInteger(id) && id > 0 ? await summary(turn, id) : await list(turn));
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** The compiled table as a file, made now from the answers that count. */
    async compiled(turn: Turn, { format, requestId }: { format: "xlsx" | "docx"; requestId: number }): Promise<void> {
      try {
        const c = await core.opinions.compile(turn.actor, requestId);
        await turn.acknowledge();
        const content = format === "xlsx" ? await opinionsXlsx(recordsT, c) : await opinionsDocx(recordsT, c);
        await turn.say({ text: "", file: { kind: "bytes", name: `tong-hop-y-kien-${requestId}.${format}`, content } });
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type OpinionSummaryFlow = ReturnType<typeof opinionSummaryFlow>;

/** The compiled table's buttons, bound to the flow. */
export function opinionSummaryRoutes(flow: OpinionSummaryFlow): Route[] {
  return [route(opinionActions.compiled, flow.compiled)];
}
