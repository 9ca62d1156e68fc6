import { Composer } from "grammy";
import { DomainError } from "../../../core/errors.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { BotContext } from "../context.js";
import { documentFile, storeReceivedFile } from "../files.js";
import { inviteLink } from "./members.js";
import type { TelegramDeps } from "../deps.js";
import { meetingActions } from "../../../conversation/meetings/actions.js";
import { onAction } from "./on-action.js";
import { dialogCancelFlow, dialogCancelRoutes } from "../../../conversation/cancel-flow.js";
import { meetingAnswerFlow, meetingAnswerRoutes } from "../../../conversation/meetings/answer-flow.js";
import { meetingProxyFlow, meetingProxyRoutes } from "../../../conversation/meetings/proxy-flow.js";
import { installRoutes, telegramTurn } from "../turn.js";
import { replyDomainError } from "../reply-error.js";

/**
 * A member answers a meeting invitation from its card: Attend (at once), Absent (with a reason, for the
 * chair's consent) or Send a proxy (delegate's details and a written opinion, for the chair's approval).
 * Every press is re-checked by core; a stale, foreign or forged button changes nothing.
 */
export function meetingsFeature(deps: TelegramDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chats = composer.chatType("private");

  const refusal = async (ctx: BotContext, e: unknown, data: string) => {
    if (e instanceof DomainError && e.code === "meetings:errors.not_invited") {
      deps.logger.warn({ userId: ctx.from?.id, data }, "a meeting button for someone else's invitation was pressed (forged or forwarded)");
    }
    await replyDomainError(ctx, e);
  };

  // Attend, Absent and a quick reason, and Send a proxy (step by step, with Skip, Confirm and Cancel):
  // flows written once for every app.
  const flowDeps = { core: deps.core, nudgeDelivery: deps.nudgeDelivery };
  const answers = meetingAnswerFlow(flowDeps);
  const proxies = meetingProxyFlow(flowDeps);
  const cancel = dialogCancelFlow(flowDeps);
  installRoutes(chats, [...meetingAnswerRoutes(answers), ...meetingProxyRoutes(proxies), ...dialogCancelRoutes(cancel)], deps.logger);

  // The member takes the delegate's invite link to forward it; it is shown once and stored only hashed.
  onAction(chats, meetingActions.delegateLink, async (ctx, { proxyId }) => {
    try {
      const invite = await deps.core.meetings.delegateInvite(ctx.actor!, proxyId);
      await ctx.answerCallbackQuery();
      await ctx.reply(
        ctx.t("meetings:guest.link", { name: invite.fullName, link: inviteLink(ctx.me.username, invite.code), expiresAt: formatDateTime(invite.expiresAt, ctx.timeZone) }),
        { parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      );
    } catch (e) {
      await refusal(ctx, e, ctx.callbackQuery.data);
    }
  });

  // A document for the proxy's written opinion, at the step that asks for it: Telegram downloads it and
  // core keeps it before the flow takes it; any other document goes on to the other features.
  chats.on("message:document", async (ctx, next) => {
    const took = await proxies.file(telegramTurn(ctx, deps.logger), async () => {
      const file = documentFile(ctx.message.document, "y-kien");
      await storeReceivedFile(deps, ctx, file);
      return file;
    });
    if (!took) return next();
  });

  chats.command("cancel", (ctx) => cancel.command(telegramTurn(ctx, deps.logger)));

  // Typed answers to the open dialog's question. Commands are left to their own handlers.
  chats.on("message:text", async (ctx, next) => {
    if (ctx.message.text.startsWith("/")) return next();
    const turn = telegramTurn(ctx, deps.logger);
    if ((await answers.typed(turn, ctx.message.text)) || (await proxies.typed(turn, ctx.message.text))) return;
    return next();
  });

  return composer;
}
