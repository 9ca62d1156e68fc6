import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type i18n as I18nInstance, type Resource } from "i18next";
import type { MessageParams } from "../core/outbox.js";
import type { Locale } from "../db/schema.js";
import { escapeText, toPlainText } from "../core/markup.js";
import { formatDateTime, formatMeetingTime, formatPercent } from "./format.js";
import { interpolate, TRANSLATION_KEY } from "./interpolate.js";
import { PROJECT_ROOT } from "../paths.js";

/** locales/ at the project's root, found the same way under tsx and in the built program. */
export const LOCALES_DIR = join(PROJECT_ROOT, "locales");
export const SUPPORTED_LOCALES: readonly Locale[] = ["vi", "en"];

/** Loads locales/<lng>/<namespace>.json into i18next resources: one namespace per file. */
export function loadResources(dir = LOCALES_DIR): Resource {
  const out: Resource = {};
  for (const lng of SUPPORTED_LOCALES) {
    out[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith(".json"))) {
      out[lng][file.slice(0, -".json".length)] = JSON.parse(readFileSync(join(dir, lng, file), "utf8"));
    }
  }
  return out;
}

export type TParams = Record<string, string | number>;
export type TFunction = (key: string, params?: TParams) => string;

/** Translations for every app, in the neutral markup (core/markup.ts): Vietnamese first, English complete; values are escaped as text. */
export interface Translator {
  t(locale: Locale, key: string, params?: TParams): string;
  /** The same text with values put in verbatim (not escaped as markup), for a terminal. */
  plain(locale: Locale, key: string, params?: TParams): string;
  /** A t bound to one reader. */
  bind(locale: Locale): TFunction;
  /** Turns an outbox message's params into text for one reader: times in the committee's zone, terms translated. */
  renderParams(locale: Locale, timeZone: string, params: MessageParams): TParams;
  instance: I18nInstance;
}

export function createTranslator(defaultLocale: Locale = "vi"): Translator {
  const resources = loadResources();
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: Object.keys(resources.vi ?? {}),
    defaultNS: "common",
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
    // i18next only looks the template up (language, fallback, plural by `count`); values are put in by
    // `interpolate`, which never reads them as syntax.
    interpolation: { escapeValue: false },
  });
  /** The template for a key: only code-made keys are looked up, and no parameter reaches i18next but `count`. */
  const template = (locale: Locale, key: string, params: TParams): string => {
    if (!TRANSLATION_KEY.test(key)) return key.slice(0, 200);
    const count = params.count;
    return instance.t(key, { lng: locale, skipInterpolation: true, ...(typeof count === "number" ? { count } : {}) }) as string;
  };
  const t = (locale: Locale, key: string, params: TParams = {}) => interpolate(template(locale, key, params), params, escapeText);
  return {
    t,
    plain: (locale, key, params = {}) => interpolate(template(locale, key, params), params, (s) => s),
    bind: (locale) => (key, params) => t(locale, key, params),
    renderParams(locale, timeZone, params) {
      const out: TParams = {};
      for (const [k, v] of Object.entries(params)) {
        if (typeof v === "object" && "$datetime" in v) out[k] = formatDateTime(v.$datetime, timeZone);
        else if (typeof v === "object" && "$meetingTime" in v) out[k] = formatMeetingTime((key, p) => t(locale, key, p), v.$meetingTime, timeZone);
        else if (typeof v === "object" && "$percent" in v) out[k] = formatPercent(v.$percent, locale);
        // A term goes in as a value, escaped once by the template: its plain text, not its markup.
        else if (typeof v === "object" && "$t" in v) out[k] = toPlainText(t(locale, v.$t));
        else out[k] = v;
      }
      return out;
    },
    instance,
  };
}
