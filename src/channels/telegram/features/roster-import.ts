import { Composer, InputFile } from "grammy";
import { DomainError } from "../../../core/errors.js";
import { seatsWith } from "../../../core/permissions.js";
import { looksLikeTaskCsv } from "../../../core/reports/task-csv.js";
import type { RowError } from "../../../core/roster/roster-csv.js";
import { spreadsheetCsv } from "../../../documents/spreadsheet-csv.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { BotContext } from "../context.js";
import { downloadFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import { withDomainErrors } from "../reply-error.js";
import { replyInParts } from "../text.js";
import { inviteLink } from "../settings.js";

const MAX_CSV_BYTES = 1024 * 1024;
const MAX_ERRORS_SHOWN = 30;

/**
 * The secretariat sends the roster CSV to the bot in a private chat. The file is imported into the
 * committee they keep (or the one whose code is in the caption, when they keep several); the answer
 * says what changed, lists bad rows by line, and attaches the invite links of the people just added.
 */
export function rosterImportFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const importTasks = async (ctx: BotContext, committeeId: number, committeeName: string, text: string) => {
    const report = await deps.core.tasks.importCsv(ctx.actor!, committeeId, text);
    const summary = ctx.t("reports:tasks.import_summary", { committee: committeeName, created: report.created, updated: report.updated, unchanged: report.unchanged, errors: report.errors.length });
    await replyWithErrors(ctx, [summary], report.errors);
  };
  composer.chatType("private").on("message:document", (ctx) =>
    withDomainErrors(ctx, async () => {
      const seats = [...seatsWith(ctx.actor!, "roster.manage"), ...seatsWith(ctx.actor!, "report.manage")].filter((s, i, all) => all.findIndex((x) => x.membershipId === s.membershipId) === i);
      if (seats.length === 0) throw new DomainError("errors:forbidden");
      const doc = ctx.message.document;
      const name = doc.file_name ?? "";
      if (!/\.csv$/i.test(name) && doc.mime_type !== "text/csv") throw new DomainError("roster:import.not_csv");
      if ((doc.file_size ?? 0) > MAX_CSV_BYTES) throw new DomainError("roster:import.too_large", { maxKb: MAX_CSV_BYTES / 1024 });
      const caption = ctx.message.caption?.trim() ?? "";
      const seat = seats.length === 1 ? seats[0] : seats.find((s) => s.committeeCode.toLowerCase() === caption.toLowerCase());
      if (!seat) throw new DomainError("roster:import.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") });

      const bytes = await downloadFile(deps, ctx.api, doc.file_id, MAX_CSV_BYTES);
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw new DomainError("roster:import.not_utf8");
      }
      if (looksLikeTaskCsv(text)) return importTasks(ctx, seat.committeeId, seat.committeeName, text);
      const report = await deps.core.roster.importCsv(ctx.actor!, seat.committeeId, text);
      const lines = [
        ctx.t("roster:import.summary", {
          committee: seat.committeeName,
          created: report.created,
          updated: report.updated + report.reactivated,
          unchanged: report.unchanged,
          errors: report.errors.length,
        }),
      ];
      await replyWithErrors(ctx, lines, report.errors);

      if (report.invites.length) {
        const rows = report.invites.map((i) => [i.fullName, i.organization ?? "", inviteLink(ctx.me.username, i.code), formatDateTime(i.expiresAt, seat.timeZone)]);
        const csv = spreadsheetCsv([[ctx.t("roster:invites_file.name"), ctx.t("roster:invites_file.organization"), ctx.t("roster:invites_file.link"), ctx.t("roster:invites_file.expires")], ...rows]);
        await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), `invites-${seat.committeeCode}.csv`), {
          caption: ctx.t("roster:invites_file.caption", { count: report.invites.length }),
        });
      }
      deps.nudgeDelivery?.();
    }),
  );
  return composer;
}

/** The import's summary, then each bad row by its line number and reason. */
async function replyWithErrors(ctx: BotContext, lines: string[], errors: RowError[]): Promise<void> {
  if (errors.length) {
    lines.push("", ctx.t("roster:import.errors_header"));
    for (const e of errors.slice(0, MAX_ERRORS_SHOWN)) lines.push(ctx.t("roster:import.error_line", { line: e.line, reason: ctx.t(e.code, e.params) }));
    if (errors.length > MAX_ERRORS_SHOWN) lines.push(ctx.t("roster:import.more_errors", { count: errors.length - MAX_ERRORS_SHOWN }));
    lines.push("", ctx.t("roster:import.fix_and_resend"));
  }
  await replyInParts(ctx, lines.join("\n"));
}
