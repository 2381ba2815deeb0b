import { Gitlab } from '@gitbeaker/rest';
import { gitlabResponseError } from './errors.js';

/**
 * What Gitbeaker hands a requester: its preconfigured and auth headers (the rest of its resource
 * options are ignored; the URL comes from our API base, not from Gitbeaker's `host`).
 */
interface ServiceOptions {
  headers?: Record<string, string>;
  authHeaders?: Record<string, () => Promise<string>>;
}
interface RequestOptions {
  searchParams?: Record<string, unknown>;
  body?: unknown;
  asStream?: boolean;
  signal?: AbortSignal;
  sudo?: string | number;
}

/**
 * A Gitbeaker client whose every request goes through `fetch` (the integration's host fetch)
 * to `apiBaseUrl`. @gitbeaker/rest calls the global `fetch` itself and retries 429s silently,
 * so it gets its own `requesterFn` (Gitbeaker's documented hook for custom transports): one
 * request per call, failures as portalkit's typed errors.
 */
export function createGitlabClient(options: {
  apiBaseUrl: string;
  fetch: typeof fetch;
  /** A personal/project access token (`PRIVATE-TOKEN`) or an OAuth token (`Authorization: Bearer`). */
  auth?: { token: string } | { oauthToken: string } | undefined;
  what: string;
}): Gitlab {
  const apiBase = options.apiBaseUrl.replace(/\/+$/, '');
  const requesterFn = (service: ServiceOptions) => {
    const call = (method: string) => async (endpoint: string, request: RequestOptions = {}) => {
      const url = new URL(`${apiBase}/${endpoint.replace(/^\/+/, '')}`);
      url.search = formatQuery(request.searchParams ?? {});
      const headers: Record<string, string> = { ...service.headers };
      for (const [name, value] of Object.entries(service.authHeaders ?? {})) headers[name] = await value();
      if (request.sudo !== undefined) headers.sudo = String(request.sudo);
      let body: BodyInit | undefined;
      if (request.body instanceof FormData) body = request.body;
      else if (request.body !== undefined) {
        body = JSON.stringify(decamelizeKeys(request.body));
        headers['content-type'] = 'application/json';
      }
      const response = await options.fetch(url, { method, headers, ...(body ? { body } : {}), ...(request.signal ? { signal: request.signal } : {}) });
      if (!response.ok) throw await gitlabResponseError(response, `${options.what} ${method} /${endpoint.split('?')[0]}`);
      return { body: request.asStream ? response.body : await readBody(response), headers: Object.fromEntries(response.headers), status: response.status };
    };
    return { get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), delete: call('DELETE') };
  };
  return new Gitlab({
    host: apiBase,
    ...options.auth,
    requesterFn: requesterFn as never,
    queryTimeout: 60_000,
  });
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') return (await response.json()) ?? {};
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}

const decamelize = (key: string) => key.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();

/** Gitbeaker sends camelCase options; GitLab reads snake_case (deep, as Gitbeaker's xcase does). */
export function decamelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decamelizeKeys);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [decamelize(key), decamelizeKeys(inner)]));
  }
  return value;
}

/** A query string as Gitbeaker's `qs` would write it (arrays as `key[]`, objects as `key[sub]`). */
export function formatQuery(params: Record<string, unknown>): string {
  const query = new URLSearchParams();
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) for (const item of value) add(`${key}[]`, item);
    else if (typeof value === 'object') for (const [sub, inner] of Object.entries(value)) add(`${key}[${decamelize(sub)}]`, inner);
    else query.append(key, String(value));
  };
  for (const [key, value] of Object.entries(params)) add(decamelize(key), value);
  return query.toString();
}
