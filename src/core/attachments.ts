import type { Executor } from "../db/database.js";
import type { AttachmentRow, AttachmentsTable, ChannelName } from "../db/schema.js";

export type AttachmentOwner = AttachmentsTable["owner_type"];
import { fileExists, storeFile } from "../media/files.js";
import { iso } from "./clock.js";
import type { CoreContext } from "./context.js";
import { DomainError } from "./errors.js";

/** A file a person sent in chat: the platform's reference and, once the channel has downloaded it, the stored bytes. */
export interface IncomingFile {
  channel: ChannelName;
  /** The platform's reference the file was received with (Telegram's file_id). */
  fileId: string;
  fileName: string;
  mimeType?: string | null;
  fileSize?: number | null;
  /** The stored bytes (`receiveFile`); absent when only the platform's reference is known. */
  storedFileId?: number | null;
}

export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const ALLOWED = /\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|txt|jpe?g|png|zip|rar)$/i;

/** Documents, spreadsheets, slides, PDFs and pictures up to 20 MB are accepted; anything else is refused with the reason. */
export function checkAttachment(file: IncomingFile): void {
  if (!ALLOWED.test(file.fileName)) throw new DomainError("meetings:errors.file_type", { name: file.fileName });
  if ((file.fileSize ?? 0) > MAX_ATTACHMENT_BYTES) throw new DomainError("meetings:errors.file_too_large", { name: file.fileName, maxMb: MAX_ATTACHMENT_BYTES / 1024 / 1024 });
}

/**
 * Keeps the bytes of a file a person sent (downloaded by their app), once: the attachment rules apply to
 * the bytes actually received, and the app's reference is cached with them. Returns the stored file's id,
 * to be set as the file's `storedFileId`.
 */
export async function receiveFile(ctx: CoreContext, file: IncomingFile, bytes: Uint8Array): Promise<number> {
  checkAttachment({ ...file, fileSize: bytes.byteLength });
  return storeFile(ctx.db, ctx.clock(), { bytes, name: file.fileName, mimeType: file.mimeType ?? null, ref: { channel: file.channel, ref: file.fileId } });
}

export async function saveAttachments(
  db: Executor,
  now: Date,
  owner: { type: AttachmentOwner; id: number },
  files: IncomingFile[],
  personId: number | null,
): Promise<number[]> {
  const ids: number[] = [];
  for (const f of files) {
    checkAttachment(f);
    // A file kept for a conversation left open longer than the cleanup waits is gone: the attachment then
    // keeps only the app's reference, like one made before files were stored.
    const stored = f.storedFileId != null && (await fileExists(db, f.storedFileId)) ? f.storedFileId : null;
    const row = await db
      .insertInto("attachments")
      .values({
        owner_type: owner.type,
        owner_id: owner.id,
        channel: f.channel,
        file_id: f.fileId,
        file_name: f.fileName,
        mime_type: f.mimeType ?? null,
        file_size: f.fileSize ?? null,
        created_by_person_id: personId,
        created_at: iso(now),
        stored_file_id: stored,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

export async function attachmentsOf(db: Executor, owner: { type: AttachmentOwner; id: number }): Promise<AttachmentRow[]> {
  return db.selectFrom("attachments").selectAll().where("owner_type", "=", owner.type).where("owner_id", "=", owner.id).orderBy("id").execute();
}

export async function attachmentById(db: Executor, id: number): Promise<AttachmentRow | undefined> {
  return db.selectFrom("attachments").selectAll().where("id", "=", id).executeTakeFirst();
}
