#!/usr/bin/env node
// End-to-end test of the yard map page in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser is downloaded).
//
//   node map.e2e.mjs [--perf] <base URL of a running twin> [<output directory>]
//
// Default mode, against a twin fed by the demo (serve --demo): the page loads and draws the blocks,
// a live update arrives, a container search finds a box, a block opens in the drill-down view, the
// time slider shows the yard as it was and the live button brings it back; then it measures frame
// times while panning and zooming. --perf, against a large yard (50,000 boxes, no demo): the page
// loads, frame times while panning and zooming as updates arrive, the latency from posting an event
// to the map showing it, and a search. Screenshots go to the output directory (default ./out).
//
// Output: one line per check ("ok   …" or "FAIL …") and one per measured figure ("name: value", the
// names are listed in README.md). The exit status is 0 when every check passed, 1 when one failed,
// 2 on a usage error or when the whole run overran its time limit.
//
// The base URL and output directory may also come from YARDTWIN_URL and E2E_OUT. CHROMIUM overrides
// the browser's path. E2E_TOKEN, for a twin that requires tokens: the default mode first signs in with
// it through the sign-in form (after checking that a wrong token is refused), and the script's own
// API calls send it as a bearer token.

import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const perfMode = args.includes('--perf');
const mode = perfMode ? 'perf' : 'demo';
const positional = args.filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--perf' && a !== '--');
if (unknown.length || positional.length > 2) {
  console.error('usage: node map.e2e.mjs [--perf] <base URL> [<output directory>]');
  process.exit(2);
}
const baseArg = positional[0] ?? process.env.YARDTWIN_URL;
if (!baseArg) {
  console.error('usage: node map.e2e.mjs [--perf] <base URL> [<output directory>] (or set YARDTWIN_URL)');
  process.exit(2);
}
const base = new URL(baseArg.endsWith('/') ? baseArg : baseArg + '/');
const outDir = path.resolve(positional[1] ?? process.env.E2E_OUT ?? 'out');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const token = process.env.E2E_TOKEN || '';

/** waitMs bounds each wait for the page; liveMs the wait for a live update. */
const waitMs = 30_000;
const liveMs = 30_000;
/** panZoomMs is how long the frame-time measurement pans and zooms the map. */
const panZoomMs = 3_000;
/** runMs bounds the whole run: past it the script exits with status 2 (the browser goes with it). */
const runMs = 170_000;

setTimeout(() => {
  console.log(`FAIL the run took longer than ${runMs / 1000} s`);
  process.exit(2);
}, runMs).unref();

// ---- reporting ------------------------------------------------------------------------------

const failures = [];
let page; // the page under test, for failure screenshots
const pageErrors = []; // uncaught errors in the page
let pageBroke = new Promise(() => {}); // rejects at the first uncaught error while the page loads

/** figure prints a measured figure as "name: value". */
function figure(name, value) {
  const v = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : String(value);
  console.log(`${name}: ${v}`);
}

/**
 * step runs one check: it prints "ok   name (seconds)" or "FAIL name: reason", keeps the failure,
 * saves a screenshot of the page as it was, and returns whether the check passed.
 */
async function step(name, fn) {
  const t0 = performance.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return true;
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err.message}`);
    if (page) {
      const file = path.join(outDir, `failure-${mode}-${failures.length}.png`);
      try {
        await page.screenshot({ path: file });
        console.log(`     the page as it was: ${file}`);
        console.log(`     #status: ${JSON.stringify(await statusData())}`);
      } catch {
        // the page is gone; the reason above says why
      }
    }
    return false;
  }
}

/** check throws with message unless ok. */
function check(ok, message) {
  if (!ok) throw new Error(message);
}

// ---- the twin's API, from Node ------------------------------------------------------------------

async function api(p, init) {
  const url = new URL(p, base);
  const headers = { ...(init?.headers ?? {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(url, { ...init, headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url.pathname}: ${res.status} ${body.slice(0, 200)}`);
  return JSON.parse(body);
}

/** someContainer returns a block holding boxes and a container number stacked in it. */
async function someContainer() {
  const yard = await api('api/v1/yard');
  const blocks = (yard.blocks ?? []).filter((b) => b.boxes > 0);
  check(blocks.length > 0, `GET /api/v1/yard: no block holds a box (in_yard ${yard.in_yard})`);
  const block = blocks[0].block;
  const detail = await api(`api/v1/blocks/${encodeURIComponent(block)}`);
  const container = detail.stacks?.find((s) => s.boxes?.length)?.boxes[0]?.container;
  check(container, `GET /api/v1/blocks/${block}: no stack holds a box`);
  return { block, container };
}

/** somePoint returns a WGS84 point inside the terminal: the middle of the first block's corners. */
async function somePoint() {
  const layout = await api('api/v1/layout.geojson');
  const blk = layout.features.find((f) => f.properties?.kind === 'block' && f.geometry?.type === 'Polygon');
  check(blk, 'GET /api/v1/layout.geojson: no block');
  const ring = blk.geometry.coordinates[0].slice(0, -1);
  return [ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length];
}

/** freeSlot returns a slot where a box can be stacked: on top of a stack below the block's tiers. */
async function freeSlot() {
  const yard = await api('api/v1/yard');
  for (const b of (yard.blocks ?? []).filter((b) => b.free_teu > 0)) {
    const blk = await api(`api/v1/blocks/${encodeURIComponent(b.block)}`);
    const height = new Map((blk.stacks ?? []).map((st) => [`${st.bay}.${st.row}`, st.boxes?.length ?? 0]));
    for (let bay = 1; bay <= blk.bays; bay++) {
      for (let row = 1; row <= blk.rows; row++) {
        const n = height.get(`${bay}.${row}`) ?? 0;
        if (n < blk.max_tiers) return { block: b.block, bay, row, tier: n + 1 };
      }
    }
  }
  throw new Error('GET /api/v1/yard: no free slot in any block');
}

/** containerNumber is owner + "U" + six digits + the ISO 6346 check digit. */
function containerNumber(owner, serial) {
  const first = `${owner}U${String(serial % 1e6).padStart(6, '0')}`;
  const value = (c) => {
    if (c >= '0' && c <= '9') return Number(c);
    let v = 10;
    for (let x = 'A'.charCodeAt(0); x < c.charCodeAt(0); x++) v += (v + 1) % 11 === 0 ? 2 : 1;
    return v;
  };
  const sum = [...first].reduce((a, c, i) => a + value(c) * 2 ** i, 0);
  return first + ((sum % 11) % 10);
}

/** envelope is one event of the contract as an NDJSON line, with a fresh id, happening now. */
let eventSeq = 0;
function envelope(type, data) {
  return JSON.stringify({
    specversion: '1.0',
    id: `e2e-${process.pid}-${Date.now()}-${eventSeq++}`,
    source: 'urn:yardtwin:e2e',
    type,
    time: new Date().toISOString(),
    data,
  }) + '\n';
}

/** testMachine moves a test machine (E2E01) about point: each call is its next position report. */
function testMachine([lon, lat]) {
  let n = 0;
  return () => {
    const a = n++ / 3;
    return envelope('equipment.PositionReported', { equipment: 'E2E01', kind: 'reach_stacker', lon: lon + 0.0002 * Math.cos(a), lat: lat + 0.0002 * Math.sin(a) });
  };
}

/**
 * testBox announces a test container and returns a function giving, call by call, its stacking
 * in slot and its lifting from it again: each changes the block's fill, so the map refetches the
 * yard.
 */
async function testBox(slot) {
  const container = containerNumber('TST', Date.now() % 1e6);
  await api('api/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: envelope('yard.ContainerAnnounced', { container, size_type: '22G1', weight_kg: 12000, category: 'transhipment' }) });
  let stacked = false;
  return () => {
    stacked = !stacked;
    return envelope(stacked ? 'yard.ContainerStacked' : 'yard.ContainerLifted', { container, ...slot, crane: 'RTG01' });
  };
}

// ---- the page -----------------------------------------------------------------------------------

/** statusData is the data attributes of #status. */
function statusData() {
  return page.evaluate(() => ({ ...document.getElementById('status')?.dataset }));
}

/** shownTotal is the raw value of a total in #totals (data-value), or null before it is written. */
function shownTotal(key) {
  return page.evaluate((k) => document.querySelector(`#totals [data-total="${k}"] dd`)?.dataset.value ?? null, key);
}

/**
 * waitUntil waits for fn(arg) to hold in the page; on time-out it throws "what: not within N s".
 */
async function waitUntil(what, fn, arg, timeout = waitMs) {
  try {
    await Promise.race([page.waitForFunction(fn, arg, { timeout, polling: 50 }), pageBroke]);
  } catch (err) {
    if (err.name === 'TimeoutError') throw new Error(`${what}: not within ${timeout / 1000} s`);
    throw err;
  }
}

/** percentile is the nearest-rank p-th percentile of xs. */
function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * updateLatency posts one event (an NDJSON line) from the page and returns the milliseconds until
 * the map shows it: from the request to the first animation frame after the page says so, and the
 * part of it the POST took (the twin stores durably before it answers). by 'position': when
 * #status[data-position] reaches the event's (the status is written after the map has taken the
 * refetched yard: for events that change a block); by 'updates': when #status[data-updates] grows
 * (any live change applied: for a machine's position, which does not refetch the yard).
 */
function updateLatency(body, by) {
  return page.evaluate(async ({ body, by, timeout }) => {
    const st = document.getElementById('status');
    const updates = Number(st.dataset.updates);
    const t0 = performance.now();
    const res = await fetch('api/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body });
    const answer = await res.json();
    const posted = performance.now() - t0;
    const position = answer?.results?.[0]?.position;
    if (res.status !== 202 || !position) throw new Error(`POST /api/v1/events = ${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
    const shown = by === 'position' ? () => Number(st.dataset.position) >= position : () => Number(st.dataset.updates) > updates;
    if (!shown()) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          mo.disconnect();
          reject(new Error(`event ${position} not shown within ${timeout / 1000} s (#status data-position ${st.dataset.position}, data-updates ${st.dataset.updates} from ${updates})`));
        }, timeout);
        const mo = new MutationObserver(() => {
          if (shown()) {
            mo.disconnect();
            clearTimeout(timer);
            resolve();
          }
        });
        mo.observe(st, { attributes: true, attributeFilter: ['data-position', 'data-updates'] });
      });
    }
    await new Promise((r) => requestAnimationFrame(() => r()));
    return { total: performance.now() - t0, posted };
  }, { body, by, timeout: liveMs });
}

/** latencySamples times n events from next() shown by `by`, spread over the page's refresh cycle. */
async function latencySamples(n, next, by) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    await sleep(300 + 150 * (i % 5));
    samples.push(await updateLatency(next(), by));
  }
  return samples;
}

/**
 * measureFrames records the gaps between animation frames (and long tasks) in the page while it
 * drags the map about and zooms it in and out with the wheel for ms; during(i) runs between moves.
 * A gap is one frame's time: about 16.7 ms at 60 Hz when the page keeps up.
 */
async function measureFrames(ms, during = async () => {}) {
  await page.evaluate(() => {
    const rec = (window.__e2eFrames = { gaps: [], longTasks: [], running: true });
    let last = 0;
    const loop = (t) => {
      if (last) rec.gaps.push(t - last);
      last = t;
      if (rec.running) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    try {
      rec.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) rec.longTasks.push(e.duration);
      });
      rec.observer.observe({ type: 'longtask' });
    } catch {
      // no Long Tasks API: the frame gaps tell the same story
    }
  });
  const box = await page.locator('#map').boundingBox();
  check(box && box.width > 100 && box.height > 100, `#map is ${box ? `${box.width}×${box.height}` : 'not laid out'}`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const end = Date.now() + ms;
  let i = 0;
  await page.mouse.move(cx, cy);
  while (Date.now() < end) {
    // A drag round a small circle (back where it started), then a wheel notch in or out.
    await page.mouse.down();
    for (let k = 1; k <= 12; k++) {
      const a = (k / 12) * 2 * Math.PI;
      await page.mouse.move(cx + 80 * Math.sin(a), cy + 60 * (1 - Math.cos(a)));
    }
    await page.mouse.up();
    await page.mouse.wheel(0, i % 4 < 2 ? -200 : 200);
    await during(i++);
  }
  await sleep(300); // let the last frames land
  const rec = await page.evaluate(() => {
    const r = window.__e2eFrames;
    r.running = false;
    r.observer?.disconnect();
    return { gaps: r.gaps, longTasks: r.longTasks };
  });
  await page.mouse.move(box.x + 5, box.y + 5); // off the blocks: no tooltip in the screenshots
  return { ...rec, moves: i };
}

/** reportFrames prints the frame figures and the page's own, if it keeps any (window.__yardtwinPerf). */
async function reportFrames(rec) {
  check(rec.gaps.length >= 10, `only ${rec.gaps.length} animation frames in ${panZoomMs / 1000} s of panning and zooming`);
  figure('frames', rec.gaps.length);
  figure('pan-zoom-gestures', rec.moves);
  figure('frame-time-p50-ms', percentile(rec.gaps, 50));
  figure('frame-time-p95-ms', percentile(rec.gaps, 95));
  figure('frame-time-max-ms', Math.max(...rec.gaps));
  figure('long-tasks', rec.longTasks.length);
  if (rec.longTasks.length) figure('long-task-max-ms', Math.max(...rec.longTasks));
  const own = await page.evaluate(() => {
    const p = window.__yardtwinPerf;
    if (!p) return null;
    const nums = (xs) => (Array.isArray(xs) ? xs.map((f) => (typeof f === 'number' ? f : f?.ms ?? f?.duration)).filter(Number.isFinite) : []);
    return { frames: nums(p.frames), latencies: nums(p.latencies), last: p.lastUpdateLatencyMs, updates: p.updates, keys: Object.keys(p) };
  });
  if (!own) {
    console.log('     (the page exposes no window.__yardtwinPerf)');
    return;
  }
  console.log(`     window.__yardtwinPerf: ${own.keys.join(', ')}`);
  if (own.frames.length) {
    // The page's own figure: the time the map spent drawing each of its last frames.
    figure('draw-frames', own.frames.length);
    figure('draw-time-p50-ms', percentile(own.frames, 50));
    figure('draw-time-p95-ms', percentile(own.frames, 95));
    figure('draw-time-max-ms', Math.max(...own.frames));
  }
  if (own.latencies.length) {
    figure('page-update-latency-p50-ms', percentile(own.latencies, 50));
    figure('page-update-latency-p95-ms', percentile(own.latencies, 95));
  }
  if (Number.isFinite(own.last)) figure('page-update-latency-ms', own.last);
  if (Number.isFinite(own.updates)) figure('page-updates', own.updates);
}

/**
 * screenshot saves the page as name in the output directory and says where. The map page is one
 * screen (its panel scrolls inside it), so the window is the whole page; Chromium's full-page
 * capture would add a band below it as tall as anything overflowing the panel.
 */
async function screenshot(name) {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

// ---- the checks ---------------------------------------------------------------------------------

/**
 * signIn meets the sign-in form of a twin that requires a viewer token: the map answers 401 with the
 * form, a wrong token is refused, and the right one leads back to the map.
 */
async function signIn() {
  const res = await page.goto(base.href, { waitUntil: 'load', timeout: waitMs });
  check(res?.status() === 401, `GET ${base.pathname} without a token: ${res?.status()}, want 401 and the sign-in form`);
  const submit = async (value) => {
    await page.locator('input[name="token"]').fill(value);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: waitMs }), page.locator('button[type="submit"]').click()]);
  };
  await submit('not-a-token-of-this-twin');
  check((await page.locator('[role="alert"]').count()) === 1, 'a wrong token was not refused on the sign-in form');
  await submit(token);
  check(new URL(page.url()).pathname === base.pathname, `after signing in the page is at ${page.url()}, not the map`);
}

/** loadPage opens the map and waits until it is live with blocks drawn. */
async function loadPage() {
  const t0 = performance.now();
  const res = await page.goto(base.href, { waitUntil: 'load', timeout: waitMs });
  check(res?.ok(), `GET ${base.pathname}: ${res?.status()}`);
  await waitUntil(
    '#status[data-state="live"] with data-blocks > 0',
    () => {
      const s = document.getElementById('status')?.dataset;
      return s?.state === 'live' && Number(s.blocks) > 0;
    },
  );
  const s = await statusData();
  figure('page-load-ms', performance.now() - t0);
  figure('blocks-drawn', Number(s.blocks));
  figure('equipment-drawn', Number(s.equipment));
  const inYard = await shownTotal('in_yard');
  if (inYard != null) figure('in-yard-shown', Number(inYard));
}

/** liveUpdate waits for #status[data-position] (and data-updates, if the page keeps it) to grow. */
async function liveUpdate() {
  const s = await statusData();
  const from = { position: Number(s.position), updates: s.updates === undefined ? null : Number(s.updates) };
  if (from.updates === null) console.log('     (#status has no data-updates: checking data-position only)');
  const t0 = performance.now();
  await waitUntil(
    `a live update (#status data-position above ${from.position}${from.updates === null ? '' : `, data-updates above ${from.updates}`})`,
    (f) => {
      const d = document.getElementById('status').dataset;
      return Number(d.position) > f.position && (f.updates === null || Number(d.updates) > f.updates) && d.state === 'live';
    },
    from,
    liveMs,
  );
  const to = await statusData();
  figure('live-update-wait-ms', performance.now() - t0);
  console.log(`     data-position ${from.position} → ${to.position}${from.updates === null ? '' : `, data-updates ${from.updates} → ${to.updates}`}`);
}

/** search types a container number into #search, presses Enter and waits for the result. */
async function search(container) {
  const t0 = performance.now();
  await page.locator('#search').fill(container);
  await page.locator('#search').press('Enter');
  await waitUntil(
    `#search-result[data-state="found"][data-container="${container}"]`,
    (c) => {
      const r = document.getElementById('search-result');
      return r?.dataset.state === 'found' && r.dataset.container === c;
    },
    container,
  );
  figure('search-ms', performance.now() - t0);
  const text = await page.locator('#search-result').innerText();
  console.log(`     ${container}: ${text.replace(/\s+/g, ' ').trim().slice(0, 160)}`);
  // Its history: the box was announced and stacked, so at least one move is listed.
  await waitUntil(`#search-history li for ${container}`, () => document.querySelectorAll('#search-history li').length > 0);
  const moves = await page.locator('#search-history li').allInnerTexts();
  console.log(`     #search-history: ${moves.length} moves, newest "${moves[0].replace(/\s+/g, ' ').trim()}"`);
}

/** hookInventory lists which of the page's test hooks exist, for the log; it checks nothing. */
async function hookInventory() {
  const hooks = {
    '#status[data-mode]': '#status[data-mode]',
    '#status[data-stream]': '#status[data-stream]',
    '#status[data-updates]': '#status[data-updates]',
    '#time-slider': '#time-slider',
    '#time-label': '#time-label',
    '#time-live': '#time-live',
    '#time-play': '#time-play',
    '#search-history': '#search-history',
    '#block-list li[data-block]': '#block-list li[data-block]',
    '#block-view': '#block-view',
    '#colour-mode': '#colour-mode',
    '#kpis': '#kpis',
    '#lang': '#lang',
    '#vessels li[data-visit]': '#vessels li[data-visit]',
    '#anomalies li': '#anomalies li',
  };
  const found = await page.evaluate((hs) => {
    const out = {};
    for (const [name, sel] of Object.entries(hs)) out[name] = document.querySelectorAll(sel).length;
    out['window.__yardtwinPerf'] = window.__yardtwinPerf ? 1 : 0;
    return out;
  }, hooks);
  const present = Object.entries(found).filter(([, n]) => n > 0).map(([k]) => k);
  const missing = Object.entries(found).filter(([, n]) => n === 0).map(([k]) => k);
  console.log(`     hooks present: ${present.join(' ') || 'none'}`);
  console.log(`     hooks missing: ${missing.join(' ') || 'none'}`);
  const s = await statusData();
  if (s.stream) console.log(`     #status data-stream="${s.stream}"`);
}

/** drillDown opens a block from #block-list and waits for #block-view to show its slots. */
async function drillDown(block) {
  const entry = page.locator(`#block-list li[data-block="${block}"]`);
  check((await entry.count()) === 1, `#block-list li[data-block="${block}"]: ${await entry.count()} on the page`);
  const button = entry.locator('button').first();
  if (await button.count()) await button.click();
  else await entry.press('Enter');
  await waitUntil(
    `#block-view[data-block="${block}"] visible, with slot cells ([data-bay][data-row], [data-slot] or [data-stack])`,
    (b) => {
      const v = document.getElementById('block-view');
      if (!v || v.dataset.block !== b || v.hidden || !v.checkVisibility()) return false;
      return v.querySelectorAll('[data-bay][data-row], [data-slot], [data-stack]').length > 0;
    },
    block,
  );
  const cells = await page.evaluate(() => document.querySelectorAll('#block-view :is([data-bay][data-row], [data-slot], [data-stack])').length);
  figure('block-view-cells', cells);
  await screenshot(`block-${block}.png`);
}

/**
 * timeTravel moves #time-slider to an early value and checks that the page shows the past
 * (data-mode="past", totals or position other than the live ones, and they stay put while the live
 * yard moves on); then #time-live brings the live yard back.
 */
async function timeTravel() {
  for (const hook of ['#time-slider', '#time-live']) check(await page.locator(hook).count(), `${hook} is not on the page`);
  await waitUntil('#status[data-mode="live"] before moving the slider', () => document.getElementById('status')?.dataset.mode === 'live', null, 5000);
  const live = { position: Number((await statusData()).position), inYard: await shownTotal('in_yard') };
  const slider = await page.evaluate(() => {
    const el = document.getElementById('time-slider');
    if (!el) return null;
    return { min: Number(el.min), max: Number(el.max), step: el.step, value: Number(el.value), label: document.getElementById('time-label')?.textContent?.trim() ?? null };
  });
  check(Number.isFinite(slider.min) && Number.isFinite(slider.max) && slider.max > slider.min, `#time-slider has no range (min ${slider.min}, max ${slider.max})`);
  // 5 % into the range: early, past the very first instant (when the demo stacks its opening yard).
  const early = slider.min + (slider.max - slider.min) * 0.05;
  console.log(`     #time-slider min ${slider.min} max ${slider.max} value ${slider.value} → ${early}; label "${slider.label}"`);
  const t0 = performance.now();
  await page.evaluate((v) => {
    const el = document.getElementById('time-slider');
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, early);
  await waitUntil(
    `#status[data-mode="past"], with #totals in_yard other than the live ${live.inYard} or data-position below the live ${live.position}`,
    (l) => {
      const s = document.getElementById('status').dataset;
      const inYard = document.querySelector('#totals [data-total="in_yard"] dd')?.dataset.value ?? null;
      return s.mode === 'past' && (inYard !== l.inYard || Number(s.position) < l.position);
    },
    live,
  );
  figure('past-view-ms', performance.now() - t0);
  const past = { position: Number((await statusData()).position), inYard: await shownTotal('in_yard') };
  const label = await page.evaluate(() => document.getElementById('time-label')?.textContent?.trim() ?? null);
  console.log(`     past: in_yard ${past.inYard} (live ${live.inYard}), data-position ${past.position} (live ${live.position}), label "${label}"`);
  check(label !== slider.label, `#time-label still says "${label}" after the slider moved`);
  // The past stays put while the live yard moves on: its totals do not follow the live ones. (Its
  // data-position may: an answer about the past reflects the log as known now.)
  const liveBefore = (await api('api/v1/yard')).in_yard;
  await sleep(3000);
  const later = { mode: (await statusData()).mode, inYard: await shownTotal('in_yard') };
  const liveAfter = (await api('api/v1/yard')).in_yard;
  check(later.mode === 'past', `#status data-mode went back to "${later.mode}" on its own`);
  check(later.inYard === past.inYard || liveAfter === liveBefore,
    `the past view followed the live yard: in_yard shown ${past.inYard} → ${later.inYard} while the live in_yard went ${liveBefore} → ${liveAfter}`);
  await page.locator('#totals').evaluate((el) => el.scrollIntoView({ block: 'center' })); // the past totals in the picture
  await screenshot('map-past.png');

  const live2 = Number((await statusData()).position);
  await page.locator('#time-live').click();
  await waitUntil(
    `#status[data-mode="live"] and data-position at least ${live.position} after clicking #time-live`,
    (p) => {
      const s = document.getElementById('status').dataset;
      return s.mode === 'live' && s.state === 'live' && Number(s.position) >= p;
    },
    Math.max(live.position, live2),
  );
  console.log(`     live again: data-position ${(await statusData()).position}, in_yard ${await shownTotal('in_yard')}`);
}

// ---- the run ------------------------------------------------------------------------------------

await mkdir(outDir, { recursive: true });
for (const f of await readdir(outDir)) {
  if (f.startsWith(`failure-${mode}-`)) await rm(path.join(outDir, f)); // an earlier run's
}
console.log(`yardtwin map e2e (${mode} mode) against ${base.href}, screenshots in ${outDir}`);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
console.log(`chromium ${browser.version()} at ${executablePath}`);
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  let broke;
  pageBroke = new Promise((_, reject) => (broke = reject));
  pageBroke.catch(() => {}); // waited on by waitUntil, or not at all
  page.on('pageerror', (err) => {
    pageErrors.push(err.message);
    console.log(`     page error: ${err.message}`);
    broke(new Error(`the page threw: ${err.message}`));
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') console.log(`     page console.${msg.type()}: ${msg.text()}`);
  });

  if (token && !perfMode && !(await step('the sign-in form refuses a wrong token and takes the right one', signIn))) {
    throw new Error('could not sign in');
  }
  if (!(await step('the page loads, draws the blocks and goes live', loadPage))) throw new Error('the page did not load');
  pageBroke = new Promise(() => {}); // later errors fail the run at the end, not the wait at hand

  if (!perfMode) {
    await step('a live update arrives', liveUpdate);
    const { block, container } = await someContainer();
    await step(`the search finds ${container}, with its history`, () => search(container));
    await hookInventory();
    await step(`block ${block} opens from the block list`, async () => {
      await drillDown(block);
      await page.keyboard.press('Escape');
    });
    await step('the time slider shows the past, and #time-live the live yard', timeTravel);
    // The whole terminal, with the search mark, for a person to look at.
    await sleep(1500);
    await page.locator('#zoom-fit').click();
    await page.evaluate(() => document.getElementById('panel')?.scrollTo(0, 0)); // the search result
    await page.mouse.move(1, 1);
    await sleep(1000);
    await screenshot('map.png');
    await step('frame time while panning and zooming', async () => reportFrames(await measureFrames(panZoomMs)));
  } else {
    const machine = testMachine(await somePoint());
    const slot = await freeSlot();
    const boxMove = await testBox(slot);
    console.log(`     test box in ${slot.block} bay ${slot.bay} row ${slot.row} tier ${slot.tier}, test machine E2E01`);
    await step('a box stacked and lifted reaches the map (post, wait for #status data-position)', async () => {
      const samples = await latencySamples(8, boxMove, 'position');
      const totals = samples.map((x) => x.total);
      figure('update-latency-samples', totals.length);
      figure('update-latency-p50-ms', percentile(totals, 50));
      figure('update-latency-max-ms', Math.max(...totals));
      figure('update-post-p50-ms', percentile(samples.map((x) => x.posted), 50));
    });
    await step("a machine's move reaches the map (post, wait for #status data-updates)", async () => {
      check(await page.evaluate(() => document.getElementById('status').dataset.updates !== undefined), '#status has no data-updates');
      const totals = (await latencySamples(8, machine, 'updates')).map((x) => x.total);
      figure('machine-latency-p50-ms', percentile(totals, 50));
      figure('machine-latency-max-ms', Math.max(...totals));
    });
    await step('frame time while panning and zooming, with updates arriving', async () => {
      let last = 0;
      let k = 0;
      const rec = await measureFrames(panZoomMs, async () => {
        if (Date.now() - last < 250) return;
        last = Date.now();
        // Boxes and a machine moving: the map refetches the yard (at most once a second) and glides.
        const body = k++ % 2 ? machine() : boxMove();
        await api('api/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body });
      });
      await reportFrames(rec);
    });
    const { container } = await someContainer();
    await step(`the page still answers: the search finds ${container}, with its history`, () => search(container));
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize);
    if (heap) figure('js-heap-mb', heap / 2 ** 20);
    await sleep(1500); // the map flies to the box found: let it land, then show the whole yard
    await page.locator('#zoom-fit').click();
    await page.mouse.move(1, 1);
    await sleep(1000);
    await screenshot('map-50k.png');
  }

  if (pageErrors.length) {
    failures.push('page errors');
    console.log(`FAIL the page threw ${pageErrors.length} uncaught error(s): ${pageErrors.slice(0, 3).join(' | ')}`);
  }
} catch (err) {
  if (!failures.length) failures.push(err.message);
  console.log(`FAIL ${err.message}`);
} finally {
  await browser.close();
}

if (failures.length) {
  console.log(`FAILED: ${failures.length} check(s): ${failures.join('; ')}`);
  process.exit(1);
}
console.log('PASS');
