import type { Document, PhotoSize } from "grammy/types";
import type { IncomingFile } from "../../core/attachments.js";

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
