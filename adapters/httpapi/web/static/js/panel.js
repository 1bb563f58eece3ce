// The side panel: totals, vessels in port and the latest anomalies, and the status line.

import { h } from './dom.js';
import { errorText, int, label, pct, t, time } from './i18n.js';

/** maxVessels and maxAnomalies bound the lists, so the panel fits a screen. */
const maxVessels = 12;
const maxAnomalies = 8;

/** setTotal writes one total: its text, and its raw value in data-value for tests and scripts. */
function setTotal(root, key, value, text, note) {
  const dd = root.querySelector(`[data-total="${key}"] dd`);
  if (!dd) return;
  dd.dataset.value = String(value);
  dd.replaceChildren(h('span', { class: 'value', text }));
  if (note) dd.append(h('small', { text: note }));
}

/** showTotals fills #totals from the body of /api/v1/yard and the vessel visits. */
export function showTotals(root, summary, visits) {
  const byWhere = Object.entries(summary.by_where ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([w, n]) => `${label('where', w)} ${int(n)}`)
    .join(' · ');
  setTotal(root, 'containers', summary.containers, int(summary.containers), byWhere);
  setTotal(root, 'in_yard', summary.in_yard, int(summary.in_yard));
  setTotal(root, 'fill', summary.fill, pct(summary.fill), t('totals.capacity', { n: int(summary.capacity) }));
  setTotal(root, 'teu', summary.teu_in_yard, int(summary.teu_in_yard));
  setTotal(root, 'equipment', summary.equipment, int(summary.equipment));
  if (visits) {
    const n = visits.filter((v) => v.state === 'berthed').length;
    setTotal(root, 'vessels_at_berth', n, int(n));
  }
}

const stateOrder = { berthed: 0, arrived: 1, departed: 2 };

/** showVessels lists the vessels in port: at berth first, then those waiting. */
export function showVessels(list, visits) {
  const inPort = visits
    .filter((v) => v.state !== 'departed')
    .sort((a, b) => (stateOrder[a.state] ?? 3) - (stateOrder[b.state] ?? 3) || String(a.berth ?? '').localeCompare(String(b.berth ?? '')));
  if (inPort.length === 0) {
    list.replaceChildren(h('li', { class: 'empty', text: t('vessels.none') }));
    return;
  }
  const items = inPort.slice(0, maxVessels).map((v) => {
    const moves = t('vessels.moves', { discharged: int(v.discharged), loaded: int(v.loaded) }) +
      (v.planned_moves ? ' ' + t('vessels.planned', { planned: int(v.planned_moves) }) : '');
    const facts = [
      v.berth && t('vessels.berth', { berth: v.berth }),
      v.state === 'arrived' ? t('vessels.arrived', { time: time(v.arrived) }) : moves,
    ];
    return h(
      'li',
      { dataset: { visit: v.visit, state: v.state } },
      h('div', { class: 'line' },
        h('span', { class: 'name', title: v.visit, text: v.vessel || v.visit }),
        h('span', { class: `badge state-${v.state}`, text: label('visit', v.state) }),
      ),
      h('div', { class: 'detail muted', text: facts.filter(Boolean).join(' · ') }),
    );
  });
  if (inPort.length > maxVessels) items.push(h('li', { class: 'more', text: t('vessels.more', { n: int(inPort.length - maxVessels) }) }));
  list.replaceChildren(...items);
}

/** showAnomalyCounts writes the number of anomalies by kind (from /api/v1/yard). */
export function showAnomalyCounts(el, counts) {
  const entries = Object.entries(counts ?? {}).filter(([, n]) => n > 0);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  el.dataset.total = String(total);
  if (total === 0) {
    el.replaceChildren(t('anomalies.none'));
    return;
  }
  el.replaceChildren(
    h('span', { class: 'total', text: t('anomalies.total', { n: int(total) }) }),
    h(
      'ul',
      { class: 'counts' },
      entries.sort((a, b) => b[1] - a[1]).map(([k, n]) => h('li', { dataset: { kind: k } }, h('span', { text: label('anomaly', k) }), h('span', { class: 'n', text: int(n) }))),
    ),
  );
}

/** showAnomalies lists the newest anomalies, newest first. */
export function showAnomalies(list, anomalies) {
  const latest = anomalies.slice(-maxAnomalies).reverse();
  list.replaceChildren(
    ...latest.map((a) =>
      h(
        'li',
        { dataset: { kind: a.kind, position: a.position } },
        h('div', { class: 'head' }, h('span', { class: 'kind', text: label('anomaly', a.kind) }), h('time', { datetime: a.at, text: time(a.at) })),
        h('div', { class: 'detail', text: a.detail }),
      ),
    ),
  );
}

/**
 * showStatus writes the status line and its data attributes: data-state (connecting, live, stale,
 * error), data-blocks and data-equipment (drawn), data-position (last event folded) and data-updated
 * (the last refresh, RFC 3339).
 */
export function showStatus(el, { state, error, position, updated, blocks, equipment, staleSeconds }) {
  el.dataset.state = state;
  el.dataset.blocks = String(blocks);
  el.dataset.equipment = String(equipment);
  if (position != null) el.dataset.position = String(position);
  if (updated) el.dataset.updated = updated.toISOString();
  const parts = [];
  if (state === 'connecting') parts.push(t('status.connecting'));
  else if (state === 'error') parts.push(t('status.error', { error: errorText(error) }));
  else if (state === 'stale') parts.push(t('status.stale', { seconds: int(staleSeconds) }));
  else parts.push(t('status.live'));
  if (position != null) parts.push(t('status.position', { position: int(position) }));
  if (updated) parts.push(t('status.updated', { time: time(updated) }));
  parts.push(t('status.counts', { blocks: int(blocks), equipment: int(equipment) }));
  el.querySelector('.text').textContent = parts.join(' · ');
}
