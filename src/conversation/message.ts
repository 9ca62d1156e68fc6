import { toPlainText, type Markup } from "../core/markup.js";

/**
 * What the bot says, in no app's terms: text in the neutral markup, buttons in rows, a file, and whether it
 * replaces an earlier message. Each app has a printer that turns it into what the app can show: Telegram
 * prints HTML, an inline keyboard and an edit in place; a plain-text app prints the text, numbers the
 * choices, and sends a new message where it cannot edit.
 */
export interface Message {
  /** The text, or a file's caption. */
  text: Markup;
  /** Buttons, a row per array. */
  buttons?: Button[][];
  file?: OutgoingFile;
  /**
   * The question is answered by typing a number (a percentage, a value): on an app without buttons its
   * choices are lettered, so that "65" is the answer and not choice 65.
   */
  awaitsNumber?: boolean;
  /** This message shows anew what an earlier one showed (a card after a change): edit it where the app can. */
  replaces?: { messageId: string };
}

/** A button: a short plain-text label and the action it stands for (see actions.ts). */
export interface Button {
  label: string;
  action: string;
}

/** A file to send: made on the spot (an export, a calendar) or one already stored (an attachment). */
export type OutgoingFile =
  | { kind: "bytes"; name: string; content: Buffer; mimeType?: string; /** A picture (a chart): shown as a photo where the app can. */ photo?: boolean }
  | { kind: "attachment"; attachmentId: number; name: string; /** Shown as a picture where the app can (a photo received as one). */ photo?: boolean };

/** Builds button rows from [label, action] pairs, one row per inner array. */
export function buttonRows(...rows: [label: string, action: string][][]): Button[][] {
  return rows.filter((r) => r.length > 0).map((r) => r.map(([label, action]) => ({ label, action })));
}

/** A button's label from a translation: its plain text (buttons show no formatting). */
export const buttonLabel = (markup: Markup): string => toPlainText(markup);
