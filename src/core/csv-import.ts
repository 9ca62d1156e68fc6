import type { Actor, Seat } from "./actor.js";
import type { IncomingFile } from "./attachments.js";
import { DomainError } from "./errors.js";
import { seatsWith } from "./permissions.js";

/**
 * A CSV file sent to the bot to be imported (a roster, or a task registry): which committee it goes to,
 * which files are taken (checked before anything is downloaded), and how its bytes are read.
 */

/** The largest CSV taken in chat. */
export const MAX_CSV_BYTES = 1024 * 1024;

/**
 * Where a CSV sent in chat is imported, every rule in order: refused for anyone who keeps no roster or task
 * registry, then for a file that is not a CSV or is too large (nothing is downloaded), then the committee:
 * the only one the actor keeps, or, when they keep several, the one whose code the caption names.
 */
export function importTarget(actor: Actor, file: Pick<IncomingFile, "fileName" | "mimeType" | "fileSize">, caption: string): Seat {
  const seats = [...seatsWith(actor, "roster.manage"), ...seatsWith(actor, "report.manage")].filter((s, i, all) => all.findIndex((x) => x.membershipId === s.membershipId) === i);
  if (seats.length === 0) throw new DomainError("errors:forbidden");
  checkCsvFile(file);
  const named = caption.trim().toLowerCase();
  const seat = seats.length === 1 ? seats[0] : seats.find((s) => s.committeeCode.toLowerCase() === named);
  if (!seat) throw new DomainError("roster:import.choose_committee", { codes: seats.map((s) => s.committeeCode).join(", ") });
  return seat;
}

/** Refuses a file that is not a CSV (by its name or type), or is larger than {@link MAX_CSV_BYTES}. */
export function checkCsvFile(file: Pick<IncomingFile, "fileName" | "mimeType" | "fileSize">): void {
  if (!/\.csv$/i.test(file.fileName) && file.mimeType !== "text/csv") throw new DomainError("roster:import.not_csv");
  if ((file.fileSize ?? 0) > MAX_CSV_BYTES) throw new DomainError("roster:import.too_large", { maxKb: MAX_CSV_BYTES / 1024 });
}

/** A CSV's text: UTF-8 only, refused otherwise rather than imported with its diacritics garbled. */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError("roster:import.not_utf8");
  }
}
