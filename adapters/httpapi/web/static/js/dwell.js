// The data of the dwell colour mode: the mean dwell so far of the boxes in each block, in days.
//
// The yard's summary counts boxes by category, not by age, so this reads every block's boxes
// (GET /api/v1/blocks/{id}, a few at a time) while the dwell mode is on, and again every minute
// live, or when the moment shown changes in the past (at most every few seconds while history
// plays). With 50,000 boxes that is a few megabytes a minute, only for planners who chose this mode.

import * as api from './api.js';
import { niceMax } from './modes.js';

/** boxDays returns a box's dwell so far at ref (epoch ms), in days, or null when unknown. */
export function boxDays(box, ref) {
  const t = Date.parse(box.entered || box.since);
  if (!Number.isFinite(t) || !Number.isFinite(ref)) return null;
  return Math.max(0, (ref - t) / 864e5);
}

/** meanDwell returns the mean dwell in days of the boxes of a block view at ref, or null when empty. */
export function meanDwell(view, ref) {
  let sum = 0;
  let n = 0;
  for (const st of view.stacks ?? []) {
    for (const b of st.boxes ?? []) {
      const d = boxDays(b, ref);
      if (d == null) continue;
      sum += d;
      n++;
    }
  }
  return n ? sum / n : null;
}

/**
 * DwellLoader keeps the dwell of every block. ids() lists the blocks; moment() is {at, ref}: the past
 * moment shown (null live) and the time dwell runs to (epoch ms: the moment shown, or the newest
 * event time known); onData({days, max}) receives each new result.
 */
export class DwellLoader {
  constructor({ ids, moment, onData, refreshMs = 60000, minGapMs = 4000, concurrency = 4 }) {
    Object.assign(this, { ids, moment, onData, refreshMs, minGapMs, concurrency });
    this.on = false;
    this.timer = 0;
    this.busy = false;
    this.again = false;
    this.last = 0;
    this.seq = 0;
  }

  /** start loads now and keeps refreshing. */
  start() {
    if (this.on) return;
    this.on = true;
    this.schedule(0);
  }

  /** stop stops refreshing; a load under way is dropped. */
  stop() {
    this.on = false;
    this.seq++;
    clearTimeout(this.timer);
    this.timer = 0;
  }

  /** changed says the moment shown changed: load again soon. */
  changed() {
    if (this.on) this.schedule(Math.max(300, this.last + this.minGapMs - performance.now()));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), delay);
  }

  async load() {
    this.timer = 0;
    if (!this.on) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.last = performance.now();
    const mine = ++this.seq;
    const { at, ref } = this.moment();
    const ids = this.ids();
    const days = new Map();
    let next = 0;
    const worker = async () => {
      while (next < ids.length && mine === this.seq) {
        const id = ids[next++];
        try {
          const d = meanDwell(await api.block(id, { at }), ref);
          if (d != null) days.set(id, d);
        } catch {
          // that block stays "no data" until the next load
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: this.concurrency }, worker));
      if (mine === this.seq && this.on) this.onData({ days, max: niceMax(Math.max(1, ...days.values())) });
    } finally {
      this.busy = false;
      if (this.on) this.schedule(this.again ? 0 : this.refreshMs);
      this.again = false;
    }
  }
}
