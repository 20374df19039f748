// Where the count of a server cluster is drawn: at its incidents' centre,
// moved the least it takes to keep its icon inside its grid cell (cells of
// cell degrees from lon 0, lat 0, as /api/clusters makes them). Cells are
// CELL_PX wide and taller on screen, the icons narrower: two counts never
// overlap, so each keeps the 24 px a touch target needs (WCAG 2.5.8);
// centred on their incidents, counts near a cell's edge hid each other.

const L = window.L;

// inCell returns ll moved into its cell of cell degrees by a margin of half
// an icon of px pixels, at the map's zoom.
export function inCell(map, ll, cell, px) {
  const i = Math.floor(ll.lng / cell);
  const j = Math.floor(ll.lat / cell);
  const z = map.getZoom();
  const nw = map.project([(j + 1) * cell, i * cell], z);
  const se = map.project([j * cell, (i + 1) * cell], z);
  const p = map.project(ll, z);
  const r = px / 2 + 1;
  const clamp = (v, lo, hi) => (lo > hi ? (lo + hi) / 2 : Math.min(Math.max(v, lo), hi));
  return map.unproject(L.point(clamp(p.x, nw.x + r, se.x - r), clamp(p.y, nw.y + r, se.y - r)), z);
}
