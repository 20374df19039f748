// Live updates: the page (and the embed) listens to /api/events and, when
// incidents are added, changed or deleted, says so with a link that
// applies them: the count, the list, the timeline and the map are redrawn.

import { t } from './i18n.js';
import { notice } from './popups.js';

export function initLive(api) {
  const pending = new Map(); // id → {action, time} of its changes since the last apply
  let reset = false; // the stream missed more than it resends
  let box = null;

  const message = () => {
    const lang = api.lang();
    const n = pending.size;
    const created = [...pending.values()].every((c) => c.action === 'create');
    if (created && !reset) return t(lang, n === 1 ? 'liveNewOne' : 'liveNewMany', { n });
    return t(lang, n === 1 ? 'liveChangedOne' : 'liveChangedMany', { n: Math.max(n, 1) });
  };
  const apply = async () => {
    pending.clear();
    reset = false;
    box?.remove();
    box = null;
    await api.reload();
  };
  const show = () => {
    if (pending.size === 0 && !reset) {
      box?.remove();
      box = null;
      return;
    }
    const lang = api.lang();
    box = notice(lang, message(), { id: 'live-notice', role: 'status', kind: 'live' });
    const b = document.createElement('button');
    b.type = 'button';
    b.id = 'live-apply';
    b.textContent = t(lang, 'liveApply');
    b.addEventListener('click', apply);
    box.actions.append(b);
  };

  if (typeof EventSource !== 'function') return { relabel: () => {}, recheck: () => {} };
  let source = null;
  let wait = 5000;
  // The browser reconnects a dropped stream by itself; a refused one (the
  // server's bound on streams per client, 429) it gives up: try again
  // later, less often each time.
  const connect = () => {
    const s = new EventSource('/api/events');
    source = s;
    s.addEventListener('open', () => {
      wait = 5000;
      document.body.dataset.live = 'open';
    });
    s.addEventListener('error', () => {
      document.body.dataset.live = s.readyState === EventSource.CLOSED ? 'closed' : 'connecting';
      if (s.readyState !== EventSource.CLOSED) return;
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 120000);
    });
    s.addEventListener('change', onChange);
    s.addEventListener('reset', () => {
      reset = true;
      show();
    });
  };
  const onChange = (e) => {
    let c;
    try {
      c = JSON.parse(e.data);
    } catch {
      return;
    }
    if (typeof c?.id !== 'string') return;
    const before = pending.get(c.id)?.action;
    if (before === 'create' && c.action === 'delete') pending.delete(c.id); // added and gone again
    else pending.set(c.id, { action: before === 'create' ? 'create' : c.action, time: c.time });
    recheck();
  };

  // shown reports whether the page already shows the change c: the
  // incident's version is as new (the editor's own save, redrawn), or a
  // deleted incident is gone from a page that holds all the filtered ones.
  const shown = (id, c) => {
    const f = api.feature(id);
    if (c.action === 'delete') return !f && api.holdsAll();
    const updated = Date.parse(f?.properties?.updated);
    const at = Date.parse(c.time);
    return Number.isFinite(updated) && Number.isFinite(at) && Math.floor(updated / 1000) >= Math.floor(at / 1000);
  };
  // recheck drops the changes the page has drawn meanwhile, and shows the
  // notice for the rest.
  const recheck = () => {
    for (const [id, c] of pending) if (shown(id, c)) pending.delete(id);
    show();
  };
  connect();
  window.addEventListener('pagehide', () => source.close());
  return {
    relabel: () => {
      if (box) show();
    },
    recheck,
  };
}
