// The terminal layout as the map draws it: the GeoJSON features of layout.geojson (and the live
// block polygons of yard.geojson) turned into local metres once, with their Path2D outlines, label
// placement and, for berths, which way the sea is.
//
// Layers: quays [{id, lines, landSide, path}], berths Map id → {id, a, b, length, sea, gap, beam,
// hull, screenAngle}, blocks Map id → {id, props, ring, path, bbox, centre, long, short,
// screenAngle}, gates and areas [{id, use, path, centre, size}], lanes [{id, direction, path}],
// homes (crane home positions) [{id, kind, at}].

import { bbox } from './geo.js';

/** emptyLayers returns layers with nothing in them, drawn before the layout arrives. */
export function emptyLayers() {
  return { quays: [], berths: new Map(), blocks: new Map(), gates: [], lanes: [], areas: [], homes: [] };
}

/** collectPositions appends every position ([lon, lat]) of GeoJSON coordinates c, nested at any depth, to out. */
export function collectPositions(c, out) {
  if (!Array.isArray(c)) return;
  if (typeof c[0] === 'number') out.push(c);
  else for (const x of c) collectPositions(x, out);
}

/** outerRings returns the outer rings of a Polygon or MultiPolygon, in WGS84. */
function outerRings(g) {
  if (g?.type === 'Polygon') return [g.coordinates[0]];
  if (g?.type === 'MultiPolygon') return g.coordinates.map((p) => p[0]);
  return [];
}

/** firstRing returns the first outer ring of a Polygon or MultiPolygon, or null. */
export function firstRing(g) {
  return outerRings(g)[0] ?? null;
}

function lineStrings(g) {
  if (g?.type === 'LineString') return [g.coordinates];
  if (g?.type === 'MultiLineString') return g.coordinates;
  return [];
}

function ringPath(rings) {
  const p = new Path2D();
  for (const ring of rings) {
    ring.forEach(([x, y], i) => (i ? p.lineTo(x, y) : p.moveTo(x, y)));
    p.closePath();
  }
  return p;
}

function linePath(lines) {
  const p = new Path2D();
  for (const line of lines) line.forEach(([x, y], i) => (i ? p.lineTo(x, y) : p.moveTo(x, y)));
  return p;
}

/** uprightAngle turns a direction in local metres (y north) into a screen angle for text, never upside down. */
function uprightAngle(dx, dy) {
  let a = Math.atan2(-dy, dx);
  if (a > Math.PI / 2) a -= Math.PI;
  if (a <= -Math.PI / 2) a += Math.PI;
  return a;
}

/**
 * makeBlock builds a block from its properties and its outer ring in WGS84, or returns null for a
 * ring too short to be a block. Its label runs along the longer side.
 */
export function makeBlock(props, ringWGS84, proj) {
  if (!ringWGS84 || ringWGS84.length < 4) return null;
  let ring = ringWGS84.map((p) => proj.local(p));
  const [f, l] = [ring[0], ring[ring.length - 1]];
  if (f[0] === l[0] && f[1] === l[1]) ring = ring.slice(0, -1);
  const side = (i) => [ring[(i + 1) % ring.length][0] - ring[i][0], ring[(i + 1) % ring.length][1] - ring[i][1]];
  const [s0, s1] = [side(0), side(1)];
  const [l0, l1] = [Math.hypot(...s0), Math.hypot(...s1)];
  const along = l0 >= l1 ? s0 : s1;
  return {
    id: props.id,
    props,
    ring,
    path: ringPath([ring]),
    bbox: bbox(ring),
    centre: [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length],
    long: Math.max(l0, l1),
    short: Math.min(l0, l1),
    screenAngle: uprightAngle(along[0], along[1]),
    rgb: null,
  };
}

/** buildLayers turns the features of a layout into layers in local metres; unknown kinds are skipped. */
export function buildLayers(features, proj) {
  const L = emptyLayers();
  const local = (line) => line.map((p) => proj.local(p));
  for (const f of features) {
    const p = f.properties;
    const g = f.geometry;
    switch (p.kind) {
      case 'quay': {
        const lines = lineStrings(g).map(local);
        L.quays.push({ id: p.id, lines, landSide: p.land_side === 'right' ? 'right' : 'left', path: linePath(lines) });
        break;
      }
      case 'berth': {
        const line = lineStrings(g).map(local)[0];
        if (line?.length >= 2) L.berths.set(p.id, { id: p.id, a: line[0], b: line[line.length - 1], props: p });
        break;
      }
      case 'block': {
        const blk = makeBlock(p, firstRing(g), proj);
        if (blk) L.blocks.set(p.id, blk);
        break;
      }
      case 'gate':
      case 'area': {
        const rings = outerRings(g).map(local);
        if (rings.length === 0) break;
        const box = bbox(rings.flat());
        const item = { id: p.id, use: p.use, path: ringPath(rings), centre: centreOf(box), size: Math.min(box[2] - box[0], box[3] - box[1]) };
        (p.kind === 'gate' ? L.gates : L.areas).push(item);
        break;
      }
      case 'gate_lane': {
        const lines = lineStrings(g).map(local);
        L.lanes.push({ id: p.id, direction: p.direction, path: lines.length ? linePath(lines) : null });
        break;
      }
      case 'quay_crane':
      case 'yard_crane':
        if (g.type === 'Point') L.homes.push({ id: p.id, kind: p.kind, at: proj.local(g.coordinates) });
        break;
    }
  }
  const allBlocks = [...L.blocks.values()].flatMap((b) => b.ring);
  const yardCentre = allBlocks.length ? centreOf(bbox(allBlocks)) : [0, 0];
  for (const b of L.berths.values()) placeBerth(b, L.quays, yardCentre);
  return L;
}

const centreOf = ([x0, y0, x1, y1]) => [(x0 + x1) / 2, (y0 + y1) / 2];

/**
 * placeBerth finds which way the sea is from a berth, from the land_side of the quay it lies on (the
 * nearest quay line), or failing that away from the yard; and shapes the hull of a vessel lying there.
 */
function placeBerth(b, quays, yardCentre) {
  const len = Math.hypot(b.b[0] - b.a[0], b.b[1] - b.a[1]) || 1;
  const u = [(b.b[0] - b.a[0]) / len, (b.b[1] - b.a[1]) / len];
  const mid = [(b.a[0] + b.b[0]) / 2, (b.a[1] + b.b[1]) / 2];
  let sea = null;
  let best = Infinity;
  for (const q of quays) {
    for (const line of q.lines) {
      for (let i = 0; i + 1 < line.length; i++) {
        const d = segmentDistance(mid, line[i], line[i + 1]);
        if (d < best) {
          best = d;
          const dir = [line[i + 1][0] - line[i][0], line[i + 1][1] - line[i][1]];
          const left = [-dir[1], dir[0]];
          const s = q.landSide === 'left' ? -1 : 1; // the sea is on the other side from the land
          const n = Math.hypot(...left) || 1;
          sea = [(s * left[0]) / n, (s * left[1]) / n];
        }
      }
    }
  }
  if (!sea) {
    const n = [-u[1], u[0]];
    const towardsYard = (yardCentre[0] - mid[0]) * n[0] + (yardCentre[1] - mid[1]) * n[1];
    sea = towardsYard > 0 ? [-n[0], -n[1]] : n;
  }
  b.sea = sea;
  b.length = len;
  b.gap = 4; // m between the wall and the hull (fenders)
  b.beam = Math.min(50, Math.max(16, len * 0.13));
  b.screenAngle = uprightAngle(u[0], u[1]);
  // The hull: stern square at a, bow pointed at b, a little shorter than the berth.
  const at = (along, out) => [b.a[0] + u[0] * along + sea[0] * out, b.a[1] + u[1] * along + sea[1] * out];
  const s0 = len * 0.04;
  const s1 = len * 0.96;
  const bow = Math.min(b.beam * 1.2, len * 0.15);
  b.hull = ringPath([[at(s0, b.gap), at(s1 - bow, b.gap), at(s1, b.gap + b.beam / 2), at(s1 - bow, b.gap + b.beam), at(s0, b.gap + b.beam)]]);
}

function segmentDistance(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const u = l2 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return Math.hypot(p[0] - a[0] - u * dx, p[1] - a[1] - u * dy);
}
