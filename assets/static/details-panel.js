// The details panel of the selected incident: select opens it (and may fly
// the map there), closeDetails closes it and gives the focus back; the ring
// on the map follows the selected marker.

import { renderDetails } from './details.js';
import { shareDetails } from './share.js';
import { showPrecision } from './precision.js';
import { focusAfterClose } from './keyboard.js';
import { $ } from './dom.js';
import { getJSON } from './http.js';
import { state, setState } from './page-state.js';
import { shown, featureOf, pointOf } from './shown.js';
import { map, cluster, highlight, reducedMotion } from './map.js';

let returnFocus = null;
let whenLoaded = () => Promise.resolve();
let flight = Promise.resolve(); // the latest flyTo, until its marker shows

// initDetails wires the panel's buttons; loaded() resolves when the page
// has drawn the latest change (load.js's loadsIdle).
export function initDetails({ loaded }) {
  whenLoaded = loaded;
  $('details-close').addEventListener('click', closeDetails);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('details').hidden && $('details').contains(document.activeElement)) closeDetails();
  });
  cluster.on('spiderfied unspiderfied', () => {
    const m = state.sel && shown.markers.get(state.sel);
    if (m && cluster.hasLayer(m)) ringMarker(m);
  });
}

// showDetails shows Feature f in the panel, rings it on the map and marks
// it in the list; focus moves the focus to its heading.
export function showDetails(f, focus) {
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

// closeDetails closes the panel and gives the focus back to where it was.
export function closeDetails() {
  const closing = state.sel;
  setState({ sel: null });
  $('details').hidden = true;
  $('details-body').replaceChildren();
  highlight.remove();
  showPrecision(null);
  for (const b of $('list').querySelectorAll('button[aria-current]')) b.removeAttribute('aria-current');
  if (returnFocus && document.contains(returnFocus) && returnFocus !== document.body) returnFocus.focus();
  focusAfterClose(closing);
  returnFocus = null;
}

// ringMarker moves the ring to the marker m as drawn, which markercluster
// moves off its incident's point when it spreads out a crowded spot.
function ringMarker(m) {
  if (m.incidentId === state.sel && map.hasLayer(highlight)) highlight.setLatLng(m.getLatLng());
}

// currentFlight resolves when the latest flight to an incident has shown
// its marker.
export function currentFlight() {
  return flight;
}

function flyTo(f) {
  const ll = pointOf(f);
  if (!ll) return;
  let finish;
  flight = new Promise((resolve) => {
    finish = resolve;
  });
  setTimeout(finish, 5000); // a cluster that never opens holds no one for ever
  const reveal = () => {
    const m = shown.markers.get(f.id);
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
  map.once('moveend', () => whenLoaded().then(reveal));
  if (reducedMotion.matches) map.setView(ll, zoom);
  else map.flyTo(ll, zoom, { duration: 0.8 });
}

// select shows the details of incident id; fly also moves the map to it.
export async function select(id, { fly = false, focus = false } = {}) {
  returnFocus = document.activeElement;
  setState({ sel: id });
  let f = featureOf(id);
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
