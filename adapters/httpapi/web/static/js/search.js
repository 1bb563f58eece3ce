// Container search: type a container number, press Enter, see where the box is, where on the map, and
// its history of moves (#search-history, newest first). In the past (setAt), the box as it was then.

import * as api from './api.js';
import { h } from './dom.js';
import { dateTime, errorText, int, label, t } from './i18n.js';

/** slotText writes a yard slot as block.bay.row.tier, e.g. A01.07.03.2. */
export function slotText(s) {
  return `${s.block}.${String(s.bay).padStart(2, '0')}.${String(s.row).padStart(2, '0')}.${s.tier}`;
}

/** moveWhere says where a move of a box's history left it. */
function moveWhere(m) {
  if (m.slot) return slotText(m.slot);
  if (m.truck) return t('history.onTruck', { truck: m.truck });
  if (m.visit && (m.where === 'vessel' || m.where === 'quay')) return `${label('where', m.where)} (${m.visit})`;
  return label('where', m.where);
}

/**
 * bindSearch wires the search form. onFound(record, {fly}) is called with the container's record
 * (fly is true for a new search, false for a refresh of the same box); onClear when the result goes.
 * It returns {refresh, clear, find, setAt, rerender}: refresh asks again for the box shown, so that
 * the result follows it; find(id) looks a box up as if typed; setAt(at) shows boxes as they were at
 * that moment (null: now); rerender writes the result again (after a change of language).
 */
export function bindSearch({ form, input, out, onFound, onClear }) {
  let current = ''; // the container found and shown, canonical form
  let seq = 0; // the latest request; older answers are dropped
  let busy = false; // a request is in flight
  let shown = ''; // the record shown, as JSON: a refresh that finds the same redraws nothing
  let at = null; // the moment shown, null for now
  let last = null; // the record shown

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    find(input.value, true);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      input.value = '';
      clear();
    }
  });

  async function find(text, fly) {
    // The server accepts spaces, dashes and lower case too; normalising here keeps the shown id tidy.
    const id = text.toUpperCase().replace(/[\s-]/g, '');
    if (!id) {
      clear();
      return;
    }
    const mine = ++seq;
    busy = true;
    if (fly) {
      current = '';
      out.dataset.state = 'loading';
      out.replaceChildren(h('p', { class: 'muted', text: t('search.looking', { id }) }));
    }
    try {
      const rec = await api.container(id, { at });
      if (mine !== seq) return;
      const json = JSON.stringify(rec);
      if (!fly && json === shown) return;
      shown = json;
      current = rec.container;
      last = rec;
      render(rec);
      onFound(rec, { fly });
    } catch (err) {
      if (mine !== seq) return;
      if (!fly && err.status === 0) return; // a refresh that failed: keep what is shown
      current = '';
      shown = '';
      out.dataset.state = 'error';
      out.dataset.error = String(err.status ?? 0);
      const msg =
        err.status === 404 ? t('search.notFound', { id })
        : err.status === 400 ? t('search.malformed', { reason: err.message.replace(/^container: /, '') })
        : t('search.failed', { error: errorText(err) });
      out.replaceChildren(h('p', { class: 'error', role: 'alert', text: msg }));
      onClear();
    } finally {
      if (mine === seq) busy = false;
    }
  }

  function clear() {
    seq++;
    busy = false;
    current = '';
    shown = '';
    last = null;
    out.dataset.state = 'empty';
    delete out.dataset.error;
    delete out.dataset.container;
    out.replaceChildren();
    onClear();
  }

  function render(rec) {
    out.dataset.state = 'found';
    out.dataset.container = rec.container;
    delete out.dataset.error;
    const rows = [];
    const row = (key, ...value) => rows.push(h('dt', { text: t(key) }), h('dd', {}, ...value));
    if (rec.slot) {
      const s = rec.slot;
      row('search.slot', h('code', { text: slotText(s) }), ' ', h('small', { text: t('search.slotText', s) }));
    }
    if (rec.truck) row('search.truck', rec.truck);
    if (rec.visit) row('search.visit', rec.visit);
    row('search.since', h('time', { datetime: rec.since, text: dateTime(rec.since) }));
    if (rec.entered) row('search.entered', h('time', { datetime: rec.entered, text: dateTime(rec.entered) }));
    const type = [rec.size_type, rec.category && label('category', rec.category), rec.reefer && t('search.reefer')].filter(Boolean).join(' · ');
    if (type) row('search.type', type);
    if (rec.weight_kg) row('search.weight', t('search.weightKg', { n: int(rec.weight_kg) }));
    if (rec.holds?.length) row('search.holds', ...rec.holds.map((x) => h('span', { class: 'badge hold', text: x })));
    out.replaceChildren(...[
      h('div', { class: 'result-head' }, h('strong', { class: 'container-id', text: rec.container }), h('span', { class: `badge where-${rec.where}`, text: label('where', rec.where) })),
      rec.check_digit_ok ? null : h('p', { class: 'warning', text: t('search.checkDigit') }),
      h('dl', { class: 'facts' }, rows),
      rec.point
        ? h('div', { class: 'actions' },
            h('button', { type: 'button', id: 'search-show', text: t('search.showOnMap'), on: { click: () => onFound(rec, { fly: true }) } }),
            h('button', { type: 'button', class: 'secondary', text: t('search.clear'), on: { click: () => { input.value = ''; clear(); input.focus(); } } }),
          )
        : h('p', { class: 'muted', text: t('search.noPoint') }),
      history(rec.history ?? []),
    ].filter(Boolean));
  }

  function history(moves) {
    if (moves.length === 0) return null;
    return h('div', { class: 'history' },
      h('h3', { id: 'search-history-title', text: t('history.title') }),
      h('ol', { id: 'search-history', reversed: true, 'aria-labelledby': 'search-history-title' },
        moves.slice().reverse().map((m) =>
          h('li', { dataset: { event: m.event, position: m.position } },
            h('time', { datetime: m.at, text: dateTime(m.at) }),
            h('span', { class: 'event', text: label('event', m.event) }),
            h('span', { class: 'where', text: moveWhere(m) + (m.crane ? ` · ${m.crane}` : '') }),
          ),
        ),
      ),
    );
  }

  return {
    refresh() {
      if (current && !busy) find(current, false);
    },
    clear,
    find(id) {
      input.value = id;
      return find(id, true);
    },
    setAt(moment) {
      at = moment;
      if (current) find(current, false);
    },
    rerender() {
      if (last && out.dataset.state === 'found') render(last);
    },
  };
}
