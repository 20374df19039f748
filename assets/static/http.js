// The page's requests: getJSON for every read, and the write client of the
// editor (write, getIncident, checkToken) with problemOf, which reads a
// refused answer's problem+json document for display.

// getJSON fetches url and returns its JSON, or null for a 404 (a layer the
// server does not have); other failures throw.
export async function getJSON(url, signal) {
  const res = await fetch(url, { signal, headers: { Accept: 'application/geo+json, application/json' } });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

// problemOf reads the problem+json document of a failed answer: its status,
// its detail (or the status), and its field errors.
export async function problemOf(res) {
  let doc = null;
  try {
    if ((res.headers.get('Content-Type') || '').includes('json')) doc = await res.json();
  } catch {
    doc = null;
  }
  return {
    status: res.status,
    detail: typeof doc?.detail === 'string' && doc.detail ? doc.detail : `HTTP ${res.status}`,
    errors: Array.isArray(doc?.errors) ? doc.errors.filter((e) => e && typeof e.message === 'string') : [],
  };
}

// write sends a change with token, the ETag to match and the reason.
export function write(method, url, { token, body, etag, reason } = {}) {
  const headers = { Accept: 'application/geo+json, application/problem+json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/geo+json';
  if (etag) headers['If-Match'] = etag;
  if (reason) headers['X-Change-Reason'] = encodeURIComponent(reason);
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
}

// getIncident reads an incident as stored now, with its ETag, or the
// problem that refused it.
export async function getIncident(id) {
  const res = await fetch(`/api/incidents/${encodeURIComponent(id)}`, { cache: 'no-store', headers: { Accept: 'application/geo+json' } });
  if (!res.ok) return { problem: await problemOf(res) };
  return { feature: await res.json(), etag: res.headers.get('ETag') };
}

// checkToken tries token with a dry-run import of nothing, which writes
// nothing and answers 200 for the server's token, 401 for another and 403
// when writes are off.
export function checkToken(token) {
  return fetch('/api/import?dry_run=true', {
    method: 'POST',
    cache: 'no-store',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json', Accept: 'application/json' },
    body: '{"type":"FeatureCollection","features":[]}',
  });
}
