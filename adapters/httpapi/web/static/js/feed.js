// The live data feed: everything the page learns after loading the layout comes through here. This
// one polls the API; a server-sent-events feed can replace it by emitting the same events.
//
// Events (subscribe with feed.on(type, fn)):
//   'yard'      {summary, blocks, equipment, position, at}: blocks is the block features of
//               yard.geojson, equipment its equipment features, summary the body of /api/v1/yard,
//               at the Date it arrived.
//   'vessels'   the list of vessel visits (/api/v1/vessels).
//   'anomalies' the newest anomalies, oldest first (/api/v1/anomalies).
//   'error'     {error, since}: a refresh failed; since is the Date of the first failure in a row.
//               The feed keeps trying.

import * as api from './api.js';

/**
 * pollingFeed refreshes the yard every intervalMs, the vessels when the log has moved (at most every
 * vesselsMs) and the anomalies when their count changes. It waits for one refresh to finish before
 * planning the next, and pauses while the page is hidden.
 */
export function pollingFeed({ intervalMs = 1000, vesselsMs = 2000 } = {}) {
  const listeners = new Map();
  let timer = 0;
  let running = false;
  let busy = false;
  let failingSince = null;
  let vesselsAt = 0;
  let vesselsPosition = -1;
  let anomalyCount = -1;

  const emit = (type, detail) => {
    for (const fn of listeners.get(type) ?? []) fn(detail);
  };

  async function tick() {
    timer = 0;
    if (!running || busy) return;
    busy = true;
    const started = performance.now();
    try {
      const [geo, summary] = await Promise.all([api.yardGeoJSON(), api.summary()]);
      const features = geo.features ?? [];
      const position = geo.position ?? summary.position ?? 0;
      failingSince = null;
      emit('yard', {
        summary,
        blocks: features.filter((f) => f.properties?.kind === 'block'),
        equipment: features.filter((f) => f.properties?.kind === 'equipment'),
        position,
        at: new Date(),
      });
      const pending = [];
      const now = Date.now();
      if (position !== vesselsPosition && now - vesselsAt >= vesselsMs) {
        vesselsAt = now;
        pending.push(api.vessels().then((list) => { vesselsPosition = position; emit('vessels', list); }));
      }
      const count = Object.values(summary.anomalies ?? {}).reduce((a, b) => a + b, 0);
      if (count !== anomalyCount) {
        pending.push(api.anomalies().then((list) => { anomalyCount = count; emit('anomalies', list); }));
      }
      await Promise.all(pending);
    } catch (error) {
      failingSince ??= new Date();
      emit('error', { error, since: failingSince });
    } finally {
      busy = false;
      schedule(Math.max(0, intervalMs - (performance.now() - started)));
    }
  }

  function schedule(delay) {
    if (running && !timer && !document.hidden) timer = setTimeout(tick, delay);
  }

  function onVisibility() {
    if (document.hidden) {
      clearTimeout(timer);
      timer = 0;
    } else {
      schedule(0);
    }
  }

  return {
    /** on subscribes fn to events of type; it returns a function that unsubscribes. */
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
      return () => listeners.get(type).delete(fn);
    },
    start() {
      if (running) return;
      running = true;
      document.addEventListener('visibilitychange', onVisibility);
      schedule(0);
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = 0;
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
