// The page's start: the first view, the basemap's layers, the dataset's
// years and the server's config, the link checked by the API's rules, and
// the first load; and reload, after the data changed under the page.

import { t } from './i18n.js';
import { yearRange } from './state.js';
import { renderAuth } from './editor.js';
import { checkURL } from './urlcheck.js';
import { showNotices } from './notices.js';
import { buildTimeline } from './timeline.js';
import { setLine } from './profile.js';
import { relabelMap } from './places.js';
import { styleMap, onSchemeChange } from './theme.js';
import { setLength } from './linefilters.js';
import { loadPlaces, loadLandmarks, loadMDL } from './basemap.js';
import { loadLevels } from './basemap-lazy.js';
import { $ } from './dom.js';
import { getJSON } from './http.js';
import { state, bounds, setBounds, setState } from './page-state.js';
import { map, layers, renderers, highlight, DMZ_BOUNDS } from './map.js';
import { buildSlider, syncControls, widenSlider } from './filters.js';
import { knowYears, showError } from './load.js';

let config = null; // what the server allows and its dataset spans, from /api/config

// layersDrawn resolves when the basemap's layers are drawn or have failed.
export let layersDrawn = Promise.resolve();

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

// start starts the page: applyLang writes it in the state's language
// first; opened(id) opens the incident the link selects, once loaded.
export async function start({ applyLang, opened }) {
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
  if (state.sel) opened(state.sel);
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
export async function reload() {
  const all = await getJSON('/api/years').catch(() => null);
  let patch = {};
  if (bounds && all) {
    setBounds({ ...bounds, total: all.total ?? bounds.total });
    patch = widenYears(all.first ?? bounds.first, all.last ?? bounds.last);
  }
  await setState(patch, { dataChanged: true });
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
