// The map legend: the scale of the colour mode shown, the equipment symbols and the status colours,
// drawn with the same functions as the map so the two cannot disagree. The colour-mode switch
// (#colour-mode) sits in index.html, above the scale.

import { h } from './dom.js';
import { label, num, pct, t } from './i18n.js';
import { categoryColours, cividisRGB, cssRGB, fillColour, readTheme, statusColours } from './palette.js';
import { drawSymbol, kinds } from './symbols.js';

function canvas(width, height, draw) {
  const dpr = window.devicePixelRatio || 1;
  const c = h('canvas', { width: Math.round(width * dpr), height: Math.round(height * dpr), 'aria-hidden': 'true' });
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
  const ctx = c.getContext('2d');
  ctx.scale(dpr, dpr);
  draw(ctx);
  return c;
}

const rampWidth = 160;

function ramp(colour) {
  return canvas(rampWidth, 12, (ctx) => {
    for (let x = 0; x < rampWidth; x++) {
      ctx.fillStyle = colour(x / (rampWidth - 1));
      ctx.fillRect(x, 0, 1, 12);
    }
  });
}

function swatch(colour, kind, theme) {
  return canvas(18, 18, (ctx) => {
    if (kind) drawSymbol(ctx, kind, 9, 9, 14, colour, theme.symbolStroke);
    else {
      ctx.fillStyle = colour;
      ctx.fillRect(2, 2, 14, 14);
    }
  });
}

/**
 * buildLegend fills the legend for a colour mode: its scale (#legend-fill) always shown, the
 * equipment symbols and status colours in a disclosure (#legend-symbols), closed at first, so the
 * legend covers little of the map. dwellMax is the top of the dwell scale, in days.
 */
export function buildLegend(root, mode = 'fill', { dwellMax = 1 } = {}) {
  const theme = readTheme();
  const scale = root.querySelector('#legend-fill');
  const symbols = root.querySelector('#legend-symbols');
  const noData = (key) => h('li', {}, swatch(theme.noData, null, theme), t(key));
  const vessel = h('li', {}, swatch(theme.vessel, null, theme), t('legend.vessel'));
  const ticks = (...labels) => h('div', { class: 'ticks' }, labels.map((x) => h('span', { text: x })));
  let body;
  switch (mode) {
    case 'category':
      body = [
        h('h3', { text: t('legend.category') }),
        h('ul', { class: 'keys' }, Object.keys(categoryColours).filter((c) => c !== 'other').map((c) =>
          h('li', { dataset: { category: c } }, swatch(categoryColours[c], null, theme), label('category', c)))),
        h('ul', { class: 'keys inline' }, noData('legend.noBoxes'), vessel),
      ];
      break;
    case 'dwell':
      body = [
        h('h3', { text: t('legend.dwell') }),
        h('div', { class: 'ramp' }, ramp((f) => cssRGB(cividisRGB(f))),
          ticks(t('legend.days', { n: num(0) }), t('legend.days', { n: num(dwellMax / 2) }), t('legend.days', { n: num(dwellMax) }))),
        h('ul', { class: 'keys inline' }, noData('legend.noData'), vessel),
      ];
      break;
    case 'reefer':
      body = [
        h('h3', { text: t('legend.reefer') }),
        h('div', { class: 'ramp' }, ramp(fillColour), ticks(pct(0), pct(0.5), pct(1))),
        h('ul', { class: 'keys inline' }, noData('legend.noPlugs'), vessel),
      ];
      break;
    default:
      body = [
        h('h3', { text: t('legend.fill') }),
        h('div', { class: 'ramp' }, ramp(fillColour), ticks(pct(0), pct(0.5), pct(1))),
        h('ul', { class: 'keys inline' }, noData('legend.noData'), vessel),
      ];
  }
  scale.dataset.mode = mode;
  scale.replaceChildren(...body);

  const statuses = Object.keys(statusColours).filter((s) => s !== 'other');
  symbols.replaceChildren(
    h('summary', { text: t('legend.symbols') }),
    h('div', { class: 'columns' },
      h('div', {},
        h('h3', { text: t('legend.equipment') }),
        h('ul', { class: 'keys' }, kinds.map((k) => h('li', { dataset: { kind: k } }, swatch(statusColours.working, k, theme), label('kind', k)))),
      ),
      h('div', {},
        h('h3', { text: t('legend.status') }),
        h('ul', { class: 'keys' }, statuses.map((s) => h('li', { dataset: { status: s } }, swatch(statusColours[s], 'truck', theme), label('machine', s)))),
      ),
    ),
  );
}
