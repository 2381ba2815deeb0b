// Thin fetch wrappers around portalkit's Backstage-compatible REST APIs.

/** Error carrying the Backstage error body (`{ error: { name, message } }`) when there is one. */
export class ApiError extends Error {
  constructor(status, name, message) {
    super(message);
    this.status = status;
    this.name = name;
  }
}

async function request(path, init) {
  const res = await fetch(path, { headers: { accept: 'application/json' }, ...init });
  if (!res.ok) {
    let name = 'Error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body?.error?.message) ({ name = name, message } = body.error);
    } catch {
      // not JSON; keep the status line
    }
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

export async function postJson(path, body) {
  const res = await request(path, {
    method: 'POST',
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
};

export const scaffolderApi = {
  parameterSchema: (namespace, kind, name) => getJson(`/api/scaffolder/v2/templates/${enc(namespace)}/${enc(kind)}/${enc(name)}/parameter-schema`),
  createTask: (templateRef, values) => postJson('/api/scaffolder/v2/tasks', { templateRef, values }),
  task: (id) => getJson(`/api/scaffolder/v2/tasks/${enc(id)}`),
  eventStreamUrl: (id) => `/api/scaffolder/v2/tasks/${enc(id)}/eventstream`,
};

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

export const scorecardsApi = {
  list: () => getJson('/api/scorecards/scorecards'),
  summary: (id, worst) => getJson(`/api/scorecards/scorecards/${enc(id)}${qs({ worst })}`),
  entity: (kind, namespace, name) => getJson(`/api/scorecards/entities/${enc(kind)}/${enc(namespace)}/${enc(name)}`),
};
