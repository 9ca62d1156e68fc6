import type { DeliveryState } from "../core/notices/views.js";

/** Why a message did not reach its person, in words a secretariat can act on. */
export type DeliveryProblem = "blocked" | "not_linked" | "not_linked_expired" | "chat_not_found" | "rate_limited" | "network" | "interrupted" | "withdrawn" | "other";

/**
 * Reads the delivery worker's stored error (an app's own text, in English) as one of a few problems, so a
 * document never prints a machine message. Undefined when the state needs no note.
 */
export function deliveryProblem(state: DeliveryState, error: string | null): DeliveryProblem | undefined {
  if (state !== "failed" && state !== "unreachable" && state !== "cancelled") return undefined;
  const e = (error ?? "").toLowerCase();
  // Held while the person had not linked, and no longer needed when they did (core/held.ts).
  if (state === "cancelled") return e.includes("withdrawn") ? "withdrawn" : e.startsWith("skipped:") ? "not_linked_expired" : undefined;
  if (/blocked|kicked|deactivated/.test(e)) return "blocked";
  if (/no linked account|not linked/.test(e) || (state === "unreachable" && !e)) return "not_linked";
  if (/chat not found|peer_id_invalid|user not found/.test(e)) return "chat_not_found";
  if (/too many requests|\b429\b|rate/.test(e)) return "rate_limited";
  if (/stopped twice|set aside/.test(e)) return "interrupted";
  if (/timeout|timed out|econn|enotfound|eai_again|network|fetch failed|socket/.test(e)) return "network";
  return "other";
}
