// The block list (#block-list): every block as a button coloured as on the map, so that the blocks
// can be reached without a pointer. The list is one tab stop; arrow keys, Home and End move between
// blocks (the block focused is outlined on the map), Enter or a click opens its block view.

import { h } from './dom.js';
import { t } from './i18n.js';

export class BlockList {
  /** list is the <ul>; onOpen(id, button) opens a block; onFocus(id or null) follows the focus. */
  constructor(list, { onOpen = () => {}, onFocus = () => {} } = {}) {
    Object.assign(this, { list, onOpen, onFocus });
    this.ids = [];
    this.buttons = new Map();
    this.current = null; // the block that takes the tab stop
    list.addEventListener('keydown', (e) => this.onKey(e));
    list.addEventListener('focusin', (e) => {
      const li = e.target.closest('li[data-block]');
      if (li) {
        this.setCurrent(li.dataset.block);
        this.onFocus(li.dataset.block);
      }
    });
    list.addEventListener('focusout', (e) => {
      if (!list.contains(e.relatedTarget)) this.onFocus(null);
    });
  }

  /**
   * update shows the blocks ids, each styled by styleOf(id) → {css, ink, sub, text}. The buttons are made
   * when the list of blocks changes, and only restyled otherwise.
   */
  update(ids, styleOf) {
    if (ids.join() !== this.ids.join()) {
      this.ids = ids.slice();
      this.buttons.clear();
      if (!ids.includes(this.current)) this.current = ids[0] ?? null;
      this.list.replaceChildren(...ids.map((id) => {
        const b = h('button', { type: 'button', tabindex: id === this.current ? '0' : '-1', on: { click: () => this.onOpen(id, b) } },
          h('span', { class: 'id', text: id }), h('small', {}));
        this.buttons.set(id, b);
        return h('li', { dataset: { block: id } }, b);
      }));
    }
    for (const id of ids) {
      const b = this.buttons.get(id);
      const st = styleOf(id);
      const text = t('blocks.item', { id, value: st.text || t('legend.noData') });
      const sig = `${st.css}|${st.sub}|${text}`;
      if (b._sig === sig) continue;
      b._sig = sig;
      b.style.background = st.css ?? '';
      b.style.color = st.ink ?? '';
      b.classList.toggle('no-data', !st.css);
      b.lastChild.textContent = st.sub || '–';
      b.setAttribute('aria-label', text);
      b.title = text;
    }
  }

  /** mark sets aria-current on the block whose view is open (null: none). */
  mark(id) {
    for (const [bid, b] of this.buttons) {
      if (bid === id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
  }

  /** focus puts the keyboard on a block's button. */
  focus(id) {
    this.buttons.get(id)?.focus();
  }

  setCurrent(id) {
    if (id === this.current) return;
    this.buttons.get(this.current)?.setAttribute('tabindex', '-1');
    this.current = id;
    this.buttons.get(id)?.setAttribute('tabindex', '0');
  }

  onKey(e) {
    const i = this.ids.indexOf(this.current);
    if (i < 0) return;
    // Up and down move by a line of the wrapped list: as many blocks as share the first one's top.
    const items = this.list.children;
    let cols = 1;
    while (cols < items.length && items[cols].offsetTop === items[0].offsetTop) cols++;
    let j;
    switch (e.key) {
      case 'ArrowLeft':
        j = Math.max(0, i - 1);
        break;
      case 'ArrowRight':
        j = Math.min(this.ids.length - 1, i + 1);
        break;
      case 'ArrowUp':
        j = i - cols >= 0 ? i - cols : i;
        break;
      case 'ArrowDown':
        j = i + cols < this.ids.length ? i + cols : i;
        break;
      case 'Home':
        j = 0;
        break;
      case 'End':
        j = this.ids.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.setCurrent(this.ids[j]);
    this.buttons.get(this.ids[j]).focus();
  }
}
