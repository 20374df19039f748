// The MDL as an axis: a profile of the line from its western end (0 km)
// to the East Sea, with each incident as a mark at its chainage (mdl_km)
// in its type's colour, the sectors and the JSA marked, and the count of
// every 10 km. Hovering a mark highlights the incident on the map and in
// the list; dragging across the profile filters by that stretch.

import { t, label, addText, formatNumber, formatDate } from './i18n.js';
import { SYMBOLS } from './symbols.js';
import { kmText } from './state.js';
import { colour } from './theme.js';

const L = window.L;
const SVG = 'http://www.w3.org/2000/svg';
const BIN_KM = 10;
const H = 112;
const PAD = 10;

addText({
  en: {
    profile: 'Along the line',
    profileHint: 'Each mark is an incident at its distance along the MDL from the Han estuary (0 km) to the East Sea. Drag across the profile to show a stretch only.',
    profileLabel: 'Profile of the MDL, 0 to {len} km: {n} incidents; the most, {max}, between {from} and {to} km.',
    profileEmpty: 'Profile of the MDL, 0 to {len} km: no incident.',
    profileTooMany: 'The profile draws up to {n} incidents: narrow the filters to see it.',
    profileBin: '{from}–{to} km: {n} incidents',
    profileMark: '{km} km · {title}, {date}',
    profileRange: 'Showing {from}–{to} km.',
    profileClear: 'Whole line',
    jsa: 'JSA',
  },
  ko: {
    profile: '군사분계선을 따라',
    profileHint: '표시 하나가 사건 하나이며, 한강 하구(0 km)부터 동해까지 군사분계선을 따라 잰 거리에 놓입니다. 프로필을 끌면 그 구간만 보입니다.',
    profileLabel: '군사분계선 프로필, 0–{len} km: 사건 {n}건. 가장 많은 곳은 {from}–{to} km({max}건).',
    profileEmpty: '군사분계선 프로필, 0–{len} km: 사건 없음.',
    profileTooMany: '프로필은 사건 {n}건까지 그립니다. 필터를 좁히면 보입니다.',
    profileBin: '{from}–{to} km: {n}건',
    profileMark: '{km} km · {title}, {date}',
    profileRange: '{from}–{to} km만 표시.',
    profileClear: '선 전체',
    jsa: 'JSA',
  },
});

let o = null; // options of initProfile
let line = { length_km: 237.5, jsa_km: 16.4, sectors: [] };
let list = null; // the Features drawn, or null when too many
let els = null;
let hoverRing = null;
let lastWidth = 0;
let frame = 0;

function svgEl(name, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.append(e);
  return e;
}

// initProfile builds the profile in #profile. opts: {map, lang(), state(),
// onRange(km or null), select(id)}.
export function initProfile(opts) {
  o = opts;
  const box = document.getElementById('profile');
  const head = document.createElement('div');
  head.className = 'profile-head';
  const title = document.createElement('h2');
  title.id = 'profile-title';
  const status = document.createElement('p');
  status.id = 'profile-status';
  status.className = 'hint';
  status.setAttribute('aria-live', 'polite');
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.id = 'profile-clear';
  clear.hidden = true;
  clear.addEventListener('click', () => o.onRange(null));
  head.append(title, status, clear);
  const hint = document.createElement('p');
  hint.id = 'profile-hint';
  hint.className = 'hint visually-hidden';
  const svg = svgEl('svg', { id: 'profile-svg', class: 'profile-svg', height: H, role: 'img', 'aria-describedby': 'profile-hint' });
  box.replaceChildren(head, hint, svg);
  els = { box, title, status, clear, hint, svg };
  // The texts now, not at the first draw: the profile keeps its height.
  title.textContent = t(o.lang(), 'profile');
  hint.textContent = t(o.lang(), 'profileHint');
  clear.textContent = t(o.lang(), 'profileClear');
  svg.setAttribute('aria-label', t(o.lang(), 'profile'));
  hoverRing = L.circleMarker([0, 0], { radius: 15, color: '#c0001a', weight: 3, fill: false, interactive: false, className: 'profile-hover' });
  new ResizeObserver(() => draw()).observe(box);
  dragging(svg);
}

// setLine takes the MDL's length, JSA chainage and sectors from /api/config.
export function setLine(mdl) {
  if (mdl?.length_km) line = mdl;
  draw();
}

// updateProfile draws features (every incident the filters select), or,
// with null, says the profile needs fewer.
export function updateProfile(features) {
  list = features;
  draw();
}

function x(km, w) {
  return PAD + (Math.min(Math.max(km, 0), line.length_km) / line.length_km) * (w - 2 * PAD);
}

function kmAt(px, w) {
  const km = ((px - PAD) / (w - 2 * PAD)) * line.length_km;
  return Math.min(Math.max(km, 0), line.length_km);
}

// draw redraws the profile in the page's language, once in the next
// frame however many times it is asked.
export function draw() {
  if (!els || frame) return;
  // After the frame, when the page is idle: the map and the list come first.
  const later = window.requestIdleCallback || ((fn) => setTimeout(fn, 1));
  frame = requestAnimationFrame(() => later(() => {
    frame = 0;
    drawNow();
  }, { timeout: 500 }));
}

function drawNow() {
  const lang = o.lang();
  const state = o.state();
  els.title.textContent = t(lang, 'profile');
  els.hint.textContent = t(lang, 'profileHint');
  els.clear.textContent = t(lang, 'profileClear');
  els.clear.hidden = !state.km;
  const svg = els.svg;
  const w = svg.clientWidth || els.box.clientWidth || 600;
  lastWidth = w;
  svg.setAttribute('viewBox', `0 0 ${w} ${H}`);
  svg.replaceChildren();
  // Sectors, as bands with their names.
  const sectors = line.sectors?.length ? line.sectors : [];
  sectors.forEach((s, i) => {
    const a = x(s.from_km, w);
    const b = x(s.to_km, w);
    svgEl('rect', { x: a, y: 0, width: b - a, height: 94, class: `profile-band band-${i % 2}` }, svg);
    const tx = svgEl('text', { x: (a + b) / 2, y: 11, class: 'profile-sector', 'text-anchor': 'middle' }, svg);
    tx.textContent = label(lang, 'sectors', s.sector);
  });
  // The JSA.
  const jx = x(line.jsa_km, w);
  svgEl('line', { x1: jx, x2: jx, y1: 14, y2: 94, class: 'profile-jsa' }, svg);
  const jt = svgEl('text', { x: jx, y: 109, class: 'profile-jsa-label', 'text-anchor': 'middle' }, svg);
  jt.textContent = t(lang, 'jsa');
  // The axis.
  svgEl('line', { x1: PAD, x2: w - PAD, y1: 94, y2: 94, class: 'profile-axis' }, svg);
  const step = w < 500 ? 100 : 50;
  for (let km = 0; km <= line.length_km && x(km, w) < w - PAD - 64; km += step) {
    svgEl('line', { x1: x(km, w), x2: x(km, w), y1: 94, y2: 98, class: 'profile-axis' }, svg);
    const tx = svgEl('text', { x: x(km, w), y: 109, class: 'profile-tick', 'text-anchor': km === 0 ? 'start' : 'middle' }, svg);
    tx.textContent = km === 0 && w >= 500 ? '0 km' : String(km);
  }
  const end = svgEl('text', { x: w - PAD, y: 109, class: 'profile-tick', 'text-anchor': 'end' }, svg);
  end.textContent = `${kmText(line.length_km)} km`;

  if (!list) {
    els.status.textContent = t(lang, 'profileTooMany', { n: formatNumber(lang, 3000) });
    svg.setAttribute('aria-label', els.status.textContent);
    return;
  }
  // Counts per 10 km, as bars with their number.
  const bins = new Array(Math.ceil(line.length_km / BIN_KM)).fill(0);
  const marks = [];
  for (const f of list) {
    const km = f.properties?.mdl_km;
    if (typeof km !== 'number') continue;
    bins[Math.min(bins.length - 1, Math.floor(km / BIN_KM))]++;
    marks.push({ f, km });
  }
  const max = Math.max(1, ...bins);
  const binsG = svgEl('g', { class: 'profile-bins' }, svg);
  bins.forEach((n, i) => {
    if (!n) return;
    const a = x(i * BIN_KM, w) + 0.5;
    const b = x(Math.min((i + 1) * BIN_KM, line.length_km), w) - 0.5;
    const hgt = Math.max(2, (n / max) * 30);
    const r = svgEl('rect', { x: a, y: 56 - hgt, width: Math.max(1, b - a), height: hgt, class: 'profile-bin', 'data-bin': i }, binsG);
    const tip = svgEl('title', {}, r);
    tip.textContent = t(lang, 'profileBin', { from: i * BIN_KM, to: kmText(Math.min((i + 1) * BIN_KM, line.length_km)), n: formatNumber(lang, n) });
    if (b - a >= 12) {
      const tx = svgEl('text', { x: (a + b) / 2, y: 54 - hgt, class: 'profile-count', 'text-anchor': 'middle' }, binsG);
      tx.textContent = formatNumber(lang, n);
    }
  });
  // Marks, stacked upwards where they are close.
  marks.sort((a, b) => a.km - b.km);
  const col = 7; // px per column
  const stack = new Map();
  const marksG = svgEl('g', { class: 'profile-marks' }, svg);
  for (const { f, km } of marks) {
    const px = x(km, w);
    const c = Math.round(px / col);
    const k = stack.get(c) || 0;
    stack.set(c, k + 1);
    const y = 88 - Math.min(k, 4) * 7;
    const type = f.properties.type;
    const m = svgEl('circle', { cx: px, cy: y, r: 3.2, fill: (SYMBOLS[type] || SYMBOLS.other).colour, class: 'profile-mark', 'data-id': f.id }, marksG);
    const tip = svgEl('title', {}, m);
    tip.textContent = markText(lang, f, km);
  }
  // The km range, when one is chosen.
  if (state.km) {
    const a = x(state.km[0], w);
    const b = x(state.km[1], w);
    svgEl('rect', { x: a, y: 0, width: Math.max(2, b - a), height: 94, class: 'profile-range' }, svg);
    els.status.textContent = t(lang, 'profileRange', { from: kmText(state.km[0]), to: kmText(state.km[1]) });
  } else {
    els.status.textContent = '';
  }
  const top = bins.indexOf(max);
  svg.setAttribute('aria-label', marks.length
    ? t(lang, 'profileLabel', { len: kmText(line.length_km), n: formatNumber(lang, marks.length), max: formatNumber(lang, max), from: top * BIN_KM, to: kmText(Math.min((top + 1) * BIN_KM, line.length_km)) })
    : t(lang, 'profileEmpty', { len: kmText(line.length_km) }));
}

function markText(lang, f, km) {
  const p = f.properties;
  return t(lang, 'profileMark', { km: formatNumber(lang, km, 1), title: p.title || f.id, date: formatDate(lang, p.date, p.date_precision) });
}

// hover highlights the incident of id on the map and in the list; null
// removes the highlight.
function hover(id) {
  for (const b of document.querySelectorAll('#list button.hovered')) b.classList.remove('hovered');
  for (const m of els.svg.querySelectorAll('.profile-mark.on')) m.classList.remove('on');
  const f = id && list?.find((x) => x.id === id);
  if (!f) {
    hoverRing.remove();
    if (!dragStart) els.status.textContent = o.state().km ? t(o.lang(), 'profileRange', { from: kmText(o.state().km[0]), to: kmText(o.state().km[1]) }) : '';
    return;
  }
  const [lon, lat] = f.geometry.coordinates;
  hoverRing.setLatLng([lat, lon]).setStyle({ color: colour('hover') }).addTo(o.map);
  document.querySelector(`#list button[data-id="${CSS.escape(id)}"]`)?.classList.add('hovered');
  els.svg.querySelector(`.profile-mark[data-id="${CSS.escape(id)}"]`)?.classList.add('on');
  els.status.textContent = markText(o.lang(), f, f.properties.mdl_km);
}

// hovered is the id the profile highlights, for tests.
export function hovered() {
  return els?.svg.querySelector('.profile-mark.on')?.dataset.id ?? null;
}

let dragStart = null;

function dragging(svg) {
  let brush = null;
  const px = (e) => e.clientX - svg.getBoundingClientRect().left;
  svg.addEventListener('pointermove', (e) => {
    if (dragStart === null) {
      const mark = e.target.closest?.('.profile-mark');
      hover(mark ? mark.dataset.id : null);
      return;
    }
    const a = Math.min(dragStart, px(e));
    const b = Math.max(dragStart, px(e));
    if (!brush) brush = svgEl('rect', { y: 0, height: 94, class: 'profile-brush' }, svg);
    brush.setAttribute('x', a);
    brush.setAttribute('width', b - a);
    const w = svg.clientWidth;
    els.status.textContent = t(o.lang(), 'profileRange', { from: kmText(kmAt(a, w)), to: kmText(kmAt(b, w)) });
  });
  svg.addEventListener('pointerleave', () => {
    if (dragStart === null) hover(null);
  });
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    if (e.target.closest?.('.profile-mark')) return;
    dragStart = px(e);
    svg.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  const finish = (e) => {
    if (dragStart === null) return;
    const w = svg.clientWidth;
    const a = Math.min(dragStart, px(e));
    const b = Math.max(dragStart, px(e));
    dragStart = null;
    brush?.remove();
    brush = null;
    if (b - a < 4) {
      draw();
      return;
    }
    o.onRange([Math.round(kmAt(a, w) * 10) / 10, Math.round(kmAt(b, w) * 10) / 10]);
  };
  svg.addEventListener('pointerup', finish);
  svg.addEventListener('pointercancel', () => {
    dragStart = null;
    brush?.remove();
    brush = null;
  });
  svg.addEventListener('click', (e) => {
    const mark = e.target.closest?.('.profile-mark');
    if (mark) o.select(mark.dataset.id);
  });
}
