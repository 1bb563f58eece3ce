// Translation and formatting. Every text shown comes from t(key); numbers, percentages and times go
// through the formatters here so that they follow the chosen language.

import { dictionaries, en } from './strings.js';

let lang = 'en';
let dict = en;

/** languages lists the tags of the languages the UI speaks. */
export const languages = Object.keys(dictionaries);

/** storageKey is where the chosen language is kept (localStorage). */
const storageKey = 'yardtwin.lang';

/** pickLanguage returns the tag the page starts in: ?lang=, else the one chosen before, else the browser's. */
export function pickLanguage() {
  const url = new URLSearchParams(location.search).get('lang');
  let stored = null;
  try {
    stored = localStorage.getItem(storageKey);
  } catch {
    // storage disabled: the browser's language it is
  }
  for (const tag of [url, stored, ...(navigator.languages ?? []), navigator.language]) {
    const base = String(tag || '').toLowerCase().split('-')[0];
    if (dictionaries[base]) return base;
  }
  return 'en';
}

/** rememberLanguage keeps the planner's choice for the next visit. */
export function rememberLanguage(tag) {
  try {
    localStorage.setItem(storageKey, tag);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** setLanguage switches the UI language; unknown tags fall back to English. Returns the tag used. */
export function setLanguage(tag) {
  const base = String(tag || '').toLowerCase().split('-')[0];
  lang = dictionaries[base] ? base : 'en';
  dict = dictionaries[lang];
  document.documentElement.lang = lang;
  numberFmt = new Intl.NumberFormat(lang);
  dateTimeFmt = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return lang;
}

/** language returns the current BCP 47 tag. */
export function language() {
  return lang;
}

/** t returns the text for key with {placeholders} filled from vars; an unknown key returns itself. */
export function t(key, vars) {
  const text = dict[key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/**
 * label returns the text for an enumerated value from the API (a kind, status, category…), or the
 * value itself when the dictionary has none, so a new value from the server still shows.
 */
export function label(group, value) {
  const key = `${group}.${value}`;
  return dict[key] ?? en[key] ?? String(value ?? '');
}

let numberFmt = new Intl.NumberFormat('en');
let dateTimeFmt = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/**
 * errorText says what went wrong with a call to the twin: the server's own message, or, when the
 * server was not reached (ApiError status 0), that it does not answer.
 */
export function errorText(err) {
  return err?.status === 0 ? t('error.unreachable') : String(err?.message ?? err);
}

/** int formats a count. */
export function int(n) {
  return Number.isFinite(n) ? numberFmt.format(Math.round(n)) : '–';
}

/** num formats a number with at most `digits` decimals (and at least `min`). */
export function num(n, digits = 1, min = 0) {
  if (!Number.isFinite(n)) return '–';
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: Math.min(min, digits) }).format(n);
}

/** dateTime formats an instant (Date, epoch ms or RFC 3339 text) with its date and time of day, to the minute. */
export function dateTime(at) {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return '–';
  return dateTimeFmt.format(d);
}

/** pct formats a fraction (0..1) as a percentage, with one decimal under 10 %. */
export function pct(f) {
  if (!Number.isFinite(f)) return '–';
  const digits = f > 0 && f < 0.1 ? 1 : 0;
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(f);
}

/** time formats an instant (Date or RFC 3339 text) as a local time of day, with the date when not today. */
export function time(at) {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2) return '–';
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const opts = sameDay
    ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return new Intl.DateTimeFormat(lang, opts).format(d);
}

/**
 * translatePage fills the static text of the page: data-i18n sets the text content, and
 * data-i18n-placeholder, data-i18n-title and data-i18n-aria-label set those attributes.
 */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const attrs = [['placeholder', 'i18nPlaceholder'], ['title', 'i18nTitle'], ['aria-label', 'i18nAriaLabel']];
  for (const [attr, key] of attrs) {
    const sel = `[data-${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]`;
    for (const el of root.querySelectorAll(sel)) el.setAttribute(attr, t(el.dataset[key]));
  }
}
