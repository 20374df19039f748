// Two of Leaflet's habits that cost a phone most of a second when the
// first view is set, changed here without changing what is drawn.
// Imported before any map, control or tooltip is made.
//
// - The layers control rebuilds its whole list each time one of its layers
//   is added or removed, and every layer added before the first view is
//   added at once when it is set: the rebuilds asked for within one task
//   are made once, at its end. The control's events are fired as before.
// - A permanent tooltip (a place's label) measures itself each time it is
//   placed, after the one before it moved: one layout of the page per
//   label. The labels placed within one task are measured together, in one
//   layout, at the end of the task, and then placed.

const L = window.L;

const layers = L.Control.Layers.prototype;
layers._onLayerChange = function onLayerChange(e) {
  if (!this._handlingClick && !this._updateQueued) {
    this._updateQueued = true;
    queueMicrotask(() => {
      this._updateQueued = false;
      if (this._map) this._update();
    });
  }
  const obj = this._getLayer(L.Util.stamp(e.target));
  const type = obj?.overlay
    ? (e.type === 'add' ? 'overlayadd' : 'overlayremove')
    : (e.type === 'add' ? 'baselayerchange' : null);
  if (type) this._map.fire(type, obj);
};

const tooltip = L.Tooltip.prototype;
const place = tooltip._setPosition;
let queued = null; // tooltip → the layer point it is to be placed at

tooltip._setPosition = function setPosition(pos) {
  if (!this.options.permanent) {
    place.call(this, pos);
    return;
  }
  if (!queued) {
    queued = new Map();
    queueMicrotask(placeQueued);
  }
  queued.set(this, pos);
};

function placeQueued() {
  const todo = [...queued].filter(([tip]) => tip._map && tip._container);
  queued = null;
  const sizes = todo.map(([tip]) => [tip._container.offsetWidth, tip._container.offsetHeight]);
  todo.forEach(([tip, pos], i) => {
    const el = tip._container;
    Object.defineProperty(el, 'offsetWidth', { value: sizes[i][0], configurable: true });
    Object.defineProperty(el, 'offsetHeight', { value: sizes[i][1], configurable: true });
    try {
      place.call(tip, pos);
    } finally {
      delete el.offsetWidth;
      delete el.offsetHeight;
    }
  });
}
