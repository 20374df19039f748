// A refused save's errors: each next to its field, and all of them in the
// summary at the top of the form, which takes the focus; redrawn in another
// language by relabelErrors.

import { t } from './i18n.js';
import { $ } from './dom.js';
import { lang, el, button, SOURCE_PARTS, SOURCE_KEYS } from './editor-ui.js';
import { openSignIn } from './editor-signin.js';

let shown = null; // the errors on show, to redraw in another language: {problem, stale}

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

export function clearErrors() {
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
export function showProblem(problem, { stale = false, focus = true } = {}) {
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

// relabelErrors redraws the errors on show in the language now.
export function relabelErrors() {
  if (shown) showProblem(shown.problem, { stale: shown.stale, focus: false });
}
