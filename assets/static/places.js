// Places: a box that finds a place of the basemap, a DMZ landmark or a
// town along the line, in English or Korean (판문점, 철원, Goseong…), and
// flies the map there; and the map's labels in the page's language.

import { t, addText } from './i18n.js';
import { controlBox } from './dom.js';

const L = window.L;
const asset = (path) => new URL(path, import.meta.url).pathname;
const MAX = 8;

addText({
  en: {
    placeSearch: 'Find a place',
    placePlaceholder: 'Place: Panmunjom, 철원…',
    placeNone: 'No place matches “{q}”.',
    placeCount: '{n} places match; use the arrow keys and Enter.',
    placeFlown: 'The map shows {name}.',
  },
  ko: {
    placeSearch: '장소 찾기',
    placePlaceholder: '장소: 판문점, Cheorwon…',
    placeNone: '“{q}”에 맞는 장소가 없습니다.',
    placeCount: '장소 {n}곳. 화살표 키와 Enter로 고르세요.',
    placeFlown: '지도가 {name}을(를) 보여 줍니다.',
  },
});

// nameOf is the name of a place's properties in lang.
export function nameOf(p, lang) {
  return (lang === 'ko' && p.name_ko) || p.name || p.name_en || '';
}

// fold makes a name comparable: lower case, no accents, no apostrophes,
// hyphens or spaces.
function fold(s) {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[\s'’\-()]/g, '');
}

let places = []; // {name, name_ko, ll, zoom, keys}
let o = null;
let els = null;
let active = -1;
let matches = [];

async function load(path, zoom) {
  try {
    const res = await fetch(asset(path));
    if (!res.ok) return [];
    const fc = await res.json();
    return fc.features.filter((f) => f.geometry?.type === 'Point').map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      const short = (p.name || '').replace(/\s*\(.*\)\s*/g, ' ').trim();
      const shortKo = (p.name_ko || '').replace(/\s*\(.*\)\s*/g, ' ').trim();
      const inner = [...`${p.name || ''} ${p.name_ko || ''}`.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]);
      return { p, ll: L.latLng(lat, lon), zoom, keys: [p.name, p.name_en, p.name_ko, short, shortKo, ...inner].filter(Boolean).map(fold) };
    });
  } catch {
    return [];
  }
}

// initPlaces adds the place box to the map. opts: {map, lang()}.
export function initPlaces(opts) {
  o = opts;
  const Box = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      return controlBox('div', 'place-search leaflet-bar');
    },
  });
  const box = new Box().addTo(o.map).getContainer();
  const lab = document.createElement('label');
  lab.htmlFor = 'place-q';
  lab.className = 'visually-hidden';
  const input = document.createElement('input');
  input.type = 'search';
  input.id = 'place-q';
  input.autocomplete = 'off';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', 'place-options');
  const listbox = document.createElement('ul');
  listbox.id = 'place-options';
  listbox.setAttribute('role', 'listbox');
  listbox.hidden = true;
  const status = document.createElement('p');
  status.id = 'place-status';
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  box.append(lab, input, listbox, status);
  els = { lab, input, listbox, status };
  relabelSearch();
  input.addEventListener('focus', ensure);
  input.addEventListener('input', () => ensure().then(() => find(input.value)));
  input.addEventListener('keydown', onKey);
  input.addEventListener('blur', () => setTimeout(() => close(), 150));
  listbox.addEventListener('mousedown', (e) => e.preventDefault());
  listbox.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-i]');
    if (li) go(matches[Number(li.dataset.i)]);
  });
}

let loading = null;

// ensure loads the places to search, once, when the box is first used.
function ensure() {
  loading ||= Promise.all([
    load('basemap/dmz-landmarks.geojson', 14),
    load('basemap/places-dmz.geojson', 12),
    load('basemap/places-korea.geojson', 11),
  ]).then((lists) => {
    places = lists.flat();
  });
  return loading;
}

// relabelSearch writes the box's text in the page's language.
export function relabelSearch() {
  if (!els) return;
  const lang = o.lang();
  els.lab.textContent = t(lang, 'placeSearch');
  els.input.placeholder = t(lang, 'placePlaceholder');
  els.input.title = t(lang, 'placeSearch');
  if (!els.listbox.hidden) find(els.input.value);
}

// relabelMap writes the labels of places and landmarks on the map in the
// page's language.
export function relabelMap(groups) {
  const lang = o.lang();
  for (const g of groups) {
    (g.allMarkers || g.getLayers()).forEach((m) => {
      if (!m.feature) return;
      const name = nameOf(m.feature.properties, lang);
      const tip = m.getTooltip();
      if (!tip) return;
      const el = tip.getContent();
      if (el instanceof Node) {
        if (el.textContent === name) return;
        el.textContent = name;
        if (tip._map) tip.update();
      } else {
        m.setTooltipContent(name);
      }
    });
  }
}

function find(q) {
  const lang = o.lang();
  const f = fold(q.trim());
  active = -1;
  if (!f) {
    close();
    return;
  }
  const scored = [];
  for (const pl of places) {
    let best = Infinity;
    for (const k of pl.keys) {
      if (k === f) best = Math.min(best, 0);
      else if (k.startsWith(f)) best = Math.min(best, 1);
      else if (k.includes(f)) best = Math.min(best, 2);
    }
    if (best < Infinity) scored.push({ pl, best });
  }
  scored.sort((a, b) => a.best - b.best || b.pl.zoom - a.pl.zoom);
  matches = scored.slice(0, MAX).map((s) => s.pl);
  els.listbox.replaceChildren(...matches.map((pl, i) => {
    const li = document.createElement('li');
    li.id = `place-option-${i}`;
    li.dataset.i = String(i);
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    const other = nameOf(pl.p, lang === 'ko' ? 'en' : 'ko');
    li.textContent = nameOf(pl.p, lang);
    if (other && other !== li.textContent) {
      const s = document.createElement('span');
      s.lang = lang === 'ko' ? 'en' : 'ko';
      s.textContent = ` ${other}`;
      li.append(s);
    }
    return li;
  }));
  els.listbox.hidden = matches.length === 0;
  els.input.setAttribute('aria-expanded', String(matches.length > 0));
  els.input.removeAttribute('aria-activedescendant');
  els.status.textContent = matches.length ? t(lang, 'placeCount', { n: matches.length }) : t(lang, 'placeNone', { q: q.trim() });
}

function close() {
  if (!els) return;
  els.listbox.hidden = true;
  els.input.setAttribute('aria-expanded', 'false');
  els.input.removeAttribute('aria-activedescendant');
  active = -1;
}

function setActive(i) {
  active = i;
  for (const li of els.listbox.children) li.setAttribute('aria-selected', String(Number(li.dataset.i) === i));
  if (i >= 0) els.input.setAttribute('aria-activedescendant', `place-option-${i}`);
}

function onKey(e) {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (els.listbox.hidden) find(els.input.value);
    if (!matches.length) return;
    e.preventDefault();
    const n = matches.length;
    setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    ensure().then(() => {
      if (els.listbox.hidden) find(els.input.value);
      const pl = matches[Math.max(0, active)];
      if (pl) go(pl);
    });
  } else if (e.key === 'Escape') {
    if (!els.listbox.hidden) {
      e.stopPropagation();
      close();
    }
  }
}

function go(pl) {
  const lang = o.lang();
  const name = nameOf(pl.p, lang);
  els.input.value = name;
  close();
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (reduced) o.map.setView(pl.ll, pl.zoom);
  else o.map.flyTo(pl.ll, pl.zoom, { duration: 0.8 });
  els.status.textContent = t(lang, 'placeFlown', { name });
}
