// The side panel: totals, vessels in port and the latest anomalies, and the status line. Each part
// is rewritten only when what it shows changed.

import { h } from './dom.js';
import { dateTime, errorText, int, label, pct, t, time } from './i18n.js';

/** maxVessels and maxAnomalies bound the lists, so the panel fits a screen. */
const maxVessels = 12;
const maxAnomalies = 8;

/** setTotal writes one total: its text, and its raw value in data-value for tests and scripts. */
function setTotal(root, key, value, text, note) {
  const dd = root.querySelector(`[data-total="${key}"] dd`);
  if (!dd) return;
  const sig = `${value}|${text}|${note ?? ''}`;
  if (dd._sig === sig) return;
  dd._sig = sig;
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
  const sig = JSON.stringify(visits);
  if (list._sig === sig) return;
  list._sig = sig;
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

/**
 * showAnomalies lists the newest anomalies, newest first. Each item is a button of sorts (click,
 * Enter or Space): onPick(anomaly, li) shows where it happened.
 */
export function showAnomalies(list, anomalies, onPick) {
  const latest = anomalies.slice(-maxAnomalies).reverse();
  const sig = JSON.stringify(latest);
  if (list._sig === sig) return;
  list._sig = sig;
  const pick = (a) => (e) => {
    if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    for (const li of list.children) li.removeAttribute('aria-current');
    e.currentTarget.setAttribute('aria-current', 'true');
    onPick?.(a, e.currentTarget);
  };
  list.replaceChildren(
    ...latest.map((a) => {
      const where = a.slot ? `${a.slot.block}.${pad2(a.slot.bay)}.${pad2(a.slot.row)}.${a.slot.tier}` : '';
      return h(
        'li',
        {
          dataset: { kind: a.kind, position: a.position, block: a.slot?.block, container: a.container },
          tabindex: '0',
          role: 'button',
          'aria-label': [label('anomaly', a.kind), where || a.container, t('anomalies.showWhere')].filter(Boolean).join(', '),
          on: { click: pick(a), keydown: pick(a) },
        },
        h('div', { class: 'head' }, h('span', { class: 'kind', text: label('anomaly', a.kind) }), h('time', { datetime: a.at, text: time(a.at) })),
        h('div', { class: 'detail', text: a.detail }),
        where ? h('div', { class: 'where', text: where }) : null,
      );
    }),
  );
}

const pad2 = (n) => String(n).padStart(2, '0');

/** forget drops what the lists and totals remember of what they show, so that the next call rewrites them (after a change of language). */
export function forget(...els) {
  for (const el of els) {
    delete el._sig;
    for (const dd of el.querySelectorAll?.('dd') ?? []) delete dd._sig;
  }
}

/**
 * showStatus writes the status line and its data attributes: data-state (connecting, live, stale,
 * error), data-blocks and data-equipment (drawn), data-position (last event folded), data-updated
 * (the last refresh, RFC 3339), data-mode (live, or past when a past moment is shown), data-stream
 * (sse, poll, or connecting) and data-updates (live changes applied).
 */
export function showStatus(el, { state, error, position, updated, blocks, equipment, staleSeconds, mode, stream, updates, pastAt }) {
  el.dataset.state = state;
  el.dataset.blocks = String(blocks);
  el.dataset.equipment = String(equipment);
  el.dataset.mode = mode;
  el.dataset.stream = stream;
  el.dataset.updates = String(updates);
  if (position != null) el.dataset.position = String(position);
  if (updated) el.dataset.updated = updated.toISOString();
  const parts = [];
  if (state === 'connecting') parts.push(t('status.connecting'));
  else if (state === 'error') parts.push(t('status.error', { error: errorText(error) }));
  else if (mode === 'past') parts.push(t('status.past', { time: dateTime(pastAt) }));
  else if (state === 'stale') parts.push(t('status.stale', { seconds: int(staleSeconds) }));
  else parts.push(t(stream === 'sse' ? 'status.liveStream' : 'status.live'));
  if (position != null) parts.push(t('status.position', { position: int(position) }));
  if (updated) parts.push(t('status.updated', { time: time(updated) }));
  parts.push(t('status.counts', { blocks: int(blocks), equipment: int(equipment) }));
  el.querySelector('.text').textContent = parts.join(' · ');
}
