import { Composer } from "grammy";
import { MAX_ATTACHMENT_BYTES, type IncomingFile } from "../../../core/attachments.js";
import type { BotContext } from "../context.js";
import { documentFile, downloadFile, photoFile } from "../files.js";
import type { TelegramDeps } from "../deps.js";
import { withDomainErrors } from "../reply-error.js";
import { reportActions } from "../../../conversation/reports/actions.js";
import { reportFlow, reportRoutes } from "../../../conversation/reports/report-flow.js";
import { onAction } from "./on-action.js";
import { installRoutes, telegramTurn } from "../turn.js";

/**
 * Progress reporting for members on Telegram. The conversation (/report, a task's card, the six-step
 * report, its preview and submission, "no change since last period") is the report flow, written once for
 * every app (src/conversation/reports/report-flow.ts); this feature receives Telegram's updates for it:
 * the command, the presses, typed answers, and files (downloaded from Telegram once the flow allows them).
 */
export function reportsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");
  const flow = reportFlow({ core: deps.core, nudgeDelivery: deps.nudgeDelivery });

  chats.command("report", (ctx) => flow.list(telegramTurn(ctx, deps.logger), ctx.match));
  installRoutes(chats, reportRoutes(flow), deps.logger);

  /** The files reported with a task, sent again by Telegram's reference (photos, named anh-… when received, as photos). */
  onAction(chats, reportActions.files, (ctx, { taskId }) =>
    withDomainErrors(ctx, async () => {
      const files = await flow.reportedFiles(telegramTurn(ctx, deps.logger), taskId);
      await ctx.answerCallbackQuery();
      for (const a of files) {
        if (a.mimeType === "image/jpeg" && a.fileName.startsWith("anh-")) await ctx.replyWithPhoto(a.fileId, { caption: a.caption });
        else await ctx.replyWithDocument(a.fileId, { caption: a.caption });
      }
    }),
  );

  const fileOf = (ctx: BotContext): IncomingFile | null => {
    if (ctx.message?.document) return documentFile(ctx.message.document, "tai-lieu");
    if (ctx.message?.photo?.length) return photoFile(ctx.message.photo, (p) => `anh-${p.file_unique_id}.jpg`);
    return null;
  };

  /** Typed answers and files for the open report dialog; anything else passes on. */
  chats.on(["message:text", "message:document", "message:photo"], async (ctx, next) => {
    if (ctx.message.text?.startsWith("/")) return next();
    const turn = telegramTurn(ctx, deps.logger);
    const file = fileOf(ctx);
    const taken = file
      ? await flow.file(turn, { file, download: () => downloadFile(deps, ctx.api, file.fileId, MAX_ATTACHMENT_BYTES) })
      : ctx.message.text !== undefined && (await flow.typed(turn, ctx.message.text));
    if (!taken) return next();
  });

  return composer;
}
