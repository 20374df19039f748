// What the page shows now. markers.js and load.js write it as they draw a
// load; every other module only reads it.

// mode says how the map shows the incidents: 'all' of them as markers, the
// view's as 'markers', or the view's server 'cells'.
export const shown = {
  mode: 'all',
  matched: 0, // how many incidents the filters select
  features: new Map(), // id → Feature of every marker
  sorted: [], // [{f, ll}] of every marker, in date order
  listed: new Map(), // id → Feature of the list, in cells mode
  cellData: [], // the server clusters drawn, as Features
  markers: new Map(), // id → marker, kept across filter changes
};

// featureOf returns the Feature of incident id if the page holds it.
export function featureOf(id) {
  return shown.features.get(id) || shown.listed.get(id);
}

// pointOf returns the LatLng of Feature f's point, or null.
export function pointOf(f) {
  const c = f.geometry?.coordinates;
  if (f.geometry?.type !== 'Point' || !Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) return null;
  return window.L.latLng(c[1], c[0]);
}
