import { createHash } from "node:crypto";
import type { Executor } from "../db/database.js";
import type { ChannelName } from "../db/schema.js";

/**
 * Files stored once. A file is its bytes, kept in the database with their SHA-256, size and type: the
 * same bytes received twice (or by two people, or on two apps) are one row. Names belong to attachments
 * (the same bytes may be "bien-ban.pdf" in one meeting and "tai-lieu.pdf" in another); a file keeps the
 * name it was first received under only as the default name of a download link.
 *
 * Each app caches its own reference to a file (Telegram's file_id) in `file_refs`, so a file goes up to
 * an app once and is sent by reference afterwards; an app without a reference sends the bytes.
 *
 * Nothing here knows a chat platform or checks what may be stored: core's attachment rules do that.
 */

export interface NewFile {
  bytes: Uint8Array;
  name: string;
  mimeType: string | null;
  /** The app's own reference to these bytes, when they came from an app (Telegram's file_id). */
  ref?: { channel: ChannelName; ref: string } | undefined;
}

export interface StoredFileInfo {
  id: number;
  sha256: string;
  size: number;
  mimeType: string | null;
  name: string;
}

export interface StoredFileContent extends StoredFileInfo {
  bytes: Buffer;
}

const toBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/**
 * Keeps the bytes once and returns the stored file's id: an existing file with the same SHA-256 is
 * reused (and marked as received again, so the cleanup leaves it for another while). The app's
 * reference, when given, becomes that app's cached reference to the file.
 */
export async function storeFile(db: Executor, now: Date, file: NewFile): Promise<number> {
  const bytes = toBuffer(file.bytes);
  const sha256 = sha256Hex(bytes);
  const at = now.toISOString();
  const find = () => db.selectFrom("files").select("id").where("sha256", "=", sha256).executeTakeFirst();
  let id = (await find())?.id;
  if (id === undefined) {
    // Two receipts of the same new bytes at once: the second insert does nothing and finds the first.
    await db
      .insertInto("files")
      .values({ sha256, size: bytes.length, mime_type: file.mimeType, name: file.name, bytes, created_at: at, touched_at: at })
      .onConflict((oc) => oc.column("sha256").doNothing())
      .execute();
    id = (await find())?.id;
    if (id === undefined) throw new Error("stored file vanished right after it was stored");
  } else {
    await db.updateTable("files").set({ touched_at: at }).where("id", "=", id).execute();
  }
  if (file.ref) await rememberRef(db, now, id, file.ref.channel, file.ref.ref);
  return id;
}

/** What is known of a stored file, without its bytes. */
export async function fileInfo(db: Executor, id: number): Promise<StoredFileInfo | undefined> {
  const row = await db.selectFrom("files").select(["id", "sha256", "size", "mime_type", "name"]).where("id", "=", id).executeTakeFirst();
  return row ? { id: row.id, sha256: row.sha256, size: row.size, mimeType: row.mime_type, name: row.name } : undefined;
}

/** A stored file with its bytes. */
export async function fileContent(db: Executor, id: number): Promise<StoredFileContent | undefined> {
  const row = await db.selectFrom("files").select(["id", "sha256", "size", "mime_type", "name", "bytes"]).where("id", "=", id).executeTakeFirst();
  return row ? { id: row.id, sha256: row.sha256, size: row.size, mimeType: row.mime_type, name: row.name, bytes: toBuffer(row.bytes) } : undefined;
}

/** The app's cached reference to a stored file, if it has one. */
export async function fileRef(db: Executor, id: number, channel: ChannelName): Promise<string | undefined> {
  const row = await db.selectFrom("file_refs").select("ref").where("file_id", "=", id).where("channel", "=", channel).executeTakeFirst();
  return row?.ref;
}

/** Records (or replaces) the app's reference to a stored file, e.g. the file_id Telegram gave an upload. */
export async function rememberRef(db: Executor, now: Date, id: number, channel: ChannelName, ref: string): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto("file_refs")
    .values({ file_id: id, channel, ref, updated_at: at })
    .onConflict((oc) => oc.columns(["file_id", "channel"]).doUpdateSet({ ref, updated_at: at }))
    .execute();
}

/** Forgets the app's reference (the app refused it): the next send uploads the bytes again. */
export async function forgetRef(db: Executor, id: number, channel: ChannelName): Promise<void> {
  await db.deleteFrom("file_refs").where("file_id", "=", id).where("channel", "=", channel).execute();
}

/** Whether a stored file (still) exists. */
export async function fileExists(db: Executor, id: number): Promise<boolean> {
  return (await db.selectFrom("files").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
}

/**
 * Removes the files no attachment refers to that were last received before `before` (files received for
 * a conversation that was cancelled, or refused after the download), with their app references.
 * Returns how many were removed.
 */
export async function pruneUnattachedFiles(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom("files")
    .where("touched_at", "<", before.toISOString())
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom("attachments").select("attachments.id").whereRef("attachments.stored_file_id", "=", "files.id"))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
