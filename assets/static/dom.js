// The page's small DOM helpers, shared by every module: $ finds an element
// by id, el builds one, textElement holds text that must never be parsed as
// HTML (Leaflet inserts a string as HTML, an element as it is), controlBox
// is the element of a control on the map.

export const $ = (id) => document.getElementById(id);

// el makes a tag with attrs (null, undefined and false left out, true as
// an empty attribute) and children (nodes, or anything else as text).
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// textElement makes an element holding s as text.
export function textElement(s, tag = 'span') {
  const e = document.createElement(tag);
  e.textContent = String(s ?? '');
  return e;
}

// controlBox makes the element of a Leaflet control: clicks and scrolls on
// it stay off the map.
export function controlBox(tag, className) {
  const box = window.L.DomUtil.create(tag, className);
  window.L.DomEvent.disableClickPropagation(box);
  window.L.DomEvent.disableScrollPropagation(box);
  return box;
}
