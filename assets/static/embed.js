// The embedded map (/embed, body data-mode="embed"): the map, its legend
// and a small count, with a link to the full page in the same state.
// embed.css hides the side panels; this moves the count onto the map.

import { t, formatDate } from './i18n.js';

const L = window.L;

export function isEmbed() {
  return document.body.dataset.mode === 'embed';
}

// initEmbed adds the count and the "Open in dmzmap" link to the map of an
// embedded page, and returns a function that relabels them; elsewhere it
// does nothing.
export function initEmbed(api) {
  if (!isEmbed()) return () => {};
  const link = document.createElement('a');
  link.className = 'embed-open';
  link.target = '_blank';
  link.rel = 'noopener';
  const update = () => {
    link.href = `/${location.search}`;
  };
  const Info = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      const box = L.DomUtil.create('div', 'embed-info');
      L.DomEvent.disableClickPropagation(box);
      const count = document.getElementById('count');
      if (count) box.append(count);
      box.append(link);
      return box;
    },
  });
  new Info().addTo(api.map);
  api.map.on('moveend', () => setTimeout(update, 0));
  link.addEventListener('pointerdown', update);
  link.addEventListener('focus', update);
  // The embed has no details panel: a marker opens a popup with the
  // incident's title and date and a link to its page.
  api.cluster.on('click', (e) => {
    const f = e.layer?.incidentId && api.feature(e.layer.incidentId);
    if (!f) return;
    const p = f.properties || {};
    const box = document.createElement('div');
    box.className = 'embed-popup';
    const title = document.createElement('strong');
    title.textContent = p.title || f.id;
    const date = document.createElement('div');
    date.textContent = formatDate(api.lang(), p.date, p.date_precision);
    const a = document.createElement('a');
    a.href = `/incidents/${encodeURIComponent(f.id)}`;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = t(api.lang(), 'pageLink');
    box.append(title, date, a);
    L.popup({ maxWidth: 260, autoPanPadding: [10, 10] }).setLatLng(e.layer.getLatLng()).setContent(box).openOn(api.map);
  });
  const relabel = () => {
    link.textContent = t(api.lang(), 'openInDmzmap');
    update();
  };
  relabel();
  return relabel;
}
