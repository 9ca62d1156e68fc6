import type { Api } from "grammy";
import type { Document, PhotoSize } from "grammy/types";
import { MAX_ATTACHMENT_BYTES, type IncomingFile } from "../../core/attachments.js";
import { DomainError } from "../../core/errors.js";
import { download } from "../../net/http-get.js";
import { redact } from "../../logger.js";
import type { BotContext } from "./context.js";
import { apiRootOf, type TelegramDeps } from "./deps.js";

/** A document a person sent, as core's IncomingFile; `fallbackName` when Telegram gives none. */
export const documentFile = (doc: Document, fallbackName: string): IncomingFile => ({
  channel: "telegram",
  fileId: doc.file_id,
  fileName: doc.file_name ?? fallbackName,
  mimeType: doc.mime_type ?? null,
  fileSize: doc.file_size ?? null,
});

/** The largest size of a photo a person sent, as an IncomingFile named `name`. */
export const photoFile = (sizes: PhotoSize[], name: (largest: PhotoSize) => string): IncomingFile => {
  const largest = sizes[sizes.length - 1]!;
  return { channel: "telegram", fileId: largest.file_id, fileName: name(largest), mimeType: "image/jpeg", fileSize: largest.file_size ?? null };
};

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

/**
 * Keeps a file a person sent: core's attachment rules first (nothing is downloaded for a refused file),
 * then the bytes are downloaded and stored once by core, with the Telegram file_id as Telegram's
 * reference. Completes `file` with `storedFileId`. Throws a DomainError to answer the person with.
 */
export async function storeReceivedFile(deps: TelegramDeps, ctx: BotContext, file: IncomingFile): Promise<void> {
  deps.core.meetings.checkAttachment(file);
  const bytes = await downloadFile(deps, ctx.api, file.fileId, MAX_ATTACHMENT_BYTES);
  file.storedFileId = await deps.core.files.receive(file, bytes);
}
