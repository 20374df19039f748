// The details of one incident, built with createElement and textContent
// only: nothing from the data is ever parsed as HTML.

import { t, label, localized, formatDate, formatNumber } from './i18n.js';
import { shape } from './symbols.js';
import { placeTexts } from './precision.js';
import { el } from './dom.js';

function casualtyText(lang, c) {
  if (!c) return t(lang, 'unknown');
  const part = (n, key) => `${n === null || n === undefined ? t(lang, 'unknown') : formatNumber(lang, n)} ${t(lang, key)}`;
  return `${part(c.killed, 'killed')}, ${part(c.wounded, 'wounded')}`;
}

function distanceText(lang, m) {
  if (typeof m !== 'number') return null;
  return `${formatNumber(lang, m / 1000, 1)} km`;
}

function precisionText(lang, m) {
  if (typeof m !== 'number' || m <= 0) return null;
  const d = m >= 1000 ? `${formatNumber(lang, Math.round(m / 100) / 10)} km` : `${formatNumber(lang, Math.round(m))} m`;
  return t(lang, 'locationPrecision', { d });
}

// safeURL returns url if it is an http(s) address, so that a source can
// never be a javascript: link.
function safeURL(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

// sourceName names source i of p for a claim: its publisher, with its date
// where two sources share a publisher.
function sourceName(lang, p, i) {
  const s = (p.sources || [])[i];
  if (!s) return '?';
  const name = s.publisher || s.title || s.url || '?';
  const same = (p.sources || []).filter((o) => (o.publisher || o.title || o.url) === name).length;
  return same > 1 && s.published ? `${name}, ${formatDate(lang, s.published)}` : name;
}

// disputesBlock lists where the sources of p disagree, one item a field:
// each claim with the source it comes from, then the note.
function disputesBlock(lang, p) {
  const items = (Array.isArray(p.disputes) ? p.disputes : []).map((d) => {
    const claims = (d.claims || []).map((c) => t(lang, 'disputeClaim', {
      value: lang === 'ko' && c.value_ko ? c.value_ko : c.value,
      source: sourceName(lang, p, c.source),
    })).join(lang === 'ko' ? ', ' : '; ');
    const line = t(lang, 'disputeLine', { field: label(lang, 'disputeFields', d.field), claims });
    return el('li', null, d.note ? `${line}. ${d.note}` : line);
  });
  if (!items.length) return null;
  return el('section', { class: 'disputes', id: 'details-disputes' },
    el('h3', null, `${t(lang, 'disputes')}:`),
    el('ul', null, ...items));
}

// renderDetails fills container with the details of the Feature f.
export function renderDetails(container, f, lang) {
  const p = f.properties || {};
  const rows = [];
  const row = (key, value) => {
    if (value === null || value === undefined || value === '') return;
    rows.push(el('dt', null, t(lang, key)), el('dd', null, value));
  };
  const typeValue = el('span', { class: 'type-value' }, shape(p.type, 16), label(lang, 'types', p.type));
  row('date', formatDate(lang, p.date, p.date_precision));
  row('type', typeValue);
  row('direction', p.direction ? label(lang, 'directions', p.direction) : null);
  const place = [localized(lang, p, 'place'), localized(lang, p, 'location_note') || precisionText(lang, p.location_precision_m)].filter(Boolean).join('; ');
  row('place', place);
  row('persons', [localized(lang, p, 'persons'), typeof p.persons_count === 'number' ? `(${formatNumber(lang, p.persons_count)})` : null].filter(Boolean).join(' '));
  const cas = casualtyText(lang, p.casualties);
  const casNote = localized(lang, p.casualties, 'note');
  row('casualties', casNote ? `${cas}. ${casNote}` : cas);
  const uncertain = placeTexts(lang, p);
  row('distance', uncertain ? uncertain.distance : distanceText(lang, p.distance_to_mdl_m));
  row('side', uncertain ? uncertain.side : p.side ? label(lang, 'sides', p.side) : null);
  row('sector', p.sector ? label(lang, 'sectors', p.sector) : null);
  if (typeof p.in_dmz === 'boolean') row('inDmz', t(lang, p.in_dmz ? 'yes' : 'no'));
  if (p.path) row('path', t(lang, 'pathKnown'));
  row('confidence', p.confidence ? label(lang, 'confidence', p.confidence) : null);
  row('note', localized(lang, p, 'note'));
  if (Array.isArray(p.distinct_from) && p.distinct_from.length) row('distinctFrom', p.distinct_from.join(', '));

  const sources = el('ul', { class: 'sources' });
  for (const s of p.sources || []) {
    const href = safeURL(s.url);
    const name = s.title || s.url || '';
    const link = href
      ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, name)
      : el('span', null, name);
    const meta = [s.publisher, s.published ? t(lang, 'published', { d: formatDate(lang, s.published) }) : null].filter(Boolean).join(', ');
    sources.append(el('li', null, link, meta ? ` (${meta})` : null));
  }

  const heading = el('h2', { id: 'details-title', tabindex: '-1' }, localized(lang, p, 'title') || f.id);
  container.replaceChildren(...[
    heading,
    el('dl', { class: 'facts' }, ...rows),
    el('h3', null, t(lang, 'summary')),
    el('p', { class: 'summary' }, localized(lang, p, 'summary')),
    disputesBlock(lang, p),
    el('h3', null, t(lang, 'sources')),
    (p.sources || []).length ? sources : el('p', null, t(lang, 'noSources')),
  ].filter(Boolean));
  return heading;
}
