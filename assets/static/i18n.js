// Interface text in English and Korean, and the formatters that read it:
// t, label, the dates and numbers of a locale. Data is shown as the dataset has
// it: in Korean, the title, summary, place and disputed claims from their
// _ko fields where the incident has them (localized).

import en from './text-en.js';
import ko from './text-ko.js';

export const LANGS = ['en', 'ko'];

// text is the interface text by language and key (text-en.js,
// text-ko.js), with what modules add (addText).
const text = { en, ko };

// addText adds the interface text of a module of the page: {en: {…}, ko: {…}}.
export function addText(more) {
  for (const [lang, dict] of Object.entries(more)) Object.assign(text[lang], dict);
}

// t returns the text for key in lang, with {name} replaced from vars.
export function t(lang, key, vars) {
  const s = text[lang]?.[key] ?? text.en[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// label returns the interface name of a value of the dataset's enumerations
// ("types", "directions", "sectors", "sides", "confidence"), or the value itself.
export function label(lang, group, value) {
  return text[lang]?.[group + '_']?.[value] ?? text.en[group + '_']?.[value] ?? String(value ?? '');
}

// localized returns the Korean text of the property key of p (key + '_ko')
// when lang is Korean and the data has it, else the property itself.
export function localized(lang, p, key) {
  if (lang === 'ko' && typeof p?.[key + '_ko'] === 'string' && p[key + '_ko'].trim() !== '') return p[key + '_ko'];
  return p?.[key] ?? '';
}

export function locale(lang) {
  return lang === 'ko' ? 'ko-KR' : 'en-GB';
}

const formatters = new Map();

function formatter(lang, kind, make) {
  const key = `${lang}:${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = make(locale(lang));
    formatters.set(key, f);
  }
  return f;
}

// formatDate shows a date at its precision: "13 November 2017", "July 2025", "1965".
export function formatDate(lang, date, precision) {
  if (typeof date !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) return String(date ?? '');
  const [y, m = 1, d = 1] = date.split('-').map(Number);
  const p = precision || (date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day');
  const f = formatter(lang, `date-${p}`, (loc) => {
    const opts = { timeZone: 'UTC', year: 'numeric' };
    if (p !== 'year') opts.month = 'long';
    if (p === 'day') opts.day = 'numeric';
    return new Intl.DateTimeFormat(loc, opts);
  });
  return f.format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatNumber(lang, n, fractionDigits) {
  if (fractionDigits === undefined) return formatter(lang, 'number', (loc) => new Intl.NumberFormat(loc)).format(n);
  return formatter(lang, `number-${fractionDigits}`, (loc) => new Intl.NumberFormat(loc, {
    minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits,
  })).format(n);
}
