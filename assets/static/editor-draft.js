// The draft's point and path on the map: placed by a click, by the centre
// of the map or by the longitude and latitude typed; the path drawn click by
// click. The draft itself (editor.draft) is the form's.

import { $ } from './dom.js';
import { editor, tx } from './editor-ui.js';

const L = window.L;
const INK = '#c0001a';

export function mapStatus(key, vars) {
  const s = $('ed-map-status');
  if (s) tx(s, key, vars);
}

export function setPoint(ll, { fromInputs = false } = {}) {
  editor.draft.point = ll;
  if (!fromInputs) {
    $('ed-lon').value = ll.lng.toFixed(5);
    $('ed-lat').value = ll.lat.toFixed(5);
    mapStatus('edPointAt', { lat: ll.lat.toFixed(5), lon: ll.lng.toFixed(5) });
  }
  drawDraft();
}

export function pointFromInputs() {
  const lon = $('ed-lon').valueAsNumber;
  const lat = $('ed-lat').valueAsNumber;
  if (Number.isFinite(lon) && Number.isFinite(lat)) setPoint(L.latLng(lat, lon), { fromInputs: true });
  else {
    editor.draft.point = null;
    drawDraft();
  }
}

export function drawDraft() {
  editor.layer.clearLayers();
  if (!editor.draft) return;
  if (editor.draft.path.length) {
    L.polyline(editor.draft.path, { color: INK, weight: 3, dashArray: '6 4', interactive: false }).addTo(editor.layer);
    for (const ll of editor.draft.path) L.circleMarker(ll, { radius: 4, color: INK, weight: 2, fillColor: '#ffffff', fillOpacity: 1, interactive: false }).addTo(editor.layer);
  }
  if (editor.draft.point) {
    L.circleMarker(editor.draft.point, { radius: 10, color: INK, weight: 4, fillColor: '#ffffff', fillOpacity: 0.9, interactive: false }).addTo(editor.layer);
  }
  pathStatus();
}

function pathStatus() {
  const n = editor.draft.path.length;
  const s = $('ed-path-status');
  if (!s) return;
  if (editor.draft.drawing) tx(s, 'edPathDrawing', { n });
  else if (n) tx(s, 'edPathPoints', { n });
  else tx(s, 'edPathNone');
  const draw = $('ed-path-draw');
  draw.setAttribute('aria-pressed', String(editor.draft.drawing));
  tx(draw, editor.draft.drawing ? 'edPathFinish' : n ? 'edPathContinue' : 'edPathDraw');
  $('ed-path-centre').disabled = !editor.draft.drawing;
  $('ed-path-undo').disabled = n === 0;
  $('ed-path-clear').disabled = n === 0;
}

export function onMapClick(e) {
  if (!editor.draft) return;
  if (editor.draft.drawing) {
    editor.draft.path.push(e.latlng);
    drawDraft();
  } else setPoint(e.latlng);
}
