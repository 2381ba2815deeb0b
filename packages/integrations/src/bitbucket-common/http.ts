import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '@portalkit/core';

/**
 * A small HTTP client for one Bitbucket host's REST API: every request carries the host's
 * `Authorization`, goes through the integration's host fetch, and a failed response becomes a
 * typed error naming the request (never its credentials).
 * @example
 * ```ts
 * declare const http: BitbucketHttp;
 * const repository = await http.json<{ slug: string }>('https://git.example.com/rest/api/1.0/projects/ACME/repos/web');
 * ```
 */
export interface BitbucketHttp {
  /** A response with status 2xx (or 304 when `allowNotModified`); anything else throws. */
  request(url: string, init?: RequestInit & { allowNotModified?: boolean }): Promise<Response>;
  /** `request` + the JSON body, typed by the caller from the host's published schema. */
  json<T>(url: string, init?: RequestInit): Promise<T>;
}

/** Options of {@link createBitbucketHttp} (internal). */
export interface BitbucketHttpOptions {
  /** The integration's fetch (`createHostFetch`): origin allow-list and redirect checks. */
  fetch: typeof fetch;
  /** The `Authorization` header value, or undefined for anonymous requests. */
  authorization: (() => string | undefined) | undefined;
  /** Names the host in messages, e.g. `Bitbucket Cloud`. */
  title: string;
  /** Pulls the host's error message out of an error body (Cloud and Server differ). */
  errorMessage: (body: unknown) => string | undefined;
}

/** Create a {@link BitbucketHttp}. */
export function createBitbucketHttp(options: BitbucketHttpOptions): BitbucketHttp {
  const request: BitbucketHttp['request'] = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    const authorization = options.authorization?.();
    if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
    const response = await options.fetch(url, { ...init, headers });
    if (response.ok || (init.allowNotModified && response.status === 304)) return response;
    throw await toError(response, `${init.method ?? 'GET'} ${displayUrl(url)}`, options);
  };
  return {
    request,
    async json<T>(url: string, init?: RequestInit): Promise<T> {
      const response = await request(url, { ...init, headers: { accept: 'application/json', ...(init?.headers as Record<string, string>) } });
      try {
        return (await response.json()) as T;
      } catch (error) {
        throw new ServiceUnavailableError(`${options.title} answered ${displayUrl(url)} with a body that is not JSON`, { cause: error });
      }
    },
  };
}

/** The URL without query or credentials, short enough for a message. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`.slice(0, 300);
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}

/** A failed response as the typed error a caller can act on. */
async function toError(response: Response, what: string, options: BitbucketHttpOptions): Promise<Error> {
  const text = await response.text().catch(() => '');
  let hostMessage: string | undefined;
  try {
    hostMessage = options.errorMessage(JSON.parse(text));
  } catch {
    hostMessage = undefined;
  }
  // The host's message is untrusted text: bounded, on one line.
  const detail = hostMessage ? `: ${hostMessage.replace(/\s+/g, ' ').slice(0, 300)}` : '';
  const status = response.status;
  const message = `${options.title}: ${what} failed with ${status}${detail}`;
  if (status === 401) return new AuthenticationError(message);
  if (status === 429 || (status === 403 && response.headers.get('x-ratelimit-remaining') === '0')) {
    return new ServiceUnavailableError(`${message} (rate limited${retryAfter(response)})`);
  }
  if (status === 403) return new NotAllowedError(message);
  if (status === 404) return new NotFoundError(message);
  if (status === 409) return new ConflictError(message);
  if (status === 413) return new PayloadTooLargeError(message);
  if (status >= 500) return new ServiceUnavailableError(message);
  if (status >= 300 && status < 400) return new NotAllowedError(`${message} (a redirect the integration does not follow)`);
  return new InputError(message);
}

/** `Retry-After` (seconds or a date) or `X-RateLimit-Reset` (epoch seconds) as a readable hint. */
function retryAfter(response: Response): string {
  const header = response.headers.get('retry-after');
  if (header) {
    const seconds = /^\d+$/.test(header) ? Number(header) : Math.ceil((Date.parse(header) - Date.now()) / 1000);
    if (Number.isFinite(seconds)) return `; retry after ${Math.max(0, seconds)}s`;
  }
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  if (reset > 0) return `; the limit resets at ${new Date(reset * 1000).toISOString()}`;
  return '';
}
