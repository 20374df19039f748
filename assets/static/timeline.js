// The timeline: a bar a year, stacked by type in the legend's colours, a
// y-axis, the counts of the year by type on hover and by keyboard; choosing
// a bar shows that year only, and a play button steps through the years,
// one a second.

import { t, label, addText, formatNumber } from './i18n.js';
import { TYPES, yearRange } from './state.js';
import { SYMBOLS } from './symbols.js';
import { $, el, textElement } from './dom.js';
import { state, bounds, setState } from './page-state.js';

addText({
  en: {
    play: 'Play',
    pause: 'Pause',
    playLabel: 'Play the years one a second',
    pauseLabel: 'Pause at {year}',
    barTypes: '{year}: {n} incidents ({types})',
    barNone: '{year}: no incident',
    yAxis: 'incidents',
  },
  ko: {
    play: '재생',
    pause: '일시 정지',
    playLabel: '연도를 1초에 한 해씩 재생',
    pauseLabel: '{year}년에서 일시 정지',
    barTypes: '{year}년: {n}건({types})',
    barNone: '{year}년: 사건 없음',
    yAxis: '건',
  },
});

let els = null;
let last = null; // the last /api/years answer
let timer = 0;
let playing = false;

// initTimeline adds the y-axis, the tip and the play button to the
// timeline, and lets the bars be chosen.
export function initTimeline() {
  const bars = $('bars');
  const wrap = el('div', { class: 'bars-wrap' });
  const yaxis = el('div', { class: 'yaxis', 'aria-hidden': 'true' });
  bars.before(wrap);
  wrap.append(yaxis, bars);
  const axis = $('axis');
  axis.classList.add('with-yaxis');
  const tip = el('p', { id: 'timeline-tip', class: 'timeline-tip', 'aria-live': 'polite' });
  const play = el('button', { type: 'button', id: 'play', class: 'play', 'aria-pressed': 'false' });
  $('timeline-title').after(play);
  axis.after(tip);
  els = { bars, yaxis, tip, play };
  play.addEventListener('click', () => (playing ? pause() : start()));
  const show = (e) => {
    const b = e.target.closest?.('button.bar');
    if (b) tip.textContent = b.getAttribute('aria-label');
  };
  bars.addEventListener('pointerover', show);
  bars.addEventListener('focusin', show);
  bars.addEventListener('pointerleave', () => {
    if (!bars.contains(document.activeElement)) tip.textContent = '';
  });
  bars.addEventListener('click', (e) => {
    const b = e.target.closest('button.bar');
    if (b) selectYear(Number(b.dataset.year));
  });
  bars.addEventListener('keydown', (e) => {
    const b = e.target.closest('button.bar');
    if (!b) return;
    const all = [...bars.children];
    let i = all.indexOf(b);
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') i = Math.min(all.length - 1, i + 1);
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = all.length - 1;
    else return;
    e.preventDefault();
    for (const x of all) x.tabIndex = -1;
    all[i].tabIndex = 0;
    all[i].focus();
  });
  label_();
}

// buildTimeline makes a bar a year of the dataset's, and the axis.
export function buildTimeline() {
  const bars = [];
  const axis = [];
  const span = bounds.last - bounds.first + 1;
  for (let y = bounds.first; y <= bounds.last; y++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'bar';
    b.dataset.year = String(y);
    b.tabIndex = -1;
    b.append(document.createElement('span'));
    bars.push(b);
    const gap = Math.max(3, span / 10);
    if (y === bounds.first || y === bounds.last || (y % 10 === 0 && y - bounds.first > gap && bounds.last - y > gap)) {
      const tick = textElement(String(y));
      tick.style.left = `${((y - bounds.first + 0.5) / span) * 100}%`;
      axis.push(tick);
    }
  }
  $('bars').replaceChildren(...bars);
  $('axis').replaceChildren(...axis);
}

let lastYears = null;

// updateTimeline draws years (a /api/years answer; none for the last one
// again, in the language now) into the bars.
export function updateTimeline(years = lastYears) {
  lastYears = years;
  const lang = state.lang;
  const counts = new Map((years?.years || []).map((y) => [y.year, y.total]));
  const max = Math.max(1, ...counts.values());
  const { from, to } = yearRange(state, bounds);
  let focusable = null;
  for (const b of $('bars').children) {
    const y = Number(b.dataset.year);
    const n = counts.get(y) || 0;
    b.firstChild.style.height = n ? `${Math.max(4, (n / max) * 100)}%` : '0';
    b.classList.toggle('in', y >= from && y <= to);
    b.classList.toggle('empty', n === 0);
    b.setAttribute('aria-pressed', String(from === to && y === from));
    b.setAttribute('aria-label', t(lang, 'bar', { year: y, n: formatNumber(lang, n) }));
    b.title = t(lang, 'bar', { year: y, n: formatNumber(lang, n) });
    if (b.tabIndex === 0) focusable = b;
  }
  stackTimeline(years);
  if (!focusable) {
    const first = $('bars').querySelector(`[data-year="${from}"]`) || $('bars').firstChild;
    if (first) first.tabIndex = 0;
  }
}

// selectYear shows year y only, or every year when y alone shows.
export function selectYear(y) {
  if (state.from === y && state.to === y) return setState({ from: bounds.first, to: bounds.last });
  return setState({ from: y, to: y });
}

function setYear(y) {
  return setState({ from: y, to: y });
}

function label_() {
  const lang = state.lang;
  els.play.textContent = t(lang, playing ? 'pause' : 'play');
  els.play.setAttribute('aria-label', playing ? t(lang, 'pauseLabel', { year: state.from }) : t(lang, 'playLabel'));
  els.play.setAttribute('aria-pressed', String(playing));
}

// stackTimeline draws years (a /api/years answer) into the bars that
// updateTimeline sized: one segment a type, the y-axis, and each bar's label.
function stackTimeline(years) {
  if (!els) return;
  if (years) last = years;
  const lang = state.lang;
  const byYear = new Map((last?.years || []).map((y) => [y.year, y]));
  const max = Math.max(1, ...[...byYear.values()].map((y) => y.total));
  for (const b of els.bars.children) {
    const y = Number(b.dataset.year);
    const yc = byYear.get(y);
    const span = b.firstChild;
    const segs = [];
    const parts = [];
    for (const type of TYPES) {
      const n = yc?.by_type?.[type] || 0;
      if (!n) continue;
      const seg = document.createElement('i');
      seg.style.height = `${(n / yc.total) * 100}%`;
      seg.style.background = SYMBOLS[type].colour;
      seg.dataset.type = type;
      segs.push(seg);
      parts.push(`${label(lang, 'types', type)} ${formatNumber(lang, n)}`);
    }
    span.replaceChildren(...segs.reverse());
    const text = yc?.total
      ? t(lang, 'barTypes', { year: y, n: formatNumber(lang, yc.total), types: parts.join(', ') })
      : t(lang, 'barNone', { year: y });
    b.setAttribute('aria-label', text);
    b.title = text;
  }
  // The y-axis: 0, half and the largest count, on a nice number.
  const nice = max <= 5 ? max : Math.ceil(max / 5) * 5;
  const ticks = [0, Math.round(nice / 2), nice].filter((v, i, a) => a.indexOf(v) === i);
  els.yaxis.replaceChildren(...ticks.map((v) => {
    const s = document.createElement('span');
    s.textContent = formatNumber(lang, v);
    s.style.bottom = `${(v / max) * 100}%`;
    return s;
  }));
  label_();
}

async function step() {
  if (!playing) return;
  const b = bounds;
  const s = state;
  const y = s.from === s.to ? s.from + 1 : b.first;
  if (y > b.last) {
    pause();
    return;
  }
  const began = performance.now();
  await setYear(y);
  label_();
  if (!playing) return;
  timer = setTimeout(step, Math.max(0, 1000 - (performance.now() - began)));
}

function start() {
  const b = bounds;
  const s = state;
  if (!b) return;
  playing = true;
  label_();
  // From the start again when the last year shows.
  if (s.from === s.to && s.from >= b.last) {
    setYear(b.first).then(() => {
      label_();
      timer = setTimeout(step, 1000);
    });
    return;
  }
  step();
}

// pause stops the play where it is.
export function pause() {
  playing = false;
  clearTimeout(timer);
  timer = 0;
  if (els) label_();
}

// isPlaying reports whether the years are playing, for tests.
export function isPlaying() {
  return playing;
}
