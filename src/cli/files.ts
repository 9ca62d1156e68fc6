import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { CliMessages } from "./messages.js";
import { CliFailure, type CliContext } from "./session.js";

/** A short reason for a file error: the CLI's words for the common codes, else the error's own message. */
export const fileReason = (e: unknown, m: CliMessages): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && m.fileErrors[code]) || (e instanceof Error ? e.message : String(e));
};

/**
 * Reads a text file as UTF-8 (a leading byte-order mark dropped), refusing other encodings, which would
 * garble Vietnamese letters: `notUtf8` is the refusal for that case.
 */
export function readUtf8(file: string, ctx: CliContext, notUtf8: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliFailure(ctx.m.membersImport.cannotRead(file, fileReason(e, ctx.m)));
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CliFailure(notUtf8);
  }
}

/**
 * Writes a file only its owner can read (mode 0600): invite links, progress reports and backups name people
 * and carry credentials. An existing file is overwritten and its mode narrowed too.
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  writeFileSync(file, data, { mode: 0o600 });
  chmodSync(file, 0o600);
}
