// The list of the incidents in view: the first LIST_MAX in date order, with
// how many the view holds; choosing one opens its details and flies there.

import { t, localized, formatDate, formatNumber } from './i18n.js';
import { shape } from './symbols.js';
import { keepFocus } from './keyboard.js';
import { $, textElement } from './dom.js';
import { state } from './page-state.js';
import { shown } from './shown.js';
import { map } from './map.js';
import { select } from './details-panel.js';

export const LIST_MAX = 200;

// lastList is what the list shows: {items, total}.
export let lastList = { items: [], total: 0 };

// initList lets a choice in the list open its incident.
export function initList() {
  $('list').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-id]');
    if (btn) select(btn.dataset.id, { fly: true });
  });
}

// renderList shows items, the first Features in view in date order, of
// total in view; with no argument, the markers in view.
export function renderList(items, total) {
  if (items === undefined) {
    const b = map.getBounds();
    const inView = shown.sorted.filter(({ ll }) => b.contains(ll));
    items = inView.slice(0, LIST_MAX).map(({ f }) => f);
    total = inView.length;
  }
  lastList = { items, total };
  const lang = state.lang;
  const lis = items.map((f) => {
    const p = f.properties;
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.dataset.id = f.id;
    if (f.id === state.sel) btn.setAttribute('aria-current', 'true');
    btn.append(shape(p.type, 16), textElement(formatDate(lang, p.date, p.date_precision)), textElement(localized(lang, p, 'title') || f.id));
    btn.children[1].className = 'date';
    btn.children[2].className = 'title';
    li.append(btn);
    return li;
  });
  keepFocus($('list'), () => $('list').replaceChildren(...lis), $('list-panel'));
  $('list-count').textContent = total ? t(lang, 'listCount', { n: formatNumber(lang, total) }) : t(lang, 'listEmpty');
  const more = $('list-more');
  more.hidden = total <= items.length;
  more.textContent = t(lang, 'listMore', { n: formatNumber(lang, items.length) });
}
