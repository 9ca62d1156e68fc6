import type { TFunction } from "../i18n/index.js";
import type { FlowDeps } from "./flows.js";

/**
 * What a person opens or sends to link their account with an invite code: the app's link when one is
 * offered (Telegram's t.me deep link), else "/start <code>", which works on every app.
 */
export async function inviteLinkOf(deps: Pick<FlowDeps, "inviteLink">, code: string): Promise<string> {
  return (await deps.inviteLink?.(code)) ?? `/start ${code}`;
}

/** "On Zalo: open <link> and send the assistant the code <CODE>", for a link already looked up. */
export function zaloInvite(t: TFunction, link: string, code: string): string {
  return t("zalo:invite", { link, code });
}

/**
 * How to link on Zalo with an invite code ("On Zalo: open <link> and send the assistant the code <CODE>"),
 * naming the bot of the invite's committee (its own, else the installation's); undefined when there is no link.
 */
export async function zaloInviteOf(deps: Pick<FlowDeps, "zaloBotLink">, t: TFunction, invite: { code: string; committeeId: number }): Promise<string | undefined> {
  const link = await deps.zaloBotLink?.(invite.committeeId);
  return link ? zaloInvite(t, link, invite.code) : undefined;
}

/** An invite's text (the link's message), followed by how to link on Zalo when its committee's bot has a link. */
export async function withZaloInvite(deps: Pick<FlowDeps, "zaloBotLink">, t: TFunction, invite: { code: string; committeeId: number }, text: string): Promise<string> {
  const zalo = await zaloInviteOf(deps, t, invite);
  return zalo ? `${text}\n${zalo}` : text;
}
