import type { Api } from "grammy";
import { DomainError } from "../../core/errors.js";
import { download } from "../../net/http-get.js";
import { redact } from "../../logger.js";
import { apiRootOf, type TelegramDeps } from "./deps.js";

/** Time allowed to download one file from Telegram (20 MB at the slowest links we expect). */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Downloads a file a person sent (getFile, then the file URL under the API root), refusing more than
 * `maxBytes`. Failures are logged without the token and answered as "send it again".
 */
export async function downloadFile(deps: TelegramDeps, api: Api, fileId: string, maxBytes: number): Promise<Uint8Array> {
  const failed = (reason: string): never => {
    deps.logger.warn({ reason: redact(reason, [deps.token]) }, "file download from Telegram failed");
    throw new DomainError("roster:import.download_failed");
  };
  let path: string | undefined;
  try {
    path = (await api.getFile(fileId)).file_path;
  } catch (e) {
    failed(`getFile: ${(e as Error).message}`);
  }
  if (!path) return failed("getFile gave no file_path");
  try {
    return await download(`${apiRootOf(deps)}/file/bot${deps.token}/${path}`, { maxBytes, timeoutMs: DOWNLOAD_TIMEOUT_MS });
  } catch (e) {
    return failed((e as Error).message);
  }
}
