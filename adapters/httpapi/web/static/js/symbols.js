// Equipment symbols, drawn in screen pixels. The shape says the kind of machine, the fill its status
// (palette.js), so neither depends on colour alone. The legend draws with the same function.

/** kinds lists the machine kinds with a symbol of their own, in legend order. */
export const kinds = ['quay_crane', 'yard_crane', 'straddle_carrier', 'reach_stacker', 'truck'];

// Size of each kind: its real footprint in metres, and bounds in CSS pixels so that a symbol stays
// visible when zoomed out and does not swamp the blocks when zoomed in.
const sizes = {
  quay_crane: { metres: 30, min: 10, max: 30 },
  yard_crane: { metres: 24, min: 8, max: 26 },
  straddle_carrier: { metres: 10, min: 9, max: 16 },
  reach_stacker: { metres: 10, min: 9, max: 16 },
  truck: { metres: 16, min: 6, max: 14 },
  other: { metres: 8, min: 6, max: 12 },
};

/** symbolSize returns the size in CSS pixels of a kind's symbol at a scale in pixels per metre. */
export function symbolSize(kind, scale) {
  const s = sizes[kind] ?? sizes.other;
  return Math.min(s.max, Math.max(s.min, s.metres * scale));
}

/**
 * drawSymbol draws a machine of the given kind centred on (x, y), size CSS pixels across, in the
 * context's current transform (CSS pixels).
 */
export function drawSymbol(ctx, kind, x, y, size, fill, stroke) {
  const r = size / 2;
  ctx.beginPath();
  switch (kind) {
    case 'quay_crane': {
      // A gantry seen from above: a square frame with its boom across.
      ctx.rect(x - r, y - r, size, size);
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      break;
    }
    case 'yard_crane': {
      // An RTG/RMG: two legs joined by a girder, an H.
      const w = r * 0.55;
      ctx.rect(x - r, y - r, w, size);
      ctx.rect(x + r - w, y - r, w, size);
      ctx.rect(x - r + w, y - w / 2, size - 2 * w, w);
      break;
    }
    case 'straddle_carrier':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      break;
    case 'reach_stacker':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y + r * 0.8);
      ctx.lineTo(x - r, y + r * 0.8);
      ctx.closePath();
      break;
    case 'truck':
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      break;
    default:
      ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
  }
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = kind === 'quay_crane' ? 2 : 1.5;
  ctx.strokeStyle = stroke;
  ctx.stroke();
}
