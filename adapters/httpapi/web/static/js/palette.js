// Colours that carry meaning on the map. Block fill uses viridis, a perceptually uniform sequential
// scale that stays readable with the common colour-vision deficiencies and in greyscale; machine
// status uses the Okabe–Ito palette, chosen for the same reason. Colours of the map's furniture
// (background, quay, labels) are CSS custom properties in app.css, read by readTheme.

// Viridis (matplotlib) sampled at 0, 0.1, …, 1; in between is interpolated in sRGB, which is close
// enough at this spacing for an 11-stop legend and block fills.
const viridis = [
  [0x44, 0x01, 0x54], [0x48, 0x24, 0x75], [0x41, 0x44, 0x87], [0x35, 0x5f, 0x8d], [0x2a, 0x78, 0x8e],
  [0x21, 0x91, 0x8c], [0x22, 0xa8, 0x84], [0x44, 0xbf, 0x70], [0x7a, 0xd1, 0x51], [0xbd, 0xdf, 0x26],
  [0xfd, 0xe7, 0x25],
];

/** fillRGB returns the viridis colour [r, g, b] of a fill fraction; outside 0..1 is clamped. */
export function fillRGB(f) {
  return ramp(viridis, f);
}

/** fillColour returns the CSS colour of a fill fraction. */
export function fillColour(f) {
  const [r, g, b] = fillRGB(f);
  return `rgb(${r},${g},${b})`;
}

// Cividis (Nuñez, Anderton & Renslow 2018) at ten even stops: a sequential scale made to look the
// same to viewers with and without red-green colour-vision deficiency. Used for dwell, so that it is
// not mistaken for fill.
const cividis = [
  [0x00, 0x20, 0x4d], [0x00, 0x33, 0x6f], [0x39, 0x48, 0x6b], [0x57, 0x5c, 0x6d], [0x70, 0x71, 0x73],
  [0x8a, 0x87, 0x79], [0xa6, 0x9d, 0x75], [0xc4, 0xb5, 0x6c], [0xe4, 0xcf, 0x5b], [0xff, 0xea, 0x46],
];

function ramp(stops, f) {
  const v = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(v));
  const u = v - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * u));
}

/** cividisRGB returns the cividis colour [r, g, b] of a fraction; outside 0..1 is clamped. */
export function cividisRGB(f) {
  return ramp(cividis, f);
}

/** cssRGB writes [r, g, b] as a CSS colour. */
export const cssRGB = ([r, g, b]) => `rgb(${r},${g},${b})`;

/**
 * categoryColours gives each container category an Okabe–Ito colour (Okabe & Ito 2008), a
 * qualitative palette told apart with every common colour-vision deficiency.
 */
export const categoryColours = {
  import: '#56b4e9',
  export: '#e69f00',
  transhipment: '#009e73',
  empty: '#f0e442',
  other: '#cc79a7',
};

/** categoryRGB returns the colour [r, g, b] of a category; unknown categories use `other`. */
export function categoryRGB(cat) {
  const hex = categoryColours[cat] ?? categoryColours.other;
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** inkOn returns a text colour readable on the CSS rgb colour [r, g, b]: near-black or white. */
export function inkOn([r, g, b]) {
  const lin = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return lum > 0.22 ? '#111' : '#fff';
}

/** statusColours maps a machine status to its colour; unknown statuses use `other`. */
export const statusColours = {
  working: '#ffffff',
  idle: '#999999',
  waiting: '#e69f00',
  maintenance: '#56b4e9',
  breakdown: '#d55e00',
  offline: '#4d4d4d',
  other: '#cc79a7',
};

/** statusColour returns the colour of a machine status. */
export function statusColour(status) {
  return statusColours[status] ?? statusColours.other;
}

/** readTheme returns the map's colours from the CSS custom properties --map-* on the root element. */
export function readTheme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--map-bg', '#0b0f14'),
    area: v('--map-area', '#19212b'),
    road: v('--map-road', '#222b36'),
    gate: v('--map-gate', '#2b3440'),
    gateStroke: v('--map-gate-stroke', '#6e7681'),
    quay: v('--map-quay', '#d0d7de'),
    berth: v('--map-berth', '#58a6ff'),
    vessel: v('--map-vessel', '#57606a'),
    vesselStroke: v('--map-vessel-stroke', '#afb8c1'),
    blockStroke: v('--map-block-stroke', '#0b0f14'),
    noData: v('--map-no-data', '#30363d'),
    hover: v('--map-hover', '#ffffff'),
    highlight: v('--map-highlight', '#ff4fd8'),
    label: v('--map-label', '#e6edf3'),
    labelHalo: v('--map-label-halo', 'rgba(11,15,20,0.85)'),
    symbolStroke: v('--map-symbol-stroke', '#0b0f14'),
    font: v('--map-font', 'system-ui, sans-serif'),
  };
}
