// Live updates: the page (and the embed) listens to /api/events and, when
// incidents are added, changed or deleted, says so with a link that
// applies them: the count, the list, the timeline and the map are redrawn.

import { t } from './i18n.js';
import { notice } from './share.js';

export function initLive(api) {
  const pending = new Map(); // id → 'create', 'update' or 'delete', since the last apply
  let reset = false; // the stream missed more than it resends
  let box = null;

  const message = () => {
    const lang = api.lang();
    const n = pending.size;
    const created = [...pending.values()].every((a) => a === 'create');
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

  if (typeof EventSource !== 'function') return { relabel: () => {} };
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
    const before = pending.get(c.id);
    if (before === 'create' && c.action === 'delete') pending.delete(c.id); // added and gone again
    else if (before !== 'create') pending.set(c.id, c.action);
    show();
  };
  connect();
  window.addEventListener('pagehide', () => source.close());
  return {
    relabel: () => {
      if (box) show();
    },
  };
}
