// What the page measures of itself, for browser tests and for anyone curious (open the console and
// read window.__yardtwinPerf):
//
//   frames               the time spent drawing each of the last 120 frames of the map, in ms
//   lastUpdateLatencyMs  for the last live change shown: the time from receiving the stream message
//                        that announced it to the end of the map frame that shows it, in ms (a block
//                        change includes the refetch of the yard, which is throttled to one a second)
//   latencies            the last 120 such latencies, in ms
//   updates              live changes applied since the page loaded (also #status[data-updates])

const keep = 120;

export const perf = { frames: [], lastUpdateLatencyMs: null, latencies: [], updates: 0 };
window.__yardtwinPerf = perf;

let pending = null; // when the oldest message applied but not yet drawn was received

function push(list, v) {
  list.push(Math.round(v * 100) / 100);
  if (list.length > keep) list.splice(0, list.length - keep);
}

/** frameDrawn records a frame of the map that took ms to draw and ended at end (performance.now()). */
export function frameDrawn(ms, end) {
  push(perf.frames, ms);
  if (pending != null) {
    perf.lastUpdateLatencyMs = Math.round((end - pending) * 100) / 100;
    push(perf.latencies, end - pending);
    pending = null;
  }
}

/**
 * updateApplied counts one live change applied, received at receivedAt (performance.now() of the
 * stream message, or null when it did not come from the stream); the next frame drawn shows it.
 */
export function updateApplied(receivedAt) {
  perf.updates++;
  if (receivedAt != null) pending = pending == null ? receivedAt : Math.min(pending, receivedAt);
}
