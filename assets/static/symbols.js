// The symbol of each incident type: a colour and a shape, so that types can
// be told apart without colour. Shapes are built with DOM calls, never HTML strings.

const SVG = 'http://www.w3.org/2000/svg';

// ring returns an SVG path through n points around (cx, cy), the first at
// the top, alternating between the radii r0 and r1.
function ring(cx, cy, n, r0, r1 = r0) {
  const d = [];
  for (let i = 0; i < n; i++) {
    const r = i % 2 ? r1 : r0;
    const a = (2 * Math.PI * i) / n - Math.PI / 2;
    d.push(`${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`);
  }
  return `M${d.join('L')}Z`;
}

// Colours from the Okabe–Ito palette, which stays distinct for the common
// kinds of colour blindness; every shape has a dark outline for contrast.
export const SYMBOLS = {
  crossing: { colour: '#0072B2', shape: 'circle', path: 'M12 4.5a7.5 7.5 0 1 0 0.001 0Z' },
  incursion: { colour: '#D55E00', shape: 'triangle', path: 'M12 3L21 19.5H3Z' },
  infiltration: { colour: '#CC79A7', shape: 'diamond', path: 'M12 2.5L21.5 12L12 21.5L2.5 12Z' },
  shooting: { colour: '#E69F00', shape: 'square', path: 'M5 5H19V19H5Z' },
  tunnel: { colour: '#8C510A', shape: 'triangle pointing down', path: 'M3 4.5H21L12 21Z' },
  landmine: { colour: '#F0E442', shape: 'star', path: ring(12, 12.6, 10, 10.5, 4.4) },
  abduction: { colour: '#009E73', shape: 'pentagon', path: ring(12, 13, 5, 9.8) },
  other: { colour: '#7A7A7A', shape: 'cross', path: 'M9 3H15V9H21V15H15V21H9V15H3V9H9Z' },
};

// shape returns an SVG element drawing the symbol of type, size pixels wide.
export function shape(type, size = 18) {
  const sym = SYMBOLS[type] || SYMBOLS.other;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'symbol');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', sym.path);
  p.setAttribute('fill', sym.colour);
  p.setAttribute('stroke', '#1b1b1b');
  p.setAttribute('stroke-width', '1.6');
  p.setAttribute('stroke-linejoin', 'round');
  svg.appendChild(p);
  return svg;
}

// lineSymbol returns a small SVG of a line or band for the legend.
export function lineSymbol(kind) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'symbol');
  const add = (name, attrs) => {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.appendChild(el);
  };
  switch (kind) {
    case 'mdl':
      add('path', { d: 'M1 14C7 8 12 16 23 9', fill: 'none', stroke: '#c0001a', 'stroke-width': '3' });
      break;
    case 'dmz':
      add('rect', { x: '1', y: '6', width: '22', height: '12', fill: '#f4c542', 'fill-opacity': '0.35', stroke: '#8a6d00', 'stroke-dasharray': '3 2' });
      break;
    case 'crossing':
      add('circle', { cx: '12', cy: '12', r: '5', fill: '#ffffff', stroke: '#1b1b1b', 'stroke-width': '2.5' });
      break;
    case 'path':
      add('path', { d: 'M1 18L9 8L15 14L23 5', fill: 'none', stroke: '#333', 'stroke-width': '2', 'stroke-dasharray': '4 3' });
      break;
    default:
      break;
  }
  return svg;
}
