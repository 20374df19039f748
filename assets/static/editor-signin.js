// Signing in to the editor with the server's token, kept in this tab's
// sessionStorage only (never in localStorage or the URL), and signing out;
// renderAuth shows the sign-in, or the editor's controls once signed in.

import { $ } from './dom.js';
import { checkToken, problemOf } from './http.js';
import { editor, tx, el, button, formDialog, announce } from './editor-ui.js';

const TOKEN_KEY = 'dmzmap.token';

let token = '';
let tokenRead = false;
let writes = false; // whether the server takes writes, from /api/config
let hooks = { signedIn() {}, signingOut() {} };

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

// currentToken is the token signed in with, or ''.
export function currentToken() {
  return token;
}

// forgetToken signs out after the server refused the token.
export function forgetToken() {
  storeToken('');
  renderAuth();
}

// initSignIn takes h: {signedIn() (after a sign-in that the form may
// follow), signingOut() (closes what needs the token)}. The token this tab
// kept is read by renderAuth once the server says writes are on.
export function initSignIn(h) {
  hooks = h;
}

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
  return formDialog({
    id: 'sign-in-dialog', form: 'sign-in-form', title: 'edSignInTitle',
    body: [
      el('p', { id: 'sign-in-hint', class: 'hint', key: 'edSignInHint' }),
      el('div', { class: 'ed-field' },
        el('label', { for: 'ed-token', key: 'edToken' }),
        el('input', { id: 'ed-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'sign-in-hint' })),
      el('p', { id: 'sign-in-error', class: 'error', role: 'alert', hidden: true }),
    ],
    submit: { id: 'sign-in-submit', class: 'primary', key: 'edSignInSubmit' },
    cancel: 'sign-in-cancel',
    onSubmit: signIn,
  });
}

// openSignIn opens the sign-in dialog with an empty field.
export function openSignIn() {
  const d = signInDialog();
  $('sign-in-error').hidden = true;
  $('ed-token').value = '';
  $('ed-token').removeAttribute('aria-invalid');
  if (!d.open) d.showModal();
  $('ed-token').focus();
}

// signInError shows text, or the interface text key, under the token.
export function signInError(text, key) {
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

// signIn checks the token (checkToken) and keeps it.
async function signIn(e) {
  e.preventDefault();
  const value = $('ed-token').value.trim();
  if (!value) return signInError(null, 'edTokenRequired');
  if (editor.busy) return;
  editor.busy = true;
  $('sign-in-submit').disabled = true;
  try {
    const res = await checkToken(value);
    if (!res.ok) return signInError((await problemOf(res)).detail);
    storeToken(value);
    $('ed-token').value = '';
    $('sign-in-dialog').close();
    renderAuth();
    hooks.signedIn();
    announce('edSignedIn');
  } catch {
    signInError(null, 'edNetworkError');
  } finally {
    editor.busy = false;
    $('sign-in-submit').disabled = false;
  }
}

// signOut forgets the token and closes what needed it.
export function signOut() {
  storeToken('');
  hooks.signingOut();
  renderAuth();
  $('sign-in').focus();
  announce('edSignedOut');
}
