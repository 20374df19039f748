// What the editor's modules share: the page's API they were given, the
// busy flag of the one request at a time, and elements whose interface text
// follows the language (tx remembers the key; the editor relabels them).

import { t } from './i18n.js';
import { $, el as plainEl } from './dom.js';

// The parts of a source, and the interface text of each.
export const SOURCE_PARTS = ['title', 'url', 'publisher', 'published'];
export const SOURCE_KEYS = { title: 'edSourceTitle', url: 'edSourceURL', publisher: 'edSourcePublisher', published: 'edSourcePublished' };

// editor is what the modules share: opts, the page's API from initEditor
// ({map, lang(), selected(), select(id, opts), close(), refresh()}); busy,
// whether a request is under way; draft, the incident being edited
// ({mode, id, etag, opener, point, path, drawing, kept}); layer, where the
// draft is drawn on the map.
export const editor = { opts: null, busy: false, draft: null, layer: null };

export const lang = () => editor.opts?.lang?.() || document.documentElement.lang || 'en';

// tx sets node's text to the interface text key, and remembers key and
// vars so that relabel can redo it in another language.
export function tx(node, key, vars) {
  node.dataset.edKey = key;
  if (vars) node.dataset.edVars = JSON.stringify(vars);
  else delete node.dataset.edVars;
  node.textContent = t(lang(), key, vars);
  return node;
}

// el is dom.js's el with two more attributes: key (the element's text, by
// tx) and vars (the values of key's placeholders).
export function el(tag, attrs, ...children) {
  const { key, vars, ...rest } = attrs || {};
  const e = plainEl(tag, rest);
  if (key) tx(e, key, vars);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function button(id, key, attrs) {
  return el('button', { type: 'button', id, key, ...attrs });
}

// relabelTexts redoes every text tx set, in the language now.
export function relabelTexts() {
  for (const node of document.querySelectorAll('[data-ed-key]')) {
    node.textContent = t(lang(), node.dataset.edKey, node.dataset.edVars ? JSON.parse(node.dataset.edVars) : undefined);
  }
}

// formDialog returns the dialog id (…-dialog), made once: a heading (…-title,
// its text the key title), the elements of body, and a submit button (submit: its id,
// key and class) beside Cancel (its id cancel), which closes it; onSubmit
// handles the form. describedBy names the dialog's description.
export function formDialog({ id, form, title, body, submit, cancel, onSubmit, describedBy }) {
  let d = $(id);
  if (d) return d;
  const titleId = id.replace(/-dialog$/, '-title');
  d = el('dialog', { id, class: 'ed-dialog', 'aria-labelledby': titleId, 'aria-describedby': describedBy },
    el('form', { id: form, novalidate: true },
      el('h2', { id: titleId, key: title }),
      ...body,
      el('div', { class: 'actions' }, el('button', { type: 'submit', ...submit }), button(cancel, 'edCancel'))));
  document.body.append(d);
  d.querySelector('form').addEventListener('submit', onSubmit);
  $(cancel).addEventListener('click', () => d.close());
  return d;
}

export function announce(key, vars) {
  const live = $('ed-announce');
  if (live) tx(live, key, vars);
}
