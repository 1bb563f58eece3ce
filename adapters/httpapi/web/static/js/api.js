// The twin's HTTP API, as promises of parsed JSON. URLs are relative to the page, so the UI works
// when a proxy mounts the twin under a path prefix.

/** ApiError is a failed call: an HTTP status (0 when the server was not reached) and a message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

const base = new URL('api/v1/', document.baseURI);

/** timeoutMs bounds every call, so a hung request cannot stall the refresh loop. */
const timeoutMs = 8000;

/** getJSON fetches a path under /api/v1/ and returns its JSON, or throws an ApiError. */
export async function getJSON(path, { signal } = {}) {
  const url = new URL(path, base);
  const timeout = AbortSignal.timeout(timeoutMs);
  let res;
  try {
    res = await fetch(url, {
      headers: { Accept: 'application/json, application/geo+json' },
      cache: 'no-store',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new ApiError(0, err.name === 'TimeoutError' ? `GET ${url.pathname}: no answer in ${timeoutMs / 1000} s` : `GET ${url.pathname}: ${err.message}`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    // a proxy's HTML error page, an empty body: reported below by status
  }
  if (!res.ok) throw new ApiError(res.status, body?.error || `${res.status} ${res.statusText}`);
  if (body == null) throw new ApiError(res.status, `GET ${url.pathname}: the answer is not JSON`);
  return body;
}

/** rfc3339 writes a Date (or epoch ms) as an RFC 3339 time in UTC, to the second. */
export function rfc3339(at) {
  const d = at instanceof Date ? at : new Date(at);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * query appends parameters to a path, leaving out those null or empty; Dates become RFC 3339. The
 * read endpoints of the yard take `at` (the yard as it was at that event time).
 */
function query(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === '') continue;
    q.set(k, v instanceof Date || typeof v === 'number' ? rfc3339(v) : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** layout is the terminal layout, a GeoJSON FeatureCollection in WGS84. */
export const layout = (opts) => getJSON('layout.geojson', opts);

/** yardGeoJSON is the blocks with their fill and the equipment positions, plus `position`; at: a past moment. */
export const yardGeoJSON = ({ at, ...opts } = {}) => getJSON(query('yard.geojson', { at }), opts);

/** summary is the yard's totals (containers, in_yard, fill, blocks, anomalies, …). */
export const summary = ({ at, ...opts } = {}) => getJSON(query('yard', { at }), opts);

/** container is one container's record; an ApiError with status 404 (unknown) or 400 (malformed). */
export const container = (id, { at, ...opts } = {}) => getJSON(query(`containers/${encodeURIComponent(id)}`, { at }), opts);

/** block is a block's bay × row × tier view: its stacks with their boxes. */
export const block = (id, { at, ...opts } = {}) => getJSON(query(`blocks/${encodeURIComponent(id)}`, { at }), opts);

/** vessels is every vessel visit. */
export const vessels = ({ at, ...opts } = {}) => getJSON(query('vessels', { at }), opts).then((b) => b.vessels ?? []);

/** anomalies is the newest anomalies the twin keeps, oldest first. */
export const anomalies = ({ at, ...opts } = {}) => getJSON(query('anomalies', { at }), opts).then((b) => b.anomalies ?? []);

/** kpis is the KPI report of a window of event time: {from, to} (RFC 3339 or Dates), either open. */
export const kpis = ({ from, to, ...opts } = {}) => getJSON(query('kpis', { from, to }), opts);

/**
 * firstEventTime is the event time of the first event in the log, read from the first message of
 * GET /api/v1/stream?from=1 (the request is dropped as soon as it arrives), or null when the log is
 * empty or the stream does not answer within timeoutMs.
 */
export async function firstEventTime({ timeoutMs = 5000 } = {}) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(new URL('stream?from=1', base), { headers: { Accept: 'text/event-stream' }, cache: 'no-store', signal: ctl.signal });
    if (!res.ok || !res.body) return null;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      text += dec.decode(value, { stream: true });
      const m = /^data: (.*)\n/m.exec(text);
      if (m) {
        const t = Date.parse(JSON.parse(m[1]).time);
        return Number.isFinite(t) ? t : null;
      }
    }
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
}

/** streamURL is the address of the live event stream. */
export const streamURL = () => new URL('stream', base).href;
