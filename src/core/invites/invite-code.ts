import { createHash, randomBytes } from "node:crypto";

/** 24 random bytes = 192 bits, written as 32 characters of [A-Za-z0-9_-]: fits Telegram's 64-character /start payload. */
export function newInviteCode(): string {
  return randomBytes(24).toString("base64url");
}

/** Only this hash is stored; the code itself exists in the invite link and nowhere else. */
export function hashInviteCode(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}

export const INVITE_CODE_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;
