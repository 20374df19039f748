// The editor's form: built for a new incident or an edit, filled from a
// Feature and read back into one; opening, saving and closing it. Every
// change is sent with the token, the ETag read and the reason given.

import { t, label } from './i18n.js';
import { TYPES, DIRECTIONS } from './state.js';
import { $ } from './dom.js';
import { write, getIncident, problemOf } from './http.js';
import { editor, lang, tx, el, button, announce, SOURCE_PARTS, SOURCE_KEYS } from './editor-ui.js';
import { currentToken, forgetToken } from './editor-signin.js';
import { mapStatus, setPoint, pointFromInputs, drawDraft } from './editor-draft.js';
import { clearErrors, showProblem } from './editor-errors.js';

const L = window.L;
const PRECISIONS = ['day', 'month', 'year'];
const CONFIDENCES = ['high', 'medium', 'low'];

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
  form.addEventListener('click', (e) => {
    if (e.target.closest('#ed-reload')) reloadDraft();
  });
  form.querySelector('#ed-close').addEventListener('click', () => closeEditor(true));
  form.querySelector('#ed-cancel').addEventListener('click', () => closeEditor(true));
  form.querySelector('#ed-centre').addEventListener('click', () => setPoint(editor.opts.map.getCenter()));
  for (const id of ['ed-lon', 'ed-lat']) form.querySelector(`#${id}`).addEventListener('input', pointFromInputs);
  form.querySelector('#ed-path-draw').addEventListener('click', () => {
    editor.draft.drawing = !editor.draft.drawing;
    drawDraft();
  });
  form.querySelector('#ed-path-centre').addEventListener('click', () => {
    editor.draft.path.push(editor.opts.map.getCenter());
    drawDraft();
  });
  form.querySelector('#ed-path-undo').addEventListener('click', () => {
    editor.draft.path.pop();
    drawDraft();
  });
  form.querySelector('#ed-path-clear').addEventListener('click', () => {
    editor.draft.path = [];
    editor.draft.drawing = false;
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
  editor.draft.kept = Object.fromEntries(KEPT.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
  editor.draft.keptCasualtiesKo = p.casualties?.note_ko;
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
  editor.draft.path = Array.isArray(p.path?.coordinates) ? p.path.coordinates.map(([lon, lat]) => L.latLng(lat, lon)) : [];
  if (Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1])) setPoint(L.latLng(c[1], c[0]));
  else {
    editor.draft.point = null;
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
    path: editor.draft.path.length ? { type: 'LineString', coordinates: editor.draft.path.map((ll) => [round(ll.lng), round(ll.lat)]) } : null,
    direction: $('ed-direction').value,
    persons: text('ed-persons'),
    persons_count: num('ed-persons-count', 'persons_count'),
    casualties: {
      killed: num('ed-killed', 'casualties.killed'), wounded: num('ed-wounded', 'casualties.wounded'), note: text('ed-casualties-note'),
      ...(editor.draft.keptCasualtiesKo ? { note_ko: editor.draft.keptCasualtiesKo } : {}),
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
  if (editor.draft.mode === 'edit') Object.assign(properties, editor.draft.kept);
  const feature = { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
  if (editor.draft.mode === 'edit') feature.id = editor.draft.id;
  return { feature, errors };
}

function round(x) {
  return Math.round(x * 1e6) / 1e6;
}

// ---- opening, saving, closing

export function openEditor(mode, feature, etag, opener) {
  closeEditor(false);
  editor.draft = { mode, id: feature?.id ?? null, etag: etag || null, opener, point: null, path: [], drawing: false };
  const section = $('editor');
  section.replaceChildren(buildForm(mode));
  section.hidden = false;
  fill(feature);
  editor.opts.map.getContainer().classList.add('editing-map');
  const narrow = window.matchMedia('(max-width: 820px)').matches;
  $('editor-title').focus({ preventScroll: narrow });
  if (narrow) section.scrollIntoView({ block: 'start' });
}

export function closeEditor(restoreFocus) {
  if (!editor.draft) return;
  const { opener } = editor.draft;
  editor.draft = null;
  clearErrors();
  editor.layer.clearLayers();
  editor.opts.map.getContainer().classList.remove('editing-map');
  const section = $('editor');
  section.hidden = true;
  section.replaceChildren();
  if (restoreFocus && opener && document.contains(opener)) opener.focus();
}

export async function startEdit(opener) {
  const id = editor.opts.selected();
  if (!id) return;
  const got = await getIncident(id).catch(() => ({ problem: { detail: t(lang(), 'edNetworkError') } }));
  if (got.problem) return detailsError(got.problem.detail);
  openEditor('edit', got.feature, got.etag, opener);
}

async function reloadDraft() {
  const { id, opener } = editor.draft;
  const got = await getIncident(id).catch(() => ({ problem: { detail: t(lang(), 'edNetworkError') } }));
  if (got.problem) return showProblem({ status: got.problem.status, detail: got.problem.detail, errors: [] });
  openEditor('edit', got.feature, got.etag, opener);
  announce('edReloaded');
}

export function detailsError(text) {
  const p = $('details-edit-error');
  if (!p) return;
  p.hidden = false;
  p.textContent = text;
}

async function save(e) {
  e.preventDefault();
  if (editor.busy || !editor.draft) return;
  clearErrors();
  const { feature, errors } = readForm();
  if (errors.length) return showProblem({ status: 0, detail: '', errors });
  const reason = $('ed-reason').value.trim();
  editor.busy = true;
  $('ed-save').disabled = true;
  tx($('ed-save'), 'edSaving');
  let res;
  try {
    res = editor.draft.mode === 'create'
      ? await write('POST', '/api/incidents', { token: currentToken(), body: feature, reason })
      : await write('PUT', `/api/incidents/${encodeURIComponent(editor.draft.id)}`, { token: currentToken(), body: feature, reason, etag: editor.draft.etag });
  } catch {
    res = null;
  } finally {
    editor.busy = false;
    if ($('ed-save')) {
      $('ed-save').disabled = false;
      tx($('ed-save'), 'edSave');
    }
  }
  if (!editor.draft) return;
  if (!res) return showProblem({ status: 0, detail: t(lang(), 'edNetworkError'), errors: [] });
  if (!res.ok) return failed(res, showProblem);
  const saved = await res.json().catch(() => null);
  const id = saved?.id || editor.draft.id || (res.headers.get('Location') || '').split('/').pop();
  closeEditor(false);
  announce('edSaved', { title: saved?.properties?.title || id });
  await editor.opts.refresh();
  await editor.opts.select(id, { fly: true, focus: true });
}

// failed handles a refused write: a 412 offers to reload the incident, a
// 401 to sign in again; every other problem is shown as the server says it.
async function failed(res, show) {
  const problem = await problemOf(res);
  if (res.status === 412) return show(problem, { stale: true });
  if (res.status === 401) forgetToken();
  return show(problem);
}
