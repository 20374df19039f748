// Keeps every marker and cluster on the map a touch target of its own
// (WCAG 2.5.8: 24 px, or that much space around it). Clusters sit at their
// incidents' centre, which moves as incidents join them, so two of them,
// or a cluster and a marker, could come within a few pixels and hide each
// other. After each change of the markers, two icons that overlap so much
// that one would keep less than 24 px clear between two neighbours are
// pushed apart along the axis that needs the least, with the CSS translate
// property: the marker keeps its place in Leaflet, the icon moves a few
// pixels on screen.

const TARGET_PX = 24;
const ROUNDS = 6;

// declutter pushes apart the marker icons in pane.
function declutter(pane) {
  const icons = [...pane.querySelectorAll('.leaflet-marker-icon')]
    .filter((el) => el._leaflet_pos && el.style.display !== 'none');
  const at = icons.map((el) => ({
    el, x: el._leaflet_pos.x, y: el._leaflet_pos.y, dx: 0, dy: 0,
    w: parseFloat(el.style.width) || TARGET_PX, h: parseFloat(el.style.height) || TARGET_PX,
  }));
  for (let round = 0; round < ROUNDS; round += 1) {
    let moved = false;
    for (let i = 0; i < at.length; i += 1) {
      for (let j = i + 1; j < at.length; j += 1) {
        const a = at[i];
        const b = at[j];
        // The centres' least distance on an axis: each may overlap the
        // other by half of what it has over 24 px, and a pixel is spared.
        const needX = (a.w + b.w) / 2 - (Math.min(a.w, b.w) - TARGET_PX) / 2 + 1;
        const needY = (a.h + b.h) / 2 - (Math.min(a.h, b.h) - TARGET_PX) / 2 + 1;
        const sx = (b.x + b.dx) - (a.x + a.dx);
        const sy = (b.y + b.dy) - (a.y + a.dy);
        if (Math.abs(sx) >= needX || Math.abs(sy) >= needY) continue;
        moved = true;
        if (needX - Math.abs(sx) <= needY - Math.abs(sy)) {
          const push = ((needX - Math.abs(sx)) / 2) * (sx < 0 ? -1 : 1);
          a.dx -= push;
          b.dx += push;
        } else {
          const push = ((needY - Math.abs(sy)) / 2) * (sy < 0 ? -1 : 1);
          a.dy -= push;
          b.dy += push;
        }
      }
    }
    if (!moved) break;
  }
  for (const { el, dx, dy } of at) {
    const v = dx || dy ? `${Math.round(dx)}px ${Math.round(dy)}px` : '';
    if (el.style.translate !== v) el.style.translate = v;
  }
}

// initDeclutter keeps the markers of map apart whenever markers are added,
// removed or moved.
export function initDeclutter(map) {
  const pane = map.getPane('markerPane');
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      declutter(pane);
    });
  };
  new MutationObserver(later).observe(pane, { childList: true });
  map.on('zoomend moveend', later);
}
