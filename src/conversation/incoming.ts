import { MAX_ATTACHMENT_BYTES, type IncomingFile } from "../core/attachments.js";
import type { Core } from "../core/index.js";
import { escapeText, type Markup } from "../core/markup.js";

/**
 * What a person sent, in no app's terms: the text they typed (or a file's caption), the same text in the
 * neutral markup with whatever formatting their app carried (Telegram's bold, italics and links; a plain
 * text app has none), and a file when they sent one. Each app builds it from its own update; flows read it.
 */
export interface Incoming {
  /** The text, or a file's caption; "" when there is none. */
  text: string;
  /** `text` in the neutral markup (core/markup.ts), with the sender's formatting. */
  markup: Markup;
  file?: ReceivedFile | undefined;
}

/** A file a person sent: what the app says about it, and how the app fetches its bytes. */
export interface ReceivedFile {
  /** The file as core knows it: the app, its reference there, name, type and announced size. */
  file: IncomingFile;
  /** A photo (shown as a picture) or any other document. */
  kind: "document" | "photo";
  /**
   * Fetches the bytes from the app, refusing more than `maxBytes` (a DomainError the person can read when
   * the download fails). Called only once core's rules allow the file.
   */
  download(maxBytes: number): Promise<Uint8Array>;
}

/** An Incoming for a line of plain text (an app without formatting, a test). */
export const plainIncoming = (text: string, file?: ReceivedFile): Incoming => ({ text, markup: escapeText(text), file });

/**
 * Keeps a received file as an attachment-to-be: core's attachment rules first (nothing is downloaded for a
 * refused file), then the bytes are fetched and stored once. Returns the file with its `storedFileId`.
 * Throws a DomainError to answer the person with.
 */
export async function keepReceived(core: Core, received: ReceivedFile): Promise<IncomingFile> {
  core.meetings.checkAttachment(received.file);
  const bytes = await received.download(MAX_ATTACHMENT_BYTES);
  received.file.storedFileId = await core.files.receive(received.file, bytes);
  return received.file;
}

/**
 * What takes a person's message when a dialog waits for one: true when it was this handler's (it has
 * answered), false to let the next handler see it.
 */
export type InputHandler = (turn: import("./turn.js").Turn, input: Incoming) => Promise<boolean>;
