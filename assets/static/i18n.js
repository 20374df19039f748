// Interface text in English and Korean. Data (titles, summaries, sources)
// is shown as the dataset has it.

export const LANGS = ['en', 'ko'];

const text = {
  en: {
    pageTitle: 'dmzmap: incidents along the Korean DMZ',
    tagline: 'Incidents along the Korean Demilitarized Zone, 1953 to today',
    skipToFilters: 'Skip to filters',
    skipToList: 'Skip to the list',
    switchLang: '한국어',
    switchLangLabel: 'Korean version (한국어)',
    mapLabel: 'Map of incidents along the Military Demarcation Line',
    filters: 'Filters',
    years: 'Years',
    yearFrom: 'From year',
    yearTo: 'To year',
    yearsHint: 'Drag the handles, or focus one and use the arrow keys.',
    types: 'Type',
    directions: 'Direction',
    search: 'Search titles and summaries',
    searchPlaceholder: 'e.g. tunnel',
    reset: 'Reset filters',
    export: 'Download GeoJSON',
    exportHint: 'The incidents that match the filters, as a GeoJSON file.',
    showing: 'Showing {n} of {m} incidents',
    loading: 'Loading…',
    loadError: 'Could not load the incidents. Check that the server is running and try again.',
    timeline: 'Incidents per year',
    timelineHint: 'Choose a bar to show that year only; choose it again for all years.',
    bar: '{year}: {n} incidents',
    inView: 'Incidents in view',
    listCount: '{n} in view, in date order',
    listMore: 'The first {n} are listed; zoom in to see the rest.',
    listEmpty: 'No incident in view. Zoom out or change the filters.',
    details: 'Details',
    close: 'Close',
    date: 'Date',
    type: 'Type',
    direction: 'Direction',
    place: 'Place',
    location: 'Location',
    locationPrecision: 'within about {d}',
    persons: 'Persons',
    casualties: 'Casualties',
    killed: 'killed',
    wounded: 'wounded',
    unknown: 'unknown',
    distance: 'Distance to the MDL',
    side: 'Side',
    sector: 'Sector',
    inDmz: 'Inside the DMZ',
    yes: 'yes',
    no: 'no',
    summary: 'Summary',
    confidence: 'Confidence',
    note: 'Note',
    sources: 'Sources',
    noSources: 'No source listed.',
    published: 'published {d}',
    path: 'Tracked path',
    pathKnown: 'shown on the map',
    legend: 'Legend',
    layers: 'Layers',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    layerBasemap: 'Offline map',
    layerOSM: 'OpenStreetMap tiles (online)',
    layerMDL: 'Military Demarcation Line',
    layerDMZ: 'DMZ (schematic band)',
    layerIncidents: 'Incidents',
    layerCrossings: 'Crossing points on the MDL',
    layerPaths: 'Tracked paths',
    layerPlaces: 'Places',
    layerLandmarks: 'DMZ landmarks',
    crossingPoint: 'Crossing point',
    estimated: 'estimated',
    mdl: 'Military Demarcation Line (MDL)',
    dmzBand: 'DMZ, schematic: MDL ± 2 km',
    incidentMarker: '{title}, {date}',
    types_: {
      crossing: 'Crossing', incursion: 'Incursion', infiltration: 'Infiltration', shooting: 'Shooting',
      tunnel: 'Tunnel', landmine: 'Landmine', abduction: 'Abduction', other: 'Other',
    },
    directions_: { north_to_south: 'North to south', south_to_north: 'South to north', none: 'No crossing' },
    sectors_: { western: 'Western', central: 'Central', eastern: 'Eastern', jsa: 'Joint Security Area' },
    sides_: { north: 'North of the MDL', south: 'South of the MDL', on_line: 'On the MDL', beyond_line: 'Beyond the ends of the MDL' },
    confidence_: { high: 'high', medium: 'medium', low: 'low' },
  },
  ko: {
    pageTitle: 'dmzmap: 비무장지대 사건 지도',
    tagline: '1953년부터 오늘까지, 한반도 비무장지대(DMZ)에서 일어난 사건',
    skipToFilters: '필터로 건너뛰기',
    skipToList: '목록으로 건너뛰기',
    switchLang: 'English',
    switchLangLabel: 'English version (영어)',
    mapLabel: '군사분계선 주변 사건 지도',
    filters: '필터',
    years: '연도',
    yearFrom: '시작 연도',
    yearTo: '끝 연도',
    yearsHint: '손잡이를 끌거나, 손잡이에 초점을 두고 화살표 키를 누르세요.',
    types: '유형',
    directions: '방향',
    search: '제목과 요약 검색',
    searchPlaceholder: '예: 땅굴, tunnel',
    reset: '필터 초기화',
    export: 'GeoJSON 내려받기',
    exportHint: '필터에 맞는 사건을 GeoJSON 파일로 내려받습니다.',
    showing: '전체 {m}건 중 {n}건 표시',
    loading: '불러오는 중…',
    loadError: '사건을 불러오지 못했습니다. 서버가 실행 중인지 확인하고 다시 시도하세요.',
    timeline: '연도별 사건 수',
    timelineHint: '막대를 고르면 그 해만 보입니다. 다시 고르면 모든 연도가 보입니다.',
    bar: '{year}년: {n}건',
    inView: '지도 범위 안의 사건',
    listCount: '지도 범위 안 {n}건, 날짜순',
    listMore: '앞의 {n}건만 보입니다. 지도를 확대하면 나머지가 보입니다.',
    listEmpty: '지도 범위 안에 사건이 없습니다. 지도를 축소하거나 필터를 바꾸세요.',
    details: '상세 정보',
    close: '닫기',
    date: '날짜',
    type: '유형',
    direction: '방향',
    place: '장소',
    location: '위치',
    locationPrecision: '오차 약 {d}',
    persons: '인원',
    casualties: '사상자',
    killed: '사망',
    wounded: '부상',
    unknown: '알 수 없음',
    distance: 'MDL까지 거리',
    side: '위치(측)',
    sector: '구역',
    inDmz: 'DMZ 안',
    yes: '예',
    no: '아니요',
    summary: '요약',
    confidence: '신뢰도',
    note: '비고',
    sources: '출처',
    noSources: '출처가 없습니다.',
    published: '{d} 게재',
    path: '이동 경로',
    pathKnown: '지도에 표시됨',
    legend: '범례',
    layers: '레이어',
    zoomIn: '확대',
    zoomOut: '축소',
    layerBasemap: '오프라인 지도',
    layerOSM: 'OpenStreetMap 타일(온라인)',
    layerMDL: '군사분계선',
    layerDMZ: '비무장지대(개략)',
    layerIncidents: '사건',
    layerCrossings: 'MDL 통과 지점',
    layerPaths: '이동 경로',
    layerPlaces: '지명',
    layerLandmarks: 'DMZ 주요 지점',
    crossingPoint: 'MDL 통과 지점',
    estimated: '추정',
    mdl: '군사분계선(MDL)',
    dmzBand: '비무장지대, 개략: MDL ± 2 km',
    incidentMarker: '{title}, {date}',
    types_: {
      crossing: 'MDL 통과', incursion: '침범', infiltration: '침투', shooting: '총격',
      tunnel: '땅굴', landmine: '지뢰', abduction: '납치', other: '기타',
    },
    directions_: { north_to_south: '북에서 남으로', south_to_north: '남에서 북으로', none: '통과 없음' },
    sectors_: { western: '서부', central: '중부', eastern: '동부', jsa: '공동경비구역(JSA)' },
    sides_: { north: 'MDL 북쪽', south: 'MDL 남쪽', on_line: 'MDL 위', beyond_line: 'MDL 끝 바깥' },
    confidence_: { high: '높음', medium: '보통', low: '낮음' },
  },
};

// t returns the text for key in lang, with {name} replaced from vars.
export function t(lang, key, vars) {
  const s = text[lang]?.[key] ?? text.en[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// label returns the interface name of a value of the dataset's enumerations
// ("types", "directions", "sectors", "sides", "confidence"), or the value itself.
export function label(lang, group, value) {
  return text[lang]?.[group + '_']?.[value] ?? text.en[group + '_']?.[value] ?? String(value ?? '');
}

export function locale(lang) {
  return lang === 'ko' ? 'ko-KR' : 'en-GB';
}

const formatters = new Map();

function formatter(lang, kind, make) {
  const key = `${lang}:${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = make(locale(lang));
    formatters.set(key, f);
  }
  return f;
}

// formatDate shows a date at its precision: "13 November 2017", "July 2025", "1965".
export function formatDate(lang, date, precision) {
  if (typeof date !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(date)) return String(date ?? '');
  const [y, m = 1, d = 1] = date.split('-').map(Number);
  const p = precision || (date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day');
  const f = formatter(lang, `date-${p}`, (loc) => {
    const opts = { timeZone: 'UTC', year: 'numeric' };
    if (p !== 'year') opts.month = 'long';
    if (p === 'day') opts.day = 'numeric';
    return new Intl.DateTimeFormat(loc, opts);
  });
  return f.format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatNumber(lang, n, fractionDigits) {
  if (fractionDigits === undefined) return formatter(lang, 'number', (loc) => new Intl.NumberFormat(loc)).format(n);
  return formatter(lang, `number-${fractionDigits}`, (loc) => new Intl.NumberFormat(loc, {
    minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits,
  })).format(n);
}
