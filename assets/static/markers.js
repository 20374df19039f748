// Drawing incidents on the map: the markers of a list of Features (kept
// across filter changes) with their paths, the server's clusters (cells),
// and the crossing points. load.js calls these; each records in shown.js
// what it drew.

import { t, label, localized, formatDate, formatNumber } from './i18n.js';
import { colour } from './theme.js';
import { updatePrecision } from './precision.js';
import { textElement } from './dom.js';
import { state } from './page-state.js';
import { shown, pointOf } from './shown.js';
import { map, renderers, cluster, cells, layers, icons, clusterSize, addChunked, reducedMotion } from './map.js';
import { select } from './details-panel.js';
import { inCell } from './cell-place.js';

const L = window.L;
const KEEP_MAX = 40000; // the most markers kept for a later filter

let inCluster = new Set(); // markers now in the cluster group

function markerTitle(f) {
  const p = f.properties;
  return t(state.lang, 'incidentMarker', { title: localized(state.lang, p, 'title'), date: formatDate(state.lang, p.date, p.date_precision) });
}

function markerFor(f, ll) {
  let m = shown.markers.get(f.id);
  if (m && (!m.getLatLng().equals(ll) || m.options.icon !== (icons[f.properties.type] || icons.other))) {
    if (inCluster.has(m)) {
      cluster.removeLayer(m);
      inCluster.delete(m);
    }
    m = null;
  }
  if (!m) {
    m = L.marker(ll, { icon: icons[f.properties.type] || icons.other, keyboard: true, riseOnHover: true, title: markerTitle(f) });
    m.incidentId = f.id;
    m.on('click', () => select(f.id));
    shown.markers.set(f.id, m);
  }
  return m;
}

function byDate(a, b) {
  const da = a.f.properties.date || '';
  const db = b.f.properties.date || '';
  return da < db ? -1 : da > db ? 1 : a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0;
}

// renderIncidents draws the Features of list as markers, with their paths,
// in place of whatever the map showed.
export async function renderIncidents(list) {
  cells.clearLayers();
  shown.cellData = [];
  shown.listed = new Map();
  shown.features = new Map();
  shown.sorted = [];
  const next = new Set();
  const add = [];
  for (const f of list) {
    const ll = pointOf(f);
    if (!ll || typeof f.id !== 'string') continue;
    shown.features.set(f.id, f);
    shown.sorted.push({ f, ll });
    const m = markerFor(f, ll);
    next.add(m);
    if (!inCluster.has(m)) add.push(m);
  }
  shown.sorted.sort(byDate);
  const remove = [];
  for (const m of inCluster) if (!next.has(m)) remove.push(m);
  if (remove.length) cluster.removeLayers(remove);
  inCluster = next;
  if (shown.markers.size > KEEP_MAX) {
    for (const [id, m] of shown.markers) if (!next.has(m)) shown.markers.delete(id);
  }
  await addChunked(add);

  layers.paths.clearLayers();
  for (const { f } of shown.sorted) {
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

const CELL_PX = 60; // the side of a server cluster's cell on screen

// cellSize is the side, in degrees, of a server cluster's cell at zoom z.
export function cellSize(z) {
  const deg = (CELL_PX * 360) / (256 * 2 ** z);
  return Math.min(5, Math.max(0.0005, Number(deg.toPrecision(2))));
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
export function renderCells(list) {
  if (inCluster.size) cluster.clearLayers();
  inCluster = new Set();
  shown.features = new Map();
  shown.sorted = [];
  shown.cellData = list;
  cells.clearLayers();
  for (const c of list) {
    if (c.geometry?.type === 'Point' && typeof c.properties?.count === 'number') cells.addLayer(cellMarker(c));
  }
  layers.paths.clearLayers();
  layers.crossings.clearLayers();
}

// renderCrossings draws the crossing points of list.
export function renderCrossings(list) {
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

// relabelMarkers writes the markers' and clusters' titles in the language.
export function relabelMarkers() {
  for (const [id, m] of shown.markers) {
    const f = shown.features.get(id);
    if (!f) continue;
    m.options.title = markerTitle(f);
    if (m.getElement()) m.getElement().title = m.options.title;
  }
  if (cluster._map) cluster.refreshClusters();
  if (shown.cellData.length) renderCells(shown.cellData);
}
