// The offline vector basemap (land, borders, places, landmarks) and the
// MDL and DMZ layers, drawn on canvas in panes stacked in a fixed order.

import { textElement } from './dom.js';
import { getJSON } from './http.js';

const L = window.L;

export const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL)';
export const NE_ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a>';

// asset is the URL of a file of the page, next to this module, so that it
// shares the module's versioned (long-cached) path.
const asset = (path) => new URL(path, import.meta.url).pathname;

const PANES = { land: 250, dmz: 350, mdl: 360, paths: 370, crossings: 380, basemapPoints: 390, labels: 450, highlight: 590 };

const SVG_PANES = new Set(['land', 'dmz', 'mdl', 'basemapPoints']);

// createPanes adds the panes and returns a canvas renderer for each.
export function createPanes(map) {
  const renderers = {};
  for (const [name, z] of Object.entries(PANES)) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    if (name === 'labels') pane.style.pointerEvents = 'none';
    // The layers of the first view are SVG: the browser rasterises them off
    // the main thread, where a canvas without a GPU is filled on it and
    // copied to the compositor at each frame.
    renderers[name] = (SVG_PANES.has(name) ? L.svg : L.canvas)({ pane: name, padding: 0.3 });
  }
  return renderers;
}

const LAND_STYLE = {
  KOR: { fillColor: '#f7f4ec' },
  PRK: { fillColor: '#ece6d6' },
};

// loadLand draws the land polygons and their borders into group, from url
// (the full basemap by default), and returns the collection.
export async function loadLand(group, renderer, url = asset('basemap/basemap-korea.geojson')) {
  const fc = await getJSON(url);
  if (!fc) return;
  L.geoJSON(fc, {
    renderer,
    interactive: false,
    style: (f) => ({
      stroke: true, color: '#8c8577', weight: 1, opacity: 1,
      fill: true, fillOpacity: 1, fillColor: '#e4e2dc',
      ...(LAND_STYLE[f.properties.iso_a3] || {}),
    }),
  }).addTo(group);
  return fc;
}

// named holds each labelled place and landmark with its properties, so
// that relabel can name them in another language.
const named = [];

// placeName is the name of a place or landmark in lang: name_ko in Korean
// where the file has it.
function placeName(lang, p) {
  return (lang === 'ko' && p.name_ko) || p.name;
}

// relabel names every place and landmark in lang.
export function relabel(lang) {
  for (const { m, p } of named) m.setTooltipContent(textElement(placeName(lang, p)));
}

// loadPlaces draws the populated places, each labelled from the zoom level
// Natural Earth suggests for it.
export async function loadPlaces(map, group, renderer, lang = () => 'en') {
  const fc = await getJSON(asset('basemap/places-korea.geojson'));
  if (!fc) return;
  const places = fc.features.map((f) => {
    const [lon, lat] = f.geometry.coordinates;
    const m = L.circleMarker([lat, lon], {
      renderer, radius: f.properties.featurecla === 'Admin-0 capital' ? 4 : 2.5,
      color: '#3d3d3d', weight: 1, fillColor: '#3d3d3d', fillOpacity: 1, interactive: false,
    });
    m.feature = f;
    m.bindTooltip(textElement(placeName(lang(), f.properties)), {
      permanent: true, direction: 'right', offset: [4, 0], pane: 'labels', className: 'place-label',
      interactive: false,
    });
    named.push({ m, p: f.properties });
    return { m, minZoom: Math.max(5, Math.ceil(f.properties.min_zoom ?? 6)) };
  });
  group.allMarkers = places.map((p) => p.m);
  const update = () => {
    const z = map.getZoom();
    for (const p of places) {
      const show = z >= p.minZoom;
      if (show && !group.hasLayer(p.m)) group.addLayer(p.m);
      else if (!show && group.hasLayer(p.m)) group.removeLayer(p.m);
    }
  };
  map.on('zoomend', update);
  update();
}

// loadLandmarks draws the DMZ landmarks, labelled from zoom 12.
export async function loadLandmarks(map, group, renderer, lang = () => 'en') {
  const fc = await getJSON(asset('basemap/dmz-landmarks.geojson'));
  if (!fc) return;
  const marks = fc.features.filter((f) => f.geometry?.type === 'Point').map((f) => {
    const [lon, lat] = f.geometry.coordinates;
    const m = L.circleMarker([lat, lon], {
      renderer, radius: 3.5, color: '#ffffff', weight: 1.5, fillColor: '#4b4b4b', fillOpacity: 1,
    });
    m.feature = f;
    m.bindTooltip(textElement(placeName(lang(), f.properties)), { direction: 'top', offset: [0, -4], className: 'landmark-label' });
    named.push({ m, p: f.properties });
    return m.addTo(group);
  });
  const update = () => {
    const permanent = map.getZoom() >= 12;
    for (const m of marks) {
      const tip = m.getTooltip();
      if (tip.options.permanent === permanent) continue;
      const content = tip.getContent();
      m.unbindTooltip();
      m.bindTooltip(content, {
        permanent, direction: permanent ? 'right' : 'top', offset: permanent ? [5, 0] : [0, -4],
        className: 'landmark-label', pane: permanent ? 'labels' : 'tooltipPane',
      });
    }
  };
  map.on('zoomend', update);
  update();
}

// loadMDL draws the line from /api/mdl.
export async function loadMDL(group, renderer, tooltip) {
  const f = await getJSON('/api/mdl');
  if (!f) return;
  L.geoJSON(f, {
    renderer,
    style: { color: '#c0001a', weight: 3, opacity: 0.95 },
    onEachFeature: (_, layer) => layer.bindTooltip(() => textElement(tooltip()), { sticky: true }),
  }).addTo(group);
}

// loadDMZ draws the band from url (/api/dmz by default) and returns the
// collection; a server without it has no band.
export async function loadDMZ(group, renderer, tooltip, url = '/api/dmz') {
  const fc = await getJSON(url);
  if (!fc) return;
  L.geoJSON(fc, {
    renderer,
    style: (f) => (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'
      ? { stroke: false, fillColor: '#f4c542', fillOpacity: 0.3, fillRule: 'nonzero' }
      : { color: '#8a6d00', weight: 1.5, dashArray: '6 4', opacity: 0.9 }),
    onEachFeature: (_, layer) => layer.bindTooltip(() => textElement(tooltip()), { sticky: true }),
  }).addTo(group);
  return fc;
}
