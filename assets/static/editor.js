// One file for now (issue 11 splits sign-in, form and dialogs): the form, the
// map drawing and the write client share the draft being edited.
// The editor: sign in with the server's token (kept in this tab's
// sessionStorage only, never in localStorage or the URL), then add, edit and
// delete incidents with a form and clicks on the map. Without a token no
// edit control exists. Text from the server or the data is set with
// textContent only.

import { t, label } from './i18n.js';
import { TYPES, DIRECTIONS } from './state.js';

const L = window.L;
const TOKEN_KEY = 'dmzmap.token';
const PRECISIONS = ['day', 'month', 'year'];
const CONFIDENCES = ['high', 'medium', 'low'];
const SOURCE_PARTS = ['title', 'url', 'publisher', 'published'];
const SOURCE_KEYS = { title: 'edSourceTitle', url: 'edSourceURL', publisher: 'edSourcePublisher', published: 'edSourcePublished' };
const INK = '#c0001a';

const $ = (id) => document.getElementById(id);

let opts = null; // {map, lang, selected, select, close, refresh}
let token = '';
let tokenRead = false;
let draft = null; // the incident being edited: {mode, id, etag, opener, point, path, drawing}
let shown = null; // the errors on show, to redraw in another language: {problem, stale}
let layer = null;
let busy = false;

const lang = () => opts?.lang?.() || document.documentElement.lang || 'en';

// ---- the token, in this tab's session storage only

function readToken() {
  tokenRead = true;
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function storeToken(v) {
  token = v;
  try {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage is off: the token lasts as long as the page.
  }
}

// ---- elements, with interface text that follows the language

// tx sets node's text to the interface text key, and remembers key and
// vars so that relabel can redo it in another language.
function tx(node, key, vars) {
  node.dataset.edKey = key;
  if (vars) node.dataset.edVars = JSON.stringify(vars);
  else delete node.dataset.edVars;
  node.textContent = t(lang(), key, vars);
  return node;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'key') tx(e, v, attrs.vars);
    else if (k !== 'vars') e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function button(id, key, attrs) {
  return el('button', { type: 'button', id, key, ...attrs });
}

function relabel() {
  for (const node of document.querySelectorAll('[data-ed-key]')) {
    node.textContent = t(lang(), node.dataset.edKey, node.dataset.edVars ? JSON.parse(node.dataset.edVars) : undefined);
  }
  for (const o of document.querySelectorAll('option[data-ed-group]')) o.textContent = label(lang(), o.dataset.edGroup, o.value);
  if (shown) showProblem(shown.problem, { stale: shown.stale, focus: false });
}

function announce(key, vars) {
  const live = $('ed-announce');
  if (live) tx(live, key, vars);
}

// ---- requests

// problemOf reads the problem+json document of a failed answer.
async function problemOf(res) {
  let doc = null;
  try {
    if ((res.headers.get('Content-Type') || '').includes('json')) doc = await res.json();
  } catch {
    doc = null;
  }
  return {
    status: res.status,
    detail: typeof doc?.detail === 'string' && doc.detail ? doc.detail : `HTTP ${res.status}`,
    errors: Array.isArray(doc?.errors) ? doc.errors.filter((e) => e && typeof e.message === 'string') : [],
  };
}

// write sends a change with the token, the ETag to match and the reason.
async function write(method, url, { body, etag, reason } = {}) {
  const headers = { Accept: 'application/geo+json, application/problem+json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/geo+json';
  if (etag) headers['If-Match'] = etag;
  if (reason) headers['X-Change-Reason'] = encodeURIComponent(reason);
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
}

// getIncident reads an incident as stored now, with its ETag.
async function getIncident(id) {
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}`, { cache: 'no-store', headers: { Accept: 'application/geo+json' } });
  if (!res.ok) return { problem: await problemOf(res) };
  return { feature: await res.json(), etag: res.headers.get('ETag') };
}

// ---- signing in and out

let writes = false; // whether the server takes writes, from /api/config

// renderAuth shows the sign-in, or the editor's controls once signed in;
// with on, it first records whether the server takes writes: without
// them the page offers no sign-in.
export function renderAuth(on) {
  if (on !== undefined) writes = on;
  // The storage is read once writes are known to be on: its first read
  // costs a phone's main thread tens of milliseconds.
  if (writes && !token && !tokenRead) token = readToken();
  const box = $('auth-controls');
  const tools = $('details-edit');
  if (!box) return;
  if (!token) {
    box.replaceChildren(...(writes ? [button('sign-in', 'edSignIn', { 'aria-haspopup': 'dialog' })] : []));
    tools?.replaceChildren();
    return;
  }
  box.replaceChildren(button('add-incident', 'edAdd'), button('sign-out', 'edSignOut'));
  tools?.replaceChildren(
    button('edit-incident', 'edEdit'),
    button('delete-incident', 'edDelete', { class: 'danger', 'aria-haspopup': 'dialog' }),
    el('p', { id: 'details-edit-error', class: 'error', role: 'alert', hidden: true }),
  );
}

function signInDialog() {
  let d = $('sign-in-dialog');
  if (d) return d;
  d = el('dialog', { id: 'sign-in-dialog', class: 'ed-dialog', 'aria-labelledby': 'sign-in-title' },
    el('form', { id: 'sign-in-form', novalidate: true },
      el('h2', { id: 'sign-in-title', key: 'edSignInTitle' }),
      el('p', { id: 'sign-in-hint', class: 'hint', key: 'edSignInHint' }),
      el('div', { class: 'ed-field' },
        el('label', { for: 'ed-token', key: 'edToken' }),
        el('input', { id: 'ed-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'sign-in-hint' })),
      el('p', { id: 'sign-in-error', class: 'error', role: 'alert', hidden: true }),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'sign-in-submit', class: 'primary', key: 'edSignInSubmit' }),
        button('sign-in-cancel', 'edCancel'))));
  document.body.append(d);
  d.querySelector('form').addEventListener('submit', signIn);
  $('sign-in-cancel').addEventListener('click', () => d.close());
  return d;
}

function openSignIn() {
  const d = signInDialog();
  $('sign-in-error').hidden = true;
  $('ed-token').value = '';
  $('ed-token').removeAttribute('aria-invalid');
  if (!d.open) d.showModal();
  $('ed-token').focus();
}

function signInError(text, key) {
  const e = $('sign-in-error');
  e.hidden = false;
  if (key) tx(e, key);
  else {
    delete e.dataset.edKey;
    e.textContent = text;
  }
  $('ed-token').setAttribute('aria-invalid', 'true');
  $('ed-token').setAttribute('aria-describedby', 'sign-in-hint sign-in-error');
  $('ed-token').focus();
}

// signIn checks the token with a dry-run import of nothing, which writes
// nothing and answers 200 for the server's token, 401 for another and 403
// when writes are off; then keeps it.
async function signIn(e) {
  e.preventDefault();
  const value = $('ed-token').value.trim();
  if (!value) return signInError(null, 'edTokenRequired');
  if (busy) return;
  busy = true;
  $('sign-in-submit').disabled = true;
  try {
    const res = await fetch('/api/import?dry_run=true', {
      method: 'POST',
      cache: 'no-store',
      headers: { Authorization: `Bearer ${value}`, 'Content-Type': 'application/geo+json', Accept: 'application/json' },
      body: '{"type":"FeatureCollection","features":[]}',
    });
    if (!res.ok) return signInError((await problemOf(res)).detail);
    storeToken(value);
    $('ed-token').value = '';
    $('sign-in-dialog').close();
    renderAuth();
    if (draft) {
      clearErrors();
      $('ed-save').focus();
    } else $('add-incident').focus();
    announce('edSignedIn');
  } catch {
    signInError(null, 'edNetworkError');
  } finally {
    busy = false;
    $('sign-in-submit').disabled = false;
  }
}

function signOut() {
  storeToken('');
  closeEditor(false);
  $('delete-dialog')?.close();
  renderAuth();
  $('sign-in').focus();
  announce('edSignedOut');
}

// ---- the draft on the map

function mapStatus(key, vars) {
  const s = $('ed-map-status');
  if (s) tx(s, key, vars);
}

function setPoint(ll, { fromInputs = false } = {}) {
  draft.point = ll;
  if (!fromInputs) {
    $('ed-lon').value = ll.lng.toFixed(5);
    $('ed-lat').value = ll.lat.toFixed(5);
    mapStatus('edPointAt', { lat: ll.lat.toFixed(5), lon: ll.lng.toFixed(5) });
  }
  drawDraft();
}

function pointFromInputs() {
  const lon = $('ed-lon').valueAsNumber;
  const lat = $('ed-lat').valueAsNumber;
  if (Number.isFinite(lon) && Number.isFinite(lat)) setPoint(L.latLng(lat, lon), { fromInputs: true });
  else {
    draft.point = null;
    drawDraft();
  }
}

function drawDraft() {
  layer.clearLayers();
  if (!draft) return;
  if (draft.path.length) {
    L.polyline(draft.path, { color: INK, weight: 3, dashArray: '6 4', interactive: false }).addTo(layer);
    for (const ll of draft.path) L.circleMarker(ll, { radius: 4, color: INK, weight: 2, fillColor: '#ffffff', fillOpacity: 1, interactive: false }).addTo(layer);
  }
  if (draft.point) {
    L.circleMarker(draft.point, { radius: 10, color: INK, weight: 4, fillColor: '#ffffff', fillOpacity: 0.9, interactive: false }).addTo(layer);
  }
  pathStatus();
}

function pathStatus() {
  const n = draft.path.length;
  const s = $('ed-path-status');
  if (!s) return;
  if (draft.drawing) tx(s, 'edPathDrawing', { n });
  else if (n) tx(s, 'edPathPoints', { n });
  else tx(s, 'edPathNone');
  const draw = $('ed-path-draw');
  draw.setAttribute('aria-pressed', String(draft.drawing));
  tx(draw, draft.drawing ? 'edPathFinish' : n ? 'edPathContinue' : 'edPathDraw');
  $('ed-path-centre').disabled = !draft.drawing;
  $('ed-path-undo').disabled = n === 0;
  $('ed-path-clear').disabled = n === 0;
}

function onMapClick(e) {
  if (!draft) return;
  if (draft.drawing) {
    draft.path.push(e.latlng);
    drawDraft();
  } else setPoint(e.latlng);
}

// ---- the form

function field(id, key, control, hintKey) {
  const wrap = el('div', { class: 'ed-field' }, el('label', { for: id, key }), control);
  if (hintKey) {
    wrap.append(el('p', { class: 'hint', id: `${id}-hint`, key: hintKey }));
    control.setAttribute('aria-describedby', `${id}-hint`);
  }
  return wrap;
}

function input(id, attrs) {
  return el('input', { id, name: id, type: 'text', ...attrs });
}

function select(id, group, values) {
  const s = el('select', { id, name: id });
  for (const v of values) {
    const o = el('option', { value: v, 'data-ed-group': group });
    o.textContent = label(lang(), group, v);
    s.append(o);
  }
  return s;
}

function buildForm(mode) {
  const count = (id, attrs) => input(id, { type: 'number', inputmode: 'numeric', min: 0, step: 1, ...attrs });
  const form = el('form', { id: 'editor-form', novalidate: true },
    el('div', { class: 'details-head' },
      el('h2', { id: 'editor-title', tabindex: -1, key: mode === 'create' ? 'edNewTitle' : 'edEditTitle' }),
      button('ed-close', 'close')),
    el('div', { id: 'ed-summary', class: 'error-summary', tabindex: -1, 'aria-labelledby': 'ed-summary-title', hidden: true }),
    el('fieldset', { id: 'ed-location', class: 'ed-group' },
      el('legend', { key: 'edLocation' }),
      el('p', { class: 'hint', id: 'ed-location-hint', key: 'edPointHint' }),
      el('div', { class: 'ed-pair' },
        field('ed-lon', 'edLon', input('ed-lon', { type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal' })),
        field('ed-lat', 'edLat', input('ed-lat', { type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal' }))),
      el('div', { class: 'actions' }, button('ed-centre', 'edPlaceCentre')),
      el('p', { id: 'ed-map-status', class: 'hint', 'aria-live': 'polite' })),
    el('fieldset', { id: 'ed-path', class: 'ed-group' },
      el('legend', { key: 'edPath' }),
      el('p', { class: 'hint', key: 'edPathHint' }),
      el('div', { class: 'actions' },
        button('ed-path-draw', 'edPathDraw', { 'aria-pressed': 'false' }),
        button('ed-path-centre', 'edPathCentre'),
        button('ed-path-undo', 'edPathUndo'),
        button('ed-path-clear', 'edPathClear')),
      el('p', { id: 'ed-path-status', class: 'hint', 'aria-live': 'polite' })),
    field('ed-title', 'edTitle', input('ed-title', { maxlength: 200, required: true, autocomplete: 'off' })),
    field('ed-type', 'type', select('ed-type', 'types', TYPES)),
    el('div', { class: 'ed-pair' },
      field('ed-date', 'date', input('ed-date', { inputmode: 'numeric', autocomplete: 'off', placeholder: 'YYYY-MM-DD' }), 'edDateHint'),
      field('ed-date-precision', 'edDatePrecision', select('ed-date-precision', 'edPrecision', PRECISIONS))),
    field('ed-direction', 'direction', select('ed-direction', 'directions', DIRECTIONS)),
    field('ed-location-precision', 'edLocationPrecision', input('ed-location-precision', { type: 'number', min: 1, max: 200000, step: 'any', inputmode: 'numeric' }), 'edLocationPrecisionHint'),
    field('ed-location-note', 'edLocationNote', input('ed-location-note', { maxlength: 500 })),
    field('ed-place', 'place', input('ed-place', { maxlength: 500 })),
    field('ed-persons', 'persons', input('ed-persons', { maxlength: 500 })),
    field('ed-persons-count', 'edPersonsCount', count('ed-persons-count')),
    el('fieldset', { id: 'ed-casualties', class: 'ed-group' },
      el('legend', { key: 'casualties' }),
      el('p', { class: 'hint', id: 'ed-casualties-hint', key: 'edCasualtiesHint' }),
      el('div', { class: 'ed-pair' },
        field('ed-killed', 'edKilled', count('ed-killed', { 'aria-describedby': 'ed-casualties-hint' })),
        field('ed-wounded', 'edWounded', count('ed-wounded', { 'aria-describedby': 'ed-casualties-hint' }))),
      field('ed-casualties-note', 'edCasualtiesNote', input('ed-casualties-note', { maxlength: 500 }))),
    field('ed-summary-text', 'summary', el('textarea', { id: 'ed-summary-text', name: 'summary', rows: 5, maxlength: 5000, required: true })),
    el('fieldset', { id: 'ed-sources', class: 'ed-group' },
      el('legend', { key: 'sources' }),
      el('div', { id: 'ed-source-rows' }),
      el('div', { class: 'actions' }, button('ed-add-source', 'edAddSource'))),
    field('ed-confidence', 'confidence', select('ed-confidence', 'confidence', CONFIDENCES)),
    field('ed-note', 'note', el('textarea', { id: 'ed-note', name: 'note', rows: 3, maxlength: 2000 }), 'edNoteHint'),
    field('ed-tags', 'edTags', input('ed-tags', { autocomplete: 'off', spellcheck: 'false' }), 'edTagsHint'),
    field('ed-reason', 'edReason', input('ed-reason', { maxlength: 500 }), 'edReasonHint'),
    el('div', { class: 'actions ed-submit' },
      el('button', { type: 'submit', id: 'ed-save', class: 'primary', key: 'edSave' }),
      button('ed-cancel', 'edCancel')));

  form.addEventListener('submit', save);
  form.querySelector('#ed-close').addEventListener('click', () => closeEditor(true));
  form.querySelector('#ed-cancel').addEventListener('click', () => closeEditor(true));
  form.querySelector('#ed-centre').addEventListener('click', () => setPoint(opts.map.getCenter()));
  for (const id of ['ed-lon', 'ed-lat']) form.querySelector(`#${id}`).addEventListener('input', pointFromInputs);
  form.querySelector('#ed-path-draw').addEventListener('click', () => {
    draft.drawing = !draft.drawing;
    drawDraft();
  });
  form.querySelector('#ed-path-centre').addEventListener('click', () => {
    draft.path.push(opts.map.getCenter());
    drawDraft();
  });
  form.querySelector('#ed-path-undo').addEventListener('click', () => {
    draft.path.pop();
    drawDraft();
  });
  form.querySelector('#ed-path-clear').addEventListener('click', () => {
    draft.path = [];
    draft.drawing = false;
    drawDraft();
  });
  // The precision follows the date typed, and a coarser precision cuts the date.
  form.querySelector('#ed-date').addEventListener('input', (e) => {
    const v = e.target.value.trim();
    const p = /^\d{4}$/.test(v) ? 'year' : /^\d{4}-\d{2}$/.test(v) ? 'month' : /^\d{4}-\d{2}-\d{2}$/.test(v) ? 'day' : null;
    if (p) $('ed-date-precision').value = p;
  });
  form.querySelector('#ed-date-precision').addEventListener('change', (e) => {
    const len = { day: 10, month: 7, year: 4 }[e.target.value];
    const d = $('ed-date');
    if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(d.value.trim()) && d.value.trim().length > len) d.value = d.value.trim().slice(0, len);
  });
  form.querySelector('#ed-add-source').addEventListener('click', () => {
    const list = readSources();
    list.push({});
    renderSources(list);
    $(`ed-src-${list.length - 1}-title`).focus();
  });
  form.querySelector('#ed-source-rows').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-remove]');
    if (!b) return;
    const list = readSources();
    const i = Number(b.dataset.remove);
    list.splice(i, 1);
    renderSources(list);
    $(`ed-src-${Math.min(i, list.length - 1)}-title`).focus();
  });
  return form;
}

function readSources() {
  const out = [];
  for (let i = 0; $(`ed-src-${i}-title`); i++) {
    const s = {};
    for (const part of SOURCE_PARTS) s[part] = $(`ed-src-${i}-${part}`).value.trim();
    out.push(s);
  }
  return out;
}

function renderSources(list) {
  const rows = list.map((s, i) => {
    const set = el('fieldset', { class: 'ed-source', id: `ed-src-${i}` }, el('legend', { key: 'edSourceN', vars: { n: i + 1 } }));
    for (const part of SOURCE_PARTS) {
      const id = `ed-src-${i}-${part}`;
      const attrs = { maxlength: part === 'url' ? 2000 : 500, autocomplete: 'off' };
      if (part === 'url') Object.assign(attrs, { type: 'url', inputmode: 'url', spellcheck: 'false', placeholder: 'https://' });
      if (part === 'published') Object.assign(attrs, { inputmode: 'numeric', placeholder: 'YYYY-MM-DD' });
      const inp = input(id, attrs);
      inp.value = s[part] || '';
      set.append(field(id, SOURCE_KEYS[part], inp));
    }
    if (list.length > 1) set.append(el('div', { class: 'actions' }, button(null, 'edRemoveSource', { 'data-remove': i, vars: { n: i + 1 } })));
    return set;
  });
  $('ed-source-rows').replaceChildren(...rows);
}

// KEPT are the properties the form does not edit: an edit keeps them as
// they are stored.
const KEPT = ['title_ko', 'summary_ko', 'place_ko', 'persons_ko', 'location_note_ko', 'note_ko', 'disputes', 'distinct_from'];

function fill(f) {
  const p = f?.properties || {};
  const c = f?.geometry?.coordinates;
  draft.kept = Object.fromEntries(KEPT.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
  draft.keptCasualtiesKo = p.casualties?.note_ko;
  const set = (id, v) => {
    $(id).value = v === null || v === undefined ? '' : String(v);
  };
  set('ed-title', p.title);
  set('ed-type', p.type || 'crossing');
  set('ed-date', p.date);
  set('ed-date-precision', p.date_precision || 'day');
  set('ed-direction', p.direction || 'north_to_south');
  set('ed-location-precision', p.location_precision_m ?? 1000);
  set('ed-location-note', p.location_note);
  set('ed-place', p.place);
  set('ed-persons', p.persons);
  set('ed-persons-count', p.persons_count);
  set('ed-killed', p.casualties?.killed);
  set('ed-wounded', p.casualties?.wounded);
  set('ed-casualties-note', p.casualties?.note);
  set('ed-summary-text', p.summary);
  set('ed-confidence', p.confidence || 'medium');
  set('ed-note', p.note);
  set('ed-tags', (p.tags || []).join(', '));
  renderSources(p.sources?.length ? p.sources : [{}]);
  draft.path = Array.isArray(p.path?.coordinates) ? p.path.coordinates.map(([lon, lat]) => L.latLng(lat, lon)) : [];
  if (Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1])) setPoint(L.latLng(c[1], c[0]));
  else {
    draft.point = null;
    mapStatus('edPointNone');
    drawDraft();
  }
}

// readForm turns the form into a GeoJSON Feature, with the errors the
// browser can tell before asking the server: numbers that are not numbers,
// and no point placed.
function readForm() {
  const errors = [];
  const text = (id) => $(id).value.trim();
  const num = (id, field) => {
    const x = $(id);
    if (x.validity.badInput) errors.push({ field, message: t(lang(), 'edNotANumber') });
    return x.value === '' ? null : Number(x.value);
  };
  const lon = num('ed-lon', 'geometry');
  const lat = num('ed-lat', 'geometry');
  if ((lon === null || lat === null) && !errors.length) errors.push({ field: 'geometry', message: t(lang(), 'edPointMissing') });
  const date = text('ed-date');
  const properties = {
    title: text('ed-title'),
    type: $('ed-type').value,
    date,
    date_precision: $('ed-date-precision').value,
    location_precision_m: num('ed-location-precision', 'location_precision_m'),
    location_note: text('ed-location-note'),
    place: text('ed-place'),
    path: draft.path.length ? { type: 'LineString', coordinates: draft.path.map((ll) => [round(ll.lng), round(ll.lat)]) } : null,
    direction: $('ed-direction').value,
    persons: text('ed-persons'),
    persons_count: num('ed-persons-count', 'persons_count'),
    casualties: {
      killed: num('ed-killed', 'casualties.killed'), wounded: num('ed-wounded', 'casualties.wounded'), note: text('ed-casualties-note'),
      ...(draft.keptCasualtiesKo ? { note_ko: draft.keptCasualtiesKo } : {}),
    },
    summary: $('ed-summary-text').value.trim(),
    sources: readSources().map((s) => {
      const out = { title: s.title, url: s.url, publisher: s.publisher };
      if (s.published) out.published = s.published;
      return out;
    }),
    confidence: $('ed-confidence').value,
    note: $('ed-note').value.trim(),
    tags: text('ed-tags').split(/[\s,]+/).filter(Boolean),
  };
  if (!date) delete properties.date_precision;
  if (properties.persons_count === null) delete properties.persons_count;
  if (draft.mode === 'edit') Object.assign(properties, draft.kept);
  const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
  if (draft.mode === 'edit') feature.id = draft.id;
  return { feature, errors };
}

function round(x) {
  return Math.round(x * 1e6) / 1e6;
}

// ---- errors by the fields and in a summary at the top

// controlFor returns the form control a problem's field names, and the
// name to show for it; null for a field with no control.
function controlFor(field) {
  const ids = {
    geometry: 'ed-lon', 'geometry.coordinates': 'ed-lon', path: 'ed-path-draw', title: 'ed-title', type: 'ed-type',
    date: 'ed-date', date_precision: 'ed-date-precision', direction: 'ed-direction',
    location_precision_m: 'ed-location-precision', location_note: 'ed-location-note', place: 'ed-place',
    persons: 'ed-persons', persons_count: 'ed-persons-count', 'casualties.killed': 'ed-killed',
    'casualties.wounded': 'ed-wounded', 'casualties.note': 'ed-casualties-note', casualties: 'ed-killed',
    summary: 'ed-summary-text', sources: 'ed-add-source', confidence: 'ed-confidence', note: 'ed-note',
    tags: 'ed-tags', 'X-Change-Reason': 'ed-reason',
  };
  const f = String(field || '');
  let id = ids[f];
  let name = null;
  let m;
  if (!id && (m = /^path(\.coordinates)?\[\d+\]$/.exec(f))) id = 'ed-path-draw';
  if (!id && (m = /^tags\[\d+\]$/.exec(f))) id = 'ed-tags';
  if (!id && (m = /^sources\[(\d+)\](?:\.(\w+))?$/.exec(f))) {
    const part = SOURCE_PARTS.includes(m[2]) ? m[2] : 'title';
    id = `ed-src-${m[1]}-${part}`;
    if ($(id)) name = `${t(lang(), 'edSourceN', { n: Number(m[1]) + 1 })}, ${t(lang(), SOURCE_KEYS[part])}`;
  }
  const control = id && $(id);
  if (!control) return null;
  const group = { 'ed-lon': 'ed-location', 'ed-path-draw': 'ed-path', 'ed-add-source': 'ed-sources' }[id];
  if (!name) {
    const lab = group ? $(group).querySelector('legend') : document.querySelector(`label[for="${id}"]`);
    name = lab?.textContent || f;
  }
  return { control, name, box: group ? $(group) : control.closest('.ed-field') };
}

function clearErrors() {
  shown = null;
  for (const p of document.querySelectorAll('#editor-form .field-error')) p.remove();
  for (const c of document.querySelectorAll('#editor-form [aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const rest = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error')).join(' ');
    if (rest) c.setAttribute('aria-describedby', rest);
    else c.removeAttribute('aria-describedby');
  }
  const s = $('ed-summary');
  if (s) {
    s.hidden = true;
    s.replaceChildren();
  }
}

// showProblem shows a failed save: each field error next to its field and
// all of them in the summary, which takes the focus.
function showProblem(problem, { stale = false, focus = true } = {}) {
  clearErrors();
  shown = { problem, stale };
  const lg = lang();
  const items = [];
  const boxes = new Map();
  for (const e of problem.errors) {
    const where = controlFor(e.field);
    const text = t(lg, 'edFieldError', { label: where?.name || e.field || t(lg, 'edIncident'), message: e.message });
    if (where) {
      let p = boxes.get(where.box);
      if (!p) {
        p = el('p', { class: 'field-error', id: `${where.control.id}-error` });
        where.box.append(p);
        boxes.set(where.box, p);
        where.control.setAttribute('aria-invalid', 'true');
        const described = (where.control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        where.control.setAttribute('aria-describedby', [...described, p.id].join(' '));
      }
      p.append(el('span', null, text));
      const a = el('a', { href: `#${where.control.id}` }, text);
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        where.control.focus();
        where.control.scrollIntoView({ block: 'center' });
      });
      items.push(el('li', null, a));
    } else items.push(el('li', null, text));
  }
  const s = $('ed-summary');
  s.append(el('h3', { id: 'ed-summary-title', key: stale ? 'edStaleTitle' : 'edNotSaved' }));
  if (stale) {
    s.append(el('p', { key: 'edStale' }), el('div', { class: 'actions' }, button('ed-reload', 'edReload')));
    s.querySelector('#ed-reload').addEventListener('click', reloadDraft);
  } else {
    if (problem.detail && (!problem.errors.length || problem.status !== 422)) s.append(el('p', null, problem.detail));
    if (problem.status === 401) {
      s.append(el('div', { class: 'actions' }, button('ed-sign-in-again', 'edSignInAgain')));
      s.querySelector('#ed-sign-in-again').addEventListener('click', openSignIn);
    }
  }
  if (items.length) s.append(el('ul', null, ...items));
  s.hidden = false;
  if (focus) {
    s.focus();
    s.scrollIntoView({ block: 'start' });
  }
}

// ---- opening, saving, closing

function openEditor(mode, feature, etag, opener) {
  closeEditor(false);
  draft = { mode, id: feature?.id ?? null, etag: etag || null, opener, point: null, path: [], drawing: false };
  const section = $('editor');
  section.replaceChildren(buildForm(mode));
  section.hidden = false;
  fill(feature);
  opts.map.getContainer().classList.add('editing-map');
  const narrow = window.matchMedia('(max-width: 820px)').matches;
  $('editor-title').focus({ preventScroll: narrow });
  if (narrow) section.scrollIntoView({ block: 'start' });
}

function closeEditor(restoreFocus) {
  if (!draft) return;
  const { opener } = draft;
  draft = null;
  shown = null;
  layer.clearLayers();
  opts.map.getContainer().classList.remove('editing-map');
  const section = $('editor');
  section.hidden = true;
  section.replaceChildren();
  if (restoreFocus && opener && document.contains(opener)) opener.focus();
}

async function startEdit(opener) {
  const id = opts.selected();
  if (!id) return;
  const got = await getIncident(id).catch(() => ({ problem: { detail: t(lang(), 'edNetworkError') } }));
  if (got.problem) return detailsError(got.problem.detail);
  openEditor('edit', got.feature, got.etag, opener);
}

async function reloadDraft() {
  const { id, opener } = draft;
  const got = await getIncident(id).catch(() => ({ problem: { detail: t(lang(), 'edNetworkError') } }));
  if (got.problem) return showProblem({ status: got.problem.status, detail: got.problem.detail, errors: [] });
  openEditor('edit', got.feature, got.etag, opener);
  announce('edReloaded');
}

function detailsError(text) {
  const p = $('details-edit-error');
  if (!p) return;
  p.hidden = false;
  p.textContent = text;
}

async function save(e) {
  e.preventDefault();
  if (busy || !draft) return;
  clearErrors();
  const { feature, errors } = readForm();
  if (errors.length) return showProblem({ status: 0, detail: '', errors });
  const reason = $('ed-reason').value.trim();
  busy = true;
  $('ed-save').disabled = true;
  tx($('ed-save'), 'edSaving');
  let res;
  try {
    res = draft.mode === 'create'
      ? await write('POST', '/api/incidents', { body: feature, reason })
      : await write('PUT', `/api/incidents/${encodeURIComponent(draft.id)}`, { body: feature, reason, etag: draft.etag });
  } catch {
    res = null;
  } finally {
    busy = false;
    if ($('ed-save')) {
      $('ed-save').disabled = false;
      tx($('ed-save'), 'edSave');
    }
  }
  if (!draft) return;
  if (!res) return showProblem({ status: 0, detail: t(lang(), 'edNetworkError'), errors: [] });
  if (!res.ok) return failed(res, showProblem);
  const saved = await res.json().catch(() => null);
  const id = saved?.id || draft.id || (res.headers.get('Location') || '').split('/').pop();
  closeEditor(false);
  announce('edSaved', { title: saved?.properties?.title || id });
  await opts.refresh();
  await opts.select(id, { fly: true, focus: true });
}

// failed handles a refused write: a 412 offers to reload the incident, a
// 401 to sign in again; every other problem is shown as the server says it.
async function failed(res, show) {
  const problem = await problemOf(res);
  if (res.status === 412) return show(problem, { stale: true });
  if (res.status === 401) {
    storeToken('');
    renderAuth();
  }
  return show(problem);
}

// ---- deleting

function deleteDialog() {
  let d = $('delete-dialog');
  if (d) return d;
  d = el('dialog', { id: 'delete-dialog', class: 'ed-dialog', 'aria-labelledby': 'delete-title', 'aria-describedby': 'delete-text' },
    el('form', { id: 'delete-form', novalidate: true },
      el('h2', { id: 'delete-title', key: 'edDeleteTitle' }),
      el('p', { id: 'delete-text' }),
      el('div', { class: 'ed-field' },
        el('label', { for: 'del-reason', key: 'edDeleteReason' }),
        el('input', { id: 'del-reason', name: 'reason', type: 'text', maxlength: 500, required: true, autocomplete: 'off' })),
      el('div', { id: 'delete-error', class: 'error', role: 'alert', hidden: true }),
      el('div', { class: 'actions' },
        el('button', { type: 'submit', id: 'del-confirm', class: 'danger', key: 'edDeleteConfirm' }),
        button('del-cancel', 'edCancel'))));
  document.body.append(d);
  d.querySelector('form').addEventListener('submit', confirmDelete);
  $('del-cancel').addEventListener('click', () => d.close());
  d.addEventListener('close', () => {
    if (d.returnTo && document.contains(d.returnTo) && !d.done) d.returnTo.focus();
  });
  return d;
}

async function startDelete(opener) {
  const id = opts.selected();
  if (!id) return;
  const got = await getIncident(id).catch(() => ({ problem: { detail: t(lang(), 'edNetworkError') } }));
  if (got.problem) return detailsError(got.problem.detail);
  const d = deleteDialog();
  Object.assign(d, { incidentId: id, etag: got.etag, returnTo: opener, done: false, incidentTitle: (lang() === 'ko' && got.feature.properties?.title_ko) || got.feature.properties?.title || id });
  tx($('delete-text'), 'edDeleteText', { title: d.incidentTitle });
  $('del-reason').value = '';
  $('del-reason').removeAttribute('aria-invalid');
  $('delete-error').hidden = true;
  $('delete-error').replaceChildren();
  d.showModal();
  $('del-reason').focus();
}

function deleteError(key, text, reload) {
  const box = $('delete-error');
  box.hidden = false;
  const p = el('p');
  if (key) tx(p, key);
  else p.textContent = text;
  box.replaceChildren(p);
  if (reload) {
    const b = button('del-reload', 'edReload');
    b.addEventListener('click', () => {
      const d = $('delete-dialog');
      d.done = true;
      d.close();
      opts.select(d.incidentId, { focus: true });
    });
    box.append(el('div', { class: 'actions' }, b));
    b.focus();
  }
}

async function confirmDelete(e) {
  e.preventDefault();
  const d = $('delete-dialog');
  const reason = $('del-reason').value.trim();
  if (!reason) {
    $('del-reason').setAttribute('aria-invalid', 'true');
    $('del-reason').focus();
    return deleteError('edReasonRequired');
  }
  if (busy) return;
  busy = true;
  $('del-confirm').disabled = true;
  let res = null;
  try {
    res = await write('DELETE', `/api/incidents/${encodeURIComponent(d.incidentId)}`, { etag: d.etag, reason });
  } catch {
    res = null;
  } finally {
    busy = false;
    $('del-confirm').disabled = false;
  }
  if (!res) return deleteError('edNetworkError');
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 412) return deleteError('edStale', null, true);
    if (res.status === 401) {
      d.done = true;
      d.close();
      storeToken('');
      renderAuth();
      openSignIn();
      return signInError(problem.detail);
    }
    return deleteError(null, problem.detail);
  }
  d.done = true;
  d.close();
  if (draft?.id === d.incidentId) closeEditor(false);
  opts.close();
  announce('edDeleted', { title: d.incidentTitle });
  await opts.refresh();
  $('add-incident')?.focus();
}

// ---- start

// initEditor adds the sign-in control, and the editor once signed in.
// o: {map, lang(), selected() (the id whose details show), select(id, opts),
// close() (of the details), refresh() (reloads the map's data)}.
export function initEditor(o) {
  opts = o;
  layer = L.layerGroup().addTo(o.map);
  o.map.on('click', onMapClick);
  const auth = $('auth');
  auth.replaceChildren(el('span', { id: 'auth-controls', class: 'auth-controls' }),
    el('p', { id: 'ed-announce', class: 'visually-hidden', role: 'status' }));
  auth.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b?.id === 'sign-in') openSignIn();
    else if (b?.id === 'sign-out') signOut();
    else if (b?.id === 'add-incident') openEditor('create', null, null, b);
  });
  $('details-edit')?.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b?.id === 'edit-incident') startEdit(b);
    else if (b?.id === 'delete-incident') startDelete(b);
  });
  new MutationObserver(relabel).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  renderAuth();
}
