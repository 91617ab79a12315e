// The message catalogue: every user-visible string is `t(key, params)`. A small typed layer on the
// platform's `Intl` (no run-time dependency, no network): `{name}` placeholders, plural forms chosen
// by `Intl.PluralRules` from the `count` parameter, and the writing direction of the locale. Other
// languages add a catalogue of the same keys; missing keys fall back to English.
import { en } from "./en";
import { kioskAr } from "./kiosk-ar";
import { kioskFr } from "./kiosk-fr";

/** A message: text with `{param}` placeholders, or plural forms keyed by `Intl.PluralRules` category. */
export type Message = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number | null | undefined>;
export type Catalogue = Partial<Record<MessageKey, Message>>;

const catalogues: Record<string, Catalogue> = { en, fr: kioskFr, ar: kioskAr };
let locale = "en-GB";

/** Languages written right to left (the document's `dir` follows the locale). */
const RTL = new Set(["ar", "he", "fa", "ur", "ps", "yi"]);

export function setLocale(tag: string, catalogue?: Catalogue): void {
  if (catalogue) catalogues[tag] = catalogue;
  locale = tag;
}

export function currentLocale(): string {
  return locale;
}

export function direction(tag: string = locale): "ltr" | "rtl" {
  return RTL.has(tag.split("-")[0]?.toLowerCase() ?? "") ? "rtl" : "ltr";
}

/** True when `key` names a message (e.g. an error key sent by the core). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

function lookup(key: MessageKey): Message {
  const lang = locale.split("-")[0] ?? locale;
  return catalogues[locale]?.[key] ?? catalogues[lang]?.[key] ?? en[key];
}

function render(key: MessageKey, params: Params, type: Intl.PluralRuleType): string {
  const message = lookup(key);
  let text: string;
  if (typeof message === "string") {
    text = message;
  } else {
    const count = Number(params.count ?? 0);
    const rule = new Intl.PluralRules(locale, { type }).select(count);
    text = (count === 0 && type === "cardinal" ? message.zero : undefined) ?? message[rule] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** The message `key` in the current locale with `params` filled in; plural forms follow `count`. */
export function t(key: MessageKey, params: Params = {}): string {
  return render(key, params, "cardinal");
}

/** An ordinal message ("2nd"): the forms of `key` follow the ordinal rules for `count`. */
export function tOrdinal(key: MessageKey, count: number): string {
  return render(key, { count }, "ordinal");
}
