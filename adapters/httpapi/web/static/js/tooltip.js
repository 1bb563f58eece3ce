// The map tooltip: what is under the pointer, a block or a machine.

import { h } from './dom.js';
import { int, label, pct, t, time } from './i18n.js';

/**
 * blockTip describes a block: its fill now and how it is laid out; extra is a line for what the map's
 * colour mode shows that the rest does not (the mean dwell).
 */
export function blockTip(block, live, extra) {
  const p = block.props ?? {};
  const kindLine = [p.equipment, p.purpose && label('purpose', p.purpose)].filter(Boolean).join(' · ');
  const lines = [h('strong', { text: t('tooltip.block', { id: block.id }) }), kindLine ? h('div', { class: 'muted', text: kindLine }) : null];
  if (live) {
    // Capacity and fill count TEU (a 40-ft box takes two 20-ft slots); boxes counts containers.
    lines.push(
      h('div', { text: `${t('tooltip.teu', { teu: int(live.teu), capacity: int(live.capacity) })} · ${t('tooltip.fill', { fill: pct(live.fill) })}` }),
      h('div', { text: t('tooltip.boxes', { boxes: int(live.boxes) }) }),
    );
    if (live.reefer_plugs || live.reefers) lines.push(h('div', { text: t('tooltip.reefers', { reefers: int(live.reefers), plugs: int(live.reefer_plugs) }) }));
    const cats = Object.entries(live.by_category ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (cats.length) {
      lines.push(h('ul', { class: 'cats' }, cats.map(([c, n]) => h('li', {}, h('span', { text: label('category', c) }), h('span', { class: 'n', text: int(n) })))));
    }
    if (extra) lines.push(h('div', { text: extra }));
    if (live.fill > 1) lines.push(h('div', { class: 'warning', text: t('tooltip.overfull') }));
  }
  if (p.bays && p.rows && p.max_tiers) lines.push(h('div', { class: 'muted', text: t('tooltip.layout', { bays: p.bays, rows: p.rows, tiers: p.max_tiers }) }));
  return lines;
}

/** machineTip describes a machine: kind, status, where it is and when it last reported. */
export function machineTip(m) {
  return [
    h('strong', { text: m.id }),
    h('div', { text: [label('kind', m.kind), m.status && label('machine', m.status)].filter(Boolean).join(' · ') }),
    m.place ? h('div', { text: t('tooltip.place', { place: m.place }) }) : null,
    m.at ? h('div', { class: 'muted', text: t('tooltip.lastReport', { time: time(m.at) }) }) : null,
  ];
}

/** Tooltip shows content beside the pointer, kept inside its container. */
export class Tooltip {
  constructor(el) {
    this.el = el;
  }

  show(content, clientX, clientY) {
    const el = this.el;
    el.replaceChildren(...content.filter(Boolean));
    el.hidden = false;
    const box = el.offsetParent?.getBoundingClientRect() ?? { left: 0, top: 0, width: innerWidth, height: innerHeight };
    const w = el.offsetWidth;
    const hgt = el.offsetHeight;
    let x = clientX - box.left + 14;
    let y = clientY - box.top + 14;
    if (x + w > box.width - 8) x = clientX - box.left - w - 14;
    if (y + hgt > box.height - 8) y = Math.max(8, clientY - box.top - hgt - 14);
    el.style.transform = `translate(${Math.max(8, x)}px, ${y}px)`;
  }

  hide() {
    this.el.hidden = true;
  }
}
