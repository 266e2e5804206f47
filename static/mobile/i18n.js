// Client strings in English and German, rendered by Django from its translation catalogue into
// the page (#oasis-strings), so that switching language needs no connection.
const STRINGS = JSON.parse(document.getElementById("oasis-strings").textContent);
const LANGUAGES = Object.keys(STRINGS);
const CHOICE_KEY = "oasis.lang";
const listeners = [];

function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const code = tag.slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(code)) return code;
  }
  return "en";
}

let current = LANGUAGES.includes(localStorage.getItem(CHOICE_KEY)) ? localStorage.getItem(CHOICE_KEY) : browserLanguage();

export function language() {
  return current;
}

export function otherLanguage() {
  return LANGUAGES.find((code) => code !== current) || current;
}

// t("saved_at", {time: "10:42"}) -> the string in the current language with {time} filled in.
// A word that depends on a count comes in its forms ({one, other}); params.count picks one.
export function t(key, params = {}) {
  let text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  if (typeof text === "object") text = text[new Intl.PluralRules(current).select(Number(params.count))] ?? text.other;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

export function setLanguage(code, remember = true) {
  if (!LANGUAGES.includes(code)) return;
  current = code;
  if (remember) {
    localStorage.setItem(CHOICE_KEY, code);
    document.cookie = `django_language=${code};path=/;max-age=31536000`;
  }
  applyTo(document);
  for (const listener of listeners) listener(code);
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

// Elements carry data-i18n="key" (text) or data-i18n-label="key" (aria-label).
export function applyTo(root) {
  if (root === document) document.documentElement.lang = current;
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

export function formatNumber(value, digits = 1) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

// Month names, 24-hour clock, no US order: "Sat 12 Dec" / "Sa., 12. Dez."
const LOCALES = { en: "en-GB", de: "de-DE" };

export function locale() {
  return LOCALES[current] || current;
}

export function formatDay(date) {
  return new Intl.DateTimeFormat(locale(), { weekday: "short", day: "numeric", month: "short" }).format(date);
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(iso));
}

export function formatTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
}
