// The editor: sign in with the server's token (editor-signin.js), then add,
// edit and delete incidents with a form and clicks on the map
// (editor-form.js, editor-draft.js, editor-errors.js, editor-delete.js).
// Without a token no edit control exists. Text from the server or the data
// is set with textContent only. This module wires the parts to the page.

import { label } from './i18n.js';
import { $ } from './dom.js';
import { editor, lang, el, relabelTexts } from './editor-ui.js';
import { initSignIn, renderAuth, openSignIn, signOut } from './editor-signin.js';
import { onMapClick } from './editor-draft.js';
import { clearErrors, relabelErrors } from './editor-errors.js';
import { openEditor, closeEditor, startEdit } from './editor-form.js';
import { startDelete } from './editor-delete.js';

export { renderAuth };

const L = window.L;

function relabel() {
  relabelTexts();
  for (const o of document.querySelectorAll('option[data-ed-group]')) o.textContent = label(lang(), o.dataset.edGroup, o.value);
  relabelErrors();
}

// initEditor adds the sign-in control, and the editor once signed in.
// o: {map, lang(), selected() (the id whose details show), select(id, opts),
// close() (of the details), refresh() (reloads the map's data)}.
export function initEditor(o) {
  editor.opts = o;
  initSignIn({
    signedIn() {
      if (editor.draft) {
        clearErrors();
        $('ed-save').focus();
      } else $('add-incident').focus();
    },
    signingOut() {
      closeEditor(false);
      $('delete-dialog')?.close();
    },
  });
  editor.layer = L.layerGroup().addTo(o.map);
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
