// The time bar: a slider over the event-time span of the log (#time-slider), the moment shown
// (#time-label), a button back to the live yard (#time-live) and one that plays history forward
// (#time-play). The span runs from the first event's time to the newest event time the page knows;
// the slider moves by the minute (arrow keys: 5 minutes, with Shift or Page Up/Down: an hour).
//
// Choosing a moment calls onPast(Date), which shows the yard as it was then and returns a promise;
// going back calls onLive(). Playing steps the moment forward, each step once the last one is shown
// (and at most every stepMs), about 120 steps over the whole span, and goes live at the end.

import { dateTime, t } from './i18n.js';

const minuteMs = 60e3;

export class TimeBar {
  constructor({ slider, label, live, play }, { onPast, onLive, stepMs = 600 }) {
    Object.assign(this, { slider, label, liveButton: live, playButton: play, onPast, onLive, stepMs });
    this.min = null; // epoch minutes
    this.max = null;
    this.mode = 'live';
    this.at = null; // Date shown in the past
    this.playing = false;
    this.debounce = 0;
    this.pendingMax = null;
    this.maxTimer = 0;
    slider.disabled = true;
    slider.step = '1';
    slider.addEventListener('input', () => this.scrub(Number(slider.value), false));
    slider.addEventListener('change', () => this.scrub(Number(slider.value), true));
    slider.addEventListener('keydown', (e) => this.onKey(e));
    live.addEventListener('click', () => this.goLive());
    play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.render();
  }

  /** setSpan sets the first and newest event times (epoch ms), either may be null (unchanged). */
  setSpan(first, newest) {
    if (Number.isFinite(first)) this.min = Math.floor(first / minuteMs);
    if (Number.isFinite(newest)) this.max = Math.max(this.max ?? 0, Math.ceil(newest / minuteMs));
    if (this.min != null && this.max != null && this.max < this.min) this.max = this.min;
    this.render();
  }

  /** extend notes an event time seen live (epoch ms); the slider's end follows, redrawn once a second. */
  extend(time) {
    if (!Number.isFinite(time)) return;
    const m = Math.ceil(time / minuteMs);
    if (m <= (this.max ?? -Infinity) || m <= (this.pendingMax ?? -Infinity)) return;
    this.pendingMax = m;
    if (!this.maxTimer) {
      this.maxTimer = setTimeout(() => {
        this.maxTimer = 0;
        const p = this.pendingMax;
        this.pendingMax = null;
        if (p != null) this.setSpan(null, p * minuteMs);
      }, 1000);
    }
  }

  /** newest is the newest event time known (epoch ms), or null. */
  get newest() {
    return this.max == null ? null : this.max * minuteMs;
  }

  scrub(value, now) {
    if (this.playing) this.pause(); // the planner took the slider
    if (this.max != null && value >= this.max) {
      if (now || this.mode === 'past') this.goLive();
      return;
    }
    this.mode = 'past';
    this.at = new Date(value * minuteMs);
    this.render();
    clearTimeout(this.debounce);
    this.debounce = 0;
    if (now) this.ask();
    else this.debounce = setTimeout(() => this.ask(), 250);
  }

  // ask shows the moment chosen, unless it is already the one asked for (a slider's change event
  // follows its input events).
  ask() {
    this.debounce = 0;
    const ms = this.at.getTime();
    if (ms === this.asked) return;
    this.asked = ms;
    this.onPast(this.at).catch(() => {});
  }

  onKey(e) {
    if (this.max == null) return;
    const big = e.shiftKey || e.key === 'PageUp' || e.key === 'PageDown';
    const d = { ArrowLeft: -1, ArrowDown: -1, PageDown: -1, ArrowRight: 1, ArrowUp: 1, PageUp: 1 }[e.key];
    if (!d) return; // Home and End as the browser does them
    e.preventDefault();
    const v = Math.min(this.max, Math.max(this.min, Number(this.slider.value) + d * (big ? 60 : 5)));
    this.slider.value = String(v);
    this.scrub(v, false);
  }

  /** goLive returns to the live yard. */
  goLive() {
    clearTimeout(this.debounce);
    this.debounce = 0;
    this.asked = null;
    this.playing = false;
    const was = this.mode;
    this.mode = 'live';
    this.at = null;
    this.render();
    if (was !== 'live') this.onLive();
  }

  /** play steps the moment shown forward from where it is (from the start when live or at the end). */
  async play() {
    if (this.min == null || this.max == null || this.max <= this.min) return;
    this.playing = true;
    let v = this.mode === 'past' ? Math.floor(this.at.getTime() / minuteMs) : this.min;
    if (v >= this.max) v = this.min;
    const step = Math.max(1, Math.round((this.max - this.min) / 120));
    this.render();
    while (this.playing) {
      const t0 = performance.now();
      this.mode = 'past';
      this.at = new Date(v * minuteMs);
      this.slider.value = String(v);
      this.render();
      try {
        this.asked = this.at.getTime();
        await this.onPast(this.at);
      } catch {
        // the twin did not answer: try the next step
      }
      await new Promise((r) => setTimeout(r, Math.max(0, this.stepMs - (performance.now() - t0))));
      if (!this.playing) break;
      v += step;
      if (v >= this.max) {
        this.goLive();
        break;
      }
    }
  }

  /** pause stops playing, on the moment shown. */
  pause() {
    this.playing = false;
    this.render();
  }

  render() {
    const s = this.slider;
    const known = this.min != null && this.max != null;
    s.disabled = !known;
    if (known) {
      s.min = String(this.min);
      s.max = String(this.max);
      s.value = String(this.mode === 'past' && this.at ? Math.floor(this.at.getTime() / minuteMs) : this.max);
    }
    const text = this.mode === 'past'
      ? dateTime(this.at)
      : known ? t('time.liveAt', { time: dateTime(this.max * minuteMs) }) : t('time.live');
    this.label.textContent = text;
    this.label.dataset.mode = this.mode;
    if (this.at) this.label.dataset.at = this.at.toISOString();
    else delete this.label.dataset.at;
    s.setAttribute('aria-valuetext', text);
    this.liveButton.setAttribute('aria-pressed', String(this.mode === 'live'));
    this.playButton.setAttribute('aria-pressed', String(this.playing));
    this.playButton.disabled = !known;
    const playText = t(this.playing ? 'time.pause' : 'time.play');
    this.playButton.setAttribute('aria-label', playText);
    this.playButton.title = playText;
    this.playButton.textContent = this.playing ? '❚❚' : '▶';
  }
}
