// The page's one state object (filters, view, selection, language; parsed
// from the URL by state.js), the dataset's bounds and version as the server
// gave them, and setState, the one way to change the state: it writes the
// URL, then the loader (load.js, through whenChanged) draws what changed.

import { parseState, pageQuery } from './state.js';

export const state = parseState(location.search);
export let bounds = null; // {first, last, total} of the whole dataset, from /api/years
export let dataset = null; // the version of the dataset the API serves, from its answers

export function setBounds(b) {
  bounds = b;
}

export function setDataset(d) {
  dataset = d;
}

let onChange = () => Promise.resolve();

// whenChanged names the function setState calls with the keys it changed
// and its options; it returns the load that change started.
export function whenChanged(fn) {
  onChange = fn;
}

// setState applies patch to the state. Until the dataset's years are known
// (the URL's years need them) that is all; then it writes the URL and
// returns the load the change needs. opts.dataChanged says the data changed
// under the same filters (an edit, or live changes): everything loads again.
export function setState(patch, opts = {}) {
  Object.assign(state, patch);
  if (!bounds) return Promise.resolve();
  writeURL();
  return onChange(Object.keys(patch), opts);
}

// writeURL puts the state in the page's URL, in place of the last.
export function writeURL() {
  const q = pageQuery(state, bounds);
  const url = `${location.pathname}${q ? `?${q}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}
