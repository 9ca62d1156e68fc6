/**
 * Reads a number as people type it on a phone: "12,5" (the Vietnamese decimal comma), "12.5", "1.500"
 * or "1.234.567" (dots grouping thousands), "1,234.5" (English grouping). Returns undefined for
 * anything that is not one number.
 */
export function parseDecimal(text: string): number | undefined {
  let s = text.trim().replace(/\s+/g, "");
  if (!/^-?[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
  const lastComma = s.lastIndexOf(",");
  const lastDot = s.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    // Both appear: the last one is the decimal separator, the other groups thousands.
    const [group, decimal] = lastComma > lastDot ? [".", ","] : [",", "."];
    const [intPart, frac, ...rest] = s.split(decimal);
    if (rest.length || !isGrouped(intPart!, group)) return undefined;
    s = `${intPart!.split(group).join("")}.${frac}`;
  } else if (lastComma >= 0) {
    const parts = s.split(",");
    if (parts.length !== 2 || parts[1] === "") return undefined;
    s = parts.join(".");
  } else if (lastDot >= 0) {
    const parts = s.split(".");
    // "1.500" and "12.345.678" group thousands the Vietnamese way; "12.5" and "0.125" are decimals.
    if (parts.length > 2 || (parts.length === 2 && parts[1]!.length === 3 && !/^-?0$/.test(parts[0]!))) {
      if (!isGrouped(s, ".")) return undefined;
      s = parts.join("");
    } else if (parts[1] === "") return undefined;
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function isGrouped(s: string, sep: string): boolean {
  const groups = s.replace(/^-/, "").split(sep);
  return groups.length === 1 || (/^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g)));
}

/** A number shown back the way the reader writes it: "12,5" in Vietnamese, "12.5" in English. */
export function formatDecimal(n: number, locale: "vi" | "en"): string {
  return DECIMALS[locale].format(n);
}
/** Built once: a spreadsheet formats thousands of numbers. */
const DECIMALS = { vi: new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 }), en: new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 }) };
