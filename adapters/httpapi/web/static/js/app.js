// The yard map page: loads the layout, then follows the live feed (or shows the yard as it was at a
// chosen moment) and keeps the map, the side panel, the block view and the status line up to date.
// This module only wires the others together.

import * as api from './api.js';
import { BlockList } from './blocklist.js';
import { BlockView } from './blockview.js';
import { byId, isTyping } from './dom.js';
import { DwellLoader } from './dwell.js';
import { liveFeed } from './feed.js';
import { dateTime, errorText, pickLanguage, rememberLanguage, setLanguage, t, translatePage } from './i18n.js';
import { KpiPanel } from './kpis.js';
import { buildLegend } from './legend.js';
import { YardMap } from './map.js';
import { colourModes, isMode } from './modes.js';
import { forget, showAnomalies, showAnomalyCounts, showStatus, showTotals, showVessels } from './panel.js';
import { perf, updateApplied } from './perf.js';
import { bindSearch } from './search.js';
import { TimeBar } from './timebar.js';
import { Tooltip, blockTip, machineTip } from './tooltip.js';

/** staleAfterMs: polling, with no successful refresh for this long, the status line says the map is stale. */
const staleAfterMs = 5000;
/** layoutRetryMs is the wait before asking again for a layout that failed to load. */
const layoutRetryMs = 5000;
/** modeKey is where the colour mode chosen is kept (localStorage). */
const modeKey = 'yardtwin.colourMode';

setLanguage(pickLanguage());
translatePage();

const el = {
  app: byId('app'),
  map: byId('map'),
  mapMessage: byId('map-message'),
  legend: byId('legend'),
  colourMode: byId('colour-mode'),
  totals: byId('totals'),
  totalsTitle: byId('totals-title'),
  vessels: byId('vessels'),
  anomalyCounts: byId('anomaly-counts'),
  anomalies: byId('anomalies'),
  status: byId('status'),
  search: byId('search'),
  searchForm: byId('search-form'),
  searchResult: byId('search-result'),
  terminal: byId('terminal-name'),
  panelToggle: byId('panel-toggle'),
  lang: byId('lang'),
  blockView: byId('block-view'),
  blockList: byId('block-list'),
  kpis: byId('kpis'),
};

// What the page knows; each part is redrawn when its data arrives.
const state = {
  yard: null, // last 'yard' event
  visits: null,
  anomalies: null,
  status: 'connecting',
  error: null,
  updated: null,
  position: null,
  mode: 'live', // or 'past'
  pastAt: null, // Date shown in the past
  stream: 'connecting',
  colourMode: 'fill',
  dwellMax: 1,
  terminal: '',
};

const tooltip = new Tooltip(byId('tooltip'));
const map = new YardMap(el.map, {
  // Keep the fitted terminal clear of the legend (top left), the buttons (right) and the status
  // line and time bar (bottom).
  insets() {
    const box = el.map.getBoundingClientRect();
    const top = byId('legend-fill').getBoundingClientRect().bottom - box.top;
    const bottom = box.bottom - el.status.getBoundingClientRect().top;
    return { top: top + 16, right: 64, bottom: bottom + 8, left: 24 };
  },
  onHover(hit, x, y) {
    if (!hit) tooltip.hide();
    else if (hit.type === 'machine') tooltip.show(machineTip(hit.machine), x, y);
    else tooltip.show(blockTip(hit.block, hit.live, state.colourMode === 'dwell' ? map.blockStyle(hit.block.id).text : null), x, y);
  },
  onClick(hit) {
    if (hit.type === 'block') openBlock(hit.block.id, { opener: el.map });
  },
});

/** moment is the time the page shows: {at} (a Date in the past, null live) and ref (epoch ms) for dwell. */
function moment() {
  if (state.mode === 'past' && state.pastAt) return { at: state.pastAt, ref: state.pastAt.getTime() };
  return { at: null, ref: timebar?.newest ?? Date.now() };
}

// ---- Status line.

let statusFrame = 0;
function renderStatus() {
  cancelAnimationFrame(statusFrame);
  statusFrame = 0;
  const stale = state.updated ? Math.round((Date.now() - state.updated) / 1000) : 0;
  let s = state.status;
  // With the stream open, a quiet yard is not a stale one: the stream says when something happens.
  if (s === 'live' && state.stream !== 'sse' && stale * 1000 >= staleAfterMs) s = 'stale';
  showStatus(el.status, {
    state: s,
    error: state.error,
    position: state.position,
    updated: state.updated,
    blocks: map.blockCount,
    equipment: map.machineCount,
    staleSeconds: stale,
    mode: state.mode,
    stream: state.stream,
    updates: perf.updates,
    pastAt: state.pastAt,
  });
}
/** statusSoon renders the status line with the next frame: many stream messages, one write. */
function statusSoon() {
  if (!statusFrame) statusFrame = requestAnimationFrame(renderStatus);
}

// ---- Legend and colour modes.

function renderLegend() {
  buildLegend(el.legend, state.colourMode, { dwellMax: state.dwellMax });
}

function renderBlockList() {
  blockList.update(map.blockIds(), (id) => map.blockStyle(id));
}

const dwell = new DwellLoader({
  ids: () => map.blockIds(),
  moment,
  onData(d) {
    state.dwellMax = d.max;
    map.setDwell(d);
    if (state.colourMode === 'dwell') renderLegend();
    renderBlockList();
  },
});

function setColourMode(mode) {
  if (!isMode(mode)) mode = 'fill';
  state.colourMode = mode;
  el.colourMode.value = mode;
  try {
    localStorage.setItem(modeKey, mode);
  } catch {
    // storage disabled
  }
  map.setColourMode(mode);
  renderLegend();
  renderBlockList();
  if (mode === 'dwell') dwell.start();
  else dwell.stop();
}

// ---- Layout.

async function loadLayout() {
  el.mapMessage.textContent = t('map.loading');
  el.mapMessage.hidden = false;
  try {
    const terminal = map.setLayout(await api.layout());
    el.mapMessage.hidden = true;
    state.terminal = terminal.name ?? '';
    renderTitle();
    if (state.yard) map.setYard(state.yard);
    if (state.visits) map.setVessels(state.visits);
    renderBlockList();
    dwell.changed(); // the blocks are known now
    renderStatus();
  } catch (err) {
    el.mapMessage.textContent = t('map.layoutFailed', { error: errorText(err) });
    setTimeout(loadLayout, layoutRetryMs);
  }
}

function renderTitle() {
  el.terminal.textContent = state.terminal || t('app.title');
  document.title = state.terminal ? `${state.terminal} · ${t('app.title')}` : t('app.title');
}

// ---- Search.

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

// ---- Block view and block list.

let blockOpener = null; // the element to give the focus back to when the block view closes

const blockView = new BlockView(el.blockView, {
  moment,
  onClose(id, hadFocus) {
    map.select(null);
    blockList.mark(null);
    const back = blockOpener;
    blockOpener = null;
    // Give the keyboard back to what opened the view, unless the planner has moved on.
    if (back && (hadFocus || document.activeElement === document.body)) back.focus();
  },
  onFind(id) {
    search.find(id);
  },
});

const blockList = new BlockList(el.blockList, {
  onOpen: (id, button) => openBlock(id, { opener: button, centre: true, focus: true }),
  onFocus: (id) => map.setFocus(id),
});

function blockSig(id) {
  const b = map.liveBlock(id);
  return b ? `${b.boxes}|${b.teu}|${JSON.stringify(b.by_category)}` : '';
}

async function openBlock(id, { opener = null, centre = false, focus = false } = {}) {
  blockOpener = opener;
  map.select(id);
  blockList.mark(id);
  const open = blockView.open(id, { focus });
  blockView.refreshIfChanged(blockSig(id));
  // Keep the block in sight above the drawer that just opened.
  requestAnimationFrame(() => {
    if (centre) map.centreOnBlock(id);
    const at = map.screenOf(id);
    const top = el.blockView.getBoundingClientRect().top - el.map.getBoundingClientRect().top;
    if (!centre && at && at[1] > top - 40) map.panBy(0, top - 80 - at[1]);
  });
  await open;
}

// ---- KPIs.

const kpiPanel = new KpiPanel(el.kpis, {
  moment,
  onWhole(all) {
    timebar.setSpan(state.firstTime ?? Date.parse(all.from), Date.parse(all.as_of));
  },
});

// ---- Time.

const timebar = new TimeBar(
  { slider: byId('time-slider'), label: byId('time-label'), live: byId('time-live'), play: byId('time-play') },
  { onPast: showPast, onLive: showLive },
);

async function showPast(at) {
  if (state.mode !== 'past') {
    state.mode = 'past';
    feed.pause();
  }
  state.pastAt = at;
  renderTotalsTitle();
  renderStatus();
  search.setAt(at);
  kpiPanel.changed();
  dwell.changed();
  await feed.loadAt(at);
  blockView.refresh();
}

function showLive() {
  state.mode = 'live';
  state.pastAt = null;
  renderTotalsTitle();
  feed.resume();
  search.setAt(null);
  kpiPanel.changed();
  dwell.changed();
  blockView.refresh();
  renderStatus();
}

function renderTotalsTitle() {
  el.totalsTitle.textContent = state.mode === 'past' ? t('totals.titleAt', { time: dateTime(state.pastAt) }) : t('totals.title');
}

// ---- Anomalies.

function pickAnomaly(a) {
  map.clearFlash();
  if (a.slot?.block && map.flashBlock(a.slot.block)) return;
  if (!a.container) return;
  api.container(a.container, { at: moment().at }).then(
    (rec) => {
      if (rec.point) map.showMark(rec.point, rec.container);
      else if (rec.slot?.block) map.flashBlock(rec.slot.block);
    },
    () => {},
  );
}

// ---- The feed.

// ?stream=poll polls instead of following the event stream.
const feed = liveFeed({ stream: new URLSearchParams(location.search).get('stream') !== 'poll' });
feed.on('yard', (y) => {
  if ((y.past != null) !== (state.mode === 'past')) return; // an answer for the other mode
  const moved = y.position !== state.position;
  Object.assign(state, { yard: y, status: 'live', error: null, updated: y.at, position: y.position });
  map.setYard(y);
  showTotals(el.totals, y.summary, state.visits);
  showAnomalyCounts(el.anomalyCounts, y.summary.anomalies);
  renderBlockList();
  if (blockView.id) blockView.refreshIfChanged(blockSig(blockView.id));
  if (!y.past && (moved || y.receivedAt != null)) updateApplied(y.receivedAt);
  renderStatus();
  if (moved && !y.past) search.refresh();
});
feed.on('vessels', (visits) => {
  state.visits = visits;
  map.setVessels(visits);
  showVessels(el.vessels, visits);
  if (state.yard) showTotals(el.totals, state.yard.summary, visits);
});
feed.on('anomalies', (list) => {
  state.anomalies = list;
  showAnomalies(el.anomalies, list, pickAnomaly);
});
feed.on('machine', (m) => {
  if (state.mode !== 'live') return;
  map.moveMachine(m);
  updateApplied(m.receivedAt);
  statusSoon();
});
feed.on('machineStatus', (m) => {
  if (state.mode !== 'live') return;
  map.setMachineStatus(m.id, m.status);
  updateApplied(m.receivedAt);
  statusSoon();
});
feed.on('event', (e) => timebar.extend(e.time));
feed.on('stream', ({ stream }) => {
  state.stream = stream;
  renderStatus();
});
feed.on('error', ({ error }) => {
  state.status = 'error';
  state.error = error;
  renderStatus();
});

// ---- Language.

function setLang(tag) {
  const lang = setLanguage(tag);
  rememberLanguage(lang);
  el.lang.value = lang;
  translatePage();
  renderTitle();
  renderTotalsTitle();
  renderLegend();
  map.recolour();
  map.invalidate();
  tooltip.hide();
  forget(el.totals, el.vessels, el.anomalies);
  if (state.yard) {
    showTotals(el.totals, state.yard.summary, state.visits);
    showAnomalyCounts(el.anomalyCounts, state.yard.summary.anomalies);
  }
  if (state.visits) showVessels(el.vessels, state.visits);
  if (state.anomalies) showAnomalies(el.anomalies, state.anomalies, pickAnomaly);
  renderBlockList();
  blockView.rerender();
  kpiPanel.rerender();
  search.rerender();
  timebar.render();
  renderStatus();
}

// ---- Start.

el.lang.value = pickLanguage();
el.lang.addEventListener('change', () => setLang(el.lang.value));
let savedMode = 'fill';
try {
  savedMode = localStorage.getItem(modeKey) ?? 'fill';
} catch {
  // storage disabled
}
const urlMode = new URLSearchParams(location.search).get('colour');
el.colourMode.addEventListener('change', () => setColourMode(el.colourMode.value));
setColourMode(colourModes.includes(urlMode) ? urlMode : savedMode);

feed.start();
loadLayout();
kpiPanel.start();
api.firstEventTime().then((first) => {
  if (first != null) {
    state.firstTime = first;
    timebar.setSpan(first, null);
  }
});
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

// Keyboard: "/" to search, + and − to zoom, 0 to fit anywhere outside a text field; Esc closes the
// block view (or drops the highlight); arrows pan and Enter opens the block in the middle when the
// map has the focus.
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape') {
    tooltip.hide();
    if (e.target === el.search) return; // the search box clears itself
    if (blockView.id) blockView.close();
    else map.clearFlash();
    return;
  }
  if (isTyping(e)) return;
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
    default:
  }
});
el.map.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    const hit = map.centreHit();
    if (hit?.type === 'block') openBlock(hit.block.id, { opener: el.map, focus: true });
    return;
  }
  const step = e.shiftKey ? 240 : 60;
  const d = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
  if (!d) return;
  e.preventDefault();
  map.panBy(...d);
});
