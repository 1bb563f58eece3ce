// The map legend: the fill scale, the equipment symbols and the status colours, drawn with the same
// functions as the map so the two cannot disagree.

import { h } from './dom.js';
import { label, pct, t } from './i18n.js';
import { fillColour, readTheme, statusColours } from './palette.js';
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

/**
 * buildLegend fills the legend: the fill scale always shown, the equipment symbols and status
 * colours in a disclosure, closed at first, so the legend covers little of the map.
 */
export function buildLegend(body) {
  const theme = readTheme();
  const ramp = canvas(160, 12, (ctx) => {
    for (let x = 0; x < 160; x++) {
      ctx.fillStyle = fillColour(x / 159);
      ctx.fillRect(x, 0, 1, 12);
    }
  });
  const swatch = (colour, kind) =>
    canvas(18, 18, (ctx) => {
      if (kind) drawSymbol(ctx, kind, 9, 9, 14, colour, theme.symbolStroke);
      else {
        ctx.fillStyle = colour;
        ctx.fillRect(2, 2, 14, 14);
      }
    });
  const statuses = Object.keys(statusColours).filter((s) => s !== 'other');
  body.replaceChildren(
    h('div', { id: 'legend-fill' },
      h('h3', { text: t('legend.fill') }),
      h('div', { class: 'ramp' }, ramp, h('div', { class: 'ticks' }, h('span', { text: pct(0) }), h('span', { text: pct(0.5) }), h('span', { text: pct(1) }))),
      h('ul', { class: 'keys inline' }, h('li', {}, swatch(theme.noData), t('legend.noData')), h('li', {}, swatch(theme.vessel), t('legend.vessel'))),
    ),
    h('details', { id: 'legend-symbols' },
      h('summary', { text: t('legend.symbols') }),
      h('div', { class: 'columns' },
        h('div', {},
          h('h3', { text: t('legend.equipment') }),
          h('ul', { class: 'keys' }, kinds.map((k) => h('li', { dataset: { kind: k } }, swatch(statusColours.working, k), label('kind', k)))),
        ),
        h('div', {},
          h('h3', { text: t('legend.status') }),
          h('ul', { class: 'keys' }, statuses.map((s) => h('li', { dataset: { status: s } }, swatch(statusColours[s], 'truck'), label('machine', s)))),
        ),
      ),
    ),
  );
}
