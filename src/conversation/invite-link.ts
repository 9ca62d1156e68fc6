import type { FlowDeps } from "./flows.js";

/**
 * What a person opens or sends to link their account with an invite code: the app's link when one is
 * offered (Telegram's t.me deep link), else "/start <code>", which works on every app.
 */
export async function inviteLinkOf(deps: Pick<FlowDeps, "inviteLink">, code: string): Promise<string> {
  return (await deps.inviteLink?.(code)) ?? `/start ${code}`;
}
