// Sharing: the toolbar of the filters panel (Embed, Downloads, Print), the
// "Copy link" and "Cite this" parts of the details, and opening the
// incident a /?sel=ID link names.

import { t } from './i18n.js';
import { initDownloads } from './downloads.js';
import { preparePrint } from './print.js';
import { $, el } from './dom.js';
import { notice, dialog } from './popups.js';

// copyText puts text on the clipboard, through the Clipboard API where the
// page may use it (https or loopback), else by selecting field and copying.
export async function copyText(text, field) {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back to the selection
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

// copyButton is a button that copies what text() returns and says so in
// status.
function copyButton(lang, key, text, field, status) {
  const b = el('button', { type: 'button', class: 'copy' }, t(lang, key));
  b.addEventListener('click', async () => {
    const ok = await copyText(text(), field);
    status.textContent = t(lang, ok ? (key === 'copyLink' ? 'linkCopied' : 'copied') : 'copyFailed');
  });
  return b;
}

function absolute(path) {
  return new URL(path, location.origin).href;
}

// ---- the embed dialog

const SIZES = [[600, 400], [800, 500], [1000, 640]];

function embedCode(api, w, h) {
  const q = api.pageQuery();
  const src = absolute(`/embed${q ? `?${q}` : ''}`);
  const title = t(api.lang(), 'embedFrameTitle').replace(/"/g, '&quot;');
  return `<iframe src="${src.replace(/&/g, '&amp;').replace(/"/g, '%22')}" width="${w}" height="${h}" title="${title}" style="border:0" loading="lazy" allowfullscreen></iframe>`;
}

function openEmbed(api) {
  const lang = api.lang();
  const { d, body } = dialog('embed-dialog', lang, 'embedTitle');
  const width = el('input', { type: 'number', id: 'embed-width', min: '200', max: '4000', step: '10', value: '800' });
  const height = el('input', { type: 'number', id: 'embed-height', min: '150', max: '4000', step: '10', value: '500' });
  const code = el('textarea', { id: 'embed-code', rows: '5', readonly: true, spellcheck: 'false' });
  const status = el('p', { class: 'hint', role: 'status' });
  const update = () => {
    const w = Math.min(4000, Math.max(200, Math.round(Number(width.value) || 800)));
    const h = Math.min(4000, Math.max(150, Math.round(Number(height.value) || 500)));
    code.value = embedCode(api, w, h);
    for (const b of presets.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.size === `${w}x${h}`));
  };
  const presets = el('div', { class: 'presets', role: 'group', 'aria-label': t(lang, 'embedSize') });
  for (const [w, h] of SIZES) {
    const b = el('button', { type: 'button', 'data-size': `${w}x${h}` }, `${w} × ${h}`);
    b.addEventListener('click', () => {
      width.value = String(w);
      height.value = String(h);
      update();
    });
    presets.append(b);
  }
  width.addEventListener('input', update);
  height.addEventListener('input', update);
  body.append(
    el('p', { class: 'hint' }, t(lang, 'embedHint')),
    el('fieldset', null, el('legend', null, t(lang, 'embedSize')), presets,
      el('div', { class: 'size' },
        el('label', { for: 'embed-width' }, t(lang, 'embedWidth')), width,
        el('label', { for: 'embed-height' }, t(lang, 'embedHeight')), height)),
    el('label', { for: 'embed-code', class: 'label' }, t(lang, 'embedCode')),
    code,
    el('div', { class: 'actions' }, copyButton(lang, 'copy', () => code.value, code, status)),
    status,
  );
  update();
  d.showModal();
}

// ---- the toolbar

// initShare builds the toolbar of the filters panel. api is what app.js
// lends: lang(), pageQuery(), queryParams(opts), matched(), map, and the
// rest that downloads.js and print.js read.
export function initShare(api) {
  const box = $('share-tools');
  if (!box) return { relabel: () => {} };
  const downloads = initDownloads(api);
  const build = () => {
    const lang = api.lang();
    const b = (id, key, onClick) => {
      const x = el('button', { type: 'button', id, 'aria-haspopup': id === 'print-page' ? null : 'dialog' }, t(lang, key));
      x.addEventListener('click', onClick);
      return x;
    };
    box.replaceChildren(
      el('h3', { class: 'label' }, t(lang, 'shareTools')),
      el('div', { class: 'actions' },
        b('open-downloads', 'downloads', () => downloads.open()),
        b('open-embed', 'embed', () => openEmbed(api)),
        b('print-page', 'print', async () => {
          await preparePrint(api);
          window.print();
        })),
    );
  };
  build();
  return { relabel: build };
}

// ---- the details: Copy link and Cite this

const FORMATS = [['text', 'citeText'], ['bibtex', 'citeBibtex'], ['csl-json', 'citeCSL']];
let citeFormat = 'text';

const cites = new Map(); // url → its text, for the redraws of the same details

async function fetchText(url) {
  if (cites.has(url)) return cites.get(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const text = await res.text();
  if (cites.size > 50) cites.clear();
  cites.set(url, text);
  return text;
}

// shareDetails adds the incident page's link and its citations to the
// details of f in container.
export function shareDetails(container, f, lang) {
  const pageURL = absolute(`/incidents/${encodeURIComponent(f.id)}`);
  const linkField = el('input', { type: 'url', id: 'incident-link', readonly: true, value: pageURL, 'aria-label': t(lang, 'pageLink') });
  const linkStatus = el('span', { class: 'hint', role: 'status' });
  const share = el('div', { class: 'share-link' },
    el('a', { href: pageURL, class: 'page-link' }, t(lang, 'pageLink')),
    el('div', { class: 'copy-row' }, linkField, copyButton(lang, 'copyLink', () => pageURL, linkField, linkStatus)),
    linkStatus);

  const status = el('p', { class: 'hint', role: 'status' });
  const fields = {};
  const part = (key, id) => {
    const area = el('textarea', { id, rows: '4', readonly: true, spellcheck: 'false', 'aria-label': t(lang, key) });
    fields[id] = area;
    return el('div', { class: 'cite-part' },
      el('div', { class: 'cite-head' }, el('span', { class: 'label' }, t(lang, key)), copyButton(lang, 'copy', () => area.value, area, status)),
      area);
  };
  const tabs = el('div', { class: 'cite-formats', role: 'group', 'aria-label': t(lang, 'citeFormat') });
  const load = async () => {
    for (const b of tabs.children) b.setAttribute('aria-pressed', String(b.dataset.format === citeFormat));
    const q = `format=${citeFormat}`;
    try {
      const [one, all] = await Promise.all([
        fetchText(`/api/incidents/${encodeURIComponent(f.id)}/cite?${q}`),
        fetchText(`/api/cite?${q}`),
      ]);
      for (const [id, text] of [['cite-incident', one], ['cite-dataset', all]]) {
        fields[id].value = text.trim();
        fields[id].rows = Math.min(12, Math.max(5, fields[id].value.split('\n').length + 1));
      }
      status.textContent = '';
    } catch {
      status.textContent = t(lang, 'citeError');
    }
  };
  for (const [format, key] of FORMATS) {
    const b = el('button', { type: 'button', 'data-format': format }, t(lang, key));
    b.addEventListener('click', () => {
      citeFormat = format;
      load();
    });
    tabs.append(b);
  }
  const cite = el('section', { class: 'cite', 'aria-labelledby': 'cite-title' },
    el('h3', { id: 'cite-title' }, t(lang, 'citeThis')),
    tabs, part('citeIncident', 'cite-incident'), part('citeDataset', 'cite-dataset'), status,
    el('p', { class: 'hint' }, t(lang, 'citeLicense')));
  container.append(share, cite);
  load();
}

// openFromURL shows the incident of a /?sel=ID link: flies to it, opens its
// cluster and rings it; an unknown id gets a notice.
export async function openFromURL(api, id) {
  await api.select(id, { fly: true });
  if (api.selected() !== id) {
    notice(api.lang(), t(api.lang(), 'selUnknown', { id }), { id: 'sel-notice', role: 'alert', kind: 'warn' });
  }
}
