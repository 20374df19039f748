// Checks a page URL's query string by the rules the API applies to its
// parameters (server/query.go), and says what was wrong and what the page
// shows instead: a link that asks for year=1800 or type=bogus is corrected,
// never followed silently.

import { LANGS } from './i18n.js';
import { TYPES, DIRECTIONS, SECTORS, MAX_KM } from './state.js';

const FILTERS = ['year', 'from', 'to', 'type', 'direction', 'sector', 'km', 'q'];
// PAGE_PARAMS are the page's own parameters besides the API's filters.
export const PAGE_PARAMS = ['z', 'lat', 'lon', 'sel', 'lang'];
const MAX_TEXT = 200;
const idPattern = /^[a-z0-9][a-z0-9-]{2,79}$/;

// checkURL compares the query string search with state, which parseState
// read from it, and returns fix, the change of the state where search breaks
// a rule, and notices, one for each: {param, key, vars, shown, shownVars},
// keys of i18n.js. years is {min, max} of /api/config: the years a query
// may name.
export function checkURL(search, state, years) {
  const p = new URLSearchParams(search);
  const notices = [];
  const fix = {};
  const note = (param, key, vars, shown, shownVars) => notices.push({ param, key, vars: { name: param, ...vars }, shown, shownVars });
  const counts = new Map();
  for (const [k] of p) counts.set(k, (counts.get(k) || 0) + 1);
  const extra = window.dmzmapPageParams || [];
  for (const [k, n] of counts) {
    if (!FILTERS.includes(k) && !PAGE_PARAMS.includes(k) && !extra.includes(k)) note(k, 'nUnknown', {}, 'sIgnored');
    else if (n > 1) note(k, 'nRepeated', {}, 'sFirst');
  }
  const val = (k) => p.get(k) ?? '';

  // Years: four digits, from the armistice to this year, from <= to, and
  // year on its own.
  const year = (k) => {
    const v = val(k);
    if (v === '') return null;
    if (!/^\d{4}$/.test(v)) {
      note(k, 'nYearBad', { value: v });
      return undefined;
    }
    const n = Number(v);
    if (n < years.min || n > years.max) {
      note(k, 'nYearRange', { value: v, min: years.min, max: years.max });
      return undefined;
    }
    return n;
  };
  const y = year('year');
  const from = year('from');
  const to = year('to');
  if (val('year') !== '' && (val('from') !== '' || val('to') !== '')) {
    note('year', 'nYearBoth', {});
    fix.from = from ?? null;
    fix.to = to ?? null;
  } else if (y === undefined) {
    fix.from = null;
    fix.to = null;
  } else if (y === null) {
    fix.from = from ?? null;
    fix.to = to ?? null;
    if (from && to && from > to) {
      note('from', 'nFromAfterTo', { from, to });
      fix.from = to;
      fix.to = from;
    }
  }
  // What the year notices show instead is the range the state will hold,
  // which needs the data's years: notices.js words it.
  for (const n of notices) if (['year', 'from', 'to'].includes(n.param) && n.key !== 'nRepeated' && n.key !== 'nUnknown') n.shown = 'years';

  // Lists: every item a known value.
  for (const [k, all, field, group] of [['type', TYPES, 'types', 'types'], ['direction', DIRECTIONS, 'directions', 'directions'], ['sector', SECTORS, 'sectors', 'sectors']]) {
    const items = val(k).split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !all.includes(s));
    if (!bad.length) {
      if (items.length === 0) fix[field] = [...all];
      continue;
    }
    const good = all.filter((v) => items.includes(v));
    fix[field] = good.length ? good : [...all];
    note(k, 'nList', { value: bad.join(', '), known: all.join(', '), n: bad.length },
      good.length ? 'sList' : 'sListAll', { group, values: good });
  }

  // km: two numbers, 0 <= FROM <= TO <= MAX_KM.
  const km = val('km');
  if (km !== '' && !state.km) note('km', 'nKm', { value: km, max: MAX_KM }, 'sWholeLine');

  const q = val('q');
  if ([...q].length > MAX_TEXT) {
    note('q', 'nQLong', { n: [...q].length, max: MAX_TEXT }, 'sQ', { max: MAX_TEXT });
    fix.q = [...q].slice(0, MAX_TEXT).join('');
  }

  if ((p.has('z') || p.has('lat') || p.has('lon')) && !state.view) note('z', 'nView', {}, 'sWholeMap');
  const sel = val('sel');
  if (sel !== '' && !idPattern.test(sel)) note('sel', 'nSel', { value: sel }, 'sNoSel');
  const lang = val('lang');
  if (lang !== '' && !LANGS.includes(lang)) note('lang', 'nLang', { value: lang, known: LANGS.join(', ') }, 'sLang');
  return { notices, fix };
}
