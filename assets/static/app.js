// dmzmap's page: the root that wires its modules and starts it. The state
// (filters, view, selection, language) lives in page-state.js and changes
// through setState only, which writes the URL and hands the change to the
// loader (load.js), the only code that changes what the page shows:
//   map.js        the Leaflet map, its layers, controls and legend
//   markers.js    the incidents, server clusters and crossing points drawn
//   list.js       the list of the incidents in view
//   details-panel.js  the selected incident's details
//   filters.js    the filters panel;  timeline.js  the bars a year
//   start.js      the first load, and reload after the data changed
// Every request for incidents is built by queryParams (state.js).

import './leaflet-tuning.js';
import { t } from './i18n.js';
import { queryParams, pageQuery, selectsNothing } from './state.js';
import { initShare, openFromURL } from './share.js';
import { initEmbed } from './embed.js';
import { initLive } from './live.js';
import { initPrint, preparePrint } from './print.js';
import { initEditor } from './editor.js';
import { renderNotices } from './notices.js';
import { initTimeline, updateTimeline, selectYear, pause as pauseTimeline, isPlaying } from './timeline.js';
import { initProfile, draw as drawProfile } from './profile.js';
import { initPlaces, relabelSearch, relabelMap } from './places.js';
import { initMarkerKeys } from './keyboard.js';
import { initDeclutter } from './declutter.js';
import { initLineFilters, labelLineFilters } from './linefilters.js';
import { relabel } from './basemap.js';
import { $ } from './dom.js';
import { state, bounds, setState, whenChanged } from './page-state.js';
import { shown, featureOf } from './shown.js';
import { map, cluster, layers, buildLayerControl, relabelLegend, followView, watchSize } from './map.js';
import { relabelMarkers } from './markers.js';
import { initList, renderList, lastList } from './list.js';
import { initDetails, showDetails, closeDetails, select } from './details-panel.js';
import { initFilters, buildChecks, setYears, relabelSlider } from './filters.js';
import { initAbout, aboutVersion } from './about.js';
import { changed, refresh, startedBy, idle, loadsIdle, settled, snapshot, updateCount } from './load.js';
import { start, reload, layersDrawn } from './start.js';


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

followView();

// reloadAll redraws after the data changed, then lets live.js check again.
async function reloadAll() {
  await reload();
  live.recheck();
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
  reload: reloadAll,
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
initDeclutter(map);
initLineFilters(state, (patch) => setState(patch));
initProfile({
  map, lang: () => state.lang, state: () => state, select: (id) => select(id),
  onRange: (km) => setState({ km }),
});
labelLineFilters(state.lang, state);

map.invalidateSize({ pan: false });

const ready = start({ applyLang, opened: (id) => openFromURL(shareApi, id) });
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
  reload: () => reloadAll(),
  isPlaying,
  pause: pauseTimeline,
};

initEditor({
  map, lang: () => state.lang, selected: () => state.sel, select, close: closeDetails,
  refresh: reloadAll,
});
