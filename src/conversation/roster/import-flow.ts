import { decodeCsv, importTarget, MAX_CSV_BYTES } from "../../core/csv-import.js";
import { looksLikeTaskCsv } from "../../core/reports/task-csv.js";
import { spreadsheetCsv } from "../../documents/spreadsheet-csv.js";
import { formatDateTime } from "../../i18n/format.js";
import type { FlowDeps } from "../flows.js";
import type { Incoming } from "../incoming.js";
import { inviteLinkOf, zaloInvite } from "../invite-link.js";
import type { Turn } from "../turn.js";
import { importResultView, invitesHeader } from "./views.js";

/**
 * A CSV sent to the bot outside any dialog, on any app: the secretariat's roster (or, told apart by its
 * code and title columns, the task registry), imported into the committee they keep (or the one whose
 * code is in the caption, when they keep several). The answer says what changed and lists bad rows by
 * line; the invite links of the people just added come back as a CSV file. Which files are taken and
 * where they go are core's rules (core/csv-import.ts); nothing is downloaded for a refused file.
 */
export function rosterImportFlow(deps: Pick<FlowDeps, "core" | "nudgeDelivery" | "inviteLink" | "zaloBotLink">) {
  const { core } = deps;

  const importTasks = async (turn: Turn, committeeId: number, committeeName: string, text: string) => {
    const report = await core.tasks.importCsv(turn.actor, committeeId, text);
    const summary = turn.t("reports:tasks.import_summary", { committee: committeeName, created: report.created, updated: report.updated, unchanged: report.unchanged, errors: report.errors.length });
    await turn.say({ text: importResultView(turn.t, summary, report.errors) });
  };

  return {
    /**
     * A document sent while no dialog is open: the import. False for anything else (a typed line, a photo,
     * a file some open dialog may want), so it goes on to whoever else may take it.
     */
    async input(turn: Turn, input: Incoming): Promise<boolean> {
      const received = input.file;
      if (received?.kind !== "document") return false;
      if (await core.dialogs.get(turn.actor.personId, turn.channel)) return false;
      try {
        const seat = importTarget(turn.actor, received.file, input.text);
        const text = decodeCsv(await received.download(MAX_CSV_BYTES));
        if (looksLikeTaskCsv(text)) {
          await importTasks(turn, seat.committeeId, seat.committeeName, text);
          return true;
        }
        const report = await core.roster.importCsv(turn.actor, seat.committeeId, text);
        const summary = turn.t("roster:import.summary", {
          committee: seat.committeeName,
          created: report.created,
          updated: report.updated + report.reactivated,
          unchanged: report.unchanged,
          errors: report.errors.length,
        });
        await turn.say({ text: importResultView(turn.t, summary, report.errors) });
        if (report.invites.length) {
          // Every invite of an import is the seat's committee's: one link (its own bot's, else the installation's).
          const zaloLink = await deps.zaloBotLink?.(seat.committeeId);
          const zalo = zaloLink !== undefined;
          const rows = await Promise.all(
            report.invites.map(async (i) => [i.fullName, i.organization ?? "", await inviteLinkOf(deps, i.code), ...(zalo ? [zaloInvite(turn.t, zaloLink, i.code)] : []), formatDateTime(i.expiresAt, seat.timeZone)]),
          );
          await turn.say({
            text: turn.t("roster:invites_file.caption", { count: report.invites.length }),
            file: { kind: "bytes", name: `invites-${seat.committeeCode}.csv`, content: Buffer.from(spreadsheetCsv([invitesHeader(turn.t, zalo), ...rows]), "utf8"), mimeType: "text/csv" },
          });
        }
        deps.nudgeDelivery?.();
      } catch (e) {
        await turn.refuse(e);
      }
      return true;
    },
  };
}
