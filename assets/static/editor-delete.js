// Deleting an incident: a dialog asks for the reason, and the change is
// sent with the ETag read when it opened.

import { $ } from './dom.js';
import { write, getIncident, problemOf } from './http.js';
import { t } from './i18n.js';
import { editor, lang, tx, el, button, formDialog, announce } from './editor-ui.js';
import { currentToken, forgetToken, openSignIn, signInError } from './editor-signin.js';
import { closeEditor, detailsError } from './editor-form.js';

function deleteDialog() {
  if ($('delete-dialog')) return $('delete-dialog');
  const d = formDialog({
    id: 'delete-dialog', form: 'delete-form', title: 'edDeleteTitle', describedBy: 'delete-text',
    body: [
      el('p', { id: 'delete-text' }),
      el('div', { class: 'ed-field' },
        el('label', { for: 'del-reason', key: 'edDeleteReason' }),
        el('input', { id: 'del-reason', name: 'reason', type: 'text', maxlength: 500, required: true, autocomplete: 'off' })),
      el('div', { id: 'delete-error', class: 'error', role: 'alert', hidden: true }),
    ],
    submit: { id: 'del-confirm', class: 'danger', key: 'edDeleteConfirm' },
    cancel: 'del-cancel',
    onSubmit: confirmDelete,
  });
  d.addEventListener('close', () => {
    if (d.returnTo && document.contains(d.returnTo) && !d.done) d.returnTo.focus();
  });
  return d;
}

export async function startDelete(opener) {
  const id = editor.opts.selected();
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
      editor.opts.select(d.incidentId, { focus: true });
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
  if (editor.busy) return;
  editor.busy = true;
  $('del-confirm').disabled = true;
  let res = null;
  try {
    res = await write('DELETE', `/api/incidents/${encodeURIComponent(d.incidentId)}`, { token: currentToken(), etag: d.etag, reason });
  } catch {
    res = null;
  } finally {
    editor.busy = false;
    $('del-confirm').disabled = false;
  }
  if (!res) return deleteError('edNetworkError');
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 412) return deleteError('edStale', null, true);
    if (res.status === 401) {
      d.done = true;
      d.close();
      forgetToken();
      openSignIn();
      return signInError(problem.detail);
    }
    return deleteError(null, problem.detail);
  }
  d.done = true;
  d.close();
  if (editor.draft?.id === d.incidentId) closeEditor(false);
  editor.opts.close();
  announce('edDeleted', { title: d.incidentTitle });
  await editor.opts.refresh();
  $('add-incident')?.focus();
}
