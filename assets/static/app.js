// One file for now (issue 11 cuts it into map.js, load.js, list.js…): it is the
// page's single owner of state, and the modules around it reach that state only
// through the small APIs it hands them.
// dmzmap's page: the map, the filters, the timeline, the list and the
// details of each incident. Every request for incidents is built by
// queryParams (state.js) from the one state object, which also lives in the URL.
//
// The page asks the server for what it shows. When the filters match
// ALL_MAX incidents or fewer it loads them all, as markers clustered in the
// browser. When they match more, it asks for the view only: the server's
// clusters (/api/clusters, cells of CELL_PX at the zoom) while the view holds
// more than ALL_MAX, then the view's incidents as markers, with their
// crossing points and paths. The list is the view's first LIST_MAX in date
// order. The count and the timeline come from /api/years.

import './leaflet-tuning.js';
import noUiSlider from './vendor/nouislider-15.8.1/nouislider.min.mjs';
import { t, label, localized, formatDate, formatNumber } from './i18n.js';
import { TYPES, DIRECTIONS, defaultState, parseState, queryParams, pageQuery, yearRange, selectsNothing } from './state.js';
import { shape, lineSymbol } from './symbols.js';
import { renderDetails } from './details.js';
import { initShare, shareDetails, openFromURL } from './share.js';
import { initEmbed } from './embed.js';
import { initLive } from './live.js';
import { initPrint, preparePrint } from './print.js';
import { initEditor, renderAuth } from './editor.js';
import { checkURL } from './urlcheck.js';
import { showNotices, renderNotices } from './notices.js';
import { initPrecision, showPrecision, updatePrecision } from './precision.js';
import { initTimeline, stackTimeline, pause as pauseTimeline, isPlaying } from './timeline.js';
import { initProfile, setLine, updateProfile, draw as drawProfile } from './profile.js';
import { initPlaces, relabelSearch, relabelMap } from './places.js';
import { styleMap, onSchemeChange, colour } from './theme.js';
import { initMarkerKeys, keepFocus, focusAfterClose } from './keyboard.js';
import { initLineFilters, labelLineFilters, syncLineFilters, setLength } from './linefilters.js';
import {
  OSM_ATTRIBUTION, NE_ATTRIBUTION, createPanes, textElement, getJSON,
  loadLand, loadPlaces, loadLandmarks, loadMDL, loadDMZ, relabel,
} from './basemap.js';
import { loadLevels } from './basemap-lazy.js';
import { inCell } from './cell-place.js';
import { initDeclutter } from './declutter.js';

const L = window.L;
const PAGE = 10000; // the API's largest limit
const LIST_MAX = 200;
const ALL_MAX = 3000; // the most incidents drawn one by one
const CELL_PX = 60; // the side of a server cluster's cell on screen
const VIEW_PAD = 0.25; // how far beyond the view to load, as a fraction of its size
const VIEW_DELAY = 150; // ms to wait for the map to stop moving before loading
const DMZ_BOUNDS = L.latLngBounds([37.74, 126.55], [38.68, 128.42]);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

const $ = (id) => document.getElementById(id);
const state = parseState(location.search);
let bounds = null; // {first, last, total} of the whole dataset, from /api/years
let config = null; // what the server allows and its dataset spans, from /api/config

// ---- the map and its layers

const map = L.map('map', { preferCanvas: true, minZoom: 5, maxZoom: 18, zoomSnap: 0.5, keyboard: true, zoomControl: false });
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
const renderers = createPanes(map);

let chunkDone = null;
const cluster = L.markerClusterGroup({
  chunkedLoading: true,
  chunkInterval: 45, // ms of work a task, under the 50 ms of a long task
  chunkDelay: 16,
  chunkProgress: (done, total) => {
    if (done >= total && chunkDone) {
      const resolve = chunkDone;
      chunkDone = null;
      resolve();
    }
  },
  showCoverageOnHover: false,
  maxClusterRadius: 44,
  // A spread-out spot's markers at least a 24 px touch target apart.
  spiderfyDistanceMultiplier: 2,
  iconCreateFunction: (c) => {
    const n = c.getChildCount();
    const div = document.createElement('div');
    div.append(textElement(formatNumber(state.lang, n)));
    const { size, px } = clusterSize(n);
    return L.divIcon({ html: div, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(px, px) });
  },
});

const layers = {
  basemap: L.layerGroup([], { attribution: OSM_ATTRIBUTION }),
  osm: L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: OSM_ATTRIBUTION }),
  dmz: L.layerGroup([], { attribution: OSM_ATTRIBUTION }),
  mdl: L.layerGroup([], { attribution: OSM_ATTRIBUTION }),
  incidents: L.layerGroup([cluster]),
  crossings: L.layerGroup(),
  paths: L.layerGroup(),
  places: L.layerGroup([], { attribution: NE_ATTRIBUTION }),
  landmarks: L.layerGroup([], { attribution: OSM_ATTRIBUTION }),
};
for (const name of ['basemap', 'dmz', 'mdl', 'paths', 'crossings', 'incidents', 'places', 'landmarks']) layers[name].addTo(map);
layers.precision = initPrecision(map, () => (mode === 'cells' ? [] : sorted.map(({ f }) => f)));

const highlight = L.circleMarker([0, 0], {
  renderer: renderers.highlight, radius: 17, color: '#0b57d0', weight: 3, fill: false, interactive: false,
});

const ShapeIcon = L.DivIcon.extend({
  options: { iconSize: [24, 24], html: false }, // 24 px: the smallest touch target WCAG 2.2 allows
  createIcon(old) {
    const div = L.DivIcon.prototype.createIcon.call(this, old);
    div.replaceChildren(shape(this.options.type, 24));
    return div;
  },
});
const icons = Object.fromEntries(TYPES.map((type) => [type, new ShapeIcon({ type, className: `inc-icon inc-${type}` })]));

// cells holds the server's clusters; only one of it and cluster has markers.
const cells = L.layerGroup().addTo(layers.incidents);

function clusterSize(n) {
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : n < 1000 ? 'large' : 'huge';
  return { size, px: size === 'huge' ? 52 : 40 };
}

// ---- controls on the map

let layerControl = null;
let zoomControl = null;
function buildLayerControl() {
  const lang = state.lang;
  if (zoomControl) zoomControl.remove();
  zoomControl = L.control.zoom({ zoomInTitle: t(lang, 'zoomIn'), zoomOutTitle: t(lang, 'zoomOut') }).addTo(map);
  if (layerControl) layerControl.remove();
  const base = { [t(lang, 'layerBasemap')]: layers.basemap, [t(lang, 'layerOSM')]: layers.osm };
  const overlays = {};
  for (const [name, key] of [['dmz', 'layerDMZ'], ['mdl', 'layerMDL'], ['incidents', 'layerIncidents'],
    ['crossings', 'layerCrossings'], ['paths', 'layerPaths'], ['precision', 'layerPrecision'], ['places', 'layerPlaces'], ['landmarks', 'layerLandmarks']]) {
    overlays[t(lang, key)] = layers[name];
  }
  layerControl = L.control.layers(base, overlays, { collapsed: true, position: 'topright' }).addTo(map);
  const toggle = layerControl.getContainer().querySelector('.leaflet-control-layers-toggle');
  toggle.setAttribute('aria-label', t(lang, 'layers'));
  toggle.title = t(lang, 'layers');
}

const Legend = L.Control.extend({
  options: { position: 'bottomright' },
  onAdd() {
    const box = L.DomUtil.create('details', 'legend');
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    // Open on a large screen, but not over the first view of every
    // incident (a link without a view): it would hide some.
    box.open = window.innerWidth >= 1000 && window.innerHeight >= 760 && state.view !== null;
    this.box = box;
    this.fill();
    return box;
  },
  fill() {
    const lang = state.lang;
    const summary = textElement(t(lang, 'legend'), 'summary');
    const list = document.createElement('ul');
    const item = (sym, text) => {
      const li = document.createElement('li');
      li.append(sym, textElement(text));
      list.append(li);
    };
    for (const type of TYPES) item(shape(type, 16), label(lang, 'types', type));
    item(lineSymbol('mdl'), t(lang, 'mdl'));
    item(lineSymbol('dmz'), t(lang, 'dmzBand'));
    item(lineSymbol('crossing'), t(lang, 'layerCrossings'));
    item(lineSymbol('path'), t(lang, 'layerPaths'));
    this.box.replaceChildren(summary, list);
  },
});
const legend = new Legend().addTo(map);

// ---- the data currently shown

// mode says how the map shows the incidents: 'all' of them as markers,
// the view's as 'markers', or the view's server 'cells'.
let mode = 'all';
let features = new Map(); // id → Feature of every marker
let sorted = []; // [{f, ll}] of every marker, in date order
const markers = new Map(); // id → marker, kept across filter changes
let shown = new Set(); // markers now in the cluster group
let cellData = []; // the server clusters drawn, as Features
let listed = new Map(); // id → Feature of the list, in cells mode

function pointOf(f) {
  const c = f.geometry?.coordinates;
  if (f.geometry?.type !== 'Point' || !Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) return null;
  return L.latLng(c[1], c[0]);
}

function markerTitle(f) {
  const p = f.properties;
  return t(state.lang, 'incidentMarker', { title: localized(state.lang, p, 'title'), date: formatDate(state.lang, p.date, p.date_precision) });
}

function markerFor(f, ll) {
  let m = markers.get(f.id);
  if (m && (!m.getLatLng().equals(ll) || m.options.icon !== (icons[f.properties.type] || icons.other))) {
    if (shown.has(m)) {
      cluster.removeLayer(m);
      shown.delete(m);
    }
    m = null;
  }
  if (!m) {
    m = L.marker(ll, { icon: icons[f.properties.type] || icons.other, keyboard: true, riseOnHover: true, title: markerTitle(f) });
    m.incidentId = f.id;
    m.on('click', () => select(f.id));
    markers.set(f.id, m);
  }
  return m;
}

function addChunked(list) {
  if (list.length === 0) return Promise.resolve();
  if (!map.hasLayer(cluster)) {
    cluster.addLayers(list);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    chunkDone = resolve;
    cluster.addLayers(list);
  });
}

function byDate(a, b) {
  const da = a.f.properties.date || '';
  const db = b.f.properties.date || '';
  return da < db ? -1 : da > db ? 1 : a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0;
}

// renderIncidents draws the Features of list as markers, with their paths,
// in place of whatever the map showed.
async function renderIncidents(list) {
  cells.clearLayers();
  cellData = [];
  listed = new Map();
  features = new Map();
  sorted = [];
  const next = new Set();
  const add = [];
  for (const f of list) {
    const ll = pointOf(f);
    if (!ll || typeof f.id !== 'string') continue;
    features.set(f.id, f);
    sorted.push({ f, ll });
    const m = markerFor(f, ll);
    next.add(m);
    if (!shown.has(m)) add.push(m);
  }
  sorted.sort(byDate);
  const remove = [];
  for (const m of shown) if (!next.has(m)) remove.push(m);
  if (remove.length) cluster.removeLayers(remove);
  shown = next;
  if (markers.size > 4 * PAGE) {
    for (const [id, m] of markers) if (!next.has(m)) markers.delete(id);
  }
  await addChunked(add);

  layers.paths.clearLayers();
  for (const { f } of sorted) {
    const path = f.properties.path;
    if (path?.type !== 'LineString' || !Array.isArray(path.coordinates) || path.coordinates.length < 2) continue;
    const line = L.polyline(path.coordinates.map(([lon, lat]) => [lat, lon]), {
      renderer: renderers.paths, color: colour('path'), weight: 2.5, dashArray: '6 4', opacity: 0.9,
    });
    line.bindTooltip(() => textElement(markerTitle(f)), { sticky: true });
    line.on('click', () => select(f.id));
    layers.paths.addLayer(line);
  }
  updatePrecision();
}

// cellMarker is the marker of one server cluster: the symbol of its type
// for a single incident, which opens it; its count for more, which zooms in.
function cellMarker(c) {
  const lang = state.lang;
  const p = c.properties || {};
  const [lon, lat] = c.geometry.coordinates;
  const ll = L.latLng(lat, lon);
  if (p.count === 1 && typeof p.id === 'string') {
    const type = Object.keys(p.by_type || {})[0] || 'other';
    const m = L.marker(ll, { icon: icons[type] || icons.other, keyboard: true, riseOnHover: true, title: t(lang, 'cellOne', { type: label(lang, 'types', type) }) });
    m.incidentId = p.id;
    m.cellCount = 1;
    m.on('click', () => select(p.id));
    return m;
  }
  const div = document.createElement('div');
  div.append(textElement(formatNumber(lang, p.count)));
  const { size, px } = clusterSize(p.count);
  const m = L.marker(inCell(map, ll, cellSize(map.getZoom()), px), {
    icon: L.divIcon({ html: div, className: `marker-cluster marker-cluster-${size}`, iconSize: L.point(px, px) }),
    keyboard: true, title: t(lang, 'cellMany', { n: formatNumber(lang, p.count) }),
  });
  m.cellCount = p.count;
  m.on('click', () => {
    const z = Math.min(map.getZoom() + 2, map.getMaxZoom());
    if (reducedMotion.matches) map.setView(ll, z);
    else map.flyTo(ll, z, { duration: 0.5 });
  });
  return m;
}

// renderCells draws the server clusters list in place of whatever the map
// showed; crossing points and paths wait for a closer view.
function renderCells(list) {
  if (shown.size) cluster.clearLayers();
  shown = new Set();
  features = new Map();
  sorted = [];
  cellData = list;
  cells.clearLayers();
  for (const c of list) {
    if (c.geometry?.type === 'Point' && typeof c.properties?.count === 'number') cells.addLayer(cellMarker(c));
  }
  layers.paths.clearLayers();
  layers.crossings.clearLayers();
}

function renderCrossings(list) {
  layers.crossings.clearLayers();
  for (const c of list) {
    const ll = pointOf(c);
    if (!ll) continue;
    const p = c.properties || {};
    const m = L.circleMarker(ll, {
      renderer: renderers.crossings, radius: 5, color: '#1b1b1b', weight: 2.5, fillColor: '#ffffff', fillOpacity: 1,
      dashArray: p.estimated ? '3 3' : null,
    });
    m.bindTooltip(() => {
      const lang = state.lang;
      const parts = [t(lang, 'crossingPoint'), localized(lang, p, 'title'), formatDate(lang, p.date, p.date_precision), label(lang, 'directions', p.direction)];
      if (p.estimated) parts.push(t(lang, 'estimated'));
      return textElement(parts.filter(Boolean).join(' · '));
    }, { sticky: true });
    if (p.incident_id) m.on('click', () => select(p.incident_id));
    layers.crossings.addLayer(m);
  }
}

// ---- the list of incidents in view

let lastList = { items: [], total: 0 };

// renderList shows items, the first Features in view in date order, of
// total in view; with no argument, the markers in view.
function renderList(items, total) {
  if (items === undefined) {
    const b = map.getBounds();
    const inView = sorted.filter(({ ll }) => b.contains(ll));
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

$('list').addEventListener('click', (e) => {
  const btn = e.target.closest('button[data-id]');
  if (btn) select(btn.dataset.id, { fly: true });
});

// ---- details of the selected incident

let returnFocus = null;

function showDetails(f, focus) {
  const panel = $('details');
  panel.hidden = false;
  const heading = renderDetails($('details-body'), f, state.lang);
  shareDetails($('details-body'), f, state.lang);
  if (focus) heading.focus();
  const ll = pointOf(f);
  if (ll) highlight.setLatLng(ll).addTo(map);
  showPrecision(f);
  for (const b of $('list').querySelectorAll('button[aria-current]')) b.removeAttribute('aria-current');
  $('list').querySelector(`button[data-id="${CSS.escape(f.id)}"]`)?.setAttribute('aria-current', 'true');
}

function closeDetails() {
  const closing = state.sel;
  state.sel = null;
  $('details').hidden = true;
  $('details-body').replaceChildren();
  highlight.remove();
  showPrecision(null);
  for (const b of $('list').querySelectorAll('button[aria-current]')) b.removeAttribute('aria-current');
  writeURL();
  if (returnFocus && document.contains(returnFocus) && returnFocus !== document.body) returnFocus.focus();
  focusAfterClose(closing);
  returnFocus = null;
}

// ringMarker moves the ring to the marker m as drawn, which markercluster
// moves off its incident's point when it spreads out a crowded spot.
function ringMarker(m) {
  if (m.incidentId === state.sel && map.hasLayer(highlight)) highlight.setLatLng(m.getLatLng());
}
cluster.on('spiderfied unspiderfied', () => {
  const m = state.sel && markers.get(state.sel);
  if (m && cluster.hasLayer(m)) ringMarker(m);
});

let flight = Promise.resolve(); // the latest flyTo, until its marker shows

function flyTo(f) {
  const ll = pointOf(f);
  if (!ll) return;
  let finish;
  flight = new Promise((resolve) => {
    finish = resolve;
  });
  setTimeout(finish, 5000); // a cluster that never opens holds no one for ever
  const reveal = () => {
    const m = markers.get(f.id);
    if (!m || !cluster.hasLayer(m)) {
      finish();
      return;
    }
    cluster.zoomToShowLayer(m, () => {
      ringMarker(m);
      finish();
    });
  };
  const zoom = Math.max(map.getZoom(), 11);
  if (map.getZoom() >= 11 && map.getBounds().pad(-0.1).contains(ll)) {
    reveal();
    return;
  }
  map.once('moveend', () => loadsIdle().then(reveal));
  if (reducedMotion.matches) map.setView(ll, zoom);
  else map.flyTo(ll, zoom, { duration: 0.8 });
}

// select shows the details of incident id; fly also moves the map to it.
async function select(id, { fly = false, focus = false } = {}) {
  returnFocus = document.activeElement;
  state.sel = id;
  writeURL();
  let f = features.get(id) || listed.get(id);
  if (!f) {
    try {
      f = await getJSON(`/api/incidents/${encodeURIComponent(id)}`);
    } catch {
      f = null;
    }
  }
  if (state.sel !== id) return;
  if (!f) {
    closeDetails();
    return;
  }
  const narrow = window.matchMedia('(max-width: 820px)').matches;
  showDetails(f, focus || narrow);
  if (narrow) $('details').scrollIntoView({ block: 'start', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  if (fly) flyTo(f);
}

$('details-close').addEventListener('click', closeDetails);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('details').hidden && $('details').contains(document.activeElement)) closeDetails();
});

// ---- filters

let slider = null;

function buildChecks() {
  const lang = state.lang;
  const make = (fieldset, name, values, selected, group, withShape) => {
    const legendEl = fieldset.querySelector('legend');
    const boxes = values.map((v) => {
      const id = `${name}-${v}`;
      const wrap = document.createElement('div');
      wrap.className = 'check';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.id = id;
      input.name = name;
      input.value = v;
      input.checked = selected.includes(v);
      const lab = document.createElement('label');
      lab.htmlFor = id;
      if (withShape) lab.append(shape(v, 18));
      lab.append(textElement(label(lang, group, v)));
      wrap.append(input, lab);
      return wrap;
    });
    fieldset.replaceChildren(legendEl, ...boxes);
  };
  make($('types'), 'type', TYPES, state.types, 'types', true);
  make($('directions'), 'direction', DIRECTIONS, state.directions, 'directions', false);
}

function checked(name) {
  return [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

$('types').addEventListener('change', () => {
  state.types = checked('type');
  refresh();
});
$('directions').addEventListener('change', () => {
  state.directions = checked('direction');
  refresh();
});

let searchTimer = 0;
$('q').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    if ($('q').value.trim() === state.q.trim()) return;
    state.q = $('q').value;
    refresh();
  }, 300);
});
$('filter-form').addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(searchTimer);
  state.q = $('q').value;
  refresh();
});

$('reset').addEventListener('click', () => {
  const d = defaultState();
  Object.assign(state, { from: bounds?.first ?? null, to: bounds?.last ?? null, types: d.types, directions: d.directions, sectors: d.sectors, km: null, q: '' });
  syncControls();
  refresh();
});

function buildSlider() {
  const el = $('years');
  const { from, to } = yearRange(state, bounds);
  slider = noUiSlider.create(el, {
    start: [from, to],
    connect: true,
    step: 1,
    margin: 0,
    behaviour: 'tap-drag',
    range: { min: bounds.first, max: Math.max(bounds.last, bounds.first + 1) },
    keyboardDefaultStep: 1,
    keyboardPageMultiplier: 10,
    format: { to: (v) => String(Math.round(v)), from: (v) => Number(v) },
    ariaFormat: { to: (v) => String(Math.round(v)), from: (v) => Number(v) },
    handleAttributes: [{ 'aria-label': t(state.lang, 'yearFrom') }, { 'aria-label': t(state.lang, 'yearTo') }],
  });
  slider.on('update', (values) => {
    $('years-out').textContent = values[0] === values[1] ? values[0] : `${values[0]} – ${values[1]}`;
  });
  slider.on('set', (values) => {
    const [a, b] = values.map(Number);
    if (a === state.from && b === state.to) return;
    state.from = a;
    state.to = b;
    refresh({ keepYears: true });
  });
}

function syncControls() {
  for (const i of document.querySelectorAll('input[name="type"]')) i.checked = state.types.includes(i.value);
  for (const i of document.querySelectorAll('input[name="direction"]')) i.checked = state.directions.includes(i.value);
  if ($('q').value !== state.q) $('q').value = state.q;
  syncLineFilters(state);
  if (slider && bounds) {
    const { from, to } = yearRange(state, bounds);
    slider.set([from, to], false);
  }
}

// ---- the timeline

function buildTimeline() {
  const bars = [];
  const axis = [];
  const span = bounds.last - bounds.first + 1;
  for (let y = bounds.first; y <= bounds.last; y++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'bar';
    b.dataset.year = String(y);
    b.tabIndex = -1;
    b.append(document.createElement('span'));
    bars.push(b);
    const gap = Math.max(3, span / 10);
    if (y === bounds.first || y === bounds.last || (y % 10 === 0 && y - bounds.first > gap && bounds.last - y > gap)) {
      const tick = textElement(String(y));
      tick.style.left = `${((y - bounds.first + 0.5) / span) * 100}%`;
      axis.push(tick);
    }
  }
  $('bars').replaceChildren(...bars);
  $('axis').replaceChildren(...axis);
}

let lastYears = null;

function updateTimeline(years) {
  lastYears = years;
  const lang = state.lang;
  const counts = new Map((years?.years || []).map((y) => [y.year, y.total]));
  const max = Math.max(1, ...counts.values());
  const { from, to } = yearRange(state, bounds);
  let focusable = null;
  for (const b of $('bars').children) {
    const y = Number(b.dataset.year);
    const n = counts.get(y) || 0;
    b.firstChild.style.height = n ? `${Math.max(4, (n / max) * 100)}%` : '0';
    b.classList.toggle('in', y >= from && y <= to);
    b.classList.toggle('empty', n === 0);
    b.setAttribute('aria-pressed', String(from === to && y === from));
    b.setAttribute('aria-label', t(lang, 'bar', { year: y, n: formatNumber(lang, n) }));
    b.title = t(lang, 'bar', { year: y, n: formatNumber(lang, n) });
    if (b.tabIndex === 0) focusable = b;
  }
  stackTimeline(years);
  if (!focusable) {
    const first = $('bars').querySelector(`[data-year="${from}"]`) || $('bars').firstChild;
    if (first) first.tabIndex = 0;
  }
}

function selectYear(y) {
  if (state.from === y && state.to === y) {
    state.from = bounds.first;
    state.to = bounds.last;
  } else {
    state.from = y;
    state.to = y;
  }
  syncControls();
  return refresh({ keepYears: true });
}

$('bars').addEventListener('click', (e) => {
  const b = e.target.closest('button.bar');
  if (b) selectYear(Number(b.dataset.year));
});
$('bars').addEventListener('keydown', (e) => {
  const b = e.target.closest('button.bar');
  if (!b) return;
  const all = [...$('bars').children];
  let i = all.indexOf(b);
  if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') i = Math.max(0, i - 1);
  else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') i = Math.min(all.length - 1, i + 1);
  else if (e.key === 'Home') i = 0;
  else if (e.key === 'End') i = all.length - 1;
  else return;
  e.preventDefault();
  for (const x of all) x.tabIndex = -1;
  all[i].tabIndex = 0;
  all[i].focus();
});

// ---- counts, status, URL and export

function setStatus(s) {
  document.body.dataset.status = s;
}

function updateCount(matched) {
  const lang = state.lang;
  document.body.dataset.matched = String(matched);
  document.body.dataset.total = String(bounds?.total ?? 0);
  document.body.dataset.rendered = String(cluster.getLayers().length);
  $('count').textContent = t(lang, 'showing', { n: formatNumber(lang, matched), m: formatNumber(lang, bounds?.total ?? 0) });
}

function writeURL() {
  const q = pageQuery(state, bounds);
  const url = `${location.pathname}${q ? `?${q}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

function updateExport() {
  const a = $('export');
  if (selectsNothing(state)) {
    a.removeAttribute('href');
    a.setAttribute('aria-disabled', 'true');
    return;
  }
  const q = queryParams(state, bounds).toString();
  a.href = `/api/export.geojson${q ? `?${q}` : ''}`;
  a.removeAttribute('aria-disabled');
}

function showError(on) {
  const e = $('error');
  e.hidden = !on;
  e.textContent = on ? t(state.lang, 'loadError') : '';
}

// ---- about the data

let dataset = null; // the version of the dataset the API serves, from its answers

function aboutVersion() {
  $('about-version').textContent = dataset ? t(state.lang, 'aboutVersion', { v: dataset.version, d: formatDate(state.lang, dataset.date, 'day') }) : '';
}

$('about-open').addEventListener('click', () => {
  aboutVersion();
  $('about').showModal();
  $('about-title').focus();
});
$('about-close').addEventListener('click', () => $('about').close());
$('about').addEventListener('close', () => $('about-open').focus());

// ---- loading

async function fetchAll(path, params, signal) {
  const out = [];
  let matched = 0;
  for (let offset = 0; ; offset += PAGE) {
    const p = new URLSearchParams(params);
    p.set('limit', String(PAGE));
    if (offset) p.set('offset', String(offset));
    const fc = await getJSON(`${path}?${p}`, signal);
    if (!fc) return { features: [], matched: 0, missing: true };
    const list = Array.isArray(fc.features) ? fc.features : [];
    if (fc.dataset?.version) dataset = fc.dataset;
    matched = typeof fc.numberMatched === 'number' ? fc.numberMatched : list.length;
    for (const f of list) out.push(f);
    if (list.length === 0 || out.length >= matched) break;
  }
  return { features: out, matched };
}

// countYears adds up the incidents of the selected years in a /api/years
// answer for every year: what the filters match.
function countYears(years) {
  const { from, to } = yearRange(state, bounds);
  let n = 0;
  for (const y of years?.years || []) if (y.year >= from && y.year <= to) n += y.total;
  return n;
}

// cellSize is the side, in degrees, of a server cluster's cell at zoom z.
function cellSize(z) {
  const deg = (CELL_PX * 360) / (256 * 2 ** z);
  return Math.min(5, Math.max(0.0005, Number(deg.toPrecision(2))));
}

// around returns view padded by VIEW_PAD and snapped out to the grid of
// cells of cell degrees, so that the cells inside it are whole.
function around(view, cell) {
  const b = view.pad(VIEW_PAD);
  const down = (v) => Math.floor(v / cell) * cell;
  const up = (v) => Math.ceil(v / cell) * cell;
  return L.latLngBounds([down(b.getSouth()), down(b.getWest())], [up(b.getNorth()), up(b.getEast())]);
}

function bboxOf(b) {
  const clamp = (v, lim) => Math.min(lim, Math.max(-lim, v));
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)];
}

let generation = 0; // one more for every load; a load whose number is old stops
let controller = null;
let current = Promise.resolve(); // the latest load
let renderChain = Promise.resolve();
let needFull = true; // the filters changed since the last complete load
let yearsCache = { key: null, years: null }; // the last /api/years answer
let matched = 0; // how many incidents the filters select
let loaded = null; // {key, bbox, cell, mode} of the view's data in the view modes
let viewTimer = 0;
let viewWaiters = [];

// refresh asks the API for what the filters select and redraws the map,
// the list, the count and the timeline. keepYears reuses the counts per
// year of the same filters, for a change of the year range only.
function refresh({ keepYears = false } = {}) {
  if (!keepYears) yearsCache = { key: null, years: null };
  needFull = true;
  writeURL();
  updateExport();
  return startLoad();
}

// moved redraws what the view needs once the map has stopped moving.
function moved() {
  if (mode === 'all' && !needFull) {
    renderList();
    return;
  }
  clearTimeout(viewTimer);
  current = new Promise((resolve) => viewWaiters.push(resolve));
  viewTimer = setTimeout(startLoad, VIEW_DELAY);
}

// startLoad cancels the load under way and starts the one the state needs.
function startLoad() {
  clearTimeout(viewTimer);
  viewTimer = 0;
  const gen = ++generation;
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  setStatus('loading');
  const work = needFull ? load(gen, signal) : loadView(gen, signal, null);
  current = work.catch((err) => {
    if (gen !== generation || err?.name === 'AbortError') return;
    setStatus('error');
    showError(true);
  });
  for (const resolve of viewWaiters) resolve(current);
  viewWaiters = [];
  return current;
}

// draw runs render after the renders before it, unless a later load has
// begun, then brings the details and the status up to date.
async function draw(gen, full, render) {
  const rendered = renderChain.then(async () => {
    if (gen !== generation) return;
    await render();
    if (gen !== generation) return;
    if (full) needFull = false;
    showError(false);
    if (state.sel) {
      const f = features.get(state.sel) || listed.get(state.sel);
      if (f) showDetails(f, false);
      else if (mode === 'all' && !$('details').hidden) highlight.remove();
    }
    setStatus('idle');
  });
  renderChain = rendered.catch(() => {});
  await rendered;
}

// load answers a change of the filters: the counts per year, then every
// incident they select, or what the view needs when they are too many.
async function load(gen, signal) {
  const empty = { features: [], matched: 0 };
  let years = { years: [] };
  let n = 0;
  if (!selectsNothing(state)) {
    const key = queryParams(state, bounds, { years: false }).toString();
    if (yearsCache.key === key) {
      years = yearsCache.years;
    } else {
      years = await getJSON(`/api/years${key ? `?${key}` : ''}`, signal);
      if (!years) throw new Error('/api/years is missing');
      yearsCache = { key, years };
    }
    n = countYears(years);
  }
  if (gen !== generation) return;
  if (n > ALL_MAX) {
    await loadView(gen, signal, { years, matched: n });
    return;
  }
  let inc = empty;
  let cross = empty;
  if (n > 0) {
    const params = queryParams(state, bounds);
    [inc, cross] = await Promise.all([
      fetchAll('/api/incidents', params, signal),
      fetchAll('/api/crossings', params, signal).catch((err) => {
        if (err?.name === 'AbortError') throw err;
        return empty;
      }),
    ]);
    if (inc.missing) throw new Error('/api/incidents is missing');
  }
  if (gen !== generation) return;
  await draw(gen, true, async () => {
    mode = 'all';
    loaded = null;
    await renderIncidents(inc.features);
    if (gen !== generation) return;
    renderCrossings(cross.features);
    updateTimeline(years);
    updateProfile(inc.features);
    matched = inc.matched;
    updateCount(matched);
    renderList();
  });
}

// loadView draws what the view needs when the filters select more than
// ALL_MAX: the server's clusters, or the view's incidents when it holds
// ALL_MAX or fewer; and the list of the view. full carries the counts
// after a change of the filters.
async function loadView(gen, signal, full) {
  if (!full && mode === 'all') {
    await draw(gen, false, () => renderList());
    return;
  }
  const key = queryParams(state, bounds).toString();
  const view = map.getBounds();
  const cell = cellSize(map.getZoom());
  const have = !full && loaded && loaded.key === key && loaded.bbox.contains(view)
    && (loaded.mode === 'markers' || loaded.cell === cell);
  let list = null;
  if (!have || loaded.mode === 'cells') {
    const lq = queryParams(state, bounds, { bbox: bboxOf(view) });
    lq.set('limit', String(LIST_MAX));
    list = getJSON(`/api/incidents?${lq}`, signal);
    list.catch(() => {});
  }
  let bbox = loaded?.bbox;
  let clusters = null;
  let inc = null;
  let cross = null;
  if (!have) {
    bbox = around(view, cell);
    const cq = queryParams(state, bounds, { bbox: bboxOf(bbox) });
    cq.set('cell', String(cell));
    clusters = await getJSON(`/api/clusters?${cq}`, signal);
    if (!clusters) throw new Error('/api/clusters is missing');
    if (clusters.numberMatched <= ALL_MAX) {
      const q = queryParams(state, bounds, { bbox: bboxOf(bbox) });
      [inc, cross] = await Promise.all([
        fetchAll('/api/incidents', q, signal),
        fetchAll('/api/crossings', q, signal).catch((err) => {
          if (err?.name === 'AbortError') throw err;
          return { features: [] };
        }),
      ]);
      list = null;
    }
  }
  if (list) list = await list;
  if (gen !== generation) return;
  await draw(gen, Boolean(full), async () => {
    if (inc) {
      mode = 'markers';
      await renderIncidents(inc.features);
      if (gen !== generation) return;
      renderCrossings(cross.features);
    } else if (clusters) {
      mode = 'cells';
      renderCells(Array.isArray(clusters.features) ? clusters.features : []);
    }
    loaded = { key, bbox, cell, mode };
    if (full) {
      updateTimeline(full.years);
      updateProfile(null);
      matched = full.matched;
      updateCount(matched);
    }
    if (mode === 'markers') {
      renderList();
    } else {
      const items = Array.isArray(list?.features) ? list.features : [];
      listed = new Map(items.map((f) => [f.id, f]));
      renderList(items, list?.numberMatched ?? items.length);
    }
  });
}

// idle resolves when the page has started and the latest change has been
// fetched and drawn, and the map has flown to the incident it was sent to.
async function idle() {
  for (;;) {
    const f = flight;
    await loadsIdle();
    await f;
    if (f === flight) return loadsIdle();
  }
}

// loadsIdle is idle but for a flight to an incident under way.
async function loadsIdle() {
  await ready;
  for (;;) {
    const p = current;
    await p;
    await renderChain;
    if (p === current && viewTimer === 0) return;
  }
}

// settled waits for idle and reports what the page shows.
async function settled() {
  await idle();
  return snapshot();
}

// snapshot reports what the page shows, for tests and for the curious.
function snapshot() {
  let onMap = 0;
  cluster._featureGroup?.eachLayer((l) => {
    onMap += typeof l.getChildCount === 'function' ? l.getChildCount() : 1;
  });
  let cellSum = 0;
  cells.eachLayer((m) => {
    cellSum += m.cellCount;
  });
  return {
    status: document.body.dataset.status,
    query: queryParams(state, bounds).toString(),
    matched: Number(document.body.dataset.matched),
    total: bounds?.total ?? 0,
    mode,
    features: features.size,
    markers: cluster.getLayers().length,
    cells: cells.getLayers().length,
    cellSum,
    onMap: onMap + cellSum,
    crossings: layers.crossings.getLayers().length,
    paths: layers.paths.getLayers().length,
    listed: lastList.items.length,
    inView: lastList.total,
    view: bboxOf(map.getBounds()),
    loaded: loaded ? bboxOf(loaded.bbox) : null,
  };
}

// ---- language

function applyLang() {
  const lang = state.lang;
  document.documentElement.lang = lang;
  document.title = t(lang, 'pageTitle');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(lang, el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(lang, el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(lang, el.dataset.i18nAriaLabel));
  $('lang').lang = lang === 'en' ? 'ko' : 'en';
  map.getContainer().setAttribute('aria-label', t(lang, 'mapLabel'));
  buildChecks();
  labelLineFilters(lang, state);
  renderNotices();
  relabelSearch();
  layersDrawn.then(() => relabelMap([layers.places, layers.landmarks]));
  buildLayerControl();
  legend.fill();
  if (slider) {
    $('years').querySelector('.noUi-handle-lower')?.setAttribute('aria-label', t(lang, 'yearFrom'));
    $('years').querySelector('.noUi-handle-upper')?.setAttribute('aria-label', t(lang, 'yearTo'));
  }
  for (const [id, m] of markers) {
    const f = features.get(id);
    if (!f) continue;
    m.options.title = markerTitle(f);
    if (m.getElement()) m.getElement().title = m.options.title;
  }
  if (cluster._map) cluster.refreshClusters();
  if (cellData.length) renderCells(cellData);
  relabel(lang);
  aboutVersion();
}

$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'en' ? 'ko' : 'en';
  applyLang();
  writeURL();
  for (const relabel of relabelers) relabel();
  if (bounds) {
    updateCount(matched);
    renderList(lastList.items, lastList.total);
    const f = state.sel && (features.get(state.sel) || listed.get(state.sel));
    if (f && !$('details').hidden) showDetails(f, false);
    updateTimeline(lastYears);
    drawProfile();
  }
});

// ---- start

map.on('moveend', () => {
  const c = map.getCenter();
  state.view = { z: map.getZoom(), lat: c.lat, lon: c.lng };
  if (bounds) {
    writeURL();
    moved();
  }
});

// loadLayers draws the basemap, the MDL and the DMZ band, and resolves
// when they are drawn or have failed.
function loadLayers() {
  return Promise.allSettled([
    loadLevels({ map, layers, renderers, dmzTooltip: () => t(state.lang, 'dmzBand'), restyle: () => styleMap(layers, highlight) }),
    loadPlaces(map, layers.places, renderers.basemapPoints, () => state.lang),
    loadLandmarks(map, layers.landmarks, renderers.basemapPoints, () => state.lang),
    loadMDL(layers.mdl, renderers.mdl, () => t(state.lang, 'mdl')),
  ]);
}

let layersDrawn = Promise.resolve();

async function start() {
  applyLang();
  $('count').textContent = t(state.lang, 'loading');
  // Without a view in the link, the first view is /api/config's box of the
  // data; the layers are added once the map has its view, each in its own
  // tasks, instead of all at once when the view is set.
  const years = getJSON('/api/years');
  const conf = getJSON('/api/config').catch(() => null);
  years.catch(() => {});
  if (state.view) {
    map.setView([state.view.lat, state.view.lon], state.view.z, { animate: false });
  } else {
    config = await conf;
    if (Array.isArray(config?.bbox)) {
      const [w, s, e, n] = config.bbox;
      map.invalidateSize({ pan: false });
      map.fitBounds([[s, w], [n, e]], { animate: false, padding: [26, 26] });
    } else {
      map.fitBounds(DMZ_BOUNDS, { animate: false });
    }
  }
  layersDrawn = loadLayers();
  layersDrawn.then(() => {
    relabelMap([layers.places, layers.landmarks]);
    styleMap(layers, highlight);
  });
  onSchemeChange(() => styleMap(layers, highlight));
  try {
    const all = await years;
    if (!all) throw new Error('/api/years is missing');
    config = await conf;
    const thisYear = new Date().getUTCFullYear();
    const first = all.first || all.years?.[0]?.year || 1953;
    const last = all.last || all.years?.at(-1)?.year || thisYear;
    bounds = { first, last, total: all.total ?? 0 };
    yearsCache = { key: '', years: all };
  } catch {
    setStatus('error');
    showError(true);
    return;
  }
  await startChecked();
  const { from, to } = yearRange(state, bounds);
  state.from = from;
  state.to = to;
  buildSlider();
  buildTimeline();
  syncControls();
  await refresh({ keepYears: true });
  if (state.sel) openFromURL(shareApi, state.sel);
}

// reload brings the dataset's total up to date, then redraws: after an
// edit, or when live.js applies the changes of others.
async function reload() {
  const all = await getJSON('/api/years').catch(() => null);
  if (bounds && all) {
    bounds.total = all.total ?? bounds.total;
    widenYears(all.first ?? bounds.first, all.last ?? bounds.last);
  }
  await refresh();
  live.recheck();
}

// widenYears extends the slider and the timeline to an incident written
// before the first year or after the last; a range that reached an end
// keeps reaching it.
function widenYears(first, last) {
  if (first >= bounds.first && last <= bounds.last) return;
  const { from, to } = yearRange(state, bounds);
  if (from !== to && from === bounds.first) state.from = Math.min(first, bounds.first);
  if (from !== to && to === bounds.last) state.to = Math.max(last, bounds.last);
  bounds.first = Math.min(first, bounds.first);
  bounds.last = Math.max(last, bounds.last);
  slider?.updateOptions({ range: { min: bounds.first, max: Math.max(bounds.last, bounds.first + 1) } }, false);
  buildTimeline();
  syncControls();
}

// shareApi is what share.js, embed.js, live.js and print.js may use.
const shareApi = {
  map,
  cluster,
  feature: (id) => features.get(id) || listed.get(id),
  lang: () => state.lang,
  state: () => state,
  bounds: () => bounds,
  selected: () => state.sel,
  matched: () => matched,
  queryParams: (opts) => queryParams(state, bounds, opts),
  pageQuery: () => pageQuery(state, bounds),
  selectsNothing: () => selectsNothing(state),
  holdsAll: () => mode === 'all',
  printed: () => (mode === 'all'
    ? { items: sorted.map(({ f }) => f), total: sorted.length, all: true }
    : { items: lastList.items, total: lastList.total, all: false }),
  select,
  idle,
  reload,
};
const live = initLive(shareApi);
const relabelers = [initShare(shareApi).relabel, initEmbed(shareApi), live.relabel];
initPrint(shareApi);
// startChecked applies what /api/config says: the sign-in only where
// writes are on, and the checks of
// the page's link by the API's rules, with a notice for what was wrong.
async function startChecked() {
  renderAuth(Boolean(config?.writes));
  if (config?.mdl?.length_km) setLength(config.mdl.length_km);
  setLine(config?.mdl);
  const thisYear = new Date().getUTCFullYear();
  const notices = checkURL(location.search, state, config?.years || { min: 1953, max: thisYear });
  if (state.sel && !(await getJSON(`/api/incidents/${encodeURIComponent(state.sel)}`).catch(() => null))) {
    notices.push({ param: 'sel', key: 'nSel', vars: { value: state.sel }, shown: 'sNoSel' });
    state.sel = null;
  }
  syncControls();
  showNotices(notices, {
    lang: () => state.lang,
    years: () => {
      const r = yearRange(state, bounds);
      return { ...r, all: r.from === bounds.first && r.to === bounds.last };
    },
  });
}

// The page's parts built by their modules, before the map takes its first
// view, so that it measures its final size.
initTimeline({
  lang: () => state.lang, state: () => state, bounds: () => bounds,
  setYear: (y) => {
    state.from = y;
    state.to = y;
    syncControls();
    return refresh({ keepYears: true });
  },
});
initPlaces({ map, lang: () => state.lang });
// The map's container changes size with the panels around it (a notice,
// the profile, the timeline): Leaflet must know, or clicks land off.
// The centre stays where it was, to the pixel; the view in the URL stays
// as it was, not moved by the rounding.
new ResizeObserver(() => {
  const el = map.getContainer();
  const size = map.getSize();
  if (el.clientWidth === size.x && el.clientHeight === size.y) return;
  const v = state.view;
  map.invalidateSize({ animate: false });
  if (v && state.view !== v && Math.abs(state.view.lat - v.lat) + Math.abs(state.view.lon - v.lon) < 0.01) {
    state.view = v;
    if (bounds) writeURL();
  }
}).observe(map.getContainer());
initMarkerKeys(map);
initDeclutter(map);
initLineFilters(state, () => refresh());
initProfile({
  map, lang: () => state.lang, state: () => state, select: (id) => select(id),
  onRange: (km) => {
    state.km = km;
    syncControls();
    refresh();
  },
});
labelLineFilters(state.lang, state);

map.invalidateSize({ pan: false });

const ready = start();

// rendered resolves, with the time since the navigation began, at the end
// of the first frame that shows the whole page: basemap, MDL, DMZ band,
// incidents, count, list and timeline.
let renderedAt = null;
const rendered = ready
  .then(() => Promise.all([idle(), layersDrawn]))
  .then(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
  .then(() => {
    renderedAt = performance.now();
    return renderedAt;
  });

window.dmzmap = {
  map,
  cluster,
  get state() {
    return structuredClone(state);
  },
  get bounds() {
    return bounds && { ...bounds };
  },
  queryParams: () => queryParams(state, bounds).toString(),
  settled,
  snapshot,
  rendered,
  get renderedAt() {
    return renderedAt;
  },
  refresh: () => refresh(),
  setYears: (from, to) => slider.set([from, to]),
  selectYear,
  select,
  preparePrint: () => preparePrint(shareApi),
  reload: () => reload(),
  isPlaying,
  pause: pauseTimeline,
};

initEditor({
  map, lang: () => state.lang, selected: () => state.sel, select, close: closeDetails,
  refresh: reload,
});
