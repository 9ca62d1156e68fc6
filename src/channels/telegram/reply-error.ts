import { DomainError } from "../../core/errors.js";
import { clipParams } from "../../conversation/echo.js";
import { tell } from "./answer.js";
import type { BotContext } from "./context.js";

/** A core refusal in the person's language; what it repeats of their input (a code, a value) is clipped. */
export const refusalText = (ctx: BotContext, e: DomainError): string => ctx.t(e.code, clipParams(e.params));

/**
 * Answers a core refusal in the person's language — as the alert of their button press while it is open,
 * else as a message; rethrows anything else for the error boundary.
 */
export async function replyDomainError(ctx: BotContext, e: unknown): Promise<void> {
  if (!(e instanceof DomainError)) throw e;
  await tell(ctx, refusalText(ctx, e), { alert: true });
}
