// Printing: the map at the page's width with its legend open, the active
// filters in words, and the list of the filtered incidents with their
// dates, places and sources (print.css hides every control).
//
// The Print button calls preparePrint, which sizes the map to the printed
// page and waits for it to redraw before the print dialog opens; a print
// started from the browser's menu gets the same preparation at once, which
// the canvas layers may not finish drawing in time.

import { t, label, formatDate, formatNumber, localized } from './i18n.js';
import { TYPES, DIRECTIONS, yearRange } from './state.js';
import { el } from './dom.js';

let saved = null; // the view and legend before printing

function filtersInWords(api) {
  const lang = api.lang();
  const s = api.state();
  const b = api.bounds();
  const parts = [];
  if (b) {
    const { from, to } = yearRange(s, b);
    if (from === to) parts.push(t(lang, 'printYear', { y: from }));
    else if (from > b.first || to < b.last) parts.push(t(lang, 'printYears', { from, to }));
  }
  if (s.types.length < TYPES.length) {
    parts.push(t(lang, 'printTypes', { list: s.types.map((v) => label(lang, 'types', v)).join(', ') || '—' }));
  }
  if (s.directions.length < DIRECTIONS.length) {
    parts.push(t(lang, 'printDirections', { list: s.directions.map((v) => label(lang, 'directions', v)).join(', ') || '—' }));
  }
  if (s.q.trim()) parts.push(t(lang, 'printSearch', { q: s.q.trim() }));
  return parts.length ? parts.join('; ') : t(lang, 'printAll');
}

// sourceText names a source briefly, by its publisher or else its site,
// so that a list of a hundred incidents fits on three pages.
function sourceText(src) {
  if (src.publisher) return src.publisher;
  try {
    return src.url ? new URL(src.url).host.replace(/^www\./, '') : src.title || '';
  } catch {
    return src.title || '';
  }
}

// buildSummary writes the print-only section: the filters in words, the
// count and the list.
function buildSummary(api) {
  const lang = api.lang();
  let box = document.getElementById('print-summary');
  if (!box) {
    box = el('section', { id: 'print-summary', class: 'print-summary', 'aria-hidden': 'true' });
    document.querySelector('.layout').after(box);
  }
  const { items, total, all } = api.printed();
  const list = el('ol', { class: 'print-list' });
  for (const f of items) {
    const p = f.properties || {};
    const sources = [...new Set((p.sources || []).map(sourceText).filter(Boolean))].join('; ');
    list.append(el('li', null,
      el('span', { class: 'p-date' }, formatDate(lang, p.date, p.date_precision)), ' ',
      el('span', { class: 'p-type' }, label(lang, 'types', p.type)), ' ',
      el('strong', { class: 'p-title' }, localized(lang, p, 'title') || f.id), '. ',
      p.place ? el('span', { class: 'p-place' }, `${localized(lang, p, 'place')}. `) : null,
      sources ? el('span', { class: 'p-sources' }, `${t(lang, 'printSources')}: ${sources}`) : null));
  }
  const heading = all
    ? t(lang, 'printListAll', { n: formatNumber(lang, total) })
    : t(lang, 'printListPart', { n: formatNumber(lang, items.length), m: formatNumber(lang, total) });
  box.replaceChildren(
    el('p', { class: 'print-filters' }, el('strong', null, `${t(lang, 'printFilters')}: `), filtersInWords(api), '. ',
      document.getElementById('count')?.textContent || ''),
    el('h2', null, heading),
    list,
    el('p', { class: 'print-credit' }, t(lang, 'printCredit', {
      date: formatDate(lang, new Date().toISOString().slice(0, 10), 'day'), url: location.href,
    })),
  );
}

function prepareNow(api) {
  const { map } = api;
  if (!saved) {
    const legend = document.querySelector('.legend');
    saved = { center: map.getCenter(), zoom: map.getZoom(), bounds: map.getBounds(), legendOpen: legend?.open };
    if (legend) legend.open = true;
    document.body.classList.add('print-size');
    map.invalidateSize({ pan: false });
    map.fitBounds(saved.bounds, { animate: false });
  }
  buildSummary(api);
}

// preparePrint readies the page for printing and resolves once the map
// has redrawn at the printed size.
export async function preparePrint(api) {
  prepareNow(api);
  await api.idle();
  buildSummary(api);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}

// restorePrint puts the map back as it was before printing.
export function restorePrint(api) {
  if (!saved) return;
  const { map } = api;
  const s = saved;
  saved = null;
  document.body.classList.remove('print-size');
  const legend = document.querySelector('.legend');
  if (legend && s.legendOpen !== undefined) legend.open = s.legendOpen;
  map.invalidateSize({ pan: false });
  map.setView(s.center, s.zoom, { animate: false });
}

export function initPrint(api) {
  window.addEventListener('beforeprint', () => prepareNow(api));
  window.addEventListener('afterprint', () => restorePrint(api));
}
