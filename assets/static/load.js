// The loader: the only code that changes what the page shows. A change of
// the state (setState) reaches it through changed; it asks the server for
// what the state selects and draws the map, the list, the count and the
// timeline from the answers, a newer load stopping an older one.
//
// When the filters match ALL_MAX incidents or fewer it loads them all, as
// markers clustered in the browser. When they match more, it asks for the
// view only: the server's clusters (/api/clusters, cells of CELL_PX at the zoom, markers.js)
// while the view holds more than ALL_MAX, then the view's incidents as
// markers, with their crossing points and paths. The list is the view's
// first LIST_MAX in date order. The count and the timeline come from
// /api/years.

import { t, formatNumber } from './i18n.js';
import { FILTER_KEYS, queryParams, yearRange, selectsNothing } from './state.js';
import { updateProfile } from './profile.js';
import { $ } from './dom.js';
import { getJSON } from './http.js';
import { state, bounds, setDataset } from './page-state.js';
import { shown, featureOf } from './shown.js';
import { map, cluster, cells, layers, highlight } from './map.js';
import { renderIncidents, renderCells, renderCrossings, cellSize } from './markers.js';
import { LIST_MAX, lastList, renderList } from './list.js';
import { updateTimeline } from './timeline.js';
import { syncControls, updateExport } from './filters.js';
import { showDetails, currentFlight } from './details-panel.js';

const L = window.L;
const PAGE = 10000; // the API's largest limit
export const ALL_MAX = 3000; // the most incidents drawn one by one
const VIEW_PAD = 0.25; // how far beyond the view to load, as a fraction of its size
const VIEW_DELAY = 150; // ms to wait for the map to stop moving before loading

let ready = Promise.resolve(); // the page's start
let generation = 0; // one more for every load; a load whose number is old stops
let controller = null;
let current = Promise.resolve(); // the latest load
let renderChain = Promise.resolve();
let needFull = true; // the filters changed since the last complete load
let yearsCache = { key: null, years: null }; // the last /api/years answer
let loaded = null; // {key, bbox, cell, mode} of the view's data in the view modes
let viewTimer = 0;
let viewWaiters = [];

// startedBy tells the loader the promise of the page's start, which idle
// waits for.
export function startedBy(p) {
  ready = p;
}

// knowYears keeps /api/years's answer for every year, for the first load.
export function knowYears(all) {
  yearsCache = { key: '', years: all };
}

// changed draws what a change of the state needs: new filters load again
// (the counts per year kept when only the years changed), a new view loads
// what it needs; the selection and the language load nothing. With
// dataChanged, everything loads again.
export function changed(keys, { dataChanged = false } = {}) {
  if (dataChanged || keys.some((k) => FILTER_KEYS.includes(k))) {
    syncControls();
    return refresh({ keepYears: !dataChanged && keys.every((k) => k === 'from' || k === 'to') });
  }
  if (keys.includes('view')) moved();
  return current;
}

// ---- the count, the status and the error

function setStatus(s) {
  document.body.dataset.status = s;
}

// updateCount writes how many incidents the filters select, of all.
export function updateCount() {
  const lang = state.lang;
  document.body.dataset.matched = String(shown.matched);
  document.body.dataset.total = String(bounds?.total ?? 0);
  document.body.dataset.rendered = String(cluster.getLayers().length);
  $('count').textContent = t(lang, 'showing', { n: formatNumber(lang, shown.matched), m: formatNumber(lang, bounds?.total ?? 0) });
}

// showError shows, or with on false hides, that the data did not load.
export function showError(on) {
  const e = $('error');
  e.hidden = !on;
  e.textContent = on ? t(state.lang, 'loadError') : '';
  if (on) setStatus('error');
}

// ---- asking the server

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
    if (fc.dataset?.version) setDataset(fc.dataset);
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

// ---- loading

// refresh asks the API for what the filters select and redraws the map,
// the list, the count and the timeline. keepYears reuses the counts per
// year of the same filters, for a change of the year range only.
export function refresh({ keepYears = false } = {}) {
  if (!keepYears) yearsCache = { key: null, years: null };
  needFull = true;
  updateExport();
  return startLoad();
}

// moved redraws what the view needs once the map has stopped moving.
function moved() {
  if (shown.mode === 'all' && !needFull) {
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
      const f = featureOf(state.sel);
      if (f) showDetails(f, false);
      else if (shown.mode === 'all' && !$('details').hidden) highlight.remove();
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
    shown.mode = 'all';
    loaded = null;
    await renderIncidents(inc.features);
    if (gen !== generation) return;
    renderCrossings(cross.features);
    updateTimeline(years);
    updateProfile(inc.features);
    shown.matched = inc.matched;
    updateCount();
    renderList();
  });
}

// loadView draws what the view needs when the filters select more than
// ALL_MAX: the server's clusters, or the view's incidents when it holds
// ALL_MAX or fewer; and the list of the view. full carries the counts
// after a change of the filters.
async function loadView(gen, signal, full) {
  if (!full && shown.mode === 'all') {
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
      shown.mode = 'markers';
      await renderIncidents(inc.features);
      if (gen !== generation) return;
      renderCrossings(cross.features);
    } else if (clusters) {
      shown.mode = 'cells';
      renderCells(Array.isArray(clusters.features) ? clusters.features : []);
    }
    loaded = { key, bbox, cell, mode: shown.mode };
    if (full) {
      updateTimeline(full.years);
      updateProfile(null);
      shown.matched = full.matched;
      updateCount();
    }
    if (shown.mode === 'markers') {
      renderList();
    } else {
      const items = Array.isArray(list?.features) ? list.features : [];
      shown.listed = new Map(items.map((f) => [f.id, f]));
      renderList(items, list?.numberMatched ?? items.length);
    }
  });
}

// ---- waiting for the page

// idle resolves when the page has started and the latest change has been
// fetched and drawn, and the map has flown to the incident it was sent to.
export async function idle() {
  for (;;) {
    const f = currentFlight();
    await loadsIdle();
    await f;
    if (f === currentFlight()) return loadsIdle();
  }
}

// loadsIdle is idle but for a flight to an incident under way.
export async function loadsIdle() {
  await ready;
  for (;;) {
    const p = current;
    await p;
    await renderChain;
    if (p === current && viewTimer === 0) return;
  }
}

// settled waits for idle and reports what the page shows.
export async function settled() {
  await idle();
  return snapshot();
}

// snapshot reports what the page shows, for tests and for the curious.
export function snapshot() {
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
    mode: shown.mode,
    features: shown.features.size,
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
