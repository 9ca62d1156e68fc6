import type { CallbackQueryContext, Composer, NextFunction } from "grammy";
import type { Action } from "../../../conversation/actions.js";
import { answerCallback } from "../answer.js";
import type { BotContext } from "../context.js";

/**
 * Handles the presses of one declared action: its pattern picks the button, its parse gives the handler
 * typed values. Data that matches but does not parse (an id too large, say) gets the polite stale-button
 * answer and changes nothing. A handler that does not want the press passes it on with `next()`.
 */
export function onAction<C extends BotContext, V>(
  composer: Composer<C>,
  action: Action<V>,
  handler: (ctx: CallbackQueryContext<C>, values: V, next: NextFunction) => unknown,
): void {
  composer.callbackQuery(action.pattern, async (ctx, next) => {
    const values = action.parse(ctx.callbackQuery.data);
    if (values === undefined) return answerCallback(ctx, ctx.t("common:stale_button"));
    await handler(ctx, values, next);
  });
}
