// Thin fetch wrappers around portalkit's Backstage-compatible REST APIs. Every call carries the
// signed-in user's access token; a 401 means the token is no longer accepted (signed out).
import { accessToken, handleUnauthorized } from './session.js';

/** Error carrying the Backstage error body (`{ error: { name, message } }`) when there is one. */
export class ApiError extends Error {
  constructor(status, name, message) {
    super(message);
    this.status = status;
    this.name = name;
  }
}

/** `init.headers` plus the bearer token, when signed in. */
export function withAuth(headers = {}) {
  const token = accessToken();
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

async function request(path, init = {}) {
  const res = await fetch(path, { ...init, headers: withAuth(init.headers ?? { accept: 'application/json' }) });
  if (!res.ok) {
    let name = 'Error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body?.error?.message) ({ name = name, message } = body.error);
    } catch {
      // not JSON; keep the status line
    }
    if (res.status === 401) {
      handleUnauthorized('the portal did not accept your sign-in');
      throw new ApiError(401, name, 'You are signed out: your sign-in is no longer valid. Sign in again.');
    }
    if (res.status === 403) throw new ApiError(403, name, `Not allowed: ${message}`);
    throw new ApiError(res.status, name, message);
  }
  return res;
}

export async function getJson(path, init) {
  return (await request(path, init)).json();
}

export async function getText(path, init) {
  return (await request(path, { ...init, headers: { accept: 'text/html,*/*' } })).text();
}

export async function postJson(path, body, method = 'POST') {
  const res = await request(path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** Builds a query string; array values repeat the key (`facet=a&facet=b`). */
export function qs(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [value].flat()) if (v !== undefined && v !== null && v !== '') search.append(key, String(v));
  }
  const str = search.toString();
  return str ? `?${str}` : '';
}

const enc = encodeURIComponent;

export const catalogApi = {
  query: (params) => getJson(`/api/catalog/entities/by-query${qs(params)}`),
  facets: (facets, filter) => getJson(`/api/catalog/entity-facets${qs({ facet: facets, filter })}`),
  byName: (kind, namespace, name) => getJson(`/api/catalog/entities/by-name/${enc(kind)}/${enc(namespace)}/${enc(name)}`),
  /** Fetches many entities by ref in one call (Backstage `POST /entities/by-refs`). */
  byRefs: (entityRefs, fields) => postJson(`/api/catalog/entities/by-refs${qs({ fields })}`, { entityRefs }),
  /** Write-back (docs/write-back.md): `{ patch, title? }`; answers how the change went. */
  update: (kind, namespace, name, update) => postJson(`/api/catalog/entities/by-name/${enc(kind)}/${enc(namespace)}/${enc(name)}`, update, 'PATCH'),
  /** Walks relations from roots (portalkit's `POST /entities/graph`, docs/catalog-graph.md). */
  graph: (body) => postJson('/api/catalog/entities/graph', body),
};

export const scaffolderApi = {
  parameterSchema: (namespace, kind, name) => getJson(`/api/scaffolder/v2/templates/${enc(namespace)}/${enc(kind)}/${enc(name)}/parameter-schema`),
  createTask: (templateRef, values) => postJson('/api/scaffolder/v2/tasks', { templateRef, values }),
  task: (id) => getJson(`/api/scaffolder/v2/tasks/${enc(id)}`),
  /** The task's events (`{ type, data }`) as they come; EventSource cannot send the bearer token, fetch can. */
  eventStream: (id, onEvent, signal) => readEventStream(`/api/scaffolder/v2/tasks/${enc(id)}/eventstream`, onEvent, signal),
};

export const catalogLocationsApi = {
  /** Backstage `POST /locations`: register a catalog file by URL. */
  register: (target) => postJson('/api/catalog/locations', { type: 'url', target }),
};

/**
 * Reads a `text/event-stream` response until it ends or `onEvent` returns `false`; resolves then,
 * rejects on HTTP errors.
 */
export async function readEventStream(path, onEvent, signal) {
  const res = await request(path, { signal, headers: { accept: 'text/event-stream' } });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length && onEvent({ type, data: data.join('\n') }) === false) {
        await reader.cancel().catch(() => {});
        return;
      }
    }
  }
}

export const techdocsApi = {
  // Built sites' URLs are made (and checked) in docs-path.js only.
  syncUrl: (namespace, kind, name) => `/api/techdocs/sync/${enc(namespace)}/${enc(kind.toLowerCase())}/${enc(name)}`,
  metadata: (namespace, kind, name) => getJson(`/api/techdocs/metadata/techdocs/${enc(namespace)}/${enc(kind.toLowerCase())}/${enc(name)}`),
};

export const searchApi = {
  query: (term, types, pageCursor) => {
    const params = { term, pageCursor };
    (types ?? []).forEach((t, i) => (params[`types[${i}]`] = t));
    return getJson(`/api/search/query${qs(params)}`);
  },
};

/** A catalog scorecard (`scorecard:<namespace>/<name>`) as `<namespace>/<name>`, so no slash is encoded; a code one by its id. */
const scorecardPath = (id) => {
  const match = /^scorecard:([^/]+)\/(.+)$/.exec(id);
  return match ? `${enc(match[1])}/${enc(match[2])}` : enc(id);
};

export const scorecardsApi = {
  list: () => getJson('/api/scorecards/scorecards'),
  summary: (id, worst) => getJson(`/api/scorecards/scorecards/${scorecardPath(id)}${qs({ worst })}`),
  entity: (kind, namespace, name) => getJson(`/api/scorecards/entities/${enc(kind)}/${enc(namespace)}/${enc(name)}`),
};
