// How well an incident's place is known, said honestly: where the point is
// known only to more than its distance from the MDL, its side and distance
// are not facts. The selected incident shows its precision as a circle; at
// close zoom a layer can show every incident's circle.

import { t, addText, formatNumber } from './i18n.js';
import { colour } from './theme.js';

const L = window.L;

addText({
  en: {
    sideUncertain: 'within about {d} of the MDL; which side is uncertain',
    sideUncertainShort: 'uncertain: the place is known only to about {d}',
    layerPrecision: 'Location precision (close zoom)',
  },
  ko: {
    sideUncertain: '군사분계선에서 약 {d} 이내. 어느 쪽인지는 불확실',
    sideUncertainShort: '불확실: 위치 오차 약 {d}',
    layerPrecision: '위치 오차 범위(확대 시)',
  },
});

// CLOSE_ZOOM is the zoom from which the layer draws every circle.
export const CLOSE_ZOOM = 11;

function lengthText(lang, m) {
  return m >= 1000 ? `${formatNumber(lang, Math.round(m / 100) / 10)} km` : `${formatNumber(lang, Math.round(m))} m`;
}

// sideUncertain reports whether the properties p place the incident on a
// side of the line that its precision does not support.
export function sideUncertain(p) {
  if (p.side_certain === false) return true;
  return typeof p.location_precision_m === 'number' && typeof p.distance_to_mdl_m === 'number' && p.location_precision_m > p.distance_to_mdl_m;
}

// placeTexts returns the texts of the details' distance and side rows of
// an incident whose side is uncertain, or null when it is certain.
export function placeTexts(lang, p) {
  if (!sideUncertain(p)) return null;
  const d = lengthText(lang, p.location_precision_m);
  return { distance: t(lang, 'sideUncertain', { d }), side: t(lang, 'sideUncertainShort', { d }) };
}

const style = () => ({ color: colour('precision'), weight: 2, dashArray: '6 4', fillColor: colour('precision'), fillOpacity: 0.07, interactive: false });

let map = null;
let renderer = null;
let selected = null;
let group = null;
let features = () => [];

// initPrecision makes the pane of the circles on map and returns the
// layer of every incident's circle; getFeatures returns the incidents drawn.
export function initPrecision(m, getFeatures) {
  map = m;
  features = getFeatures;
  const pane = map.createPane('precision');
  pane.style.zIndex = '365';
  pane.style.pointerEvents = 'none';
  renderer = L.canvas({ pane: 'precision', padding: 0.3 });
  group = L.layerGroup();
  group.on('add', updatePrecision);
  map.on('zoomend moveend', () => {
    if (map.hasLayer(group)) updatePrecision();
  });
  return group;
}

function circleOf(f, extra) {
  const c = f.geometry?.coordinates;
  const r = f.properties?.location_precision_m;
  if (f.geometry?.type !== 'Point' || !Array.isArray(c) || typeof r !== 'number' || r <= 0) return null;
  const circle = L.circle([c[1], c[0]], { renderer, radius: r, ...style(), ...extra });
  circle.options.incidentId = f.id;
  return circle;
}

// showPrecision draws the circle of the selected incident f; null removes it.
export function showPrecision(f) {
  if (selected) selected.remove();
  selected = f ? circleOf(f, { weight: 2.5, fillOpacity: 0.1, selected: true }) : null;
  if (selected) selected.addTo(map);
}

// updatePrecision redraws the layer's circles of the incidents in view, at
// close zoom only.
export function updatePrecision() {
  if (!group || !map.hasLayer(group)) return;
  group.clearLayers();
  if (map.getZoom() < CLOSE_ZOOM) return;
  const view = map.getBounds().pad(0.5);
  for (const f of features()) {
    const c = f.geometry?.coordinates;
    if (!Array.isArray(c)) continue;
    const r = f.properties?.location_precision_m || 0;
    const b = L.latLng(c[1], c[0]).toBounds(2 * r);
    if (!view.intersects(b)) continue;
    const circle = circleOf(f, { weight: 1.5, fillOpacity: 0.04 });
    if (circle) group.addLayer(circle);
  }
}
