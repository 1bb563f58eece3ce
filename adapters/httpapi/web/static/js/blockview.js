// The block drill-down (#block-view): one block seen from above, bay × row, each ground slot a cell
// coloured by the height of its stack; the selected cell's stack listed tier by tier, top first,
// with each box's number, size-type, category, dwell so far and holds. From GET /api/v1/blocks/{id}
// (with ?at= in the past). At most one block, at most a few hundred cells: the cells are made once per
// block shape and only restyled on a refresh.
//
// Keyboard: the grid is one tab stop; arrow keys move between slots (and show their stack), Home and
// End go to the first and last bay of the row, Esc closes the view.

import * as api from './api.js';
import { h } from './dom.js';
import { boxDays } from './dwell.js';
import { errorText, int, label, num, pct, t } from './i18n.js';
import { cssRGB, fillRGB, inkOn } from './palette.js';

export class BlockView {
  /**
   * root is #block-view. onClose(block, hadFocus) is called when the view closes; onFind(container) when a box of
   * the stack is asked for; moment() returns {at, ref}: the past moment shown (null live) and the
   * time dwell runs to (epoch ms).
   */
  constructor(root, { onClose = () => {}, onFind = () => {}, moment = () => ({ at: null, ref: Date.now() }) } = {}) {
    Object.assign(this, { root, onClose, onFind, moment });
    this.view = null; // the last answer
    this.block = null; // block id shown
    this.cell = null; // [bay, row] selected
    this.cells = []; // buttons, by (row - 1) * bays + bay - 1
    this.shape = ''; // "bays×rows" of the cells made
    this.seq = 0;
    this.busy = false;
    this.again = false;
    this.sig = ''; // what the map last said of the block (refreshIfChanged)

    this.title = h('h2', { id: 'block-view-title' });
    this.facts = h('p', { class: 'facts muted' });
    this.closeButton = h('button', { type: 'button', class: 'close', on: { click: () => this.close() } }, '×');
    this.message = h('p', { class: 'message muted', role: 'status' });
    this.slots = h('div', { class: 'slots', role: 'group' });
    this.bayAxis = h('div', { class: 'axis bays', 'aria-hidden': 'true' });
    this.rowAxis = h('div', { class: 'axis rows', 'aria-hidden': 'true' });
    this.stackTitle = h('h3', { id: 'block-stack-title' });
    this.stack = h('ol', { class: 'stack', 'aria-labelledby': 'block-stack-title', 'aria-live': 'polite' });
    this.heightKey = h('div', { class: 'height-key', 'aria-hidden': 'true' });
    root.replaceChildren(
      h('header', { class: 'block-head' }, h('div', {}, this.title, this.facts), this.closeButton),
      this.message,
      h('div', { class: 'block-body' },
        h('div', { class: 'grid-pane' }, h('div', { class: 'grid-wrap' }, h('span', { class: 'corner' }), this.bayAxis, this.rowAxis, this.slots), this.heightKey),
        h('div', { class: 'stack-pane' }, this.stackTitle, this.stack),
      ),
    );
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      }
    });
    this.slots.addEventListener('keydown', (e) => this.onKey(e));
    this.slots.addEventListener('click', (e) => {
      const b = e.target.closest('.slot');
      if (b) this.pick(Number(b.dataset.bay), Number(b.dataset.row), false);
    });
    this.labels();
  }

  /** id is the block shown, or null. */
  get id() {
    return this.root.hidden ? null : this.block;
  }

  labels() {
    this.closeButton.setAttribute('aria-label', t('block.close'));
    this.closeButton.title = t('block.close');
    this.slots.setAttribute('aria-label', t('block.grid'));
  }

  /** open shows a block; with focus, the keyboard goes to its grid once it is drawn. */
  async open(id, { focus = false } = {}) {
    const other = id !== this.block;
    this.block = id;
    this.root.dataset.block = id;
    this.root.hidden = false;
    if (other) {
      this.view = null;
      this.cell = null;
      this.sig = '';
      this.title.textContent = t('block.title', { id });
      this.facts.textContent = '';
      this.stack.replaceChildren();
      this.stackTitle.textContent = '';
      this.root.dataset.state = 'loading';
      this.message.textContent = t('block.loading');
      this.message.hidden = false;
    }
    await this.load();
    if (focus && this.block === id) (this.cellButton(...(this.cell ?? [1, 1])) ?? this.closeButton).focus();
  }

  /** close hides the view; onClose(block, hadFocus) says whether the keyboard was in it. */
  close() {
    if (this.root.hidden) return;
    const hadFocus = this.root.contains(document.activeElement);
    this.root.hidden = true;
    this.seq++;
    delete this.root.dataset.block;
    const was = this.block;
    this.block = null;
    this.onClose(was, hadFocus);
  }

  /** refresh asks again for the block shown. */
  refresh() {
    if (this.id) this.load();
  }

  /**
   * refreshIfChanged refreshes when sig (what the map knows of the block: boxes, TEU…) differs from
   * the last one, so that a live change to the yard elsewhere costs nothing here.
   */
  refreshIfChanged(sig) {
    if (!this.id || sig === this.sig) return;
    const first = this.sig === '';
    this.sig = sig;
    if (!first) this.load();
  }

  /** rerender writes the view again (after a change of language). */
  rerender() {
    this.labels();
    this.relabel = true;
    if (this.view) this.render(this.view);
    else if (this.block) this.title.textContent = t('block.title', { id: this.block });
  }

  async load() {
    if (this.busy) {
      this.again = true;
      return;
    }
    const id = this.block;
    const mine = ++this.seq;
    this.busy = true;
    try {
      const view = await api.block(id, { at: this.moment().at });
      if (mine !== this.seq || id !== this.block) return;
      this.view = view;
      this.message.hidden = true;
      this.root.dataset.state = 'ready';
      this.render(view);
    } catch (err) {
      if (mine !== this.seq || id !== this.block) return;
      this.root.dataset.state = 'error';
      this.message.textContent = t('block.failed', { error: errorText(err) });
      this.message.hidden = false;
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        if (this.id) this.load();
      }
    }
  }

  render(v) {
    const bays = v.bays || 1;
    const rows = v.rows || 1;
    const tiers = v.max_tiers || 1;
    this.title.textContent = t('block.title', { id: v.block });
    this.facts.textContent = [
      [v.equipment, v.purpose && label('purpose', v.purpose)].filter(Boolean).join(' · '),
      t('block.boxes', { n: int(v.boxes) }),
      t('block.fill', { fill: pct(v.fill), teu: int(v.teu), capacity: int(v.capacity) }),
      v.reefer_plugs ? t('block.plugs', { used: int(v.reefer_plugs_used), plugs: int(v.reefer_plugs) }) : null,
      t('block.shape', { bays, rows, tiers }),
    ].filter(Boolean).join(' · ');

    const shape = `${bays}×${rows}`;
    if (shape !== this.shape) this.build(bays, rows);
    this.stacks = new Map();
    for (const st of v.stacks ?? []) this.stacks.set(`${st.bay}.${st.row}`, st);
    for (let row = 1; row <= rows; row++) {
      for (let bay = 1; bay <= bays; bay++) {
        const st = this.stacks.get(`${bay}.${row}`);
        const n = st?.boxes?.length ?? 0;
        const held = st?.boxes?.some((b) => b.holds?.length) ?? false;
        const b = this.cells[(row - 1) * bays + bay - 1];
        const sig = `${n}|${held}|${st?.boxes?.map((x) => x.container).join(',') ?? ''}`;
        if (b._sig === sig && !this.relabel) continue;
        b._sig = sig;
        b.dataset.height = String(n);
        b.classList.toggle('held', held);
        if (n > 0) {
          const rgb = fillRGB(n / tiers);
          b.style.background = cssRGB(rgb);
          b.style.color = inkOn(rgb);
          b.textContent = String(n);
        } else {
          b.style.background = '';
          b.style.color = '';
          b.textContent = '';
        }
        b.setAttribute('aria-label', t(held ? 'block.slotHeld' : 'block.slot', { bay, row, n, tiers }));
      }
    }
    this.relabel = false;
    this.heightKey.replaceChildren(
      h('span', { text: t('block.height') }),
      ...Array.from({ length: tiers + 1 }, (_, n) => {
        const key = h('span', { class: 'key', text: String(n) });
        if (n) {
          // Through the CSSOM, not a style attribute: the page's CSP refuses inline styles.
          const rgb = fillRGB(n / tiers);
          key.style.background = cssRGB(rgb);
          key.style.color = inkOn(rgb);
        }
        return key;
      }),
    );
    // Keep the slot chosen; else the first stack, so that something is listed at once.
    if (!this.cell || this.cell[0] > bays || this.cell[1] > rows) {
      const first = v.stacks?.[0];
      this.cell = first ? [first.bay, first.row] : [1, 1];
    }
    this.pick(...this.cell, false, true);
  }

  build(bays, rows) {
    this.shape = `${bays}×${rows}`;
    this.slots.style.setProperty('--bays', bays);
    this.slots.style.setProperty('--rows', rows);
    this.root.style.setProperty('--bays', bays);
    this.root.style.setProperty('--rows', rows);
    this.cells = [];
    for (let row = 1; row <= rows; row++) {
      for (let bay = 1; bay <= bays; bay++) {
        this.cells.push(h('button', { type: 'button', class: 'slot', tabindex: '-1', dataset: { bay, row }, 'aria-pressed': 'false' }));
      }
    }
    this.slots.replaceChildren(...this.cells);
    const step = bays > 20 ? 5 : 1;
    this.bayAxis.replaceChildren(...Array.from({ length: bays }, (_, i) => h('span', { text: (i + 1) % step === 0 || i === 0 ? String(i + 1) : '' })));
    this.rowAxis.replaceChildren(...Array.from({ length: rows }, (_, i) => h('span', { text: String(i + 1) })));
  }

  cellButton(bay, row) {
    const bays = this.view?.bays || 1;
    return this.cells[(row - 1) * bays + bay - 1] ?? null;
  }

  /** pick selects a slot and lists its stack; with focus, the keyboard goes to it. */
  pick(bay, row, focus, quiet = false) {
    const prev = this.cell && this.cellButton(...this.cell);
    if (prev) {
      prev.tabIndex = -1;
      prev.setAttribute('aria-pressed', 'false');
    }
    this.cell = [bay, row];
    const b = this.cellButton(bay, row);
    if (b) {
      b.tabIndex = 0;
      b.setAttribute('aria-pressed', 'true');
      if (focus) b.focus();
    }
    this.showStack(bay, row, quiet);
  }

  showStack(bay, row) {
    if (!this.view) return;
    const st = this.stacks?.get(`${bay}.${row}`);
    this.stackTitle.textContent = t('block.stackTitle', { bay, row });
    this.stack.dataset.selectedSlot = `${bay}.${row}`; // not data-bay/data-row: those mark the cells
    if (!st?.boxes?.length) {
      this.stack.replaceChildren(h('li', { class: 'empty', text: t('block.emptySlot') }));
      return;
    }
    const { ref } = this.moment();
    this.stack.replaceChildren(
      ...st.boxes.slice().reverse().map((b) => {
        const days = boxDays(b, ref);
        return h('li', { dataset: { container: b.container, tier: b.tier } },
          h('span', { class: 'tier', title: t('block.tier', { tier: b.tier }), text: t('block.tierShort', { tier: b.tier }) }),
          h('button', { type: 'button', class: 'box-id', title: t('block.find'), 'aria-label': t('block.findBox', { id: b.container }), text: b.container, on: { click: () => this.onFind(b.container) } }),
          h('span', { class: 'box-facts' },
            [b.size_type, b.category && label('category', b.category), b.reefer && t('search.reefer'),
              days != null ? t(b.entered ? 'block.dwell' : 'block.dwellSince', { days: num(days, 1) }) : null].filter(Boolean).join(' · '),
          ),
          b.holds?.length ? h('span', { class: 'holds' }, b.holds.map((x) => h('span', { class: 'badge hold', text: label('hold', x) }))) : null,
        );
      }),
    );
  }

  onKey(e) {
    if (!this.view || !this.cell) return;
    const bays = this.view.bays || 1;
    const rows = this.view.rows || 1;
    let [bay, row] = this.cell;
    switch (e.key) {
      case 'ArrowLeft': bay = Math.max(1, bay - 1); break;
      case 'ArrowRight': bay = Math.min(bays, bay + 1); break;
      case 'ArrowUp': row = Math.max(1, row - 1); break;
      case 'ArrowDown': row = Math.min(rows, row + 1); break;
      case 'Home': bay = 1; break;
      case 'End': bay = bays; break;
      default: return;
    }
    e.preventDefault();
    this.pick(bay, row, true);
  }
}
