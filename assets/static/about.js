// The "About the data" dialog, with the version of the dataset served.

import { t, formatDate } from './i18n.js';
import { $ } from './dom.js';
import { state, dataset } from './page-state.js';

// aboutVersion writes the dataset's version in the language.
export function aboutVersion() {
  $('about-version').textContent = dataset ? t(state.lang, 'aboutVersion', { v: dataset.version, d: formatDate(state.lang, dataset.date, 'day') }) : '';
}

// initAbout wires the dialog's buttons.
export function initAbout() {
  $('about-open').addEventListener('click', () => {
    aboutVersion();
    $('about').showModal();
    $('about-title').focus();
  });
  $('about-close').addEventListener('click', () => $('about').close());
  $('about').addEventListener('close', () => $('about-open').focus());
}
