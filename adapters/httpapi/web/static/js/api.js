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

/** layout is the terminal layout, a GeoJSON FeatureCollection in WGS84. */
export const layout = (opts) => getJSON('layout.geojson', opts);

/** yardGeoJSON is the blocks with their fill and the equipment positions, plus `position`. */
export const yardGeoJSON = (opts) => getJSON('yard.geojson', opts);

/** summary is the yard's totals (containers, in_yard, fill, blocks, anomalies, …). */
export const summary = (opts) => getJSON('yard', opts);

/** container is one container's record; an ApiError with status 404 (unknown) or 400 (malformed). */
export const container = (id, opts) => getJSON(`containers/${encodeURIComponent(id)}`, opts);

/** vessels is every vessel visit. */
export const vessels = (opts) => getJSON('vessels', opts).then((b) => b.vessels ?? []);

/** anomalies is the newest anomalies the twin keeps, oldest first. */
export const anomalies = (opts) => getJSON('anomalies', opts).then((b) => b.anomalies ?? []);
