// The Leaflet map: its panes, its layers (the basemap, the MDL and DMZ band,
// the incidents' cluster group and the server's cells, crossing points,
// paths, precision circles, places), the ring of the selected incident, the
// icons, the zoom and layer controls and the legend. What the layers hold
// is drawn by markers.js; the view the map shows goes into the state here.

import { t, label, formatNumber } from './i18n.js';
import { TYPES } from './state.js';
import { shape, lineSymbol } from './symbols.js';
import { textElement, controlBox } from './dom.js';
import { OSM_ATTRIBUTION, NE_ATTRIBUTION, createPanes } from './basemap.js';
import { initPrecision } from './precision.js';
import { state, setState } from './page-state.js';
import { shown } from './shown.js';

const L = window.L;
export const DMZ_BOUNDS = L.latLngBounds([37.74, 126.55], [38.68, 128.42]);
export const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

export const map = L.map('map', { preferCanvas: true, minZoom: 5, maxZoom: 18, zoomSnap: 0.5, keyboard: true, zoomControl: false });
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
export const renderers = createPanes(map);

// clusterSize is the class and the side in px of a cluster of n incidents.
export function clusterSize(n) {
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : n < 1000 ? 'large' : 'huge';
  return { size, px: size === 'huge' ? 52 : 40 };
}

let chunkDone = null;
export const cluster = L.markerClusterGroup({
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

// addChunked adds the markers of list to the cluster group and resolves
// once they are all in, a chunk a task.
export function addChunked(list) {
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

export const layers = {
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
layers.precision = initPrecision(map, () => shown.sorted.map(({ f }) => f));

// highlight is the ring around the selected incident.
export const highlight = L.circleMarker([0, 0], {
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
export const icons = Object.fromEntries(TYPES.map((type) => [type, new ShapeIcon({ type, className: `inc-icon inc-${type}` })]));

// cells holds the server's clusters; only one of it and cluster has markers.
export const cells = L.layerGroup().addTo(layers.incidents);

// ---- controls on the map

let layerControl = null;
let zoomControl = null;

// buildLayerControl (re)makes the zoom and layer controls in the language.
export function buildLayerControl() {
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
    const box = controlBox('details', 'legend');
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

// relabelLegend writes the legend in the language.
export function relabelLegend() {
  legend.fill();
}

// ---- the view, in the state

// followView puts the map's view into the state whenever it stops moving.
export function followView() {
  map.on('moveend', () => {
    const c = map.getCenter();
    setState({ view: { z: map.getZoom(), lat: c.lat, lon: c.lng } });
  });
}

// watchSize tells Leaflet when the map's container changes size with the
// panels around it (a notice, the profile, the timeline), or clicks land
// off. The centre stays where it was, to the pixel; the view in the URL
// stays as it was, not moved by the rounding.
export function watchSize() {
  new ResizeObserver(() => {
    const el = map.getContainer();
    const size = map.getSize();
    if (el.clientWidth === size.x && el.clientHeight === size.y) return;
    const v = state.view;
    map.invalidateSize({ animate: false });
    if (v && state.view !== v && Math.abs(state.view.lat - v.lat) + Math.abs(state.view.lon - v.lon) < 0.01) setState({ view: v });
  }).observe(map.getContainer());
}
