// The filters along the line: the sectors (western, central, eastern,
// JSA) and a stretch in km of chainage, which the profile's drag sets too.

import { t, label, addText } from './i18n.js';
import { SECTORS, kmText } from './state.js';

addText({
  en: {
    sectors: 'Sector',
    kmRange: 'Along the line (km)',
    kmFrom: 'From km',
    kmTo: 'To km',
    kmHint: 'From the MDL’s western end in the Han estuary (0 km) to the East Sea ({max} km). Dragging across the profile sets it too.',
    kmClear: 'Whole line',
  },
  ko: {
    sectors: '구역',
    kmRange: '군사분계선을 따라(km)',
    kmFrom: '시작 km',
    kmTo: '끝 km',
    kmHint: '한강 하구의 군사분계선 서쪽 끝(0 km)부터 동해(약 {max} km)까지. 프로필을 끌어서 정할 수도 있습니다.',
    kmClear: '선 전체',
  },
});

let els = null;
let lengthKm = 237.5;

// initLineFilters adds the controls to the form and calls onChange with
// the change of the state after the user changes them (which shows it back
// by syncLineFilters); state is the page's state object.
export function initLineFilters(state, onChange) {
  const sectors = document.getElementById('sectors');
  const field = document.getElementById('km-field');
  field.replaceChildren();
  const head = document.createElement('span');
  head.id = 'km-label';
  head.className = 'label';
  const row = document.createElement('div');
  row.className = 'km-row';
  const input = (id) => {
    const wrap = document.createElement('div');
    const lab = document.createElement('label');
    lab.htmlFor = id;
    const i = document.createElement('input');
    i.type = 'number';
    i.id = id;
    i.min = '0';
    i.step = '0.1';
    i.inputMode = 'decimal';
    i.setAttribute('aria-describedby', 'km-hint');
    wrap.append(lab, i);
    row.append(wrap);
    return { lab, i };
  };
  const from = input('km-from');
  const to = input('km-to');
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.id = 'km-clear';
  row.append(clear);
  const hint = document.createElement('p');
  hint.id = 'km-hint';
  hint.className = 'hint';
  field.append(head, row, hint);
  els = { sectors, head, from, to, clear, hint };

  sectors.addEventListener('change', () => {
    onChange({ sectors: [...sectors.querySelectorAll('input:checked')].map((i) => i.value) });
  });
  const read = () => {
    const a = from.i.value === '' ? null : Number(from.i.value);
    const b = to.i.value === '' ? null : Number(to.i.value);
    if (a === null && b === null) return null;
    let lo = Math.max(0, a ?? 0);
    let hi = Math.max(0, b ?? lengthKm);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return state.km;
    if (lo > hi) [lo, hi] = [hi, lo];
    return [Math.round(lo * 10) / 10, Math.round(hi * 10) / 10];
  };
  for (const el of [from.i, to.i]) {
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') el.dispatchEvent(new Event('change'));
    });
    el.addEventListener('change', () => {
      const km = read();
      if (String(km) === String(state.km)) return;
      onChange({ km });
    });
  }
  clear.addEventListener('click', () => {
    if (!state.km) return;
    onChange({ km: null });
  });
}

// setLength tells the controls the MDL's length in km.
export function setLength(km) {
  lengthKm = km;
  if (els) {
    els.from.i.max = String(km);
    els.to.i.max = String(km);
  }
}

// labelLineFilters writes the controls' text in lang and shows state.
export function labelLineFilters(lang, state) {
  if (!els) return;
  const legendEl = els.sectors.querySelector('legend');
  legendEl.textContent = t(lang, 'sectors');
  const boxes = SECTORS.map((v) => {
    const wrap = document.createElement('div');
    wrap.className = 'check';
    const i = document.createElement('input');
    i.type = 'checkbox';
    i.id = `sector-${v}`;
    i.name = 'sector';
    i.value = v;
    const lab = document.createElement('label');
    lab.htmlFor = i.id;
    lab.textContent = label(lang, 'sectors', v);
    wrap.append(i, lab);
    return wrap;
  });
  els.sectors.replaceChildren(legendEl, ...boxes);
  els.head.textContent = t(lang, 'kmRange');
  els.from.lab.textContent = t(lang, 'kmFrom');
  els.to.lab.textContent = t(lang, 'kmTo');
  els.clear.textContent = t(lang, 'kmClear');
  els.hint.textContent = t(lang, 'kmHint', { max: kmText(lengthKm) });
  syncLineFilters(state);
}

// syncLineFilters shows state in the controls.
export function syncLineFilters(state) {
  if (!els) return;
  for (const i of els.sectors.querySelectorAll('input')) i.checked = state.sectors.includes(i.value);
  const [a, b] = state.km || [null, null];
  els.from.i.value = a === null ? '' : kmText(a);
  els.to.i.value = b === null ? '' : kmText(b);
  els.clear.disabled = !state.km;
}
