// The KPI panel (#kpis): the terminal's headline KPIs over the last 24 hours of event time (to the
// newest event, or to the moment shown in the past), each with its definition as a tooltip, and for
// some a sparkline, hour by hour, drawn as inline SVG.
//
// Data: GET /api/v1/kpis?from=&to= for the 24-hour window (its `utilisation` samples give the yard
// utilisation line), and one request per hour of the window for the hourly lines (quay-crane gross
// moves per hour, truck turn time, productive moves, rehandle ratio). KPIs are computed from
// everything known now, so a finished hour's answer does not depend on the moment shown: hours are
// kept once fetched (the last two are asked again each time, all of them every ten minutes, for
// late reports). Refreshed every 30 s live; in the past, when the moment shown changes.

import * as api from './api.js';
import { h } from './dom.js';
import { dateTime, errorText, int, label, num, pct, t } from './i18n.js';

const hourMs = 3600e3;
const windowHours = 24;

/** shown lists the KPIs of the panel, in order; spark says where its hourly line comes from. */
const shown = [
  { key: 'qc_gross_moves_per_hour', spark: 'hourly' },
  { key: 'truck_turn_time', spark: 'hourly' },
  { key: 'yard_utilisation', spark: 'utilisation' },
  { key: 'productive_moves', spark: 'hourly' },
  { key: 'berth_productivity' },
  { key: 'rehandle_ratio', spark: 'hourly' },
  { key: 'dwell_time' },
];

/** counts are the KPIs whose value is their number of observations: no "n of" line under them. */
const counts = new Set(['productive_moves', 'rehandles']);

/** format writes a KPI value in its unit, for the page's language. */
function format(value, unit) {
  if (value == null || !Number.isFinite(value)) return { text: '–', unit: '' };
  switch (unit) {
    case 'ratio':
      return { text: pct(value), unit: '' };
    case 'moves':
      return { text: int(value), unit: t('unit.moves') };
    case 'moves/h':
      return { text: num(value, 1), unit: t('unit.movesPerHour') };
    case 'min':
      return { text: num(value, 0), unit: t('unit.minutes') };
    case 'h':
      return { text: num(value, 1), unit: t('unit.hours') };
    case 'd':
      return { text: num(value, 1), unit: t('unit.days') };
    default:
      return { text: num(value, 2), unit };
  }
}

/** ofLabel names what a KPI's observations are ("crane visits"), in the page's language when known. */
function ofLabel(of) {
  const key = String(of ?? '').replace(/\s+/g, '_');
  const text = label('kpiOf', key);
  return text === key ? String(of ?? '') : text;
}

const svgNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * sparkline draws values (numbers, or null for an hour with nothing to measure: a gap) as a line
 * with its last point marked, scaled from zero (or the lowest value, when negative) to the highest.
 */
export function sparkline(values, { width = 120, height = 28 } = {}) {
  const s = svg('svg', { class: 'spark', viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true', focusable: 'false' });
  const nums = values.filter((v) => v != null && Number.isFinite(v));
  if (nums.length === 0) {
    s.append(svg('line', { class: 'base', x1: 0, y1: height - 1.5, x2: width, y2: height - 1.5 }));
    return s;
  }
  const lo = Math.min(0, ...nums);
  const hi = Math.max(...nums);
  const span = hi - lo || 1;
  const pad = 3;
  const x = (i) => (values.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v) => height - pad - ((v - lo) / span) * (height - 2 * pad);
  let d = '';
  let area = '';
  let run = [];
  const flush = () => {
    if (run.length === 0) return;
    d += run.map(([i, v], k) => `${k ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
    if (run.length > 1) {
      area += `M${x(run[0][0]).toFixed(1)},${height - pad}` + run.map(([i, v]) => `L${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('') + `L${x(run[run.length - 1][0]).toFixed(1)},${height - pad}Z`;
    }
    run = [];
  };
  values.forEach((v, i) => (v != null && Number.isFinite(v) ? run.push([i, v]) : flush()));
  flush();
  s.append(svg('line', { class: 'base', x1: 0, y1: height - pad, x2: width, y2: height - pad }));
  if (area) s.append(svg('path', { class: 'area', d: area }));
  s.append(svg('path', { class: 'line', d }));
  // Single points (an hour between gaps) show as dots, and the latest value is marked.
  values.forEach((v, i) => {
    const alone = v != null && (values[i - 1] == null || i === 0) && (values[i + 1] == null || i === values.length - 1);
    if (alone || (v != null && i === values.length - 1)) s.append(svg('circle', { class: i === values.length - 1 ? 'last' : 'dot', cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2 }));
  });
  return s;
}

export class KpiPanel {
  /**
   * root is #kpis; moment() returns {at}: the past moment shown, or null live. onWhole(report) gets
   * the report of the whole log each time it is read (live), whose as_of is the newest event time.
   */
  constructor(root, { moment, onWhole = () => {}, refreshMs = 30000, purgeMs = 600000 }) {
    Object.assign(this, { root, moment, onWhole, refreshMs, purgeMs });
    this.hours = new Map(); // hour start (epoch ms) → report of that hour
    this.report = null;
    this.series = null;
    this.timer = 0; // the next refresh, live
    this.soon = 0; // the load after a change of moment
    this.seq = 0;
    this.busy = false;
    this.again = false;
    this.caption = h('p', { class: 'caption muted' });
    this.list = h('ul', { class: 'kpi-list' });
    this.message = h('p', { class: 'muted', role: 'status' });
    root.replaceChildren(this.caption, this.list, this.message);
    root.dataset.state = 'loading';
    this.message.textContent = t('kpis.loading');
  }

  start() {
    this.load();
    setInterval(() => this.hours.clear(), this.purgeMs);
  }

  /**
   * changed says the moment shown changed: load again shortly, for the moment shown by then (so a
   * slider being dragged, or history playing, costs one load every second or so, not one a step).
   */
  changed() {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = 0;
      this.load();
    }, 800);
  }

  async load() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const mine = ++this.seq;
    const { at } = this.moment();
    try {
      let report;
      if (at) {
        report = await api.kpis({ from: at.getTime() - windowHours * hourMs, to: at });
      } else {
        // The window ends with the newest hour of activity: ask for the whole log to learn it.
        const all = await api.kpis();
        this.onWhole(all);
        const end = Date.parse(all.to);
        report = Number.isFinite(end) && end - Date.parse(all.from) > windowHours * hourMs
          ? await api.kpis({ from: end - windowHours * hourMs, to: end })
          : all;
      }
      const series = await this.hourly(report, at);
      if (mine !== this.seq) return;
      this.report = report;
      this.series = series;
      this.root.dataset.state = 'ready';
      this.message.textContent = '';
      this.render();
    } catch (err) {
      if (mine !== this.seq) return;
      this.root.dataset.state = 'error';
      this.message.textContent = t('kpis.failed', { error: errorText(err) });
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.load();
      } else if (!this.moment().at) {
        this.timer = setTimeout(() => this.load(), this.refreshMs);
      }
    }
  }

  /** hourly fetches the window's hours not known yet and returns {hours: [epoch ms], reports}. */
  async hourly(report, at) {
    const from = Date.parse(report.from);
    const to = Date.parse(report.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return { hours: [], reports: [] };
    const hours = [];
    for (let hr = from; hr < to; hr += hourMs) hours.push(hr);
    const newest = hours[hours.length - 1];
    const want = hours.filter((hr) => !this.hours.has(hr) || hr >= newest - hourMs);
    let next = 0;
    const worker = async () => {
      while (next < want.length) {
        const hr = want[next++];
        const end = at && at.getTime() < hr + hourMs ? at : hr + hourMs;
        const r = await api.kpis({ from: hr, to: end });
        // The hour holding the moment shown is partial: keep it only for this answer.
        if (end === hr + hourMs) this.hours.set(hr, r);
        else this.partial = [hr, r];
      }
    };
    this.partial = null;
    await Promise.all(Array.from({ length: 4 }, worker));
    return {
      hours,
      reports: hours.map((hr) => (this.partial?.[0] === hr ? this.partial[1] : this.hours.get(hr))),
    };
  }

  /** rerender writes the panel again (after a change of language). */
  rerender() {
    if (this.report) this.render();
    else this.message.textContent = this.root.dataset.state === 'loading' ? t('kpis.loading') : this.message.textContent;
  }

  render() {
    const r = this.report;
    const { hours, reports } = this.series;
    this.root.dataset.position = String(r.position ?? '');
    this.caption.textContent = r.to
      ? t('kpis.window', { from: dateTime(r.from), to: dateTime(r.to) })
      : t('kpis.empty');
    const items = shown.map(({ key, spark }) => {
      const k = r.kpis?.find((x) => x.key === key);
      const unit = k?.unit ?? '';
      const v = format(k?.value ?? null, unit);
      let values = null;
      if (spark === 'hourly') values = reports.map((hr) => hr?.kpis?.find((x) => x.key === key)?.value ?? null);
      if (spark === 'utilisation') {
        const byEnd = new Map((r.utilisation ?? []).map((s) => [Date.parse(s.at), s.utilisation]));
        values = hours.map((hr) => byEnd.get(hr + hourMs) ?? null);
      }
      const name = label('kpi', key) === key ? k?.name ?? key : label('kpi', key);
      const nums = (values ?? []).filter((x) => x != null);
      const sparkText = values && nums.length
        ? t('kpis.spark', { n: int(hours.length), min: format(Math.min(...nums), unit).text, max: format(Math.max(...nums), unit).text })
        : null;
      return h('li', {
        dataset: { kpi: key, value: k?.value ?? '', unit, n: k?.n ?? 0 },
        title: k?.definition ?? '',
      },
      h('span', { class: 'name', text: name }),
      h('span', { class: 'value' }, v.text, v.unit ? h('small', { text: ` ${v.unit}` }) : null),
      k && k.n != null && !counts.has(key) ? h('span', { class: 'n muted', text: t('kpis.n', { n: int(k.n), of: ofLabel(k.n_of) }) }) : null,
      values ? sparkline(values) : null,
      sparkText ? h('span', { class: 'visually-hidden', text: sparkText }) : null,
      );
    });
    this.list.replaceChildren(...items);
  }
}
