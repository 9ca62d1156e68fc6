import { MAX_ATTACHMENT_BYTES } from "../../core/attachments.js";
import type { Core } from "../../core/index.js";
import { periodLabel } from "../../documents/report-terms.js";
import { quarterBundleBytes } from "../../documents/quarter-bundle.js";
import { defineAction, int } from "../actions.js";
import { route, type Route } from "../router.js";
import type { Turn } from "../turn.js";

/** The summary's "quarter's files" button: a period is its year and quarter (year 0: the current one), as in the summary's own buttons. */
export const exportActions = {
  bundle: defineAction("su:z", { committeeId: int, year: int, quarter: int }),
};

/** A word of /export that names a quarter ("2026-Q4", or a malformed try such as "2026-Q5") rather than a committee. */
const looksLikeQuarter = (word: string): boolean => /^\d{4}-/.test(word) || /^q\d/i.test(word);

/**
 * The quarter's files in one ZIP for leaders and the secretariat: /export [committee code] [2026-Q4], or the
 * button under /summary. Core decides who may have which committee's quarter and refuses a malformed quarter;
 * the bundle is made here, one file at a time, and sent as a document (on Zalo: a signed link, where the
 * installation has a public address). A bundle too large for the file store is refused with the CLI's name.
 */
export function exportFlow(deps: { core: Core }) {
  const { core } = deps;

  const send = async (turn: Turn, committee: string | { id: number } | undefined, quarter: string | undefined) => {
    const exp = await core.summary.quarterExport(turn.actor, committee, quarter);
    const b = { exp, t: turn.t, locale: turn.locale, now: core.ctx.clock() };
    const { name, bytes, entries } = await quarterBundleBytes(b);
    const period = periodLabel(turn.t, { code: exp.scope.quarter.code, kind: "quarter", name: exp.scope.quarter.code }, turn.locale);
    if (bytes.byteLength > MAX_ATTACHMENT_BYTES) {
      const mb = (n: number) => Math.ceil(n / 1024 / 1024);
      return turn.say({ text: turn.t("export:errors.too_large", { size: mb(bytes.byteLength), max: mb(MAX_ATTACHMENT_BYTES) }) });
    }
    const contents = `${"0".repeat(Math.max(2, String(entries.length).length))}-${turn.t("export:files.contents")}`;
    await turn.say({
      text: turn.t("export:caption", { period, committee: exp.scope.committee.name, count: entries.length + 1, contents }),
      file: { kind: "bytes", name, content: bytes, mimeType: "application/zip" },
    });
  };

  return {
    /** /export [committee code] [2026-Q4]. */
    async command(turn: Turn, args: string): Promise<void> {
      const words = args.split(/\s+/).filter(Boolean);
      if (words.length > 2) return turn.say({ text: turn.t("export:usage") });
      const quarter = words.find(looksLikeQuarter);
      const code = words.find((w) => !looksLikeQuarter(w));
      try {
        await send(turn, code, quarter);
      } catch (e) {
        await turn.refuse(e);
      }
    },

    /** The button under a summary: that committee's quarter. */
    async bundle(turn: Turn, at: { committeeId: number; year: number; quarter: number }): Promise<void> {
      try {
        await turn.acknowledge();
        await send(turn, { id: at.committeeId }, at.year > 0 ? `${at.year}-Q${at.quarter}` : undefined);
      } catch (e) {
        await turn.refuse(e);
      }
    },
  };
}

export type ExportFlow = ReturnType<typeof exportFlow>;

/** The export button, bound to the flow. */
export function exportRoutes(flow: ExportFlow): Route[] {
  return [route(exportActions.bundle, flow.bundle)];
}
