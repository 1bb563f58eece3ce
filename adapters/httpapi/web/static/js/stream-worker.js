// A dedicated (module) worker that follows the live event stream (GET /api/v1/stream) for feed.js. The
// EventSource lives here so that reading and parsing a burst of events (a reconnection resumes with
// Last-Event-ID and may catch up thousands) never holds up the map's frames, and each message is
// cut down to what the page uses before it crosses to the main thread. Messages that arrive together
// are posted together, as soon as the worker is idle.
//
// In:  {cmd: 'open', url, types}  follow url, listening to the event types named
//      {cmd: 'close'}              stop
// Out: {kind: 'open'}, {kind: 'error', closed}, {kind: 'unsupported'} (no EventSource in workers
//      here), {kind: 'events', events: [{type, time, position,
//      receivedAt, machine?, status?, block?}]} where receivedAt is performance.timeOrigin +
//      performance.now() when the message arrived, time the event time in epoch ms.

import { streamEvent } from './stream-event.js';

let es = null;
let queue = [];
let timer = 0;

function flush() {
  timer = 0;
  const events = queue;
  queue = [];
  postMessage({ kind: 'events', events });
}

function onEvent(e) {
  const ev = streamEvent(e, performance.timeOrigin + performance.now());
  if (!ev) return;
  queue.push(ev);
  if (!timer) timer = setTimeout(flush, 0);
}

onmessage = ({ data }) => {
  if (data.cmd === 'open' && !es) {
    if (typeof EventSource === 'undefined') {
      postMessage({ kind: 'unsupported' }); // the page follows the stream itself
      return;
    }
    es = new EventSource(data.url);
    es.addEventListener('open', () => postMessage({ kind: 'open' }));
    es.addEventListener('error', () => postMessage({ kind: 'error', closed: es.readyState === EventSource.CLOSED }));
    es.addEventListener('message', onEvent);
    for (const type of data.types) es.addEventListener(type, onEvent);
  } else if (data.cmd === 'close') {
    es?.close();
    es = null;
  }
};
