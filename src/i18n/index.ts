import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n as I18nInstance, type Resource } from "i18next";
import type { MessageParams } from "../core/outbox.js";
import type { Locale } from "../db/schema.js";
import { escapeHtml, formatDateTime } from "./format.js";

export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "locales");
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

/** Translations for every channel: Vietnamese first, English complete; values are HTML-escaped for Telegram. */
export interface Translator {
  t(locale: Locale, key: string, params?: TParams): string;
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
    interpolation: { escapeValue: true, escape: escapeHtml },
  });
  const t = (locale: Locale, key: string, params: TParams = {}) => instance.t(key, { ...params, lng: locale }) as string;
  return {
    t,
    bind: (locale) => (key, params) => t(locale, key, params),
    renderParams(locale, timeZone, params) {
      const out: TParams = {};
      for (const [k, v] of Object.entries(params)) {
        if (typeof v === "object" && "$datetime" in v) out[k] = formatDateTime(v.$datetime, timeZone);
        else if (typeof v === "object" && "$t" in v) out[k] = t(locale, v.$t);
        else out[k] = v;
      }
      return out;
    },
    instance,
  };
}
