// The live yard map page: loads the layout, then follows the live feed and keeps the map, the side
// panel and the status line up to date. This module only wires the others together.

import * as api from './api.js';
import { byId, isTyping } from './dom.js';
import { pollingFeed } from './feed.js';
import { errorText, setLanguage, t, translatePage } from './i18n.js';
import { buildLegend } from './legend.js';
import { YardMap } from './map.js';
import { showAnomalies, showAnomalyCounts, showStatus, showTotals, showVessels } from './panel.js';
import { bindSearch } from './search.js';
import { Tooltip, blockTip, machineTip } from './tooltip.js';

/** staleAfterMs: with no successful refresh for this long, the status line says the map is stale. */
const staleAfterMs = 5000;
/** layoutRetryMs is the wait before asking again for a layout that failed to load. */
const layoutRetryMs = 5000;

setLanguage(new URLSearchParams(location.search).get('lang') || navigator.language);
translatePage();

const el = {
  app: byId('app'),
  map: byId('map'),
  mapMessage: byId('map-message'),
  totals: byId('totals'),
  vessels: byId('vessels'),
  anomalyCounts: byId('anomaly-counts'),
  anomalies: byId('anomalies'),
  status: byId('status'),
  search: byId('search'),
  searchForm: byId('search-form'),
  searchResult: byId('search-result'),
  terminal: byId('terminal-name'),
  panelToggle: byId('panel-toggle'),
};

const tooltip = new Tooltip(byId('tooltip'));
buildLegend(byId('legend'));
const map = new YardMap(el.map, {
  // Keep the fitted terminal clear of the fill legend (top left), the buttons (right) and the
  // status line (bottom).
  insets() {
    const box = el.map.getBoundingClientRect();
    const top = byId('legend-fill').getBoundingClientRect().bottom - box.top;
    const bottom = box.bottom - el.status.getBoundingClientRect().top;
    return { top: top + 16, right: 64, bottom: bottom + 8, left: 24 };
  },
  onHover(hit, x, y) {
    if (!hit) tooltip.hide();
    else tooltip.show(hit.type === 'block' ? blockTip(hit.block, hit.live) : machineTip(hit.machine), x, y);
  },
});

// What the page knows; each part is redrawn when its data arrives.
const state = {
  yard: null, // last 'yard' event
  visits: null,
  status: 'connecting',
  error: null,
  updated: null,
  position: null,
};

function renderStatus() {
  const stale = state.updated ? Math.round((Date.now() - state.updated) / 1000) : 0;
  let s = state.status;
  if (s === 'live' && stale * 1000 >= staleAfterMs) s = 'stale';
  showStatus(el.status, {
    state: s,
    error: state.error,
    position: state.position,
    updated: state.updated,
    blocks: map.blockCount,
    equipment: map.machineCount,
    staleSeconds: stale,
  });
}

async function loadLayout() {
  el.mapMessage.textContent = t('map.loading');
  el.mapMessage.hidden = false;
  try {
    const terminal = map.setLayout(await api.layout());
    el.mapMessage.hidden = true;
    if (terminal.name) {
      el.terminal.textContent = terminal.name;
      document.title = `${terminal.name} · ${t('app.title')}`;
    }
    if (state.yard) map.setYard(state.yard);
    if (state.visits) map.setVessels(state.visits);
    renderStatus();
  } catch (err) {
    el.mapMessage.textContent = t('map.layoutFailed', { error: errorText(err) });
    setTimeout(loadLayout, layoutRetryMs);
  }
}

const search = bindSearch({
  form: el.searchForm,
  input: el.search,
  out: el.searchResult,
  onFound(rec, { fly }) {
    if (!rec.point) {
      map.clearMark();
      return;
    }
    if (fly) map.showMark(rec.point, rec.container);
    else map.moveMark(rec.point);
  },
  onClear: () => map.clearMark(),
});

const feed = pollingFeed();
feed.on('yard', (y) => {
  const moved = y.position !== state.position;
  Object.assign(state, { yard: y, status: 'live', error: null, updated: y.at, position: y.position });
  map.setYard(y);
  showTotals(el.totals, y.summary, state.visits);
  showAnomalyCounts(el.anomalyCounts, y.summary.anomalies);
  renderStatus();
  if (moved) search.refresh();
});
feed.on('vessels', (visits) => {
  state.visits = visits;
  map.setVessels(visits);
  showVessels(el.vessels, visits);
  if (state.yard) showTotals(el.totals, state.yard.summary, visits);
});
feed.on('anomalies', (list) => showAnomalies(el.anomalies, list));
feed.on('error', ({ error }) => {
  state.status = 'error';
  state.error = error;
  renderStatus();
});
feed.start();
loadLayout();
setInterval(renderStatus, 1000); // ages the "updated" time and notices a stalled feed

// Map controls.
byId('zoom-in').addEventListener('click', () => map.zoomBy(1.5));
byId('zoom-out').addEventListener('click', () => map.zoomBy(1 / 1.5));
byId('zoom-fit').addEventListener('click', () => map.fit());
el.panelToggle.addEventListener('click', () => {
  const open = el.app.dataset.panel !== 'closed';
  el.app.dataset.panel = open ? 'closed' : 'open';
  el.panelToggle.setAttribute('aria-expanded', String(!open));
});

// Keyboard: "/" to search, + and − to zoom, 0 to fit anywhere outside a text field; arrows pan
// when the map has the focus.
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
  switch (e.key) {
    case '/':
      e.preventDefault();
      el.search.focus();
      el.search.select();
      break;
    case '+':
    case '=':
      map.zoomBy(1.5);
      break;
    case '-':
    case '_':
      map.zoomBy(1 / 1.5);
      break;
    case '0':
      map.fit();
      break;
    case 'Escape':
      tooltip.hide();
      break;
    default:
      return;
  }
});
el.map.addEventListener('keydown', (e) => {
  const step = e.shiftKey ? 240 : 60;
  const d = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
  if (!d) return;
  e.preventDefault();
  map.panBy(...d);
});
