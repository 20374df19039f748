// The page's pop-ups, shared by its modules: a notice at the top of the
// map, and a dialog with a heading and a close button.

import { t } from './i18n.js';
import { $, el } from './dom.js';

// notice shows a message at the top of the map until it is dismissed; it
// returns the element, whose .actions the caller may fill.
export function notice(lang, text, { id = 'notice', role = 'status', kind = 'info' } = {}) {
  $(id)?.remove();
  const box = el('div', { id, class: `notice notice-${kind}`, role });
  const msg = el('span', { class: 'notice-text' }, text);
  const actions = el('span', { class: 'notice-actions' });
  const close = el('button', { type: 'button', class: 'notice-close', 'aria-label': t(lang, 'liveDismiss') }, '×');
  close.addEventListener('click', () => box.remove());
  box.append(msg, actions, close);
  document.querySelector('.map-wrap').append(box);
  box.actions = actions;
  box.text = msg;
  return box;
}

// dialog returns the <dialog> id, made once, with its heading and a close
// button; fill(body) fills it each time it opens.
export function dialog(id, lang, titleKey) {
  let d = $(id);
  if (!d) {
    d = el('dialog', { id, class: 'share-dialog', 'aria-labelledby': `${id}-title` });
    document.body.append(d);
  }
  const close = el('button', { type: 'button', class: 'close' }, t(lang, 'closeDialog'));
  close.addEventListener('click', () => d.close());
  const body = el('div', { class: 'share-dialog-body' });
  d.replaceChildren(el('div', { class: 'share-dialog-head' }, el('h2', { id: `${id}-title` }, t(lang, titleKey)), close), body);
  return { d, body };
}
