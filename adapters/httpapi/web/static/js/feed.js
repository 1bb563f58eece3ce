// The data feed: everything the page learns of the yard after loading the layout comes through here.
//
// Live, it follows GET /api/v1/stream (server-sent events; EventSource reconnects by itself and
// resumes with Last-Event-ID), read in a dedicated worker (stream-worker.js) so that parsing never
// competes with drawing, or in the page itself where workers are not available. A position report (equipment.PositionReported) or a status change is
// handed on at once, from the message itself. Events that change blocks or totals (stacks, lifts,
// discharges, loads, gate moves, announcements) make it refetch yard.geojson and the totals, at most
// once a second however many arrive; vessel events refetch the vessels, at most every two seconds.
// Should the stream fail again and again (or not exist), it polls instead, and tries the stream again
// now and then. Paused (the page shows the past), it keeps the stream open but applies nothing; on
// resuming it refetches everything.
//
// Events (subscribe with feed.on(type, fn)):
//   'yard'      {summary, blocks, equipment, position, at, past, receivedAt}: blocks is the block
//               features of yard.geojson, equipment its equipment features, summary the body of
//               /api/v1/yard, at the Date it arrived, past the moment asked for (null when live),
//               receivedAt the performance.now() of the oldest stream message it answers, or null.
//   'vessels'   the list of vessel visits (/api/v1/vessels).
//   'anomalies' the newest anomalies, oldest first (/api/v1/anomalies).
//   'machine'   {id, kind, lonlat, at, receivedAt}: a position report, live.
//   'machineStatus' {id, kind, status, receivedAt}: a status change, live.
//   'event'     {type, time, position}: every stream message, also while paused (time in epoch ms).
//   'stream'    {stream}: 'connecting', 'sse' (the stream is open) or 'poll' (polling instead).
//   'error'     {error, since}: a refresh failed; since is the Date of the first failure in a row.
//               The feed keeps trying.

import * as api from './api.js';
import { positionType, statusType, streamEvent } from './stream-event.js';

/** Stream event types, by what the page does with them. */
const yardTypes = [
  'yard.ContainerAnnounced', 'yard.ContainerStacked', 'yard.ContainerLifted', 'yard.ContainerHeld', 'yard.ContainerReleased',
  'quay.ContainerDischarged', 'quay.ContainerLoaded', 'gate.ContainerGatedIn', 'gate.ContainerGatedOut',
];
const vesselTypes = ['quay.VesselArrived', 'quay.VesselBerthed', 'quay.VesselDeparted', 'quay.ContainerDischarged', 'quay.ContainerLoaded'];
const otherTypes = ['gate.TruckArrived', 'gate.TruckLeft'];
const allTypes = [...new Set([positionType, statusType, ...yardTypes, ...vesselTypes, ...otherTypes])];

/**
 * liveFeed returns the feed. refetchMs bounds how often the yard is refetched on stream events;
 * pollMs is the polling period; failuresBeforePoll stream errors in a row (without a message in
 * between) make it poll (at once if the stream never opened) until the stream opens again; after
 * giveUpAfter, or when the stream is refused, it closes the stream and opens it afresh after
 * retryStreamMs. resyncMs is a full refresh while the stream is open, to heal anything missed.
 * stream false polls only.
 */
export function liveFeed({
  refetchMs = 1000, vesselsMs = 2000, pollMs = 1000, failuresBeforePoll = 3, retryStreamMs = 30000, resyncMs = 30000,
  stream = true, giveUpAfter = 10,
} = {}) {
  const listeners = new Map();
  const emit = (type, detail) => {
    for (const fn of listeners.get(type) ?? []) fn(detail);
  };

  let running = false;
  let paused = false;
  let gen = 0; // bumped on pause and resume: answers to requests of an older generation are dropped
  let mode = 'connecting';
  let source = null; // {close()}: the stream being followed
  let useWorker = typeof Worker !== 'undefined';
  let failures = 0;
  let retryTimer = 0;
  let failingSince = null;

  const setMode = (m) => {
    if (m === mode) return;
    mode = m;
    emit('stream', { stream: m });
  };
  const failed = (error) => {
    failingSince ??= new Date();
    emit('error', { error, since: failingSince });
  };

  // ---- refetching the yard, throttled.
  let yardTimer = 0;
  let yardBusy = false;
  let yardWanted = false;
  let yardLast = 0;
  let yardReceived = null; // oldest stream message not yet answered by a refetch
  let anomalyCount = -1;

  function wantYard(receivedAt) {
    if (receivedAt != null) yardReceived = yardReceived == null ? receivedAt : Math.min(yardReceived, receivedAt);
    yardWanted = true;
    if (yardTimer || yardBusy) return;
    yardTimer = setTimeout(fetchYard, Math.max(0, yardLast + refetchMs - performance.now()));
  }

  async function fetchYard() {
    yardTimer = 0;
    if (!running || paused || yardBusy) return;
    if (document.hidden) {
      yardWanted = true; // nobody is looking: fetch when the page shows again
      return;
    }
    yardBusy = true;
    yardWanted = false;
    yardLast = performance.now();
    const received = yardReceived;
    yardReceived = null;
    const mine = gen;
    try {
      const [geo, summary] = await Promise.all([api.yardGeoJSON(), api.summary()]);
      if (mine !== gen) return;
      failingSince = null;
      emitYard(geo, summary, null, received);
      const count = Object.values(summary.anomalies ?? {}).reduce((a, b) => a + b, 0);
      if (count !== anomalyCount) {
        const list = await api.anomalies();
        if (mine !== gen) return;
        anomalyCount = count;
        emit('anomalies', list);
      }
    } catch (error) {
      if (mine === gen) failed(error);
      yardWanted = true; // try again
    } finally {
      yardBusy = false;
      if (yardWanted && running && !paused) wantYard(null);
    }
  }

  function emitYard(geo, summary, past, receivedAt) {
    const features = geo.features ?? [];
    emit('yard', {
      summary,
      blocks: features.filter((f) => f.properties?.kind === 'block'),
      equipment: features.filter((f) => f.properties?.kind === 'equipment'),
      position: geo.position ?? summary.position ?? 0,
      at: new Date(),
      past,
      receivedAt,
    });
  }

  // ---- refetching the vessels, throttled.
  let vesselsTimer = 0;
  let vesselsLast = 0;
  function wantVessels() {
    if (vesselsTimer) return;
    vesselsTimer = setTimeout(async () => {
      vesselsTimer = 0;
      if (!running || paused) return;
      vesselsLast = performance.now();
      const mine = gen;
      try {
        const list = await api.vessels();
        if (mine === gen) emit('vessels', list);
      } catch (error) {
        if (mine === gen) failed(error);
      }
    }, Math.max(0, vesselsLast + vesselsMs - performance.now()));
  }

  function resync() {
    anomalyCount = -1;
    wantYard(null);
    wantVessels();
  }

  // ---- the stream.

  /** onEvent applies one stream message, as stream-worker.js cuts it down (receivedAt: performance.now()). */
  function onEvent(ev) {
    failures = 0;
    emit('event', ev);
    if (paused || mode !== 'sse') return;
    if (ev.machine) {
      emit('machine', { ...ev.machine, receivedAt: ev.receivedAt });
      return;
    }
    if (ev.status) {
      emit('machineStatus', { ...ev.status, receivedAt: ev.receivedAt });
      return;
    }
    if (yardTypes.includes(ev.type)) wantYard(ev.receivedAt);
    if (vesselTypes.includes(ev.type)) wantVessels();
  }

  function onOpen() {
    failures = 0;
    failingSince = null;
    stopPolling();
    setMode('sse');
    if (!paused) resync(); // what happened while the stream was down
  }

  function onError(closed) {
    failures++;
    // EventSource retries by itself (every few seconds) unless the answer was not a stream (closed).
    // Poll meanwhile when the stream never opened or fails again and again; once it opens, polling
    // stops. A stream that is refused, or keeps failing, is given up and tried afresh later.
    if (closed || mode === 'connecting' || failures >= failuresBeforePoll) startPolling();
    if (closed || failures >= giveUpAfter) {
      source?.close();
      source = null;
      failures = 0;
      retryTimer = setTimeout(openStream, retryStreamMs);
    }
  }

  function openStream() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    if (source || !stream || typeof EventSource === 'undefined') return;
    source = useWorker ? workerSource() : pageSource();
  }

  function workerSource() {
    const worker = new Worker(new URL('./stream-worker.js', import.meta.url), { type: 'module' });
    const origin = performance.timeOrigin;
    worker.onmessage = ({ data }) => {
      if (data.kind === 'unsupported') {
        worker.terminate();
        useWorker = false;
        source = pageSource();
      } else if (data.kind === 'open') onOpen();
      else if (data.kind === 'error') onError(data.closed);
      else if (data.kind === 'events') for (const ev of data.events) onEvent({ ...ev, receivedAt: ev.receivedAt - origin });
    };
    worker.onerror = () => onError(true); // the worker itself failed to start
    worker.postMessage({ cmd: 'open', url: api.streamURL(), types: allTypes });
    return { close: () => worker.terminate() };
  }

  function pageSource() {
    const es = new EventSource(api.streamURL());
    const handle = (e) => {
      const ev = streamEvent(e, performance.now());
      if (ev) onEvent(ev);
    };
    es.addEventListener('open', onOpen);
    es.addEventListener('error', () => onError(es.readyState === EventSource.CLOSED));
    es.addEventListener('message', handle);
    for (const type of allTypes) es.addEventListener(type, handle);
    return { close: () => es.close() };
  }

  // ---- polling, when the stream fails.
  let pollTimer = 0;
  let polling = false;
  let pollBusy = false;
  let pollPosition = -1;

  function startPolling() {
    if (polling) return;
    polling = true;
    setMode('poll');
    schedulePoll(0);
  }
  function stopPolling() {
    polling = false;
    clearTimeout(pollTimer);
    pollTimer = 0;
  }
  function schedulePoll(delay) {
    if (polling && running && !paused && !pollTimer && !document.hidden) pollTimer = setTimeout(poll, delay);
  }
  async function poll() {
    pollTimer = 0;
    if (!polling || paused || pollBusy) return;
    pollBusy = true;
    const started = performance.now();
    const mine = gen;
    try {
      const [geo, summary] = await Promise.all([api.yardGeoJSON(), api.summary()]);
      if (mine !== gen) return;
      failingSince = null;
      const position = geo.position ?? summary.position ?? 0;
      emitYard(geo, summary, null, null);
      const pending = [];
      if (position !== pollPosition && performance.now() - vesselsLast >= vesselsMs) {
        vesselsLast = performance.now();
        pending.push(api.vessels().then((list) => mine === gen && emit('vessels', list)));
      }
      pollPosition = position;
      const count = Object.values(summary.anomalies ?? {}).reduce((a, b) => a + b, 0);
      if (count !== anomalyCount) {
        pending.push(api.anomalies().then((list) => {
          if (mine !== gen) return;
          anomalyCount = count;
          emit('anomalies', list);
        }));
      }
      await Promise.all(pending);
    } catch (error) {
      if (mine === gen) failed(error);
    } finally {
      pollBusy = false;
      schedulePoll(Math.max(0, pollMs - (performance.now() - started)));
    }
  }

  function onVisibility() {
    if (document.hidden) return;
    schedulePoll(0);
    if (yardWanted && !paused) wantYard(null);
  }

  let resyncTimer = 0;

  // ---- the past.
  let pastSeq = 0;

  return {
    /** on subscribes fn to events of type; it returns a function that unsubscribes. */
    on(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type).add(fn);
      return () => listeners.get(type).delete(fn);
    },
    /** stream is how the feed follows the yard: 'connecting', 'sse' or 'poll'. */
    get stream() {
      return mode;
    },
    start() {
      if (running) return;
      running = true;
      document.addEventListener('visibilitychange', onVisibility);
      resync(); // the first picture, without waiting for the stream
      if (!stream || typeof EventSource === 'undefined') startPolling();
      else openStream();
      resyncTimer = setInterval(() => mode === 'sse' && !paused && resync(), resyncMs);
    },
    stop() {
      running = false;
      source?.close();
      source = null;
      stopPolling();
      clearTimeout(retryTimer);
      clearInterval(resyncTimer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    /** pause stops applying live changes (the page shows the past). */
    pause() {
      if (paused) return;
      paused = true;
      gen++;
      clearTimeout(pollTimer);
      pollTimer = 0;
    },
    /** resume applies live changes again, starting with a full refresh. */
    resume() {
      if (!paused) return;
      paused = false;
      gen++;
      pastSeq++; // an answer about the past still on its way is no longer wanted
      resync();
      schedulePoll(0);
    },
    /**
     * loadAt fetches the yard as it was at the moment at (a Date) and emits 'yard' (with past set),
     * 'vessels' and 'anomalies' from it. Only the latest call's answers are emitted; it resolves
     * when they are (or when they are dropped), and rejects when the twin does not answer.
     */
    async loadAt(at) {
      const mine = ++pastSeq;
      const opts = { at };
      try {
        const [geo, summary, visits, list] = await Promise.all([
          api.yardGeoJSON(opts), api.summary(opts), api.vessels(opts), api.anomalies(opts),
        ]);
        if (mine !== pastSeq || !paused) return false;
        failingSince = null;
        emitYard(geo, summary, at, null);
        emit('vessels', visits);
        emit('anomalies', list);
        return true;
      } catch (error) {
        if (mine === pastSeq && paused) failed(error);
        throw error;
      }
    },
  };
}
