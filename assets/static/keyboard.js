// Keyboard use of the map and the list: a focused marker opens with Enter
// or Space like a click, and the focus never drops to the page's body when
// the list is rebuilt or the details close.

// initMarkerKeys makes Enter and Space on a focused marker of map (an
// incident, a browser cluster or a server cluster) act as a click.
export function initMarkerKeys(map) {
  map.getPane('markerPane').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = e.target.closest?.('.leaflet-marker-icon');
    if (!el) return;
    let found = null;
    const look = (l) => {
      if (found) return;
      if (l._icon === el) found = l;
      else if (typeof l.eachLayer === 'function') l.eachLayer(look);
    };
    map.eachLayer(look);
    if (!found) return;
    e.preventDefault();
    e.stopPropagation();
    found.fire('click', { latlng: found.getLatLng(), originalEvent: e }, true);
  });
}

// keepFocus runs rebuild, which replaces the children of list; when the
// focus was on one of its buttons, it goes to the new button of the same
// data-id, or else to fallback.
export function keepFocus(list, rebuild, fallback) {
  const active = document.activeElement;
  const id = list.contains(active) ? active.closest('[data-id]')?.dataset.id : null;
  rebuild();
  if (id === null || id === undefined) return;
  const again = list.querySelector(`[data-id="${CSS.escape(id)}"]`);
  if (again) again.focus({ preventScroll: true });
  else fallback?.focus({ preventScroll: true });
}

// focusAfterClose gives the focus a sensible place when the details of
// the incident id close and the control that opened them is gone: its
// list item, or else the list.
export function focusAfterClose(id) {
  if (document.activeElement && document.activeElement !== document.body && !document.getElementById('details')?.contains(document.activeElement)) return;
  const btn = id && document.querySelector(`#list button[data-id="${CSS.escape(id)}"]`);
  (btn || document.getElementById('list-panel'))?.focus({ preventScroll: Boolean(btn) });
}
