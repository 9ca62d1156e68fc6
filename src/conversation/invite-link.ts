import type { TFunction } from "../i18n/index.js";
import type { FlowDeps } from "./flows.js";

/**
 * What a person opens or sends to link their account with an invite code: the app's link when one is
 * offered (Telegram's t.me deep link), else "/start <code>", which works on every app.
 */
export async function inviteLinkOf(deps: Pick<FlowDeps, "inviteLink">, code: string): Promise<string> {
  return (await deps.inviteLink?.(code)) ?? `/start ${code}`;
}

/**
 * How to link on Zalo with an invite code ("On Zalo: open <link> and send the assistant the code <CODE>"),
 * when the Zalo bot's share link is configured; undefined otherwise.
 */
export function zaloInviteOf(deps: Pick<FlowDeps, "zaloBotLink">, t: TFunction, code: string): string | undefined {
  return deps.zaloBotLink ? t("zalo:invite", { link: deps.zaloBotLink, code }) : undefined;
}

/** An invite's text (the link's message), followed by how to link on Zalo when the Zalo bot's link is configured. */
export function withZaloInvite(deps: Pick<FlowDeps, "zaloBotLink">, t: TFunction, code: string, text: string): string {
  const zalo = zaloInviteOf(deps, t, code);
  return zalo ? `${text}\n${zalo}` : text;
}
