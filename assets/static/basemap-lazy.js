// The basemap's land and the DMZ band at two levels of detail: the
// server's simplified layers (static/lite/) below the zoom at which each
// would show its simplification, which is most of the page's work on a
// phone, and the full layers from that zoom. The server names the zooms in
// the page (<meta name="dmzmap-lite">, from the same constants that
// simplify the layers); each level is fetched once, when first needed.

import { loadLand, loadDMZ } from './basemap.js';

const L = window.L;

const lite = (name) => new URL(`lite/${name}`, import.meta.url).pathname;

// fullFrom is, by layer name, the zoom from which the full layer is drawn;
// a layer the page names no zoom for is drawn in full.
const fullFrom = (() => {
  try {
    return JSON.parse(document.querySelector('meta[name="dmzmap-lite"]')?.content || '{}');
  } catch {
    return {};
  }
})();

// twoLevels keeps one layer in group at the level of detail the zoom asks
// for; load(into, url) draws a collection into a group, the full one when
// url is undefined. It resolves once the level the zoom asks for is drawn.
async function twoLevels(map, group, load, name, restyle) {
  const from = Number(fullFrom[name] ?? 0);
  const levels = { lite: { url: lite(`${name}.geojson`) }, full: { url: undefined } };
  const take = (level) => {
    level.loading ||= (async () => {
      const into = L.layerGroup();
      await load(into, level.url).catch(() => null);
      level.layer = into.getLayers()[0] || null;
    })();
    return level.loading;
  };
  const show = (layer) => {
    for (const l of [levels.lite.layer, levels.full.layer]) if (l && l !== layer && group.hasLayer(l)) group.removeLayer(l);
    if (layer && !group.hasLayer(layer)) {
      group.addLayer(layer);
      restyle();
    }
  };
  const update = async () => {
    const want = map.getZoom() >= from ? levels.full : levels.lite;
    await take(want);
    if (want.layer === null && want === levels.lite) await take(levels.full); // no lite layer: the full one
    const now = map.getZoom() >= from ? levels.full : levels.lite;
    if (now === want) show(want.layer || levels.full.layer);
  };
  map.on('zoomend', update);
  await update();
}

// loadLevels draws the land and the DMZ band into layers.basemap and
// layers.dmz, and resolves when both are drawn; restyle colours the map's
// layers again (a layer swapped in is drawn in the light colours).
export function loadLevels({ map, layers, renderers, dmzTooltip, restyle }) {
  return Promise.all([
    twoLevels(map, layers.basemap, (g, url) => loadLand(g, renderers.land, url), 'basemap-korea', restyle),
    twoLevels(map, layers.dmz, (g, url) => loadDMZ(g, renderers.dmz, dmzTooltip, url), 'dmz', restyle),
  ]);
}
