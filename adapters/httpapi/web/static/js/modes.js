// Colour modes: what the colour of a block on the map (and in the block list) says.
//
//   fill      TEU / capacity, viridis (the default).
//   category  the category with the most boxes in the block, in its Okabe–Ito colour; the label
//             gives that category's share of the block's boxes.
//   dwell     the mean dwell so far of the boxes in the block, in days, cividis. Dwell runs from
//             when a box entered the terminal (`entered`), or, when the twin did not see it enter
//             (it was in the yard when the log starts), from when it was put where it is (`since`),
//             to the newest event time the page knows (or the moment shown, in the past). It needs
//             every block's boxes, so it is computed from GET /api/v1/blocks/{id} of each block,
//             only while this mode is on (dwell.js), not from the per-category counts.
//   reefer    reefer plugs in use / reefer plugs, viridis; blocks without plugs are "no plugs".

import { int, label, num, pct, t } from './i18n.js';
import { categoryRGB, cividisRGB, fillRGB } from './palette.js';

/** colourModes lists the modes, in the order the switch offers them. */
export const colourModes = ['fill', 'category', 'dwell', 'reefer'];

/** isMode reports whether m names a colour mode. */
export const isMode = (m) => colourModes.includes(m);

/** dominantCategory returns [category, share 0..1] of a block's by_category, or null when empty. */
export function dominantCategory(byCategory) {
  let best = null;
  let bestN = 0;
  let total = 0;
  for (const [c, n] of Object.entries(byCategory ?? {})) {
    total += n;
    if (n > bestN || (n === bestN && best !== null && c < best)) {
      best = c;
      bestN = n;
    }
  }
  return best && total > 0 ? [best, bestN / total] : null;
}

/**
 * blockStyle returns how a block is coloured in a mode: rgb ([r, g, b], or null for "no data" in
 * that mode), sub (the short value written under the block's name), and text (what the colour
 * says, in words, for screen readers and the block list). live is the block's properties from yard.geojson merged with
 * its /api/v1/yard entry; dwell is {days: Map id → mean days, max} or null.
 */
export function blockStyle(mode, id, live, dwell) {
  const none = { rgb: null, sub: '', value: null, text: t('legend.noData') };
  if (!live) return none;
  switch (mode) {
    case 'category': {
      const dom = dominantCategory(live.by_category);
      if (!dom) return { ...none, text: t('legend.noBoxes') };
      return { rgb: categoryRGB(dom[0]), sub: pct(dom[1]), value: dom[0], text: t('blocks.category', { category: label('category', dom[0]), share: pct(dom[1]) }) };
    }
    case 'dwell': {
      const d = dwell?.days.get(id);
      if (d == null) return none;
      return { rgb: cividisRGB(d / (dwell.max || 1)), sub: t('legend.days', { n: num(d, 1) }), value: d, text: t('blocks.dwell', { days: num(d, 1) }) };
    }
    case 'reefer': {
      const plugs = live.reefer_plugs ?? 0;
      if (!plugs) return { ...none, text: t('legend.noPlugs') };
      const used = live.reefer_plugs_used ?? Math.min(live.reefers ?? 0, plugs);
      return { rgb: fillRGB(used / plugs), sub: `${int(used)}/${int(plugs)}`, value: used / plugs, text: t('blocks.reefer', { used: int(used), plugs: int(plugs) }) };
    }
    default:
      return { rgb: fillRGB(live.fill), sub: pct(live.fill), value: live.fill, text: t('blocks.fill', { fill: pct(live.fill) }) };
  }
}

/** niceMax rounds a positive number up to 1, 2 or 5 × 10ⁿ, for a legend's top tick. */
export function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const k of [1, 2, 5, 10]) if (k * p >= x) return k * p;
  return 10 * p;
}
