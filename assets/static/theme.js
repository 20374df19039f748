// The map's colours in the page's colour scheme: the canvas layers cannot
// use CSS, so they are styled here, light or dark as the system asks,
// and restyled when it changes.

const dark = window.matchMedia('(prefers-color-scheme: dark)');

const COLOURS = {
  light: {
    land: '#e4e2dc', KOR: '#f7f4ec', PRK: '#ece6d6', border: '#8c8577',
    place: '#3d3d3d', landmark: '#4b4b4b', landmarkEdge: '#ffffff',
    mdl: '#c0001a', dmzLine: '#8a6d00', dmzFill: '#f4c542', dmzOpacity: 0.3,
    path: '#333333', highlight: '#0b57d0', precision: '#0b57d0', hover: '#c0001a',
  },
  dark: {
    land: '#30333a', KOR: '#3a3d44', PRK: '#33302a', border: '#9a958a',
    place: '#d8d8d8', landmark: '#e0d2a8', landmarkEdge: '#15171c',
    mdl: '#ff5c70', dmzLine: '#e3bd45', dmzFill: '#e3bd45', dmzOpacity: 0.22,
    path: '#e0e0e0', highlight: '#8ab4f8', precision: '#8ab4f8', hover: '#ff8f9b',
  },
};

// colour returns the colour of name in the scheme in force.
export function colour(name) {
  return (dark.matches ? COLOURS.dark : COLOURS.light)[name];
}

export function isDark() {
  return dark.matches;
}

let styled = false;

// styleMap styles the layers of the map: {basemap, places, landmarks, mdl,
// dmz, paths} groups and the highlight ring; call it when they are drawn.
export function styleMap(layers, highlight) {
  if (!dark.matches && !styled) return; // the layers are drawn in the light colours
  styled = true;
  const c = (n) => colour(n);
  const each = (g, fn) => {
    const all = g.allMarkers || [];
    if (all.length) all.forEach(fn);
    g.eachLayer((l) => (typeof l.eachLayer === 'function' ? l.eachLayer(fn) : fn(l)));
  };
  each(layers.basemap, (l) => l.setStyle?.({ color: c('border'), fillColor: c(l.feature?.properties?.iso_a3) || c('land') }));
  each(layers.places, (l) => l.setStyle?.({ color: c('place'), fillColor: c('place') }));
  each(layers.landmarks, (l) => l.setStyle?.({ color: c('landmarkEdge'), fillColor: c('landmark') }));
  each(layers.mdl, (l) => l.setStyle?.({ color: c('mdl') }));
  each(layers.dmz, (l) => {
    const poly = l.feature?.geometry?.type === 'Polygon' || l.feature?.geometry?.type === 'MultiPolygon';
    l.setStyle?.(poly ? { fillColor: c('dmzFill'), fillOpacity: c('dmzOpacity') } : { color: c('dmzLine') });
  });
  each(layers.paths, (l) => l.setStyle?.({ color: c('path') }));
  highlight?.setStyle({ color: c('highlight') });
}

// onSchemeChange calls fn when the system's colour scheme changes.
export function onSchemeChange(fn) {
  dark.addEventListener('change', fn);
}
