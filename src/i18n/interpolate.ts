/**
 * Fills a translation's `{{name}}` placeholders in one linear pass.
 *
 * i18next's own interpolation runs its nesting and formatting syntax (`$t(…)`, `{{x, format}}`) over the
 * text after the values are in it, so a value a person typed could be read as syntax: an unclosed `$t(`
 * made its nesting regular expression backtrack for hours. Here the template alone is scanned, each
 * placeholder is replaced once by a function, and a value is never read again, whatever it contains.
 *
 * `{{name}}` puts the value through `escape`; `{{- name}}` puts it in verbatim (for text that is already
 * markup). A placeholder without a value is left as it is, so a missing parameter shows rather than
 * vanishing, and it is noted in {@link missingPlaceholders} (the test suite fails on any).
 */
export function interpolate(template: string, params: Readonly<Record<string, unknown>>, escape: (s: string) => string): string {
  if (!template.includes("{{")) return template;
  return template.replace(PLACEHOLDER, (whole, raw: string | undefined, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
    if (value === undefined || value === null) {
      noteMissing(name, template);
      return whole;
    }
    const text = typeof value === "string" ? value : String(value);
    return raw ? text : escape(text);
  });
}

/** `{{name}}` or `{{- name}}`; names are identifiers, so the pattern cannot backtrack. */
const PLACEHOLDER = /\{\{(-)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** What a translation key may look like (`namespace:path.to_key`); anything else is never looked up. */
export const TRANSLATION_KEY = /^[A-Za-z0-9_-]{1,40}:[A-Za-z0-9_.-]{1,160}$|^[A-Za-z0-9_.-]{1,160}$/;

/**
 * Placeholders a translation was asked to fill without a value (`{{lateNote}}` printed raw), most recent
 * last, at most 50: a bug of the caller. The test suite checks it is empty after every test.
 */
export const missingPlaceholders: { name: string; template: string }[] = [];

function noteMissing(name: string, template: string): void {
  if (missingPlaceholders.length >= 50) missingPlaceholders.shift();
  missingPlaceholders.push({ name, template: template.slice(0, 120) });
}
