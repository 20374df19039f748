// dmzmap's page: the root that wires its modules and starts it. The state
// (filters, view, selection, language) lives in page-state.js and changes
// through setState only, which writes the URL and hands the change to the
// loader (load.js), the only code that changes what the page shows:
//   map.js        the Leaflet map, its layers, controls and legend
//   markers.js    the incidents, server clusters and crossing points drawn
//   list.js       the list of the incidents in view
//   details-panel.js  the selected incident's details
//   filters.js    the filters panel;  timeline.js  the bars a year
// Every request for incidents is built by queryParams (state.js).

import { t } from './i18n.js';
import { yearRange, queryParams, pageQuery, selectsNothing } from './state.js';
import { initShare, openFromURL } from './share.js';
import { initEmbed } from './embed.js';
import { initLive } from './live.js';
import { initPrint, preparePrint } from './print.js';
import { initEditor, renderAuth } from './editor.js';
import { checkURL } from './urlcheck.js';
import { showNotices, renderNotices } from './notices.js';
import { initTimeline, buildTimeline, updateTimeline, selectYear, pause as pauseTimeline, isPlaying } from './timeline.js';
import { initProfile, setLine, draw as drawProfile } from './profile.js';
import { initPlaces, relabelSearch, relabelMap } from './places.js';
import { styleMap, onSchemeChange } from './theme.js';
import { initMarkerKeys } from './keyboard.js';
import { initLineFilters, labelLineFilters, setLength } from './linefilters.js';
import { loadLand, loadPlaces, loadLandmarks, loadMDL, loadDMZ, relabel } from './basemap.js';
import { $ } from './dom.js';
import { getJSON } from './http.js';
import { state, bounds, setBounds, setState, whenChanged } from './page-state.js';
import { shown, featureOf } from './shown.js';
import { map, cluster, layers, renderers, highlight, DMZ_BOUNDS, buildLayerControl, relabelLegend, followView, watchSize } from './map.js';
import { relabelMarkers } from './markers.js';
import { initList, renderList, lastList } from './list.js';
import { initDetails, showDetails, closeDetails, select } from './details-panel.js';
import { initFilters, buildChecks, buildSlider, syncControls, setYears, widenSlider, relabelSlider } from './filters.js';
import { initAbout, aboutVersion } from './about.js';
import { changed, refresh, knowYears, startedBy, idle, loadsIdle, settled, snapshot, updateCount, showError } from './load.js';

let config = null; // what the server allows and its dataset spans, from /api/config
let layersDrawn = Promise.resolve();

whenChanged(changed);
initList();
initDetails({ loaded: loadsIdle });
initFilters();
initAbout();

// ---- language

// applyLang writes every part of the page in the state's language.
function applyLang() {
  const lang = state.lang;
  document.documentElement.lang = lang;
  document.title = t(lang, 'pageTitle');
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(lang, e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(lang, e.dataset.i18nPlaceholder);
  for (const e of document.querySelectorAll('[data-i18n-aria-label]')) e.setAttribute('aria-label', t(lang, e.dataset.i18nAriaLabel));
  $('lang').lang = lang === 'en' ? 'ko' : 'en';
  map.getContainer().setAttribute('aria-label', t(lang, 'mapLabel'));
  buildChecks();
  labelLineFilters(lang, state);
  renderNotices();
  relabelSearch();
  layersDrawn.then(() => relabelMap([layers.places, layers.landmarks]));
  buildLayerControl();
  relabelLegend();
  relabelSlider();
  relabelMarkers();
  relabel(lang);
  aboutVersion();
}

$('lang').addEventListener('click', () => {
  setState({ lang: state.lang === 'en' ? 'ko' : 'en' });
  applyLang();
  for (const relabelPart of relabelers) relabelPart();
  if (bounds) {
    updateCount();
    renderList(lastList.items, lastList.total);
    const f = state.sel && featureOf(state.sel);
    if (f && !$('details').hidden) showDetails(f, false);
    updateTimeline();
    drawProfile();
  }
});

// ---- start

followView();

// loadLayers draws the basemap, the MDL and the DMZ band, and resolves
// when they are drawn or have failed.
function loadLayers() {
  return Promise.allSettled([
    loadLand(layers.basemap, renderers.land),
    loadPlaces(map, layers.places, renderers.basemapPoints, () => state.lang),
    loadLandmarks(map, layers.landmarks, renderers.basemapPoints, () => state.lang),
    loadMDL(layers.mdl, renderers.mdl, () => t(state.lang, 'mdl')),
    loadDMZ(layers.dmz, renderers.dmz, () => t(state.lang, 'dmzBand')),
  ]);
}

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
  let notices;
  let fix;
  try {
    const all = await years;
    if (!all) throw new Error('/api/years is missing');
    config = await conf;
    const thisYear = new Date().getUTCFullYear();
    const first = all.first || all.years?.[0]?.year || 1953;
    const last = all.last || all.years?.at(-1)?.year || thisYear;
    // The link corrected by the API's rules, before the first load.
    ({ notices, fix } = checkURL(location.search, state, config?.years || { min: 1953, max: thisYear }));
    setState(fix);
    setBounds({ first, last, total: all.total ?? 0 });
    knowYears(all);
  } catch {
    showError(true);
    return;
  }
  await startChecked(notices);
  const { from, to } = yearRange(state, bounds);
  buildSlider();
  buildTimeline();
  syncControls();
  await setState({ from, to });
  if (state.sel) openFromURL(shareApi, state.sel);
}

// startChecked applies what /api/config says: the sign-in only where
// writes are on; and shows notices, what checkURL found wrong in the
// page's link, with the selection's if it names no incident.
async function startChecked(notices) {
  renderAuth(Boolean(config?.writes));
  if (config?.mdl?.length_km) setLength(config.mdl.length_km);
  setLine(config?.mdl);
  if (state.sel && !(await getJSON(`/api/incidents/${encodeURIComponent(state.sel)}`).catch(() => null))) {
    notices.push({ param: 'sel', key: 'nSel', vars: { value: state.sel }, shown: 'sNoSel' });
    setState({ sel: null });
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

// reload brings the dataset's total up to date, then redraws: after an
// edit, or when live.js applies the changes of others.
async function reload() {
  const all = await getJSON('/api/years').catch(() => null);
  let patch = {};
  if (bounds && all) {
    setBounds({ ...bounds, total: all.total ?? bounds.total });
    patch = widenYears(all.first ?? bounds.first, all.last ?? bounds.last);
  }
  await setState(patch, { dataChanged: true });
  live.recheck();
}

// widenYears extends the slider and the timeline to an incident written
// before the first year or after the last, and returns the change of the
// state: a range that reached an end keeps reaching it.
function widenYears(first, last) {
  if (first >= bounds.first && last <= bounds.last) return {};
  const { from, to } = yearRange(state, bounds);
  const patch = {};
  if (from !== to && from === bounds.first) patch.from = Math.min(first, bounds.first);
  if (from !== to && to === bounds.last) patch.to = Math.max(last, bounds.last);
  setBounds({ ...bounds, first: Math.min(first, bounds.first), last: Math.max(last, bounds.last) });
  widenSlider();
  buildTimeline();
  return patch;
}

// shareApi is what share.js, embed.js, live.js and print.js may use.
const shareApi = {
  map,
  cluster,
  feature: featureOf,
  lang: () => state.lang,
  state: () => state,
  bounds: () => bounds,
  selected: () => state.sel,
  matched: () => shown.matched,
  queryParams: (opts) => queryParams(state, bounds, opts),
  pageQuery: () => pageQuery(state, bounds),
  selectsNothing: () => selectsNothing(state),
  holdsAll: () => shown.mode === 'all',
  printed: () => (shown.mode === 'all'
    ? { items: shown.sorted.map(({ f }) => f), total: shown.sorted.length, all: true }
    : { items: lastList.items, total: lastList.total, all: false }),
  select,
  idle,
  reload,
};
const live = initLive(shareApi);
const relabelers = [initShare(shareApi).relabel, initEmbed(shareApi), live.relabel];
initPrint(shareApi);

// The page's parts built by their modules, before the map takes its first
// view, so that it measures its final size.
initTimeline();
initPlaces({ map, lang: () => state.lang });
watchSize();
initMarkerKeys(map);
initLineFilters(state, (patch) => setState(patch));
initProfile({
  map, lang: () => state.lang, state: () => state, select: (id) => select(id),
  onRange: (km) => setState({ km }),
});
labelLineFilters(state.lang, state);

map.invalidateSize({ pan: false });

const ready = start();
startedBy(ready);

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
  setYears,
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
