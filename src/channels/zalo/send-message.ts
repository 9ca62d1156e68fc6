import type { OutgoingFile } from "../../conversation/message.js";
import type { Core } from "../../core/index.js";
import type { Locale } from "../../db/schema.js";
import { formatDateTime } from "../../i18n/format.js";
import type { Translator } from "../../i18n/index.js";
import type { FileLinks } from "../../media/links.js";
import type { ZaloClient } from "./client.js";

/** How long a signed link to a file the bot sends on Zalo stays valid. */
export const ZALO_FILE_LINK_TTL_SECONDS = 7 * 24 * 3600;

/** Zalo's limit is 2,000 characters per message; how it counts them is unknown, so the text app cuts a little shorter. */
export const ZALO_TEXT_LIMIT = 1900;

/** Sends printed parts (and a file, if any) to a Zalo chat; resolves to the id of the last message. */
export type ZaloMessageSender = (chatId: string, locale: Locale, timeZone: string, parts: string[], file?: OutgoingFile) => Promise<string>;

/**
 * Delivers what the text app printed into a Zalo chat: each part as a message, in order. Zalo takes no
 * documents: a file becomes a signed link to the stored bytes when PUBLIC_BASE_URL is set (a picture is sent
 * as a photo by that link), else a note that the file is on Telegram or with the secretariat.
 */
export function zaloMessageSender(deps: { client: ZaloClient; core: Pick<Core, "files">; translator: Translator; fileLinks: FileLinks | undefined; now: () => Date }): ZaloMessageSender {
  const { client, translator } = deps;

  /** The stored file behind an outgoing file: an attachment's bytes, or bytes made on the spot stored now. */
  const storedIdOf = async (file: OutgoingFile): Promise<number | undefined> => {
    if (file.kind === "attachment") return (await deps.core.files.attachment(file.attachmentId))?.stored_file_id ?? undefined;
    try {
      return await deps.core.files.receive({ channel: "zalo", fileId: `sent:${file.name}`, fileName: file.name, mimeType: file.mimeType ?? null, fileSize: file.content.byteLength }, file.content);
    } catch {
      return undefined;
    }
  };

  return async (chatId, locale, timeZone, parts, file) => {
    let last = "";
    for (const part of parts) last = (await client.sendMessage(chatId, part)).message_id;
    if (!file) return last;
    const t = translator.bind(locale);
    const stored = deps.fileLinks ? await storedIdOf(file) : undefined;
    if (deps.fileLinks && stored !== undefined) {
      const link = deps.fileLinks.link(stored, ZALO_FILE_LINK_TTL_SECONDS);
      if (file.photo) return (await client.sendPhoto(chatId, link)).message_id;
      const until = formatDateTime(new Date(deps.now().getTime() + ZALO_FILE_LINK_TTL_SECONDS * 1000), timeZone);
      return (await client.sendMessage(chatId, t("zalo:file_link", { name: file.name, link, until }))).message_id;
    }
    return (await client.sendMessage(chatId, t("zalo:file_elsewhere", { name: file.name }))).message_id;
  };
}
