// The page's state (filters, map view, selection, language), how it is
// written to and read from the page URL, and the one function that turns it
// into API query parameters.

import { LANGS } from './i18n.js';

export const TYPES = ['crossing', 'incursion', 'infiltration', 'shooting', 'tunnel', 'landmine', 'abduction', 'other'];
export const DIRECTIONS = ['north_to_south', 'south_to_north', 'none'];
export const SECTORS = ['western', 'central', 'eastern', 'jsa'];
export const MAX_KM = 1000; // the largest km the API accepts

// FILTER_KEYS are the state's filters: what changes the incidents selected.
export const FILTER_KEYS = ['from', 'to', 'types', 'directions', 'sectors', 'km', 'q'];

const idPattern = /^[a-z0-9][a-z0-9-]{2,79}$/;

// defaultState selects every incident of every year.
export function defaultState() {
  return {
    from: null, // first year shown; null for the data's first year
    to: null, // last year shown; null for the data's last year
    types: [...TYPES],
    directions: [...DIRECTIONS],
    sectors: [...SECTORS],
    km: null, // [from, to] along the MDL in km; null for the whole line
    q: '',
    view: null, // {lat, lon, z}; null for the whole line
    sel: null, // id of the incident whose details show
    lang: 'en',
  };
}

// yearRange returns the years the state selects, within the data's bounds.
export function yearRange(state, bounds) {
  let from = state.from ?? bounds.first;
  let to = state.to ?? bounds.last;
  from = Math.min(Math.max(from, bounds.first), bounds.last);
  to = Math.min(Math.max(to, from), bounds.last);
  return { from, to };
}

// selectsNothing reports whether the state's filters rule out every
// incident before asking the server (no type or no direction ticked).
export function selectsNothing(state) {
  return state.types.length === 0 || state.directions.length === 0 || state.sectors.length === 0;
}

function listParam(selected, all) {
  if (selected.length === all.length) return null;
  return all.filter((v) => selected.includes(v)).join(',');
}

// queryParams turns the state's filters into the query parameters of
// /api/incidents, /api/crossings, /api/years and /api/export.geojson.
// Every request the page makes for incidents goes through it, so the map,
// the list, the count, the timeline and the export always agree.
// With years false it leaves the year range out (the timeline shows every
// year); bbox ([west, south, east, north]) narrows it to a part of the map.
export function queryParams(state, bounds, { years = true, bbox = null } = {}) {
  const p = new URLSearchParams();
  if (years && bounds) {
    const { from, to } = yearRange(state, bounds);
    if (from === to) {
      p.set('year', String(from));
    } else if (from > bounds.first || to < bounds.last) {
      p.set('from', String(from));
      p.set('to', String(to));
    }
  }
  const types = listParam(state.types, TYPES);
  if (types !== null) p.set('type', types);
  const dirs = listParam(state.directions, DIRECTIONS);
  if (dirs !== null) p.set('direction', dirs);
  const sectors = listParam(state.sectors, SECTORS);
  if (sectors !== null) p.set('sector', sectors);
  if (state.km) p.set('km', state.km.map(kmText).join(','));
  const q = state.q.trim();
  if (q) p.set('q', q);
  if (bbox) p.set('bbox', bbox.map((v) => String(Number(v.toFixed(6)))).join(','));
  return p;
}

// kmText writes a chainage for the km parameter: at most one decimal.
export function kmText(v) {
  return String(Math.round(v * 10) / 10);
}

// pageQuery is the page URL's query string: the API parameters of the
// filters, then the map view, the selection and the language.
export function pageQuery(state, bounds) {
  const p = queryParams(state, bounds);
  if (state.view) {
    p.set('z', String(state.view.z));
    p.set('lat', state.view.lat.toFixed(5));
    p.set('lon', state.view.lon.toFixed(5));
  }
  if (state.sel) p.set('sel', state.sel);
  if (state.lang !== 'en') p.set('lang', state.lang);
  return p.toString();
}

function intParam(p, name) {
  const v = p.get(name);
  if (v === null || !/^\d{4}$/.test(v)) return null;
  return Number(v);
}

function listFrom(p, name, all) {
  if (!p.has(name)) return [...all];
  const want = p.get(name).split(',');
  return all.filter((v) => want.includes(v));
}

// parseState reads a page URL's query string back into a state.
export function parseState(search) {
  const p = new URLSearchParams(search);
  const s = defaultState();
  const year = intParam(p, 'year');
  if (year !== null) {
    s.from = year;
    s.to = year;
  } else {
    s.from = intParam(p, 'from');
    s.to = intParam(p, 'to');
  }
  s.types = listFrom(p, 'type', TYPES);
  s.directions = listFrom(p, 'direction', DIRECTIONS);
  s.sectors = listFrom(p, 'sector', SECTORS);
  const km = (p.get('km') || '').split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (km.length === 2 && km.every((v) => Number.isFinite(v) && v >= 0 && v <= MAX_KM) && km[0] <= km[1]) s.km = km;
  s.q = (p.get('q') || '').slice(0, 200);
  const z = Number(p.get('z'));
  const lat = Number(p.get('lat'));
  const lon = Number(p.get('lon'));
  if (p.has('z') && p.has('lat') && p.has('lon') && Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon)
    && z >= 0 && z <= 19 && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    s.view = { z: Math.round(z * 2) / 2, lat, lon };
  }
  const sel = p.get('sel');
  if (sel && idPattern.test(sel)) s.sel = sel;
  const lang = p.get('lang');
  if (LANGS.includes(lang)) s.lang = lang;
  return s;
}
