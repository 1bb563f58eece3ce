// The yard map: a canvas showing the terminal layout, blocks coloured by fill (or by category, dwell
// or reefer plugs: modes.js), vessels at berth and the equipment, with pan and zoom. It draws only
// when something changed (a refresh, a pan, a zoom, a machine still gliding to its new position, a
// pulsing highlight), never on a timer. Blocks are drawn, never boxes: the cost of a frame does not
// grow with the number of containers in the yard.
//
// Geometry is kept in local metres (geo.js), built once per layout; polygons and lines are Path2D
// objects drawn through the view's transform, and symbols and labels in screen pixels on top.

import { Projection, View, bbox, inRing, niceLength } from './geo.js';
import { buildLayers, collectPositions, emptyLayers, firstRing, makeBlock } from './layers.js';
import { blockStyle } from './modes.js';
import { cssRGB, inkOn, readTheme, statusColour } from './palette.js';
import { frameDrawn } from './perf.js';
import { drawSymbol, symbolSize } from './symbols.js';
import { int, t } from './i18n.js';

/** glideMs is how long a machine takes to move from its last reported position to the new one. */
const glideMs = 900;
/** teleportM: a machine that moved farther than this between refreshes jumps instead of gliding. */
const teleportM = 400;
/** pulseMs is how long the search mark and a highlighted block pulse before they stay still. */
const pulseMs = 3000;
/** clickSlopPx: a press that moves less than this before it is released is a click, not a drag. */
const clickSlopPx = 5;

const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

/**
 * YardMap draws the yard on a canvas. Feed it the layout once (setLayout), then live data (setYard,
 * setVessels, moveMachine, setMachineStatus) as it comes. onHover(hit, clientX, clientY) is called
 * as the pointer moves over a block or a machine, and with a null hit when it leaves them;
 * onClick(hit) when one is clicked (a press and release without a drag). insets() returns the room,
 * in CSS pixels from each edge ({top, right, bottom, left}), that controls drawn over the map take,
 * so that fitting the terminal keeps clear of them.
 */
export class YardMap {
  constructor(canvas, { onHover = () => {}, onClick = () => {}, insets = () => ({}) } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.view = new View();
    this.theme = readTheme();
    this.onHover = onHover;
    this.onClick = onClick;
    this.insets = insets;
    this.mode = 'fill'; // colour mode, modes.js
    this.dwell = null; // {days: Map block → mean dwell in days, max} for the dwell mode
    this.selected = null; // block id shown in the block view
    this.focused = null; // block id focused in the block list
    this.flash = null; // {id, t0}: a block brought to the planner's attention (anomaly)
    this.inset = {}; // the last insets(), measured on resize and fit
    this.proj = null;
    this.extent = null;
    this.userMoved = false; // once the user pans or zooms, a resize no longer refits the terminal
    this.dpr = 1;
    this.frame = 0;
    this.layers = emptyLayers();
    this.live = new Map(); // block id → live properties from yard.geojson
    this.machines = new Map(); // machine id → {id, kind, status, place, at, from, to, t0}
    this.movingUntil = 0;
    this.berthed = []; // vessel visits at berth
    this.hover = null; // {hit, sx, sy, clientX, clientY}
    this.mark = null; // search mark: {at: [x, y], label, t0}
    this.tween = null; // view animation: {from, to, t0, ms}
    this.pointers = new Map();
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    this.bindPointer();
  }

  /** blockCount is the number of blocks drawn. */
  get blockCount() {
    return this.layers.blocks.size;
  }

  /** machineCount is the number of machines drawn at a reported position. */
  get machineCount() {
    return this.machines.size;
  }

  /**
   * setLayout reads the terminal layout (a GeoJSON FeatureCollection in WGS84), centres the
   * projection on it and fits it to the window. It returns the terminal's {name, locode}.
   */
  setLayout(fc) {
    const features = (fc?.features ?? []).filter((f) => f?.geometry && f.properties);
    const positions = [];
    for (const f of features) collectPositions(f.geometry.coordinates, positions);
    const ll = bbox(positions);
    if (!ll) throw new Error('the layout has no geometry');
    this.proj = new Projection((ll[0] + ll[2]) / 2, (ll[1] + ll[3]) / 2);
    this.layers = buildLayers(features, this.proj);
    this.recolour();
    this.extent = bbox(positions.map((p) => this.proj.local(p)));
    this.userMoved = false;
    this.fit();
    const terminal = features.find((f) => f.properties.kind === 'terminal')?.properties ?? {};
    return { name: terminal.name ?? '', locode: terminal.locode ?? '' };
  }

  /**
   * setYard takes the block and equipment features of yard.geojson, and the summary's per-block
   * entries (for the reefer plugs in use, which only /api/v1/yard gives).
   */
  setYard({ blocks, equipment, summary }) {
    if (!this.proj) return;
    const byBlock = new Map((summary?.blocks ?? []).map((b) => [b.block, b]));
    this.live = new Map();
    for (const f of blocks) {
      const p = f.properties;
      const s = byBlock.get(p.id);
      if (s) p.reefer_plugs_used = s.reefer_plugs_used;
      this.live.set(p.id, p);
      if (!this.layers.blocks.has(p.id)) {
        const blk = makeBlock(p, firstRing(f.geometry), this.proj);
        if (blk) this.layers.blocks.set(p.id, blk);
      }
    }
    const now = performance.now();
    const next = new Map();
    let moved = false;
    for (const f of equipment) {
      const p = f.properties;
      if (f.geometry?.type !== 'Point') continue;
      const to = this.proj.local(f.geometry.coordinates);
      const prev = this.machines.get(p.id);
      let from = to;
      if (prev && !reducedMotion.matches) {
        const cur = machineAt(prev, now);
        if (Math.hypot(cur[0] - to[0], cur[1] - to[1]) < teleportM) from = cur;
      }
      moved ||= from[0] !== to[0] || from[1] !== to[1];
      next.set(p.id, { id: p.id, kind: p.equipment, status: p.status, place: p.place, at: p.at, from, to, t0: now });
    }
    this.machines = next;
    if (moved) this.movingUntil = now + glideMs; // else nothing glides: one frame will do
    this.recolour();
    this.invalidate();
    this.refreshHover();
  }

  /**
   * moveMachine applies one position report ({id, kind, lonlat: [lon, lat], at}) at once: the
   * machine glides there from where it is drawn. A machine not seen before appears.
   */
  moveMachine({ id, kind, lonlat, at }) {
    if (!this.proj || !id || !Array.isArray(lonlat)) return;
    const now = performance.now();
    const to = this.proj.local(lonlat);
    const prev = this.machines.get(id);
    let from = to;
    if (prev && !reducedMotion.matches) {
      const cur = machineAt(prev, now);
      if (Math.hypot(cur[0] - to[0], cur[1] - to[1]) < teleportM) from = cur;
    }
    this.machines.set(id, { id, kind: kind ?? prev?.kind, status: prev?.status ?? '', place: prev?.place, at, from, to, t0: now });
    if (from !== to) this.movingUntil = Math.max(this.movingUntil, now + glideMs);
    this.invalidate();
  }

  /** setMachineStatus applies a status change to a machine already drawn. */
  setMachineStatus(id, status) {
    const m = this.machines.get(id);
    if (!m || m.status === status) return;
    m.status = status;
    this.invalidate();
  }

  /** setColourMode colours the blocks by fill, category, dwell or reefer (modes.js). */
  setColourMode(mode) {
    this.mode = mode;
    this.recolour();
    this.invalidate();
  }

  /** setDwell gives the dwell mode its data: {days: Map block → mean days, max}, or null. */
  setDwell(dwell) {
    this.dwell = dwell;
    this.recolour();
    this.invalidate();
  }

  // recolour works out each block's colour and label once per change of data or mode, so that a
  // frame only reads them.
  recolour() {
    for (const blk of this.layers.blocks.values()) {
      const st = blockStyle(this.mode, blk.id, this.live.get(blk.id), this.dwell);
      blk.rgb = st.rgb;
      blk.css = st.rgb ? cssRGB(st.rgb) : null;
      blk.ink = st.rgb ? inkOn(st.rgb) : null;
      blk.sub = st.sub;
      blk.text = st.text;
    }
  }

  /** blockStyle returns a block's colour as drawn: {css, ink, sub, text}, css null for "no data". */
  blockStyle(id) {
    const blk = this.layers.blocks.get(id);
    return { css: blk?.css ?? null, ink: blk?.ink ?? null, sub: blk?.sub ?? '', text: blk?.text ?? '' };
  }

  /** blockIds lists the blocks of the layout, in layout order. */
  blockIds() {
    return [...this.layers.blocks.keys()];
  }

  /** liveBlock returns a block's live properties, or null. */
  liveBlock(id) {
    return this.live.get(id) ?? null;
  }

  /** select outlines the block shown in the block view (null: none). */
  select(id) {
    this.selected = id;
    this.invalidate();
  }

  /** setFocus outlines the block focused in the block list (null: none). */
  setFocus(id) {
    if (this.focused === id) return;
    this.focused = id;
    this.invalidate();
  }

  /** flashBlock brings a block into view and makes its outline pulse, then stay. */
  flashBlock(id) {
    if (!this.layers.blocks.has(id)) return false;
    this.flash = { id, t0: performance.now() };
    this.centreOnBlock(id);
    return true;
  }

  /** clearFlash removes the highlight of flashBlock. */
  clearFlash() {
    if (!this.flash) return;
    this.flash = null;
    this.invalidate();
  }

  /** screenOf returns where a block's centre is on the screen, in CSS pixels, or null. */
  screenOf(id) {
    const blk = this.layers.blocks.get(id);
    return blk ? this.view.screen(blk.centre) : null;
  }

  /** centreAt returns what is at the middle of the map (see hitTest). */
  centreHit() {
    return this.hitTest([this.view.width / 2, this.view.height / 2]);
  }

  /** centreOnBlock moves the view to a block, zooming in so that it is easy to see. */
  centreOnBlock(id) {
    const blk = this.layers.blocks.get(id);
    if (!blk) return;
    const fit = Math.min(this.view.width, this.view.height) * 0.35 / Math.max(blk.long, 1);
    this.flyTo(blk.centre, Math.max(this.view.scale, fit));
  }

  /** setVessels takes the vessel visits; those berthed at a berth of the layout are drawn. */
  setVessels(visits) {
    this.berthed = visits.filter((v) => v.state === 'berthed' && this.layers.berths.has(v.berth));
    this.invalidate();
  }

  /** showMark marks a WGS84 position [lon, lat] with a label and brings it into view. */
  showMark(lonlat, label) {
    if (!this.proj) return;
    const at = this.proj.local(lonlat);
    this.mark = { at, label, t0: performance.now() };
    this.flyTo(at, Math.max(this.view.scale, 1.5));
  }

  /** moveMark moves the search mark to a new WGS84 position, without moving the view. */
  moveMark(lonlat) {
    if (!this.proj || !this.mark) return;
    this.mark.at = this.proj.local(lonlat);
    this.invalidate();
  }

  /** clearMark removes the search mark. */
  clearMark() {
    this.mark = null;
    this.invalidate();
  }

  /** fit shows the whole terminal. */
  fit() {
    if (!this.extent) return;
    this.inset = this.insets();
    this.view.fit(this.extent, this.inset);
    this.invalidate();
  }

  /** zoomBy zooms by factor about the middle of the map. */
  zoomBy(factor) {
    this.userMoved = true;
    this.view.zoomAt(factor);
    this.invalidate();
  }

  /** panBy moves the map by dx, dy CSS pixels. */
  panBy(dx, dy) {
    this.userMoved = true;
    this.view.panBy(dx, dy);
    this.invalidate();
  }

  flyTo([x, y], scale) {
    this.userMoved = true;
    const v = this.view;
    const to = { cx: x, cy: y, scale: Math.min(v.maxScale, Math.max(v.minScale, scale)) };
    if (reducedMotion.matches) {
      Object.assign(v, to);
      this.tween = null;
    } else {
      this.tween = { from: { cx: v.cx, cy: v.cy, scale: v.scale }, to, t0: performance.now(), ms: 500 };
    }
    this.invalidate();
  }

  resize() {
    const r = this.canvas.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * this.dpr));
    this.view.resize(r.width, r.height);
    this.inset = this.insets();
    if (!this.userMoved && this.extent) this.view.fit(this.extent, this.inset);
    this.draw(performance.now()); // now, not next frame: resizing cleared the canvas
  }

  invalidate() {
    if (!this.frame) this.frame = requestAnimationFrame((now) => this.render(now));
  }

  render(now) {
    this.frame = 0;
    let again = now < this.movingUntil;
    if (this.tween) {
      const { from, to, t0, ms } = this.tween;
      const u = Math.min(1, (now - t0) / ms);
      const e = u * u * (3 - 2 * u);
      const v = this.view;
      // Interpolate the scale geometrically, so a long zoom feels even.
      v.scale = from.scale * (to.scale / from.scale) ** e;
      v.cx = from.cx + (to.cx - from.cx) * e;
      v.cy = from.cy + (to.cy - from.cy) * e;
      if (u < 1) again = true;
      else this.tween = null;
    }
    if (this.mark && !reducedMotion.matches && now - this.mark.t0 < pulseMs) again = true;
    if (this.flash && !reducedMotion.matches && now - this.flash.t0 < pulseMs) again = true;
    const t0 = performance.now();
    this.draw(now);
    const t1 = performance.now();
    frameDrawn(t1 - t0, t1);
    if (again) this.invalidate();
  }

  // hitTest returns what is under the CSS-pixel position [sx, sy]: a machine (drawn on top) or a
  // block, or null.
  hitTest([sx, sy]) {
    if (!this.proj) return null;
    const now = performance.now();
    let best = null;
    let bestD = Infinity;
    for (const m of this.machines.values()) {
      const [x, y] = this.view.screen(machineAt(m, now));
      const d = Math.hypot(x - sx, y - sy);
      if (d <= symbolSize(m.kind, this.view.scale) / 2 + 3 && d < bestD) {
        best = m;
        bestD = d;
      }
    }
    if (best) return { type: 'machine', machine: best };
    const p = this.view.local([sx, sy]);
    for (const blk of this.layers.blocks.values()) {
      const [x0, y0, x1, y1] = blk.bbox;
      if (p[0] >= x0 && p[0] <= x1 && p[1] >= y0 && p[1] <= y1 && inRing(p, blk.ring)) {
        return { type: 'block', block: blk, live: this.live.get(blk.id) ?? null };
      }
    }
    return null;
  }

  refreshHover() {
    if (!this.hover) return;
    const { sx, sy, clientX, clientY } = this.hover;
    this.setHover(this.hitTest([sx, sy]), sx, sy, clientX, clientY);
  }

  setHover(hit, sx, sy, clientX, clientY) {
    const before = this.hover?.hit;
    this.hover = hit ? { hit, sx, sy, clientX, clientY } : null;
    const same = before && hit && before.type === hit.type && (before.block ?? before.machine).id === (hit.block ?? hit.machine).id;
    if (!same) this.invalidate();
    this.onHover(hit, clientX, clientY);
  }

  bindPointer() {
    const c = this.canvas;
    const at = (e) => {
      const r = c.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    let pinch = null;
    let press = null; // {id, start: [sx, sy], moved}: the press that may become a click
    c.addEventListener('pointerdown', (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      c.setPointerCapture(e.pointerId);
      this.pointers.set(e.pointerId, at(e));
      press = this.pointers.size === 1 ? { id: e.pointerId, start: at(e), moved: false } : null;
      if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        pinch = { d: Math.hypot(a[0] - b[0], a[1] - b[1]) };
      }
      c.classList.add('dragging');
      this.tween = null;
      if (this.hover) this.setHover(null); // no tooltip while dragging
    });
    c.addEventListener('pointermove', (e) => {
      const p = at(e);
      const prev = this.pointers.get(e.pointerId);
      if (!prev) {
        if (e.pointerType === 'mouse') this.setHover(this.hitTest(p), p[0], p[1], e.clientX, e.clientY);
        return;
      }
      this.pointers.set(e.pointerId, p);
      if (press && press.id === e.pointerId && Math.hypot(p[0] - press.start[0], p[1] - press.start[1]) > clickSlopPx) press.moved = true;
      if (this.pointers.size === 1) {
        this.panBy(p[0] - prev[0], p[1] - prev[1]);
      } else if (this.pointers.size === 2 && pinch) {
        const [a, b] = [...this.pointers.values()];
        const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
        this.view.panBy((p[0] - prev[0]) / 2, (p[1] - prev[1]) / 2);
        if (pinch.d > 0) this.view.zoomAt(d / pinch.d, mid);
        pinch.d = d;
        this.userMoved = true;
        this.invalidate();
      }
    });
    const up = (e) => {
      if (e.type === 'pointerup' && press && press.id === e.pointerId && !press.moved) {
        const hit = this.hitTest(at(e));
        if (hit) this.onClick(hit);
      }
      if (!press || press.id === e.pointerId) press = null;
      this.pointers.delete(e.pointerId);
      if (this.pointers.size < 2) pinch = null;
      if (this.pointers.size === 0) c.classList.remove('dragging');
    };
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('pointerleave', (e) => {
      if (e.pointerType === 'mouse' && this.hover) this.setHover(null);
    });
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        // Lines and pages to pixels, so every mouse and touchpad zooms at a similar pace.
        const dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.view.height : 1);
        this.userMoved = true;
        this.tween = null;
        this.view.zoomAt(Math.exp(-dy * 0.002), at(e));
        this.invalidate();
        this.refreshHover();
      },
      { passive: false },
    );
    c.addEventListener('dblclick', (e) => {
      this.userMoved = true;
      this.view.zoomAt(2, at(e));
      this.invalidate();
    });
  }

  draw(now) {
    const { ctx, view, theme, dpr } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.proj) return;
    const L = this.layers;
    const px = 1 / view.scale; // one CSS pixel, in metres

    ctx.setTransform(...view.matrix(dpr));
    ctx.lineJoin = 'round';
    for (const a of L.areas) {
      ctx.fillStyle = a.use === 'road' ? theme.road : theme.area;
      ctx.fill(a.path);
    }
    ctx.lineWidth = px;
    for (const g of L.gates) {
      ctx.fillStyle = theme.gate;
      ctx.fill(g.path);
      ctx.strokeStyle = theme.gateStroke;
      ctx.stroke(g.path);
    }
    ctx.setLineDash([4 * px, 4 * px]);
    ctx.strokeStyle = theme.gateStroke;
    for (const lane of L.lanes) if (lane.path) ctx.stroke(lane.path);
    ctx.setLineDash([]);

    ctx.strokeStyle = theme.quay;
    ctx.lineWidth = 3 * px;
    ctx.lineCap = 'butt';
    for (const q of L.quays) ctx.stroke(q.path);
    ctx.strokeStyle = theme.berth;
    for (const b of L.berths.values()) {
      // The berth as a band along the wall, on the water side, with a tick at each end.
      const off = 4 * px;
      ctx.lineWidth = 4 * px;
      ctx.beginPath();
      ctx.moveTo(b.a[0] + b.sea[0] * off, b.a[1] + b.sea[1] * off);
      ctx.lineTo(b.b[0] + b.sea[0] * off, b.b[1] + b.sea[1] * off);
      ctx.stroke();
      ctx.lineWidth = 1.5 * px;
      ctx.beginPath();
      for (const e of [b.a, b.b]) {
        ctx.moveTo(e[0], e[1]);
        ctx.lineTo(e[0] + b.sea[0] * 12 * px, e[1] + b.sea[1] * 12 * px);
      }
      ctx.stroke();
    }

    ctx.fillStyle = theme.vessel;
    ctx.strokeStyle = theme.vesselStroke;
    ctx.lineWidth = px;
    for (const v of this.berthed) {
      const hull = L.berths.get(v.berth).hull;
      ctx.fill(hull);
      ctx.stroke(hull);
    }

    ctx.lineWidth = px;
    for (const blk of L.blocks.values()) {
      const live = this.live.get(blk.id);
      ctx.fillStyle = blk.css ?? theme.noData;
      ctx.fill(blk.path);
      ctx.strokeStyle = theme.blockStroke;
      ctx.stroke(blk.path);
      if (live && live.fill > 1) {
        // More TEU than the block holds can only come from contradicting reports: flag the block.
        ctx.save();
        ctx.strokeStyle = '#d55e00';
        ctx.lineWidth = 3 * px;
        ctx.setLineDash([6 * px, 4 * px]);
        ctx.stroke(blk.path);
        ctx.restore();
      }
    }
    const hov = this.hover?.hit;
    if (hov?.type === 'block') {
      ctx.strokeStyle = theme.hover;
      ctx.lineWidth = 2.5 * px;
      ctx.stroke(hov.block.path);
    }
    // The block in the block view and the one focused in the list: a thick outline in the highlight
    // colour over a dark one, visible on any fill.
    for (const id of new Set([this.selected, this.focused])) {
      const blk = id && L.blocks.get(id);
      if (!blk) continue;
      ctx.strokeStyle = theme.blockStroke;
      ctx.lineWidth = 6 * px;
      ctx.stroke(blk.path);
      ctx.strokeStyle = theme.highlight;
      ctx.lineWidth = 3 * px;
      ctx.stroke(blk.path);
    }
    const fl = this.flash && L.blocks.get(this.flash.id);
    if (fl) {
      const age = now - this.flash.t0;
      const pulse = !reducedMotion.matches && age < pulseMs ? (1 - Math.cos((age / 700) * 2 * Math.PI)) * 3 : 0;
      ctx.save();
      ctx.strokeStyle = theme.blockStroke;
      ctx.lineWidth = (8 + pulse) * px;
      ctx.stroke(fl.path);
      ctx.strokeStyle = theme.highlight;
      ctx.lineWidth = (4 + pulse) * px;
      ctx.setLineDash([8 * px, 5 * px]);
      ctx.stroke(fl.path);
      ctx.restore();
    }

    // Screen-space layers: labels, symbols, the mark, the scale bar.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawBlockLabels();
    this.drawBerthLabels();
    this.drawGateLabels();

    // Crane home positions, faint, for the cranes that have not reported yet.
    ctx.globalAlpha = 0.45;
    for (const home of L.homes) {
      if (this.machines.has(home.id)) continue;
      const [x, y] = view.screen(home.at);
      drawSymbol(ctx, home.kind, x, y, symbolSize(home.kind, view.scale), theme.noData, theme.quay);
    }
    ctx.globalAlpha = 1;
    // Machines that move least are drawn first, so trucks stay visible under the cranes' booms.
    for (const kind of ['quay_crane', 'yard_crane', 'reach_stacker', 'straddle_carrier', 'truck', null]) {
      for (const m of this.machines.values()) {
        if (kind === null ? drawOrder.has(m.kind) : m.kind !== kind) continue;
        const [x, y] = view.screen(machineAt(m, now));
        const size = symbolSize(m.kind, view.scale);
        drawSymbol(ctx, m.kind, x, y, size, statusColour(m.status), theme.symbolStroke);
        if (hov?.type === 'machine' && hov.machine.id === m.id) {
          ctx.beginPath();
          ctx.arc(x, y, size / 2 + 4, 0, 2 * Math.PI);
          ctx.strokeStyle = theme.hover;
          ctx.lineWidth = 2;
          ctx.stroke();
        }
      }
    }
    this.drawMark(now);
    this.drawScaleBar();
  }

  drawBlockLabels() {
    const { ctx, view, theme } = this;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const blk of this.layers.blocks.values()) {
      const shortPx = blk.short * view.scale;
      const longPx = blk.long * view.scale;
      if (shortPx < 13) continue;
      const size = Math.round(Math.min(16, Math.max(10, shortPx * 0.38)));
      ctx.font = `600 ${size}px ${theme.font}`;
      if (ctx.measureText(blk.id).width > longPx - 6) continue;
      const [x, y] = view.screen(blk.centre);
      ctx.save();
      ctx.translate(x, y);
      ctx.rotate(blk.screenAngle);
      ctx.fillStyle = blk.ink ?? theme.label;
      if (blk.sub && shortPx >= 2.6 * size + 6) {
        ctx.fillText(blk.id, 0, -size * 0.6);
        ctx.font = `${Math.round(size * 0.85)}px ${theme.font}`;
        ctx.fillText(blk.sub, 0, size * 0.65);
      } else {
        ctx.fillText(blk.id, 0, 0);
      }
      ctx.restore();
    }
  }

  drawBerthLabels() {
    const { ctx, view, theme } = this;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    const berthed = new Map(this.berthed.map((v) => [v.berth, v]));
    for (const b of this.layers.berths.values()) {
      const lenPx = b.length * view.scale;
      if (lenPx < 36) continue;
      const visit = berthed.get(b.id);
      // Beyond the hull when a vessel is there, just off the wall when not.
      const offM = visit ? b.gap + b.beam : 0;
      const mid = [(b.a[0] + b.b[0]) / 2, (b.a[1] + b.b[1]) / 2];
      const [x, y] = view.screen([mid[0] + b.sea[0] * offM, mid[1] + b.sea[1] * offM]);
      const [sx, sy] = [b.sea[0], -b.sea[1]]; // seaward on screen (y down)
      ctx.font = `600 12px ${theme.font}`;
      halo(ctx, b.id, x + sx * 14, y + sy * 14, theme);
      if (visit && lenPx >= 70 && b.beam * view.scale >= 12) {
        const [vx, vy] = view.screen([mid[0] + b.sea[0] * (b.gap + b.beam / 2), mid[1] + b.sea[1] * (b.gap + b.beam / 2)]);
        ctx.save();
        ctx.translate(vx, vy);
        ctx.rotate(b.screenAngle);
        ctx.font = `12px ${theme.font}`;
        const name = visit.vessel || visit.visit;
        const fits = ctx.measureText(name).width < lenPx * 0.8;
        if (fits) halo(ctx, name, 0, 0, theme);
        ctx.restore();
      }
    }
  }

  drawGateLabels() {
    const { ctx, view, theme } = this;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `600 12px ${theme.font}`;
    for (const g of this.layers.gates) {
      if (g.size * view.scale < 30) continue;
      const [x, y] = view.screen(g.centre);
      halo(ctx, g.id, x, y, theme);
    }
  }

  drawMark(now) {
    if (!this.mark) return;
    const { ctx, view, theme } = this;
    const [x, y] = view.screen(this.mark.at);
    const age = now - this.mark.t0;
    const pulse = !reducedMotion.matches && age < pulseMs ? (1 - Math.cos((age / 700) * 2 * Math.PI)) * 4 : 0;
    const r = 11 + pulse;
    ctx.lineWidth = 5;
    ctx.strokeStyle = theme.blockStroke;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.lineWidth = 3;
    ctx.strokeStyle = theme.highlight;
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = theme.highlight;
    ctx.fill();
    if (this.mark.label) {
      ctx.font = `600 13px ${theme.font}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      halo(ctx, this.mark.label, x + r + 6, y, theme);
    }
  }

  drawScaleBar() {
    const { ctx, view, theme } = this;
    const metres = niceLength(140 / view.scale);
    const w = metres * view.scale;
    // Bottom left, above whatever covers the bottom of the map (the status line).
    const x = 16;
    const y = view.height - Math.max(18, (this.insets().bottom ?? 0) + 4);
    ctx.strokeStyle = theme.labelHalo;
    ctx.lineWidth = 5;
    const path = new Path2D();
    path.moveTo(x, y - 6);
    path.lineTo(x, y);
    path.lineTo(x + w, y);
    path.lineTo(x + w, y - 6);
    ctx.stroke(path);
    ctx.strokeStyle = theme.label;
    ctx.lineWidth = 1.5;
    ctx.stroke(path);
    ctx.font = `12px ${theme.font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    halo(ctx, t('map.scale', { n: int(metres) }), x + 4, y - 4, theme);
  }
}

const drawOrder = new Set(['quay_crane', 'yard_crane', 'reach_stacker', 'straddle_carrier', 'truck']);

function halo(ctx, text, x, y, theme) {
  ctx.lineWidth = 3;
  ctx.strokeStyle = theme.labelHalo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = theme.label;
  ctx.fillText(text, x, y);
}

/** machineAt is where a machine is drawn at time now: gliding from its last position to the new one. */
function machineAt(m, now) {
  const u = Math.min(1, Math.max(0, (now - m.t0) / glideMs));
  if (u >= 1) return m.to;
  return [m.from[0] + (m.to[0] - m.from[0]) * u, m.from[1] + (m.to[1] - m.from[1]) * u];
}
