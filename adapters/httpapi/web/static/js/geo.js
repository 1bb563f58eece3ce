// Map geometry: WGS84 to local metres, and the view that maps local metres to screen pixels.
//
// Local metres are an equirectangular map about a centre, scaled with the WGS84 ellipsoid's radii of
// curvature at the centre's latitude, as the twin's own yard frame is (domain/yard/doc.go): x east,
// y north, in metres, so that distances, sizes and the scale bar are right on the screen.

const A = 6378137; // WGS84 semi-major axis, m
const F = 1 / 298.257223563; // WGS84 flattening
const E2 = F * (2 - F); // first eccentricity squared

/** Projection converts WGS84 degrees (lon, lat) to local metres about a centre, and back. */
export class Projection {
  constructor(lon0, lat0) {
    const phi = (lat0 * Math.PI) / 180;
    const w = 1 - E2 * Math.sin(phi) ** 2;
    const n = A / Math.sqrt(w); // prime vertical radius of curvature
    const m = (A * (1 - E2)) / (w * Math.sqrt(w)); // meridional radius of curvature
    this.lon0 = lon0;
    this.lat0 = lat0;
    this.kx = (n * Math.cos(phi) * Math.PI) / 180; // metres per degree of longitude
    this.ky = (m * Math.PI) / 180; // metres per degree of latitude
  }

  /** local returns [x, y] in metres for a GeoJSON position [lon, lat]. */
  local([lon, lat]) {
    return [(lon - this.lon0) * this.kx, (lat - this.lat0) * this.ky];
  }

  /** wgs84 returns the GeoJSON position [lon, lat] of local metres [x, y]. */
  wgs84([x, y]) {
    return [this.lon0 + x / this.kx, this.lat0 + y / this.ky];
  }
}

/**
 * View places local metres on the screen: the local point (cx, cy) at the middle of a width × height
 * CSS-pixel viewport, `scale` pixels per metre, north up.
 */
export class View {
  constructor() {
    this.cx = 0;
    this.cy = 0;
    this.scale = 1;
    this.width = 1;
    this.height = 1;
    this.minScale = 0.01;
    this.maxScale = 40;
  }

  resize(width, height) {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
  }

  /**
   * fit shows the box [minX, minY, maxX, maxY] (metres) whole, inside the viewport less the insets
   * {top, right, bottom, left} (CSS pixels: room kept clear for panels drawn over the map).
   */
  fit([minX, minY, maxX, maxY], { top = 24, right = 24, bottom = 24, left = 24 } = {}) {
    const w = Math.max(maxX - minX, 1);
    const hgt = Math.max(maxY - minY, 1);
    const availW = Math.max(this.width - left - right, 40);
    const availH = Math.max(this.height - top - bottom, 40);
    this.scale = Math.max(Math.min(availW / w, availH / hgt), 1e-4);
    // Centre the box in the free area, which is off the viewport's middle by half the inset difference.
    this.cx = (minX + maxX) / 2 - (left - right) / 2 / this.scale;
    this.cy = (minY + maxY) / 2 + (top - bottom) / 2 / this.scale;
    // Allow zooming out to twice the fitted view, and in to 40 px/m (a TEU is 240 px long).
    this.minScale = this.scale / 2;
  }

  /** screen returns the CSS-pixel position [sx, sy] of local metres [x, y]. */
  screen([x, y]) {
    return [this.width / 2 + (x - this.cx) * this.scale, this.height / 2 - (y - this.cy) * this.scale];
  }

  /** local returns the local metres [x, y] under the CSS-pixel position [sx, sy]. */
  local([sx, sy]) {
    return [this.cx + (sx - this.width / 2) / this.scale, this.cy - (sy - this.height / 2) / this.scale];
  }

  /** matrix returns the canvas transform (a, b, c, d, e, f) drawing local metres at device pixels. */
  matrix(dpr) {
    const s = this.scale * dpr;
    return [s, 0, 0, -s, (this.width / 2 - this.cx * this.scale) * dpr, (this.height / 2 + this.cy * this.scale) * dpr];
  }

  /** zoomAt multiplies the scale by factor, keeping the local point under [sx, sy] in place. */
  zoomAt(factor, [sx, sy] = [this.width / 2, this.height / 2]) {
    const before = this.local([sx, sy]);
    this.scale = Math.min(this.maxScale, Math.max(this.minScale, this.scale * factor));
    const after = this.local([sx, sy]);
    this.cx += before[0] - after[0];
    this.cy += before[1] - after[1];
  }

  /** panBy moves the map by dx, dy CSS pixels (positive: the map moves right and down). */
  panBy(dx, dy) {
    this.cx -= dx / this.scale;
    this.cy += dy / this.scale;
  }
}

/** bbox returns [minX, minY, maxX, maxY] of a list of [x, y], or null for an empty list. */
export function bbox(points) {
  if (points.length === 0) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** inRing reports whether [x, y] lies inside the closed ring (a list of [x, y]), by ray casting. */
export function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** niceLength returns a round length (1, 2 or 5 × 10ⁿ metres) not longer than maxMetres. */
export function niceLength(maxMetres) {
  const p = 10 ** Math.floor(Math.log10(maxMetres));
  for (const k of [5, 2, 1]) if (k * p <= maxMetres) return k * p;
  return p;
}
