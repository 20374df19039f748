// The downloads dialog: the API's exports of the current filters (GeoJSON,
// CSV, KML; the server names each file by the filters), an image of the
// current view, and how to open the OGC API in QGIS.

import { t, formatNumber } from './i18n.js';
import { dialog } from './popups.js';
import { el } from './dom.js';

const FORMATS = [['geojson', 'dlGeoJSON'], ['csv', 'dlCSV'], ['kml', 'dlKML']];

// imageURL is /api/map.png of the filters, the view's bbox and its size in
// pixels.
export function imageURL(api) {
  const size = api.map.getSize();
  const b = api.map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  const q = api.queryParams({ bbox });
  q.set('width', String(Math.min(4000, Math.max(1, size.x))));
  q.set('height', String(Math.min(4000, Math.max(1, size.y))));
  return { href: `/api/map.png?${q}`, w: size.x, h: size.y };
}

export function initDownloads(api) {
  const open = () => {
    const lang = api.lang();
    const { d, body } = dialog('downloads-dialog', lang, 'downloadsTitle');
    const q = api.queryParams().toString();
    const nothing = api.selectsNothing();
    const links = el('ul', { class: 'downloads' });
    for (const [ext, key] of FORMATS) {
      const a = el('a', { id: `download-${ext}`, class: 'button', download: true }, t(lang, key));
      if (nothing) a.setAttribute('aria-disabled', 'true');
      else a.href = `/api/export.${ext}${q ? `?${q}` : ''}`;
      links.append(el('li', null, a));
    }
    const img = imageURL(api);
    const image = el('a', { id: 'download-image', class: 'button', download: 'dmzmap-map.png', href: img.href }, t(lang, 'dlImage'));
    const ogc = new URL('/ogc', location.origin).href;
    body.append(
      el('p', { class: 'hint' }, t(lang, 'downloadsHint', { n: formatNumber(lang, api.matched()) })),
      links,
      el('p', null, image),
      el('p', { class: 'hint' }, t(lang, 'dlImageHint', { w: img.w, h: img.h })),
      el('h3', null, t(lang, 'qgisTitle')),
      el('p', { class: 'hint', id: 'qgis-hint' }, t(lang, 'qgisHint', { url: ogc })),
    );
    d.showModal();
  };
  return { open };
}
