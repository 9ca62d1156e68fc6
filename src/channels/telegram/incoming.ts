import type { Document, PhotoSize } from "grammy/types";
import type { Incoming, ReceivedFile } from "../../conversation/incoming.js";
import type { BotContext } from "./context.js";
import type { TelegramDeps } from "./deps.js";
import { entitiesToMarkup } from "./entities.js";
import { downloadFile } from "./files.js";

/** A document a person sent, as a received file; named "tai-lieu" when Telegram gives no name. */
const documentOf = (deps: TelegramDeps, ctx: BotContext, doc: Document): ReceivedFile => ({
  file: { channel: "telegram", fileId: doc.file_id, fileName: doc.file_name ?? "tai-lieu", mimeType: doc.mime_type ?? null, fileSize: doc.file_size ?? null },
  kind: "document",
  download: (maxBytes) => downloadFile(deps, ctx.api, doc.file_id, maxBytes),
});

/** The largest size of a photo a person sent, named anh-<Telegram's unique id>.jpg. */
const photoOf = (deps: TelegramDeps, ctx: BotContext, sizes: PhotoSize[]): ReceivedFile => {
  const p = sizes[sizes.length - 1]!;
  return {
    file: { channel: "telegram", fileId: p.file_id, fileName: `anh-${p.file_unique_id}.jpg`, mimeType: "image/jpeg", fileSize: p.file_size ?? null },
    kind: "photo",
    download: (maxBytes) => downloadFile(deps, ctx.api, p.file_id, maxBytes),
  };
};

/**
 * What a person sent in a Telegram message, in neutral terms: the text or caption, with Telegram's
 * formatting entities as neutral markup, and a document or photo (downloaded only when a flow keeps it).
 * Undefined for a message that carries none of these (a sticker, a location…).
 */
export function incomingOf(deps: TelegramDeps, ctx: BotContext): Incoming | undefined {
  const m = ctx.message;
  if (!m) return undefined;
  const text = m.text ?? m.caption ?? "";
  const entities = m.entities ?? m.caption_entities ?? [];
  const file = m.document ? documentOf(deps, ctx, m.document) : m.photo?.length ? photoOf(deps, ctx, m.photo) : undefined;
  if (m.text === undefined && !file) return undefined;
  return { text, markup: entitiesToMarkup(text, entities), file };
}
