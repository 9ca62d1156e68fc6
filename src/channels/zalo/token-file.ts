import { readFile, stat } from "node:fs/promises";

/** A Zalo bot token's documented shape, `12345689:abc-xyz` (the same rule as ZALO_BOT_TOKEN). */
export const ZALO_TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

/** Why a token file was refused. None of them carries the token. */
export type TokenFileProblem = "unreadable" | "loose" | "shape";

/** A token file that cannot be used: `problem` says why, `reason` the system's words when it could not be read. */
export class TokenFileError extends Error {
  override name = "TokenFileError";
  constructor(
    readonly problem: TokenFileProblem,
    readonly path: string,
    readonly reason = "",
  ) {
    super(`Zalo token file ${path}: ${problem}${reason ? ` (${reason})` : ""}`);
  }
}

/**
 * Reads a Zalo bot token from its file, as ssh reads a private key: a file that its group or others may read
 * (or write) is refused — its owner is told to `chmod 600` it — and so is content that is not one token of the
 * documented shape (surrounding blank space and a final newline are allowed). Where the system has no POSIX
 * modes (Windows), the mode is not checked.
 */
export async function readZaloTokenFile(path: string): Promise<string> {
  let mode: number;
  let text: string;
  try {
    mode = (await stat(path)).mode;
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new TokenFileError("unreadable", path, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) throw new TokenFileError("loose", path);
  const token = text.trim();
  if (!ZALO_TOKEN_SHAPE.test(token)) throw new TokenFileError("shape", path);
  return token;
}
