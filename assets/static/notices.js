// The notice that says what was wrong with the page's link and what the
// page shows instead, in the page's language.

import { t, label, addText, formatNumber } from './i18n.js';

addText({
  en: {
    nTitle: 'This link asked for something the map cannot show, so it was corrected:',
    nDismiss: 'Dismiss',
    nUnknown: '“{name}” is not a parameter of this page.',
    nRepeated: '“{name}” is given more than once.',
    nYearBad: '“{name}={value}” is not a year (like 2017).',
    nYearRange: '“{name}={value}” is out of range: years run from {min} (the armistice) to {max}.',
    nYearBoth: '“year” cannot be combined with “from” or “to”.',
    nFromAfterTo: '“from={from}” is after “to={to}”.',
    nList: '“{name}”: {value} is not a known value; the values are {known}.',
    nKm: '“km={value}” is not a stretch of the line: give two numbers FROM,TO in km, 0 ≤ FROM ≤ TO ≤ {max}, like km=10,40.',
    nQLong: 'The search “q” is {n} characters long; the limit is {max}.',
    nView: 'The map view (z, lat, lon) is not a valid view.',
    nSel: 'No incident has the id “{value}”.',
    nLang: '“lang={value}” is not a language of this page ({known}).',
    sIgnored: 'It was left out.',
    sFirst: 'The first one is used.',
    sAllYears: 'Showing every year instead.',
    sYear: 'Showing {year} instead.',
    sYears: 'Showing {from}–{to} instead.',
    sList: 'Showing {values} instead.',
    sListAll: 'Showing all of them instead.',
    sWholeLine: 'Showing the whole line instead.',
    sQ: 'Searching for its first {max} characters instead.',
    sWholeMap: 'Showing the whole line instead.',
    sNoSel: 'No incident is selected.',
    sLang: 'Showing the page in English instead.',
  },
  ko: {
    nTitle: '이 링크는 지도에 보일 수 없는 것을 요청해서 고쳤습니다:',
    nDismiss: '닫기',
    nUnknown: '“{name}”은(는) 이 페이지의 매개변수가 아닙니다.',
    nRepeated: '“{name}”이(가) 두 번 이상 있습니다.',
    nYearBad: '“{name}={value}”은(는) 연도(예: 2017)가 아닙니다.',
    nYearRange: '“{name}={value}”은(는) 범위를 벗어났습니다: 연도는 {min}년(정전)부터 {max}년까지입니다.',
    nYearBoth: '“year”는 “from”이나 “to”와 함께 쓸 수 없습니다.',
    nFromAfterTo: '“from={from}”이(가) “to={to}”보다 뒤입니다.',
    nList: '“{name}”: {value}은(는) 알 수 없는 값입니다. 쓸 수 있는 값: {known}.',
    nKm: '“km={value}”은(는) 선의 구간이 아닙니다: km 단위 두 수 FROM,TO(0 ≤ FROM ≤ TO ≤ {max}), 예: km=10,40.',
    nQLong: '검색어 “q”가 {n}자입니다. 최대 {max}자입니다.',
    nView: '지도 보기(z, lat, lon)가 올바르지 않습니다.',
    nSel: 'ID가 “{value}”인 사건이 없습니다.',
    nLang: '“lang={value}”은(는) 이 페이지의 언어({known})가 아닙니다.',
    sIgnored: '무시했습니다.',
    sFirst: '첫 번째 값을 씁니다.',
    sAllYears: '대신 모든 연도를 보여 줍니다.',
    sYear: '대신 {year}년을 보여 줍니다.',
    sYears: '대신 {from}–{to}년을 보여 줍니다.',
    sList: '대신 {values}을(를) 보여 줍니다.',
    sListAll: '대신 모두 보여 줍니다.',
    sWholeLine: '대신 선 전체를 보여 줍니다.',
    sQ: '대신 앞의 {max}자로 검색합니다.',
    sWholeMap: '대신 선 전체를 보여 줍니다.',
    sNoSel: '선택한 사건이 없습니다.',
    sLang: '대신 영어로 보여 줍니다.',
  },
});

let shown = [];
let ctx = null;

// showNotices shows notices (from checkURL, or added later) in the
// element #notices. c: {lang(), years() → {from, to, all}}.
export function showNotices(notices, c) {
  ctx = c;
  shown = shown.concat(notices);
  render();
}

// renderNotices redraws the notices, in the page's language now.
export function renderNotices() {
  if (ctx) render();
}

function shownText(lang, n) {
  if (n.shown === 'years') {
    const y = ctx.years();
    if (y.all) return t(lang, 'sAllYears');
    if (y.from === y.to) return t(lang, 'sYear', { year: y.from });
    return t(lang, 'sYears', y);
  }
  if (!n.shown) return '';
  const vars = { ...(n.shownVars || {}) };
  if (vars.group) vars.values = vars.values.map((v) => label(lang, vars.group, v)).join(', ');
  return t(lang, n.shown, vars);
}

function render() {
  const box = document.getElementById('notices');
  if (!box) return;
  if (!shown.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const lang = ctx.lang();
  const title = document.createElement('p');
  title.className = 'notices-title';
  title.textContent = t(lang, 'nTitle');
  const list = document.createElement('ul');
  for (const n of shown) {
    const li = document.createElement('li');
    li.dataset.param = n.param;
    li.dataset.key = n.key;
    const vars = { ...n.vars };
    if (typeof vars.n === 'number') vars.n = formatNumber(lang, vars.n);
    li.textContent = `${t(lang, n.key, vars)} ${shownText(lang, n)}`.trim();
    list.append(li);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.id = 'notices-close';
  close.textContent = t(lang, 'nDismiss');
  close.addEventListener('click', () => {
    shown = [];
    render();
    document.getElementById('filters-title')?.closest('[tabindex]')?.focus();
  });
  box.replaceChildren(title, list, close);
  box.hidden = false;
}
