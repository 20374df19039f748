// The filters panel: the years' slider, the type and direction boxes, the
// search, Reset and the export link. Each change goes to setState; the
// controls show the state again by syncControls.

import noUiSlider from './vendor/nouislider-15.8.1/nouislider.min.mjs';
import { t, label } from './i18n.js';
import { TYPES, DIRECTIONS, defaultState, queryParams, yearRange, selectsNothing } from './state.js';
import { shape } from './symbols.js';
import { syncLineFilters } from './linefilters.js';
import { $, textElement } from './dom.js';
import { state, bounds, setState } from './page-state.js';

let slider = null;
let searchTimer = 0;

function checked(name) {
  return [...document.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

// initFilters wires the controls of the form to the state.
export function initFilters() {
  $('types').addEventListener('change', () => setState({ types: checked('type') }));
  $('directions').addEventListener('change', () => setState({ directions: checked('direction') }));
  $('q').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      if ($('q').value.trim() === state.q.trim()) return;
      setState({ q: $('q').value });
    }, 300);
  });
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(searchTimer);
    setState({ q: $('q').value });
  });
  $('reset').addEventListener('click', () => {
    const d = defaultState();
    setState({ from: bounds?.first ?? null, to: bounds?.last ?? null, types: d.types, directions: d.directions, sectors: d.sectors, km: null, q: '' });
  });
}

// buildChecks (re)makes the type and direction boxes in the language.
export function buildChecks() {
  const lang = state.lang;
  const make = (fieldset, name, values, selected, group, withShape) => {
    const legendEl = fieldset.querySelector('legend');
    const boxes = values.map((v) => {
      const id = `${name}-${v}`;
      const wrap = document.createElement('div');
      wrap.className = 'check';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.id = id;
      input.name = name;
      input.value = v;
      input.checked = selected.includes(v);
      const lab = document.createElement('label');
      lab.htmlFor = id;
      if (withShape) lab.append(shape(v, 18));
      lab.append(textElement(label(lang, group, v)));
      wrap.append(input, lab);
      return wrap;
    });
    fieldset.replaceChildren(legendEl, ...boxes);
  };
  make($('types'), 'type', TYPES, state.types, 'types', true);
  make($('directions'), 'direction', DIRECTIONS, state.directions, 'directions', false);
}

// buildSlider makes the years' slider, once the dataset's years are known.
export function buildSlider() {
  const { from, to } = yearRange(state, bounds);
  slider = noUiSlider.create($('years'), {
    start: [from, to],
    connect: true,
    step: 1,
    margin: 0,
    behaviour: 'tap-drag',
    range: { min: bounds.first, max: Math.max(bounds.last, bounds.first + 1) },
    keyboardDefaultStep: 1,
    keyboardPageMultiplier: 10,
    format: { to: (v) => String(Math.round(v)), from: (v) => Number(v) },
    ariaFormat: { to: (v) => String(Math.round(v)), from: (v) => Number(v) },
    handleAttributes: [{ 'aria-label': t(state.lang, 'yearFrom') }, { 'aria-label': t(state.lang, 'yearTo') }],
  });
  slider.on('update', (values) => {
    $('years-out').textContent = values[0] === values[1] ? values[0] : `${values[0]} – ${values[1]}`;
  });
  slider.on('set', (values) => {
    const [a, b] = values.map(Number);
    if (a === state.from && b === state.to) return;
    setState({ from: a, to: b });
  });
}

// setYears moves the slider's handles as a user would: the state follows.
export function setYears(from, to) {
  slider.set([from, to]);
}

// widenSlider gives the slider the dataset's years now.
export function widenSlider() {
  slider?.updateOptions({ range: { min: bounds.first, max: Math.max(bounds.last, bounds.first + 1) } }, false);
}

// relabelSlider writes the handles' labels in the language.
export function relabelSlider() {
  if (!slider) return;
  $('years').querySelector('.noUi-handle-lower')?.setAttribute('aria-label', t(state.lang, 'yearFrom'));
  $('years').querySelector('.noUi-handle-upper')?.setAttribute('aria-label', t(state.lang, 'yearTo'));
}

// syncControls shows the state in every control of the filters.
export function syncControls() {
  for (const i of document.querySelectorAll('input[name="type"]')) i.checked = state.types.includes(i.value);
  for (const i of document.querySelectorAll('input[name="direction"]')) i.checked = state.directions.includes(i.value);
  if ($('q').value !== state.q) $('q').value = state.q;
  syncLineFilters(state);
  if (slider && bounds) {
    const { from, to } = yearRange(state, bounds);
    const [a, b] = slider.get().map(Number);
    if (a !== from || b !== to) slider.set([from, to], false);
  }
}

// updateExport points the export link at what the filters select.
export function updateExport() {
  const a = $('export');
  if (selectsNothing(state)) {
    a.removeAttribute('href');
    a.setAttribute('aria-disabled', 'true');
    return;
  }
  const q = queryParams(state, bounds).toString();
  a.href = `/api/export.geojson${q ? `?${q}` : ''}`;
  a.removeAttribute('aria-disabled');
}
