// The basemap's land and the DMZ band at two levels of detail: the
// server's simplified layers (static/lite/, each saying from which zoom the
// full one is needed) for the first view, which is most of the page's work
// on a phone, and the full layers, each fetched once, from close zoom.

import { loadLand, loadDMZ } from './basemap.js';

const L = window.L;

const lite = (name) => new URL(`lite/${name}`, import.meta.url).pathname;

// twoLevels keeps one layer in group at the level of detail the zoom asks
// for; load(into, url) draws a collection into a group and returns it, the
// full one when url is undefined. It resolves once the first level drawn
// (the lite one, or the full one where there is no lite one) is in group.
async function twoLevels(map, group, load, liteURL, restyle) {
  const take = async (url) => {
    const into = L.layerGroup();
    const fc = await load(into, url).catch(() => null);
    return { layer: into.getLayers()[0] || null, fc };
  };
  const first = await take(liteURL);
  const liteLayer = first.layer;
  const fullFrom = liteLayer ? Number(first.fc?.lite?.full_from_zoom ?? 0) : 0;
  let fullLayer = null;
  let loading = null;
  const show = (layer) => {
    for (const l of [liteLayer, fullLayer]) if (l && l !== layer && group.hasLayer(l)) group.removeLayer(l);
    if (layer && !group.hasLayer(layer)) {
      group.addLayer(layer);
      restyle();
    }
  };
  const update = async () => {
    if (map.getZoom() < fullFrom) {
      show(liteLayer);
      return;
    }
    loading ||= take(undefined).then(({ layer }) => {
      fullLayer = layer;
    });
    await loading;
    if (map.getZoom() >= fullFrom) show(fullLayer || liteLayer);
  };
  map.on('zoomend', update);
  // The lite layer shows at once, at any zoom: from fullFrom the full one
  // replaces it when it comes.
  if (liteLayer) {
    show(liteLayer);
    update();
  } else {
    await update();
  }
}

// loadLevels draws the land and the DMZ band into layers.basemap and
// layers.dmz, and resolves when both are drawn; restyle colours the map's
// layers again (a layer swapped in is drawn in the light colours).
export function loadLevels({ map, layers, renderers, dmzTooltip, restyle }) {
  return Promise.all([
    twoLevels(map, layers.basemap, (g, url) => loadLand(g, renderers.land, url), lite('basemap-korea.geojson'), restyle),
    twoLevels(map, layers.dmz, (g, url) => loadDMZ(g, renderers.dmz, dmzTooltip, url), lite('dmz.geojson'), restyle),
  ]);
}
