import type { TParams } from "../i18n/index.js";

/** How much of what a person typed a reply repeats back to them. */
export const ECHO_LIMIT = 200;

/** The start of a text a person typed, for a reply that repeats it: at most `max` characters, then "…". */
export function clipEcho(text: string, max = ECHO_LIMIT): string {
  if (text.length <= max) return text;
  let end = max;
  // Never cut a surrogate pair in two.
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
  return `${text.slice(0, end)}…`;
}

/** Translation params with every text clipped by {@link clipEcho}: what a refusal repeats of the input stays short. */
export function clipParams(params: TParams | undefined, max = ECHO_LIMIT): TParams {
  const out: TParams = {};
  for (const [k, v] of Object.entries(params ?? {})) out[k] = typeof v === "string" ? clipEcho(v, max) : v;
  return out;
}
